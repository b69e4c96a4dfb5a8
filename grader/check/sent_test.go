package check

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-concurrency-lab/course/grader/internal/traceback"
)

func TestEndedOrSentAtReturn(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "play.go")
	src := `package play

func Play(done, stop chan struct{}) {
	go func() {
		defer func() { done <- struct{}{} }()
		<-stop
	}()
}
`
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	mine := traceback.Filter{Dir: dir, Root: dir}
	g := func(id, state string, line int) string {
		return "goroutine " + id + " [" + state + "]:\nplay.Play.func1()\n\t" + file + ":" + strconv.Itoa(line) +
			" +0x1e\ncreated by play.Play in goroutine 1\n\t" + file + ":4 +0x7f"
	}
	running := "goroutine 1 [running]:\nmain.main()\n\t/elsewhere/main.go:9 +0x14"
	run := func(blocks ...string) (bool, string) {
		ft := &fakeT{}
		ok := endedOrSentAtReturn(ft, "Play returned", strings.Join(append([]string{running}, blocks...), "\n\n"), mine)
		return ok, strings.Join(ft.errs, "\n")
	}
	// Its last send was taken: it only returns now.
	if ok, msg := run(g("5", "runnable", 5)); !ok {
		t.Errorf("a goroutine runnable at its send failed: %s", msg)
	}
	// Woken at its receive (told to stop), or still waiting at its send: not ended.
	for _, b := range []string{g("6", "runnable", 6), g("7", "chan send", 5), g("8", "chan receive", 6)} {
		if ok, _ := run(g("5", "runnable", 5), b); ok {
			t.Errorf("passed with\n%s", b)
		}
	}
	if ok, msg := run(g("6", "runnable", 6)); ok || !strings.Contains(msg, "play.go:6") {
		t.Errorf("a goroutine woken at its receive: ok %v, message %q", ok, msg)
	}
	// The grader's yield hook on top of the stack is left out.
	hooked := "goroutine 9 [runnable]:\nplay.zzGraderYield(...)\n\t" + filepath.Join(dir, "zz_grader_seal0.go") + ":7\n" +
		strings.SplitN(g("9", "runnable", 6), "\n", 2)[1]
	if ok, msg := run(hooked); ok || !strings.Contains(msg, "play.go:6") || strings.Contains(msg, "zz_grader") {
		t.Errorf("a goroutine in the yield hook: ok %v, message %q", ok, msg)
	}
}
