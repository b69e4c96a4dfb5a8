//go:build gclhidden

package boundedqueue_test

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	bq "github.com/go-concurrency-lab/course/exercises/09-bounded-queue"
	"github.com/go-concurrency-lab/course/grader/check"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests run in synctest bubbles. synctest.Wait returns once every other
// goroutine of the bubble is durably blocked, and a goroutine waiting in
// sync.Cond.Wait is: so "Put is still waiting" is a fact the test can
// observe, not a guess about timing.

// stuck is the advice when a test ends with goroutines left waiting.
const stuck = "the test ended with goroutines still waiting in Put or Get, with nothing left that could wake them\n" +
	"(or the test itself waited for ever). Whenever something changes that a waiting goroutine is waiting for\n" +
	"(an item arrives, a place frees up, the queue closes), wake it: Signal for one, Broadcast for all."

type result struct {
	v   int
	err error
}

// pending is a call of Put or Get running in a goroutine of its own.
type pending struct {
	ch   chan result
	got  result
	done bool
}

func goCall(f func() (int, error)) *pending {
	p := &pending{ch: make(chan result, 1)}
	go func() {
		v, err := f()
		p.ch <- result{v, err}
	}()
	return p
}

func goGet(q *bq.Queue[int]) *pending { return goCall(q.Get) }

func goPut(q *bq.Queue[int], v int) *pending {
	return goCall(func() (int, error) { return v, q.Put(v) })
}

// returned reports whether the call has returned. Call it after
// synctest.Wait.
func (p *pending) returned() bool {
	if !p.done {
		select {
		case p.got = <-p.ch:
			p.done = true
		default:
		}
	}
	return p.done
}

func mustPut(t *testing.T, q *bq.Queue[int], v int) {
	t.Helper()
	require.NoError(t, q.Put(v), "Put on an open queue that has room must add the item and return nil")
}

func mustGet(t *testing.T, q *bq.Queue[int], want int) {
	t.Helper()
	v, err := q.Get()
	require.NoError(t, err, "Get on an open queue that holds items must return the first one and nil")
	require.Equal(t, want, v, "Get must return the items in the order they were Put (first in, first out)")
}

// TestFirstInFirstOut: items come out in the order they went in.
func TestFirstInFirstOut(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		// 0 is an item like any other: the queue holds values, and the
		// zero value is one of them.
		q := bq.New[int](3)
		for i := range 3 {
			mustPut(t, q, i)
		}
		mustGet(t, q, 0)
		mustPut(t, q, 3)
		for i := 1; i <= 3; i++ {
			mustGet(t, q, i)
		}
	})
}

// TestPutWaitsWhileFull: Put on a full queue waits until a Get makes room.
func TestPutWaitsWhileFull(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		q := bq.New[int](2)
		mustPut(t, q, 1)
		mustPut(t, q, 2)
		p := goPut(q, 3)
		synctest.Wait()
		require.False(t, p.returned(),
			"Put returned while the queue was full (capacity 2, holding 2 items). Put must wait until there is room:\n"+
				"for the queue is full { notFull.Wait() }.")
		mustGet(t, q, 1)
		synctest.Wait()
		require.True(t, p.returned(),
			"Get took an item from the full queue, and the Put that waited for room was not woken.\n"+
				"After Get removes an item, wake one goroutine that waits in Put (notFull.Signal()).")
		require.NoError(t, p.got.err, "the Put that waited for room must return nil once it has added its item")
		mustGet(t, q, 2)
		mustGet(t, q, 3)
	})
}

// TestGetWaitsWhileEmpty: Get on an empty queue waits until a Put brings an
// item.
func TestGetWaitsWhileEmpty(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		q := bq.New[int](2)
		g := goGet(q)
		synctest.Wait()
		early := g.returned()
		require.False(t, early,
			"Get returned (with %v, %v) while the queue was empty. Get must wait until there is an item:\n"+
				"for the queue is empty { notEmpty.Wait() }.", g.got.v, g.got.err)
		mustPut(t, q, 7)
		synctest.Wait()
		require.True(t, g.returned(),
			"Put added an item to the empty queue, and the Get that waited for one was not woken.\n"+
				"After Put adds an item, wake one goroutine that waits in Get (notEmpty.Signal()).")
		require.NoError(t, g.got.err)
		require.Equal(t, 7, g.got.v, "the Get that waited must return the item that Put added")
	})
}

