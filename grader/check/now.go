package check

import (
	"runtime"
	"testing"
)

// OneProc runs the rest of t with GOMAXPROCS=1, and puts the old value
// back when t ends. With one P, a goroutine that another one has just
// woken (by a close, a send, a cancel) does not run until the goroutine
// that woke it blocks or yields: a test can then look at a state that a
// second CPU would otherwise end at once (see GoneNow), or change a second
// thing before the woken goroutine sees the first.
//
// The only thing that can still run the woken goroutine first is the
// runtime's preemption of a goroutine that has run for 10ms without
// blocking; OneProc yields first so that the test starts a fresh time
// slice, and what the test then does takes microseconds.
func OneProc(t *testing.T) {
	t.Helper()
	old := runtime.GOMAXPROCS(1)
	t.Cleanup(func() { runtime.GOMAXPROCS(old) })
	runtime.Gosched()
}

// GoneNow is called inside a synctest bubble right after a call that
// promises that the goroutines it started have ended when it returns
// (Stop, Run ...); what names the moment, e.g. "Stop returned". Unlike
// Settled, it does not let the other goroutines run first: it fails t when
// a goroutine of this bubble is in the student's code at this very moment,
// even one that is only runnable and would end the next instant (a Stop
// that closes a channel and returns without waiting for the goroutine it
// told to stop). Use it after OneProc, so that such a goroutine has had no
// CPU to end on.
func GoneNow(t TB, what string) bool {
	t.Helper()
	return settled(t, what, allStacks(), bubbleOf(currentStack()), student())
}
