package check

import (
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/traceback"
)

// NoneCanCome reports whether no goroutine of the student's code can still
// get to the test's fake: every goroutine with a frame in the student's
// files is either inside the fake (a frame whose function name contains
// one of inFake, e.g. "(*vault).Lock") or waits on something that is not
// the fake (a channel, a lock, a sleep). A barrier in a fake that holds
// everyone until all have arrived polls it, and gives up at once on an
// answer that does not let them come (one lock around everything, one
// person after another), instead of after a long bounded wait.
func NoneCanCome(inFake ...string) bool {
	return noneCanCome(allStacks(), student(), inFake)
}

func noneCanCome(dump string, mine traceback.Filter, inFake []string) bool {
	for _, g := range traceback.Goroutines(dump) {
		if _, ok := firstMine(g.Frames, mine); !ok || strings.HasPrefix(g.State, "running") {
			continue // not the student's, or the goroutine asking
		}
		in := false
		for _, f := range g.Frames {
			for _, name := range inFake {
				in = in || strings.Contains(f.Func, name)
			}
		}
		if !in && !waiting(g.State) {
			return false // runnable in the student's code: it may still come
		}
	}
	return true
}

func firstMine(frames []traceback.Frame, mine traceback.Filter) (traceback.Frame, bool) {
	for _, f := range frames {
		if mine.Mine(f.File) {
			return f, true
		}
	}
	return traceback.Frame{}, false
}

// waiting reports whether a goroutine in state is blocked on a channel, a
// lock, a WaitGroup, a Cond or a sleep (not running, runnable, or in the
// garbage collector).
func waiting(state string) bool {
	state = strings.TrimSuffix(state, " (durable)")
	for _, w := range []string{"chan ", "select", "sync.", "semacquire", "sleep"} {
		if strings.HasPrefix(state, w) {
			return true
		}
	}
	return false
}

// Waiting says where the student's goroutines are at this moment, grouped
// ("  2 goroutines wait to send on a channel at exercises/.../pool.go:28
// (in Run)"), for a test that gave up waiting on a call; "" when none of
// them is left.
func Waiting() string {
	var gs []traceback.Goroutine
	for _, g := range traceback.Goroutines(allStacks()) {
		if g.State != "running" {
			gs = append(gs, g)
		}
	}
	return describeGrouped(gs, student())
}