// TestOneItemForOneGetter: two Gets wait, one item arrives: one Get takes
// it, the other goes on waiting.
func TestOneItemForOneGetter(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		q := bq.New[int](2)
		g1, g2 := goGet(q), goGet(q)
		synctest.Wait()
		mustPut(t, q, 1)
		synctest.Wait()
		n := 0
		for _, g := range []*pending{g1, g2} {
			if g.returned() {
				n++
				assert.NoError(t, g.got.err,
					"two Gets waited on an empty queue and one item arrived; a Get returned an error instead of waiting on.\n"+
						"A goroutine woken from Wait must check its condition again: another goroutine may have taken\n"+
						"the item first. Wait in a loop, for len(items) == 0 && !closed { ... }, not with an if.")
			}
		}
		require.Equal(t, 1, n,
			"two Gets waited on an empty queue and one item arrived: exactly one Get must return with it, and the other\n"+
				"must go on waiting; %d returned.", n)
		mustPut(t, q, 2)
		synctest.Wait()
		require.True(t, g1.returned() && g2.returned(), "a second item arrived, and the second Get that waited was not woken")
		got := []int{g1.got.v, g2.got.v}
		slices.Sort(got)
		assert.Equal(t, []int{1, 2}, got, "the two Gets must have returned the two items")
	})
}

// TestCloseWakesEveryone: Close wakes every goroutine waiting in Put and Get;
// they all return ErrClosed.
func TestCloseWakesEveryone(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		empty := bq.New[int](1)
		full := bq.New[int](1)
		mustPut(t, full, 0)
		var calls []*pending
		for i := range 3 {
			calls = append(calls, goGet(empty), goPut(full, i+1))
		}
		synctest.Wait()
		empty.Close()
		full.Close()
		synctest.Wait()
		gets, puts := 0, 0
		for i, c := range calls {
			if !c.returned() {
				continue
			}
			if i%2 == 0 {
				gets++
				assert.ErrorIs(t, c.got.err, bq.ErrClosed, "a Get that waited on an empty queue must return ErrClosed when the queue is closed")
			} else {
				puts++
				assert.ErrorIs(t, c.got.err, bq.ErrClosed, "a Put that waited on a full queue must return ErrClosed, without adding its item, when the queue is closed")
			}
		}
		assert.Equal(t, 3, gets,
			"3 Gets waited on an empty queue; Close woke %d of them. Close must wake every waiting goroutine:\n"+
				"Broadcast, not Signal (Signal wakes one).", gets)
		assert.Equal(t, 3, puts,
			"3 Puts waited on a full queue; after Close, %d of them returned. Close must wake the goroutines waiting\n"+
				"in Put too (Broadcast on the condition they wait on), and a woken Put must see that the queue is closed\n"+
				"and return ErrClosed.", puts)
		// Whatever went wrong, give the goroutines still waiting a chance
		// to end, so that the other tests run.
		for range 3 {
			empty.Close()
			full.Close()
			full.Get()
			synctest.Wait()
		}
	})
}

// TestGetDrainsAfterClose: after Close, Put fails, Get returns the items
// left and then ErrClosed, and a second Close is harmless.
func TestGetDrainsAfterClose(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		q := bq.New[int](3)
		mustPut(t, q, 1)
		mustPut(t, q, 2)
		q.Close()
		assert.ErrorIs(t, q.Put(3), bq.ErrClosed, "Put on a closed queue must return ErrClosed")
		for _, want := range []int{1, 2} {
			v, err := q.Get()
			require.NoError(t, err,
				"the queue was closed with items in it: Get must still return them, in order, and ErrClosed only\n"+
					"once the queue is empty. Closing says \"no more items will come\", not \"throw the rest away\".")
			require.Equal(t, want, v, "after Close, Get must return the items left in order")
		}
		for range 2 {
			_, err := q.Get()
			require.ErrorIs(t, err, bq.ErrClosed, "Get on a closed, empty queue must return ErrClosed at once")
		}
	})
}

