//go:build gclhidden

package orderedresults_test

import (
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	orderedresults "github.com/go-concurrency-lab/course/exercises/20-ordered-results"
	"github.com/go-concurrency-lab/course/grader/check"
)

// slow is set once a fake has given up waiting for calls that never came:
// later fakes then wait less, since the code under test is the same.
var slow atomic.Bool

// base is added to an item's index to make its value, so that a Map that
// mixes up items and indexes is caught.
const base = 100

func items(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = base + i
	}
	return s
}

func want(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = "result " + strconv.Itoa(base+i)
	}
	return s
}

// fake is the slow function the tests hand to Map. It counts its calls per
// item and how many are running at once. With barrier, every call waits
// until all n calls are running at the same time; with reverse, item i
// returns only after item i+1 has returned. Every wait is bounded: a fake
// that waited in vain once (gaveUp) waits no more.
type fake struct {
	n                int
	barrier, reverse bool

	mu       sync.Mutex
	calls    []int
	bad      []int // arguments that are not items
	inFlight int
	peak     int
	all      chan struct{}   // closed once all n calls are running at once
	finished []chan struct{} // finished[i] is closed when item i's call returns
	order    []int           // the items, in the order their calls returned
	gaveUp   bool
}

func newFake(n int, barrier, reverse bool) *fake {
	f := &fake{n: n, barrier: barrier, reverse: reverse, calls: make([]int, n), all: make(chan struct{})}
	for range n {
		f.finished = append(f.finished, make(chan struct{}))
	}
	return f
}

func (f *fake) fn(x int) string {
	i := x - base
	f.mu.Lock()
	if i < 0 || i >= f.n {
		f.bad = append(f.bad, x)
		f.mu.Unlock()
		return ""
	}
	f.calls[i]++
	first := f.calls[i] == 1
	f.inFlight++
	f.peak = max(f.peak, f.inFlight)
	if f.inFlight == f.n {
		select {
		case <-f.all:
		default:
			close(f.all)
		}
	}
	f.mu.Unlock()
	if f.barrier {
		f.await(f.all)
	}
	if f.reverse && i+1 < f.n {
		f.await(f.finished[i+1])
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inFlight--
	f.order = append(f.order, i)
	if first {
		close(f.finished[i])
	}
	return "result " + strconv.Itoa(x)
}

// await waits for ch, at most a few seconds.
func (f *fake) await(ch <-chan struct{}) {
	f.mu.Lock()
	gaveUp := f.gaveUp
	f.mu.Unlock()
	if gaveUp {
		return
	}
	limit := 2 * time.Second
	if slow.Load() {
		limit = 100 * time.Millisecond
	}
	select {
	case <-ch:
	case <-time.After(limit):
		slow.Store(true)
		f.mu.Lock()
		f.gaveUp = true
		f.mu.Unlock()
	}
}

// run calls Map and waits for it at most a few seconds: a Map that never
// returns fails the test with the places where its goroutines are stuck.
func run[T, R any](t *testing.T, in []T, fn func(T) R) []R {
	t.Helper()
	var got []R
	done := make(chan struct{})
	go func() {
		defer close(done)
		got = orderedresults.Map(in, fn)
	}()
	select {
	case <-done:
		return got
	case <-time.After(5 * time.Second):
	}
	t.Errorf("Map with %d items did not return within 5 seconds. Is it waiting for a goroutine that never ends,\n"+
		"or receiving more results than were sent?\n%s", len(in), check.TimeMarker)
	check.NoLeaks(t) // says where the goroutines are stuck
	t.FailNow()
	return nil
}

// TestResultsInInputOrder: result i is fn(items[i]), for any number of items.
func TestResultsInInputOrder(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{0, 1, 2, 5, 50} {
		f := newFake(n, false, false)
		got := run(t, items(n), f.fn)
		require.Empty(t, f.bad, "fn was called with values that are not items: %v", f.bad)
		require.Len(t, got, n, "Map with %d items must return %d results, one per item", n, n)
		if n > 0 {
			require.Equal(t, want(n), got,
				"Map with %d items returned the wrong results. Result i must be fn(items[i]): put each result at its\n"+
					"item's index (results[i] = fn(item)), and return only after every call has returned (wg.Wait).", n)
		}
	}
	lens := run(t, []string{"a", "bb", "", "dddd"}, func(s string) int { return len(s) })
	assert.Equal(t, []int{1, 2, 0, 4}, lens, "Map(items, fn) with strings and fn = len")
}

// TestCallsRunAtTheSameTime: all calls are in flight at once, and fn is
// called once per item.
func TestCallsRunAtTheSameTime(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{2, 8, 100} {
		f := newFake(n, true, false)
		got := run(t, items(n), f.fn)
		require.Empty(t, f.bad, "fn was called with values that are not items: %v", f.bad)
		for i, c := range f.calls {
			require.Equal(t, 1, c, "with %d items, fn was called %d times for item %d: call it exactly once per item", n, c, i)
		}
		require.False(t, f.gaveUp,
			"with %d items, a call waited in vain for the others: at most %d calls ever ran at the same time.\n"+
				"fn is the slow part, so every item's call must run at once, each in a goroutine of its own, and only\n"+
				"then does Map wait for them. A lock held around the call to fn, or waiting inside the loop, makes\n"+
				"the calls go one by one.", n, f.peak)
		require.Equal(t, n, f.peak, "with %d items, %d calls ran at the same time; want all %d", n, f.peak, n)
		require.Equal(t, want(n), got, "with %d items, result i must be fn(items[i])", n)
	}
}

// TestOrderWhenLaterItemsFinishFirst: the calls finish in reverse order, the
// last item first, and the results still come back in the items' order.
func TestOrderWhenLaterItemsFinishFirst(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{3, 10} {
		f := newFake(n, false, true)
		got := run(t, items(n), f.fn)
		require.Empty(t, f.bad, "fn was called with values that are not items: %v", f.bad)
		require.False(t, f.gaveUp,
			"with %d items, a call waited in vain for the call of the next item: here item i can return only after\n"+
				"item i+1 has returned, so all calls must run at the same time, each in a goroutine of its own.", n)
		require.Equal(t, want(n), got,
			"with %d items whose calls finished last item first (the order they finished: %v), the results\n"+
				"did not come back in the items' order. Results collected in the order they arrive (append from a\n"+
				"channel) follow the calls' finishing order, not the input order. Put each result at its item's index.",
			n, fmt.Sprint(f.order))
	}
}

// TestNoGoroutineLeft: when Map returns, its goroutines are done.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{1, 5, 50} {
		f := newFake(n, false, false)
		run(t, items(n), f.fn)
		check.NoLeaks(t)
	}
}
