package check

import "testing/synctest"

// ReleaseInSteps drives a call whose dependency is held by h, inside a
// synctest bubble: each time every goroutine of the bubble waits
// (synctest.Wait), it lets every call held in h go, until done reports
// true. It returns false when the call is stuck: not done, and no call
// held that could move it on. h.Peak() then tells how many calls were in
// flight at once, exactly: all the student's code could start before it
// had to wait.
func ReleaseInSteps(h *Hold, done func() bool) bool {
	for {
		synctest.Wait()
		if done() {
			return true
		}
		held := h.InFlight()
		if held == 0 {
			return false
		}
		h.Release(held)
	}
}