// TestCloseTwice: closing a closed queue does nothing: no panic, and the
// queue stays closed.
func TestCloseTwice(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		q := bq.New[int](2)
		mustPut(t, q, 5)
		q.Close()
		require.NotPanics(t, q.Close, "closing a closed queue must do nothing (and not panic)")
		assert.ErrorIs(t, q.Put(6), bq.ErrClosed,
			"the queue was closed twice, and then Put added an item. Closing a closed queue must do nothing:\n"+
				"the queue stays closed (set closed = true; do not flip it).")
		v, err := q.Get()
		assert.NoError(t, err, "after two Closes, Get must still return the item left")
		assert.Equal(t, 5, v, "after two Closes, Get must still return the item left")
		_, err = q.Get()
		assert.ErrorIs(t, err, bq.ErrClosed, "after two Closes, Get on the empty queue must return ErrClosed")
	})
}

// TestNewPanicsBelowOne: a queue must have room for at least one item.
func TestNewPanicsBelowOne(t *testing.T) {
	check.Seal(t)
	for _, c := range []int{0, -1} {
		assert.Panics(t, func() { bq.New[int](c) },
			"New(%d) returned a queue. A queue with no room would make every Put wait for ever: New must panic\n"+
				"when capacity is less than 1 (the README says so), so that the mistake shows at once.", c)
	}
	assert.NotPanics(t, func() { bq.New[int](1) }, "New(1) is a queue of one place: it must not panic")
}

// TestManyProducersAndConsumers: 4 producers and 3 consumers share a queue
// of capacity 2; every item is received exactly once.
func TestManyProducersAndConsumers(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		const producers, each = 4, 50
		q := bq.New[int](2)
		var mu sync.Mutex
		seen := map[int]int{}
		var consumers sync.WaitGroup
		for range 3 {
			consumers.Go(func() {
				for {
					v, err := q.Get()
					if err != nil {
						return
					}
					mu.Lock()
					seen[v]++
					mu.Unlock()
					if v == 0 { // no producer put it: a Get that did not wait
						return
					}
				}
			})
		}
		var wg sync.WaitGroup
		for p := range producers {
			wg.Go(func() {
				for i := range each {
					if err := q.Put(p*1000 + i); err != nil {
						t.Errorf("Put on an open queue returned %v", err)
						return
					}
				}
			})
		}
		wg.Wait()
		q.Close()
		consumers.Wait()
		bad := 0
		for p := range producers {
			for i := range each {
				if seen[p*1000+i] != 1 {
					bad++
				}
			}
		}
		assert.Zero(t, bad,
			"4 producers put 50 items each, 3 consumers got items until ErrClosed: %d items were received\n"+
				"not exactly once (lost, or twice).", bad)
		assert.Len(t, seen, producers*each, "the consumers received items that no producer put")
	})
}

// The lost wake-up tests below need two calls of the test goroutine to
// happen before a goroutine that the first call woke gets to run. With one
// P (check.OneProc), a goroutine that Signal makes ready waits for the
// running goroutine to block, and the test goroutine does not block between
// the two calls: so the interleaving is the same on every run, whatever
// GOMAXPROCS the grader gave the test binary. Each scenario still runs a few
// rounds (a bubble each), so that even a preemption in the middle of one
// (sysmon preempts after 10ms of running; these calls take microseconds)
// cannot hide the mistake.
const rounds = 5

