package check

import (
	"runtime"
	"sync/atomic"
	"testing"
)

var yielding atomic.Bool

// YieldAtUnlocks makes every goroutine that unlocks a mutex in the
// student's code (a statement mu.Unlock() or mu.RUnlock(); a deferred one
// as its function returns) yield right after it, and every goroutine that
// closes a channel (a statement close(ch)) yield right before, for the rest
// of t: the grader lays a call of Yield at each such place when it builds
// the student's package (grader/internal/grade/yields.go).
//
// Together with OneProc it forces the interleaving a split critical
// section needs to go wrong: the goroutine that let the lock go stops
// there, and the other goroutines ready to run take the lock before it
// goes on. A Put that checks for room under one Lock and adds its item
// under another then lets every other Put check too, on every run; a field
// written after the Unlock is read by another goroutine under the lock,
// and the race detector sees it. Without the hook, both need a preemption
// in a gap of a few nanoseconds. A correct answer is correct under every
// schedule, so the hook changes none of its verdicts; it only makes a
// schedule that can happen anyway the one that does happen.
//
// Outside the grader (a plain go test of the hidden tests) nothing calls
// Yield, and the tests that rely on it cannot fail a wrong answer.
func YieldAtUnlocks(t *testing.T) {
	t.Helper()
	yielding.Store(true)
	t.Cleanup(func() { yielding.Store(false) })
}

// Yield is the hook the grader lays after each Unlock in the student's
// code; it yields only while a test has asked for it (YieldAtUnlocks).
//
// Gosched puts the caller on the global run queue, and the scheduler looks
// there first on one schedule in 61: then the caller runs on at once, as if
// it had not yielded. Yielding yieldTimes times in a row makes that a
// chance of about one in 61^3 (a few in a million) per gap.
func Yield() {
	if yielding.Load() {
		for range yieldTimes {
			runtime.Gosched()
		}
	}
}

const yieldTimes = 3
