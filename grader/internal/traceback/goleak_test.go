package traceback

import "testing"

// goleak's error names goroutines in a header of its own; the student's
// lines must still be found in it.
func TestGoleakFormat(t *testing.T) {
	text := "found unexpected goroutines:\n" +
		"[Goroutine 20 in state chan send, with gl.Search.func1 on top of the stack:\n" +
		"gl.Search.func1()\n\t/course/exercises/27-leaky-search/search.go:40 +0x1e\n" +
		"created by gl.Search in goroutine 19\n\t/course/exercises/27-leaky-search/search.go:38 +0x66\n" +
		" Goroutine 21 in state chan send, with gl.Search.func1 on top of the stack:\n" +
		"gl.Search.func1()\n\t/course/exercises/27-leaky-search/search.go:40 +0x1e\n" +
		"]"
	gs := Goroutines(text)
	if len(gs) != 2 || gs[0].ID != 20 || gs[1].ID != 21 || gs[0].State != "chan send" {
		t.Fatalf("Goroutines = %+v", gs)
	}
	f := Filter{Dir: "/course/exercises/27-leaky-search", Root: "/course"}
	got := DescribeBlocked(gs, f)
	want := "  goroutine 20 is waiting to send on a channel (chan send) at exercises/27-leaky-search/search.go:40 (in Search), started at exercises/27-leaky-search/search.go:38\n" +
		"  goroutine 21 is waiting to send on a channel (chan send) at exercises/27-leaky-search/search.go:40 (in Search)\n"
	if got != want {
		t.Errorf("DescribeBlocked =\n%s\nwant\n%s", got, want)
	}
}