// TestEveryPutWakesAGet: two Gets wait, two items arrive back to back: both
// Gets return. Each Put must wake a waiting Get, not only the Put that
// finds the queue empty.
func TestEveryPutWakesAGet(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	for i := 0; i < rounds && !t.Failed(); i++ {
		check.InBubble(t, stuck, func(t *testing.T) {
			q := bq.New[int](2)
			g1 := goGet(q)
			synctest.Wait()
			g2 := goGet(q)
			synctest.Wait()
			mustPut(t, q, 1)
			mustPut(t, q, 2) // before the Get woken by the first Put has run
			synctest.Wait()
			ok := g1.returned() && g2.returned()
			require.True(t, ok,
				"two Gets waited on an empty queue, then two items were Put, one right after the other; one Get went on\n"+
					"waiting beside an item. That is a lost wake-up: the second Put found the queue not empty (the first Get\n"+
					"had been woken but had not taken its item yet) and woke nobody. Every Put must wake one waiting Get\n"+
					"(notEmpty.Signal() after each item added), not only the Put that finds the queue empty.")
			got := []int{g1.got.v, g2.got.v}
			slices.Sort(got)
			assert.Equal(t, []int{1, 2}, got, "the two Gets must have returned the two items")
		})
	}
}

// TestEveryGetWakesAPut: two Puts wait on a full queue, two items are taken
// back to back: both Puts return.
func TestEveryGetWakesAPut(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	for i := 0; i < rounds && !t.Failed(); i++ {
		check.InBubble(t, stuck, func(t *testing.T) {
			q := bq.New[int](2)
			mustPut(t, q, 1)
			mustPut(t, q, 2)
			p1 := goPut(q, 3)
			synctest.Wait()
			p2 := goPut(q, 4)
			synctest.Wait()
			mustGet(t, q, 1)
			mustGet(t, q, 2) // before the Put woken by the first Get has run
			synctest.Wait()
			require.True(t, p1.returned() && p2.returned(),
				"two Puts waited on a full queue, then two items were taken, one right after the other; one Put went on\n"+
					"waiting although there was room. That is a lost wake-up: the second Get found the queue not full (the\n"+
					"first Put had been woken but had not added its item yet) and woke nobody. Every Get must wake one\n"+
					"waiting Put (notFull.Signal() after each item taken), not only the Get that finds the queue full.")
			// The two Puts were woken together: either may have gone first.
			var got []int
			for range 2 {
				v, err := q.Get()
				require.NoError(t, err)
				got = append(got, v)
			}
			slices.Sort(got)
			assert.Equal(t, []int{3, 4}, got, "the two Puts' items must come out")
		})
	}
}

// wrongKind is the advice when a waiter was left asleep although it could
// go on.
const wrongKind = "a goroutine was left waiting although it could go on (a Put with room, or a Get with an item), and\n" +
	"nothing was left to wake it: a lost wake-up. With one sync.Cond for both kinds of waiter, Signal wakes the\n" +
	"goroutine that has waited longest, whatever it waits for: here a Get woke the other Get (or a Put the\n" +
	"other Put), which went back to sleep, and the one that could go on slept on. Use two conditions on the\n" +
	"same mutex, notFull for Put and notEmpty for Get, and Signal the one that the change is about."

// TestWakesTheRightKind: Gets and Puts wait at the same time; each change
// must wake a goroutine that waits for that change. Capacity 1: a Get
// waits, a second Get waits, an item arrives (the first Get is woken), and
// the test's own Put finds the queue still full and waits. The first Get
// then takes its item and must wake the waiting Put, not the second Get.
// The mirror image with Puts follows.
func TestWakesTheRightKind(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	for i := 0; i < rounds && !t.Failed(); i++ {
		check.InBubble(t, wrongKind, func(t *testing.T) {
			q := bq.New[int](1)
			g1 := goGet(q)
			synctest.Wait()
			g2 := goGet(q)
			synctest.Wait()
			mustPut(t, q, 1)
			mustPut(t, q, 2) // waits: the woken Get has not taken 1 yet
			synctest.Wait()
			require.True(t, g1.returned() && g2.returned(), "two Gets waited and two items were Put: both Gets must return")
		})
		if t.Failed() {
			return
		}
		check.InBubble(t, wrongKind, func(t *testing.T) {
			q := bq.New[int](1)
			mustPut(t, q, 1)
			p1 := goPut(q, 2)
			synctest.Wait()
			p2 := goPut(q, 3)
			synctest.Wait()
			mustGet(t, q, 1)
			v, err := q.Get() // waits: the woken Put has not added 2 yet
			require.NoError(t, err)
			synctest.Wait()
			require.True(t, p1.returned() && p2.returned(), "two Puts waited and two items were taken: both Puts must return")
			w, err := q.Get()
			require.NoError(t, err)
			got := []int{v, w}
			slices.Sort(got)
			assert.Equal(t, []int{2, 3}, got, "the two Puts' items must come out")
		})
	}
}

