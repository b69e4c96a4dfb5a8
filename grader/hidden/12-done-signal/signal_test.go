//go:build gclhidden

package donesignal_test

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"

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
// does not panic, and every Done returns with the signal given, the ones
// that found it being given included. On one P, with the grader's yields
// before every close(ch) in the student's code (and after each
// Unlock: check.YieldAtUnlocks), the other callers of Done run right
// between a Done's "not closed yet?" and its close, on every run: a check
// with select/default or an atomic flag and then a close lets two of them
// close (a panic), or lets the one that lost the flag return before the
// channel is closed.
func TestDoneTwice(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	check.YieldAtUnlocks(t)
	for range 3 {
		check.InBubble(t, stuck, func(t *testing.T) {
			s := ds.New()
			var mu sync.Mutex
			var panics []any
			early := 0
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
					select {
					case <-s.C():
					default:
						mu.Lock()
						early++
						mu.Unlock()
					}
				})
			}
			close(start)
			wg.Wait()
			assert.Empty(t, panics,
				"8 goroutines called Done at the same time, and Done panicked. Closing a closed channel panics:\n"+
					"a check that it is still open and then the close let two Dones both close it. Close it once\n"+
					"(sync.Once, or a mutex around the check and the close), whoever calls Done and however often.")
			assert.Zero(t, early,
				"8 goroutines called Done at the same time, and %d of them returned while C() was still open: another\n"+
					"Done had won the flag but not closed the channel yet. When Done returns, the signal has been given:\n"+
					"sync.Once's Do returns only once its function has run, for every caller.", early)
			assert.NotPanics(t, s.Done, "calling Done after the signal was given must do nothing, not panic")
			w := &waiters{}
			waitOn(w, s)
			synctest.Wait()
			assert.Equal(t, 10, w.count(), "after Done was called several times, waiters must still return at once")
		})
	}
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

// lockAll takes every lock of the signal's (see check.LocksOf), write locks
// of RWMutexes included, as a goroutine of the student's own would; the
// function it returns lets them go.
func lockAll(l check.Locks) (unlock func()) {
	for _, m := range l.Mutexes {
		m.Lock()
	}
	for _, m := range l.RWMutexes {
		m.Lock()
	}
	return func() {
		for _, m := range l.RWMutexes {
			m.Unlock()
		}
		for _, m := range l.Mutexes {
			m.Unlock()
		}
	}
}

// TestNoLostWakeUp: a Wait that looks whether Done has been called and
// then waits must do both under one hold of its lock, or a Done between the
// two is missed and that Wait never returns (a lost wake-up). The test
// runs on one P with the grader's yield after each Unlock in the student's
// code (check.YieldAtUnlocks), outside a bubble, and queues on the
// signal's locks (check.LocksOf), in this order: Wait, Done, and a
// goroutine of the test's that holds the locks until Done has returned.
// Then Wait looks (not done yet) and lets the lock go; Done sets its flag,
// lets the lock go, and the test's goroutine takes it before Wait can:
// Done wakes the waiters while Wait is not waiting yet, and Wait waits
// after that. A Signal whose Wait receives from the channel Done closes
// (or looks and waits under one lock) returns whatever the order. The
// trial runs up to 20 times, stopping at the first Wait that does not
// return: the runtime takes the global run queue first once in 61 turns,
// which can let Wait in early.
func TestNoLostWakeUp(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	check.YieldAtUnlocks(t)
	const patience = time.Second
	for trial := range 20 {
		s := ds.New()
		locks := check.LocksOf(s)
		unlock := lockAll(locks)
		w := check.Go(s.Wait)
		if !check.WaitParked(patience, w) {
			unlock()
			t.Fatal("Wait was called before Done, and it did not wait: it kept running. Wait must block until Done.")
		}
		d := check.Go(s.Done)
		check.WaitParked(patience, d)
		x := check.Go(func() {
			release := lockAll(locks)
			defer release()
			select {
			case <-d.Done():
			case <-time.After(100 * time.Millisecond): // a Done that needs the lock again
			}
		})
		check.WaitParked(patience, x)
		unlock()
		select {
		case <-w.Done():
		case <-time.After(patience):
			t.Errorf("a goroutine called Wait, then another called Done, and Wait never returned (in trial %d): Done\n"+
				"woke the waiters between Wait's look at the flag (not done yet) and its sync.Cond.Wait, which\n"+
				"began after the wake-up and so waits for ever. Look and wait under one hold of the lock,\n"+
				"for !s.done { s.cond.Wait() }, or simpler: let Wait receive from the channel Done closes.", trial+1)
			return
		}
		<-d.Done()
		<-x.Done()
	}
}
