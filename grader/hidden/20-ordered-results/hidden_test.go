//go:build gclhidden

package orderedresults_test

import (
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	orderedresults "github.com/go-concurrency-lab/course/exercises/20-ordered-results"
	"github.com/go-concurrency-lab/course/grader/check"
)

// The tests run in synctest bubbles (check.InBubble), with an fn whose
// calls the test holds (check.Hold) or orders: it knows how many calls run
// at once, and which finishes first.

// advice is what a test that ends in a deadlock tells the student.
const advice = "Does Map wait for exactly as many goroutines (or results) as it started, one per item?"

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

// calls counts the calls of fn per item; safe for concurrent use.
type calls struct {
	mu  sync.Mutex
	per map[int]int
}

func (c *calls) add(x int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.per == nil {
		c.per = map[int]int{}
	}
	c.per[x]++
}

// check fails t unless every item of items(n) was called exactly once, and
// nothing else.
func (c *calls) check(t *testing.T, n int) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for x, k := range c.per {
		if x < base || x >= base+n {
			t.Errorf("fn was called with %d, which is not an item", x)
		} else if k != 1 {
			t.Errorf("with %d items, fn was called %d times for item %d: call it exactly once per item", n, k, x-base)
		}
	}
	assert.Len(t, c.per, n, "with %d items, fn must be called for every item", n)
}

// start calls Map in a goroutine; finish waits for it (a fake hour at
// most) and checks that none of Map's goroutines is left when it returned.
func start[T, R any](in []T, fn func(T) R) <-chan []R {
	done := make(chan []R, 1)
	go func() { done <- orderedresults.Map(in, fn) }()
	return done
}

func finish[R any](t *testing.T, done <-chan []R) []R {
	t.Helper()
	select {
	case got := <-done:
		check.Settled(t, "Map returned")
		return got
	case <-time.After(time.Hour):
		t.Fatal("Map did not return, although every call of fn had returned. Is it waiting for a goroutine that\n" +
			"never ends, or receiving more results than were sent?")
		return nil
	}
}

// probeFailed is set once allAtOnce failed: the code under test is the same
// in every test, so the later probes fail at once instead of waiting again.
var probeFailed atomic.Bool

// allAtOnce runs Map on n items in real time, outside any bubble, with an
// fn that waits until all n calls are in flight, and reports whether they
// were within 500ms (a right answer takes microseconds). This comes first:
// calls that take turns on a sync.Mutex would stall a bubble (a goroutine
// waiting for a mutex keeps fake time from moving) instead of failing.
func allAtOnce(t *testing.T, n int) bool {
	t.Helper()
	if probeFailed.Load() {
		t.Errorf("not run: the calls of fn never all ran at once (see the first test that failed); fix that first")
		return false
	}
	h := check.NewHold()
	done := start(items(n), func(x int) string {
		leave, _ := h.Enter(nil)
		defer leave()
		return "result " + strconv.Itoa(x)
	})
	ok := h.WaitInFlight(n, 500*time.Millisecond)
	got := h.InFlight()
	h.Open()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Errorf("Map with %d items did not return within 2s of its calls being let through", n)
		return false
	}
	if !ok {
		t.Errorf("with %d items, each call of fn waiting for the others, at most %d calls ran at the same time.\n"+
			"fn is the slow part, so every item's call must run at once, each in a goroutine of its own, and only\n"+
			"then does Map wait for them. A lock held around the call to fn, waiting inside the loop, or a few\n"+
			"workers for all the items make the calls wait for each other.", n, got)
		probeFailed.Store(true)
	}
	return ok
}

// TestResultsInInputOrder: result i is fn(items[i]), for any number of
// items, zero values and no items included.
func TestResultsInInputOrder(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		for _, n := range []int{0, 1, 2, 5, 50} {
			var c calls
			got := finish(t, start(items(n), func(x int) string {
				c.add(x)
				return "result " + strconv.Itoa(x)
			}))
			c.check(t, n)
			require.Len(t, got, n, "Map with %d items must return %d results, one per item", n, n)
			if n > 0 {
				require.Equal(t, want(n), got,
					"Map with %d items returned the wrong results. Result i must be fn(items[i]): put each result at its\n"+
						"item's index (results[i] = fn(item)), and return only after every call has returned (wg.Wait).", n)
			}
		}
		lens := finish(t, start([]string{"a", "bb", "", "dddd"}, func(s string) int { return len(s) }))
		assert.Equal(t, []int{1, 2, 0, 4}, lens, "Map(items, fn) with strings and fn = len")
		none := finish(t, start([]int(nil), func(x int) int { return x }))
		assert.Empty(t, none, "Map with no items (nil) returns an empty slice")
	})
}

// TestCallsRunAtTheSameTime: all calls are in flight at once, fn is
// called once per item, and Map has not returned while they run. On one P
// (check.OneProc) the goroutines Map starts run only once Map waits, every
// run: a Map that counts them only once they run (wg.Add inside the
// goroutine) is caught returning early.
func TestCallsRunAtTheSameTime(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	for _, n := range []int{2, 8, 100} {
		if !allAtOnce(t, n) {
			return
		}
		check.InBubble(t, advice, func(t *testing.T) {
			h := check.NewHold()
			var c calls
			done := start(items(n), func(x int) string {
				c.add(x)
				leave, _ := h.Enter(nil)
				defer leave()
				return "result " + strconv.Itoa(x)
			})
			synctest.Wait() // every goroutine that can call fn has called it
			got := h.InFlight()
			select {
			case <-done:
				t.Errorf("Map returned while %d calls of fn were still running (the test was holding them). Map must\n"+
					"return only once every call has returned: wait for the goroutines (sync.WaitGroup) before returning.", got)
			default:
			}
			h.Open()
			res := finish(t, done)
			require.Equal(t, n, got, "with %d items, %d calls of fn ran at the same time; want all %d, each in a goroutine\n"+
				"of its own", n, got, n)
			c.check(t, n)
			require.Equal(t, want(n), res, "with %d items, result i must be fn(items[i])", n)
		})
	}
}

// TestOrderWhenLaterItemsFinishFirst: the calls finish in reverse order, the
// last item first, and the results still come back in the items' order.
func TestOrderWhenLaterItemsFinishFirst(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{3, 10} {
		if !allAtOnce(t, n) {
			return
		}
		check.InBubble(t, advice, func(t *testing.T) {
			finished := make([]chan struct{}, n+1) // finished[i] is closed when item i's call returns
			for i := range finished {
				finished[i] = make(chan struct{})
			}
			close(finished[n])
			var mu sync.Mutex
			var order []int
			got := finish(t, start(items(n), func(x int) string {
				i := x - base
				<-finished[i+1] // item i returns only after item i+1 has returned
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				close(finished[i])
				return "result " + strconv.Itoa(x)
			}))
			mu.Lock()
			defer mu.Unlock()
			require.Equal(t, want(n), got,
				"with %d items whose calls finished last item first (the order they finished: %v), the results\n"+
					"did not come back in the items' order. Results collected in the order they arrive (append from a\n"+
					"channel) follow the calls' finishing order, not the input order. Put each result at its item's index.",
				n, fmt.Sprint(order))
		})
	}
}

// TestNoGoroutineLeft: when Map returns, its goroutines are done (real
// time, with goleak).
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{1, 5, 50} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			orderedresults.Map(items(n), func(x int) int { return x })
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("Map with %d items did not return within 2 seconds\n%s", n, check.TimeMarker)
		}
		check.NoLeaks(t)
	}
}
