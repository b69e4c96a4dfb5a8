//go:build gclhidden

package boundedqueue_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	bq "github.com/go-concurrency-lab/course/exercises/09-bounded-queue"
	"github.com/go-concurrency-lab/course/grader/check"
)

// The tests run in synctest bubbles. synctest.Wait returns once every other
// goroutine of the bubble is durably blocked, and a goroutine waiting in
// sync.Cond.Wait is: so "Put is still waiting" is a fact the test can
// observe, not a guess about timing.

// inBubble runs f in a synctest bubble. A wrong answer can leave goroutines
// waiting for ever; synctest then panics ("deadlock"), and inBubble turns
// that into a failure that names where they wait.
func inBubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if !strings.Contains(fmt.Sprint(r), "deadlock") {
			panic(r)
		}
		t.Errorf("the test ended with goroutines still waiting in Put or Get, with nothing left that could wake them\n" +
			"(or the test itself waited for ever). Whenever something changes that a waiting goroutine is waiting for\n" +
			"(an item arrives, a place frees up, the queue closes), wake it: Signal for one, Broadcast for all.")
		// The bubble's own goroutine stays behind after such a panic;
		// name only the others.
		check.NoLeaks(t, goleak.IgnoreTopFunction("testing/synctest.testingSynctestTest"))
	}()
	synctest.Test(t, f)
}

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
	inBubble(t, func(t *testing.T) {
		q := bq.New[int](3)
		for i := 1; i <= 3; i++ {
			mustPut(t, q, i)
		}
		mustGet(t, q, 1)
		mustPut(t, q, 4)
		for i := 2; i <= 4; i++ {
			mustGet(t, q, i)
		}
	})
}

// TestPutWaitsWhileFull: Put on a full queue waits until a Get makes room.
func TestPutWaitsWhileFull(t *testing.T) {
	check.Seal(t)
	inBubble(t, func(t *testing.T) {
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
	inBubble(t, func(t *testing.T) {
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
	inBubble(t, func(t *testing.T) {
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
	inBubble(t, func(t *testing.T) {
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
	inBubble(t, func(t *testing.T) {
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
		assert.NotPanics(t, q.Close, "closing a closed queue must do nothing (and not panic)")
	})
}

// TestManyProducersAndConsumers: 4 producers and 3 consumers share a queue
// of capacity 2; every item is received exactly once.
func TestManyProducersAndConsumers(t *testing.T) {
	check.Seal(t)
	inBubble(t, func(t *testing.T) {
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