// TestCallsTogether: Put, Get and Close called at the same moment from
// different goroutines, with nothing ordering them. Under the race
// detector, a method that reads or writes the queue's fields without
// holding the mutex is reported on every run: the accesses are not ordered
// by any synchronisation, whichever runs first.
func TestCallsTogether(t *testing.T) {
	check.Seal(t)
	for i := 0; i < rounds && !t.Failed(); i++ {
		check.InBubble(t, stuck, func(t *testing.T) { callsTogether(t) })
	}
}

// callsTogether is one round of TestCallsTogether, in a bubble of its own:
// a Close that wakes nobody is then a deadlock reported at once.
func callsTogether(t *testing.T) {
	q := bq.New[int](4)
	mustPut(t, q, 1)
	mustPut(t, q, 2)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() { <-start; _ = q.Put(10 + i) })
		wg.Go(func() { <-start; _, _ = q.Get() })
	}
	close(start)
	q.Close()
	wg.Wait()
	var left []int
	for {
		v, err := q.Get()
		if err != nil {
			break
		}
		left = append(left, v)
	}
	assert.LessOrEqual(t, len(left), 4, "items came out of the closed queue that were never Put: %v", left)
}

// TestNoGapInCriticalSections: each method's check and act happen under
// one hold of the lock. The test runs on one P with the grader's yield
// after every Unlock in the student's code (check.YieldAtUnlocks): a
// goroutine that lets the mutex go stops right there, and every other
// ready goroutine runs first. So a Put that checks for room, unlocks and
// locks again to add its item lets the other Puts check too, on every
// run; a field written after the Unlock is read by another goroutine under
// the lock, which the race detector reports. Without the yield, both need
// a preemption in a gap of nanoseconds.
func TestNoGapInCriticalSections(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	check.YieldAtUnlocks(t)
	t.Run("Puts", func(t *testing.T) {
		check.InBubble(t, stuck, func(t *testing.T) {
			q := bq.New[int](1)
			puts := []*pending{goPut(q, 1), goPut(q, 2), goPut(q, 3)}
			synctest.Wait()
			n := 0
			for _, p := range puts {
				if p.returned() {
					n++
				}
			}
			q.Close()
			synctest.Wait()
			assert.Equal(t, 1, n,
				"three Puts on an empty queue of capacity 1, and no Get: %d of them returned, so the queue held %d items.\n"+
					"A Put must check for room and add its item under one Lock: if it lets the mutex go in between,\n"+
					"other Puts find the same room.", n, n)
		})
	})
	t.Run("Gets", func(t *testing.T) {
		check.InBubble(t, stuck, func(t *testing.T) {
			q := bq.New[int](2)
			mustPut(t, q, 7)
			gets := []*pending{goGet(q), goGet(q)}
			synctest.Wait()
			var got []result
			for _, g := range gets {
				if g.returned() {
					got = append(got, g.got)
				}
			}
			q.Close()
			synctest.Wait()
			assert.Equal(t, []result{{7, nil}}, got,
				"two Gets on an open queue that held one item: one must return it, the other must wait. A Get must\n"+
					"check for an item and take it under one Lock: if it lets the mutex go in between, another Get\n"+
					"takes the item it found.")
		})
	})
	t.Run("Together", func(t *testing.T) {
		// Every method lets the others run at each of its Unlocks; a
		// field it touches after one races with them (reported by the
		// race detector on every run).
		check.InBubble(t, stuck, func(t *testing.T) {
			q := bq.New[int](2)
			mustPut(t, q, 1)
			var wg sync.WaitGroup
			wg.Go(q.Close)
			for i := range 2 {
				wg.Go(func() { _, _ = q.Get() })
				wg.Go(func() { _ = q.Put(10 + i) })
			}
			wg.Wait()
		})
	})
	t.Run("CloseUnderTheLock", func(t *testing.T) {
		// A Get read closed under the lock and waits; Close comes from a
		// goroutine that a timer wakes, so nothing but the queue's own
		// mutex orders Close after that read: a Close that sets closed
		// before its Lock (or after its Unlock) races with it.
		check.InBubble(t, stuck, func(t *testing.T) {
			q := bq.New[int](1)
			g := goGet(q)
			var wg sync.WaitGroup
			wg.Go(func() {
				time.Sleep(time.Millisecond)
				q.Close()
			})
			wg.Wait()
			synctest.Wait()
			require.True(t, g.returned(), "a Get waited on an empty queue and the queue was closed: Close must wake it")
			assert.ErrorIs(t, g.got.err, bq.ErrClosed, "a Get woken by Close on an empty queue must return ErrClosed")
		})
	})
}

