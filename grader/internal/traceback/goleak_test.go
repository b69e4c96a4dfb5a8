package traceback

import (
	"fmt"
	"testing"
)

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
	want := "  1 goroutine waits to send on a channel at exercises/27-leaky-search/search.go:40 (in Search), started at exercises/27-leaky-search/search.go:38\n" +
		"  1 goroutine waits to send on a channel at exercises/27-leaky-search/search.go:40 (in Search)\n"
	if got != want {
		t.Errorf("DescribeBlocked =\n%s\nwant\n%s", got, want)
	}
}

// In a synctest bubble, goleak's header carries the bubble after the state
// ("[Goroutine 52 in state sync.WaitGroup.Wait (durable), synctest bubble 7,
// with ... on top of the stack:"); identical goroutines make one line.
func TestGoleakSynctestFormat(t *testing.T) {
	g := func(id int) string {
		return fmt.Sprintf(" Goroutine %d in state chan receive (durable), synctest bubble 1, with pc.Run.func2 on top of the stack:\n"+
			"pc.Run.func2()\n\t/course/exercises/11-producer-consumer/prodcons.go:31 +0x53\n"+
			"sync.(*WaitGroup).Go.func1()\n\t/usr/local/go/src/sync/waitgroup.go:258 +0x4a\n"+
			"created by sync.(*WaitGroup).Go in goroutine 8\n\t/usr/local/go/src/sync/waitgroup.go:238 +0x73\n", id)
	}
	text := "found unexpected goroutines:\n" +
		"[Goroutine 8 in state sync.WaitGroup.Wait (durable), synctest bubble 1, with sync.runtime_SemacquireWaitGroup on top of the stack:\n" +
		"sync.runtime_SemacquireWaitGroup(0xc00007a5a0?, 0x73?)\n\t/usr/local/go/src/runtime/sema.go:114 +0x2e\n" +
		"sync.(*WaitGroup).Wait(0xc0001b0630)\n\t/usr/local/go/src/sync/waitgroup.go:206 +0xc5\n" +
		"pc.Run({0xc00005e880, 0x3, 0x2?}, 0x4, 0x2, 0xc000028700)\n\t/course/exercises/11-producer-consumer/prodcons.go:41 +0x29b\n" +
		"pc_test.TestEveryItemOnce.func1(0xc0000fe488)\n\t/course/exercises/11-producer-consumer/prodcons_test.go:154 +0x399\n" +
		"created by testing/synctest.testingSynctestTest in goroutine 19\n\t/usr/local/go/src/testing/testing.go:2150 +0x5fd\n" +
		g(12) + g(13) + g(14) + g(15) + "]"
	gs := Goroutines(text)
	if len(gs) != 5 || gs[0].State != "sync.WaitGroup.Wait" || !gs[0].Bubble || gs[1].State != "chan receive" {
		t.Fatalf("Goroutines = %+v", gs)
	}
	f := Filter{Dir: "/course/exercises/11-producer-consumer", Root: "/course"}
	got := DescribeBlocked(gs, f)
	want := "  1 goroutine waits in WaitGroup.Wait at exercises/11-producer-consumer/prodcons.go:41 (in Run)\n" +
		"  4 goroutines wait to receive from a channel at exercises/11-producer-consumer/prodcons.go:31 (in Run)\n"
	if got != want {
		t.Errorf("DescribeBlocked =\n%s\nwant\n%s", got, want)
	}
}
