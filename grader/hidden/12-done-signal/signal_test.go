//go:build gclhidden

package donesignal_test

import (
	"sync"
	"testing"
	"testing/synctest"

	ds "github.com/go-concurrency-lab/course/exercises/12-done-signal"
	"github.com/go-concurrency-lab/course/grader/check"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests run in synctest bubbles: synctest.Wait returns once every other
// goroutine is durably blocked (a receive from a channel is), so "this
// waiter is still waiting" and "this waiter has returned" are facts.

// stuck is the advice when a test ends with goroutines left blocked.
const stuck = "when the test ended, goroutines were still blocked (waiting for the signal, or sending one), with nothing\n" +
	"left that could wake them. Done must wake every waiter, those waiting now and those that come later, and start\n" +
	"nothing that outlives it: close a channel."

// waiters counts the goroutines that have returned from waiting.
type waiters struct {
	mu       sync.Mutex
	returned int
}

func (w *waiters) add(wait func()) {
	go func() {
		wait()
		w.mu.Lock()
		w.returned++
		w.mu.Unlock()
	}()
}

func (w *waiters) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.returned
}

// waitOn starts 5 goroutines that call Wait and 5 that receive from C.
func waitOn(w *waiters, s *ds.Signal) {
	for range 5 {
		w.add(s.Wait)
		w.add(func() { <-s.C() })
	}
}

// TestEveryWaiterWakes: 10 goroutines wait (5 in Wait, 5 on C); none
// returns before Done, all return after it.
func TestEveryWaiterWakes(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		s := ds.New()
		w := &waiters{}
		waitOn(w, s)
		synctest.Wait()
		require.Zero(t, w.count(),
			"%d of 10 waiters returned before Done was called. Wait, and a receive from C, must block until Done.", w.count())
		s.Done()
		synctest.Wait()
		assert.Equal(t, 10, w.count(),
			"10 goroutines waited (5 in Wait, 5 on C), and after Done only %d of them had returned. Done must wake\n"+
				"every waiter at once. Sending a value wakes one receiver; closing the channel wakes them all.", w.count())
	})
}

// TestLateWaitersReturnAtOnce: after Done, Wait and C return at once. The
// first look comes the moment Done has returned, from the same goroutine
// and on one P (check.OneProc): no other goroutine has run in between, so
// the channel must already be closed when Done returns, not a moment later.
func TestLateWaitersReturnAtOnce(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		s := ds.New()
		c := s.C()
		s.Done()
		select {
		case <-c:
		default:
			t.Error("Done had returned, and the channel C returns was not closed yet. A waiter that comes after Done must\n" +
				"find the signal given at once: close the channel in Done itself (once), not in a goroutine that Done\n" +
				"starts or wakes, which closes it only a moment later.")
		}
		w := &waiters{}
		waitOn(w, s)
		synctest.Wait()
		assert.Equal(t, 10, w.count(),
			"Done had been called, then 10 goroutines started waiting (5 in Wait, 5 on C), and only %d returned.\n"+
				"A waiter that comes after the signal must return at once: a receive from a closed channel never blocks,\n"+
				"so close the channel rather than notify the waiters you know of.", w.count())
		select {
		case <-s.C():
		default:
			t.Error("after Done, the channel C returns must be closed, so that a receive from it never waits")
		}
		assert.Equal(t, s.C(), s.C(), "every call of C must return the same channel")
	})
}

// TestDoneTwice: calling Done again, even from many goroutines at once,
// does not panic.
func TestDoneTwice(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		s := ds.New()
		var mu sync.Mutex
		var panics []any
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				defer func() {
					if r := recover(); r != nil {
						mu.Lock()
						panics = append(panics, r)
						mu.Unlock()
					}
				}()
				<-start
				s.Done()
			})
		}
		close(start)
		wg.Wait()
		assert.Empty(t, panics,
			"8 goroutines called Done at the same time, and Done panicked. Closing a closed channel panics:\n"+
				"close it once (sync.Once), whoever calls Done and however often.")
		assert.NotPanics(t, s.Done, "calling Done after the signal was given must do nothing, not panic")
		w := &waiters{}
		waitOn(w, s)
		synctest.Wait()
		assert.Equal(t, 10, w.count(), "after Done was called several times, waiters must still return at once")
	})
}

// TestNoGoroutineLeft: a Signal has no goroutine of its own: none after
// New and C when Done is never called, none after Done (check.Settled, no
// time passes), and none once the waiters have returned.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		s := ds.New()
		_ = s.C()
		check.Settled(t, "New and C had returned, and Done was never called")
		never := &waiters{}
		never.add(s.Wait)
		synctest.Wait()
		require.Zero(t, never.count(), "Wait returned although Done was never called")
		s.Done()
		s.Done()
		synctest.Wait()
		require.Equal(t, 1, never.count(), "the goroutine waiting in Wait did not return after Done")
		check.Settled(t, "Done had returned and the waiter with it")
	})
}