// unlessPreempted makes the test goroutine's second call of a round, which
// one P lets run before the goroutine woken by the first (check.OneProc).
// On a loaded machine the runtime can still preempt the test goroutine
// between the two (sysmon preempts a goroutine it has seen running for
// 10ms, and the OS may have held its thread that long): the woken goroutine
// then goes first, and call would wait for ever, even for a right answer.
// A fake hour later (only then is every goroutine blocked), unstick lets it
// through, and unlessPreempted reports that the round showed nothing.
func unlessPreempted(unstick, call func()) (preempted bool) {
	done := make(chan struct{})
	var fired atomic.Bool
	go func() {
		select {
		case <-time.After(time.Hour):
			fired.Store(true)
			unstick()
		case <-done:
		}
	}()
	call()
	close(done)
	return fired.Load()
}

// TestWokenGetChecksAgain: a Get waits; an item arrives and wakes it, and
// before the woken Get runs, the test's own Get takes that item (on one P,
// check.OneProc, the woken goroutine runs only when the test goroutine
// blocks). The woken Get must find the queue empty again and go on
// waiting: Wait in a for loop, not an if.
func TestWokenGetChecksAgain(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	for played, i := 0, 0; played < rounds && i < 4*rounds && !t.Failed(); i++ {
		check.InBubble(t, stuck, func(t *testing.T) {
			q := bq.New[int](2)
			g := goGet(q)
			synctest.Wait()
			mustPut(t, q, 1)
			var v int
			var err error
			if unlessPreempted(func() { _ = q.Put(-1) }, func() { v, err = q.Get() }) {
				return // the woken Get went first: this round shows nothing, play another
			}
			played++
			require.NoError(t, err, "Get on an open queue that holds items must return the first one and nil")
			require.Equal(t, 1, v, "Get must return the items in the order they were Put (first in, first out)")
			synctest.Wait()
			require.False(t, g.returned(),
				"a Get was woken by an item, another Get took that item first, and the woken Get returned (with %v, %v)\n"+
					"from an empty queue. A goroutine woken from Wait must check its condition again: wait in a loop,\n"+
					"for len(q.items) == 0 && !q.closed { q.notEmpty.Wait() }, not with an if.", g.got.v, g.got.err)
			mustPut(t, q, 2)
			synctest.Wait()
			require.True(t, g.returned(), "the Get that went on waiting must return once the next item arrives")
			assert.Equal(t, 2, g.got.v, "the Get that went on waiting must return the next item")
		})
	}
}

