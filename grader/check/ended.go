package check

import (
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/go-concurrency-lab/course/grader/internal/traceback"
)

// EndedAtReturn runs call, a call that promises the goroutines it started
// have ended when it returns (Primes, Count ...), and looks at the very
// moment it returns: it fails t when a goroutine that runs the student's
// code is still there, blocked or only about to end. what names the
// moment, e.g. "Primes returned".
//
// Settled lets the other goroutines run first (synctest.Wait), so it
// accepts a call that cancels its goroutines and returns without waiting:
// they end a moment later, by themselves. EndedAtReturn does not. It runs
// call with GOMAXPROCS 1, where no other goroutine runs until the calling
// one blocks, and takes the goroutine dump right after call returns,
// before the calling goroutine can block. A call that waits for its
// goroutines (a WaitGroup, a channel each closes as it ends) has them gone
// by then; one that does not has them still there: the verdict is the same
// on every run and any number of cores. It works outside a bubble and
// inside one; call it from the goroutine that makes the call.
func EndedAtReturn(t TB, what string, call func()) bool {
	t.Helper()
	// Allocated before the call: a large allocation right after it could
	// make this goroutine wait for the garbage collector, and let others run.
	buf := make([]byte, 256<<10)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	// A fresh time slice: the scheduler preempts a goroutine that has run
	// for 10ms (wall clock, so on a loaded machine too), and a preemption
	// right after call returns would let the others run.
	runtime.Gosched()
	call()
	n := runtime.Stack(buf, true) // before anything that could let another goroutine run
	dump := string(buf[:n])
	if n == len(buf) { // cut short: the whole dump, late (a goroutine may have ended meanwhile)
		dump = allStacks()
	}
	return endedAtReturn(t, what, dump, student())
}

func endedAtReturn(t TB, what, dump string, mine traceback.Filter) bool {
	t.Helper()
	var others []traceback.Goroutine
	for _, g := range traceback.Goroutines(dump) {
		if !strings.HasPrefix(g.State, "running") {
			others = append(others, g)
		}
	}
	left := describeGrouped(others, mine)
	if left == "" {
		return true
	}
	t.Errorf("%s, but goroutines of yours had not ended yet:\n%s"+
		"When the call returns, the goroutines it started must have ended, not be about to end: it\n"+
		"must wait for them (a sync.WaitGroup's Wait, or a channel each one closes as it ends) before\n"+
		"it returns. Cancelling them is not enough: it only tells them to stop.", what, left)
	return false
}

// Report is a TB that keeps the failures, for a helper called in a
// goroutine that may outlive the test (a call the test waits for at most a
// bounded time): the test's own goroutine tells them with Tell.
type Report struct {
	mu   sync.Mutex
	errs []string
}

// Helper does nothing: the failures are told where Tell is called.
func (r *Report) Helper() {}

// Errorf keeps a failure.
func (r *Report) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// Tell fails t with every failure kept, and reports whether there were none.
func (r *Report) Tell(t TB) bool {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.errs {
		t.Errorf("%s", e)
	}
	return len(r.errs) == 0
}