// TestWokenPutChecksAgain: the mirror image: a Put waits on a full queue;
// a Get makes room and wakes it, and before the woken Put runs, the test's
// own Put fills the room. The woken Put must go on waiting, not add an
// item beyond the capacity.
func TestWokenPutChecksAgain(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	for played, i := 0, 0; played < rounds && i < 4*rounds && !t.Failed(); i++ {
		check.InBubble(t, stuck, func(t *testing.T) {
			q := bq.New[int](1)
			mustPut(t, q, 1)
			p := goPut(q, 2)
			synctest.Wait()
			mustGet(t, q, 1)
			var err error
			if unlessPreempted(func() { _, _ = q.Get() }, func() { err = q.Put(3) }) {
				return // the woken Put went first: this round shows nothing, play another
			}
			played++
			require.NoError(t, err, "Put on an open queue that has room must add the item and return nil")
			synctest.Wait()
			require.False(t, p.returned(),
				"a Put was woken by a free place, another Put filled it first, and the woken Put added its item anyway:\n"+
					"the queue of capacity 1 then held 2 items. A goroutine woken from Wait must check its condition again:\n"+
					"for len(q.items) == q.capacity && !q.closed { q.notFull.Wait() }, not with an if.")
			mustGet(t, q, 3)
			synctest.Wait()
			require.True(t, p.returned(), "the Put that went on waiting must add its item once there is room")
			mustGet(t, q, 2)
		})
	}
}

// TestStress: 4 producers and 4 consumers on a queue of capacity 1, with 4
// Ps, in real time, under the race detector: a method that touches the
// queue's fields after it has let the mutex go, even for one statement,
// races with another goroutine that takes the mutex in that moment, and a
// Put that lets the mutex go between finding room and adding its item can
// overfill the queue. Both need that moment to come, which the test cannot
// force: it makes it frequent. Measured on 2 loaded cores: a Put that
// appends outside the lock failed 3 of 10 runs, one that unlocks between
// its wait loop and its append 4 of 10 (the generated unlock-early and
// split-critical mutants). TestNoGapInCriticalSections now forces both on
// every run with the grader's yield after each Unlock; this test stays as
// real parallelism on 4 Ps, for what a yield cannot reach (a gap with no
// Unlock in it, such as an atomic check-then-act). No correct queue can
// fail it. The producers check, after each Put, that the queue never holds
// more than its capacity: a Put that returned proves its item was in the
// queue, a Get that began may have taken one.
func TestStress(t *testing.T) {
	check.Seal(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	// In a bubble for its deadlock detection only: a queue that loses a
	// wake-up fails at once instead of at the time limit. The goroutines
	// still run in parallel on the 4 Ps.
	check.InBubble(t, stuck, func(t *testing.T) {
		const producers, each = 4, 5000
		q := bq.New[int](1)
		var putDone, getBegun atomic.Int64
		var over atomic.Int64
		var wg sync.WaitGroup
		for p := range producers {
			wg.Go(func() {
				for i := range each {
					if err := q.Put(p*each + i + 1); err != nil { // never 0
						t.Errorf("Put on an open queue returned %v", err)
						return
					}
					done := putDone.Add(1)
					if done-getBegun.Load() > 1 {
						over.Add(1)
					}
				}
			})
		}
		var mu sync.Mutex
		seen := map[int]int{}
		var consumers sync.WaitGroup
		for range 4 {
			consumers.Go(func() {
				for {
					getBegun.Add(1)
					v, err := q.Get()
					if err != nil {
						return
					}
					mu.Lock()
					seen[v]++
					mu.Unlock()
					if v == 0 { // no producer put it: a Get that did not wait
						return
					}
				}
			})
		}
		wg.Wait()
		q.Close()
		consumers.Wait()
		assert.Zero(t, over.Load(),
			"the queue of capacity 1 held more than 1 item, %d times: a Put that found room must add its item without\n"+
				"letting the mutex go in between (another Put could take the room), and re-check the condition after\n"+
				"every Wait.", over.Load())
		assert.Zero(t, seen[0], "a Get returned the zero value, which no producer put, without an error")
		assert.Len(t, seen, producers*each, "4 producers put 5,000 items each: every item must be received, once")
	})
}
