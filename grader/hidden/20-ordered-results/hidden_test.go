//go:build gclhidden

package orderedresults_test

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	orderedresults "github.com/go-concurrency-lab/course/exercises/20-ordered-results"
	"github.com/go-concurrency-lab/course/grader/check"
)

// bound is how long the tests wait, in real time, for code that is broken
// (a spin loop): everything else is decided once the process is quiet
// (check.Quiet), or stuck (check.WaitEnded gives up early on that).
const bound = 20 * time.Second

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

// fake is the slow function the tests hand to Map. Each item's call enters
// a check.Hold of its own, which holds it until the test lets that item go:
// the test decides which call finishes first. It records the calls per
// item, the goroutine that made each, and arguments that are not items.
type fake struct {
	holds []*check.Hold

	mu         sync.Mutex
	goroutines [][]int // goroutines[i]: the goroutines that called fn(items[i])
	bad        []int
}

func newFake(n int) *fake {
	f := &fake{goroutines: make([][]int, n)}
	for range n {
		f.holds = append(f.holds, check.NewHold())
	}
	return f
}

func (f *fake) fn(x int) string {
	i := x - base
	f.mu.Lock()
	if i < 0 || i >= len(f.holds) {
		f.bad = append(f.bad, x)
		f.mu.Unlock()
		return ""
	}
	f.goroutines[i] = append(f.goroutines[i], check.GoroutineID())
	f.mu.Unlock()
	leave, _ := f.holds[i].Enter(context.TODO())
	defer leave()
	return "result " + strconv.Itoa(x)
}

// inFlight returns the number of calls held now.
func (f *fake) inFlight() int {
	n := 0
	for _, h := range f.holds {
		n += h.InFlight()
	}
	return n
}

func (f *fake) openAll() {
	for _, h := range f.holds {
		h.Open()
	}
}

// outcome is what one call of Map did.
type outcome struct {
	n          int
	procs      int // GOMAXPROCS while Map started its goroutines, 0: unchanged
	reversed   bool
	got        []string
	goroutines [][]int
	bad        []int
	caller     int  // the goroutine that called Map
	inFlight   int  // calls in flight once every goroutine waited
	early      int  // -1, or an item whose call was still held when Map had returned
	atOnce     bool // Map returned before any call was let go
	stuck      bool // Map did not return
	left       check.Report
}

func (o *outcome) String() string {
	if o.n == 1 {
		return "Map with 1 item"
	}
	return fmt.Sprintf("Map with %d items", o.n)
}

// mapOf calls Map on n items with every call held back, waits until all
// the goroutines have gone as far as they can (check.Quiet: no timing), and
// looks. Then it lets the calls finish: with reversed, one by one from the
// last item to the first, each allowed to go as far as it can before the
// next (so results collected as they come are reversed, every run), else
// all at once. With procs 1, Map's goroutine runs alone until it blocks: a
// goroutine it started cannot have begun before Map waits.
func mapOf(n, procs int, reversed bool) *outcome {
	f := newFake(n)
	o := &outcome{n: n, procs: procs, reversed: reversed, early: -1}
	defer f.openAll()
	if procs > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	}
	g := check.Go(func() { o.got = orderedresults.Map(items(n), f.fn) })
	o.caller = g.ID()
	check.Quiet(bound)
	o.inFlight = f.inFlight()
	if g.Ended() && n > 0 {
		o.early, o.atOnce = 0, true
	}
	if reversed {
		for i := n - 1; i > 0 && o.early < 0; i-- {
			f.holds[i].Open()
			check.Quiet(bound)
			if g.Ended() {
				o.early = i - 1 // items 0 to i-1 are still held
			}
		}
	}
	f.openAll()
	if !check.WaitEnded(bound, g) {
		o.stuck = true
		return o
	}
	check.Finished(&o.left, o.String()+" returned")
	f.mu.Lock()
	defer f.mu.Unlock()
	o.goroutines, o.bad = f.goroutines, f.bad
	return o
}

// TestNoItems: with no items, nil or empty, Map returns an empty slice at
// once and never calls fn.
func TestNoItems(t *testing.T) {
	check.Seal(t)
	for _, in := range [][]int{nil, {}} {
		f := newFake(0)
		var got []string
		g := check.Go(func() { got = orderedresults.Map(in, f.fn) })
		require.True(t, check.WaitEnded(bound, g),
			"Map with no items (%#v) did not return. With no items there is nothing to wait for: is it\n"+
				"waiting for a result (a receive from a channel) before it counts how many it still needs?", in)
		require.Empty(t, got, "Map with no items (%#v) must return an empty slice", in)
		require.Empty(t, f.bad, "Map with no items (%#v) called fn with %v: with no items, fn is never called", in, f.bad)
		check.Finished(t, fmt.Sprintf("Map(%#v, fn) returned", in))
	}
}

// cases are a few small inputs whose calls finish last item first, and one
// with more items than any machine has cores; half of them with GOMAXPROCS 1
// while Map starts its goroutines.
func cases() []*outcome {
	many := max(64, 2*runtime.NumCPU()+1, 2*runtime.GOMAXPROCS(0)+1)
	var out []*outcome
	for i, n := range []int{1, 2, 3, 5, 10, many, 4} {
		o := mapOf(n, 1-i%2, n <= 10)
		out = append(out, o)
		if o.stuck || o.early >= 0 {
			break // goroutines left behind would only pile up
		}
	}
	return out
}

var (
	sweepOnce sync.Once
	outcomes  []*outcome
)

// sweep hands look the outcome of Map for every case. The calls are made
// once, by the first test that asks; each test looks at one side of them.
func sweep(t *testing.T, look func(o *outcome)) {
	t.Helper()
	sweepOnce.Do(func() { outcomes = cases() })
	for _, o := range outcomes {
		if o.stuck {
			t.Fatalf("%s did not return, even once every call of fn had returned. Is it waiting for a goroutine\n"+
				"that never ends, or receiving more results than were sent?\n%s", o, check.TimeMarker)
		}
		look(o)
		if t.Failed() {
			return
		}
	}
}

// TestResultsInInputOrder: result i is fn(items[i]), also when the calls
// finish last item first.
func TestResultsInInputOrder(t *testing.T) {
	check.Seal(t)
	sweep(t, func(o *outcome) {
		require.Empty(t, o.bad, "fn was called with values that are not items: %v", o.bad)
		require.Len(t, o.got, o.n, "%s must return %d results, one per item", o, o.n)
		if o.early >= 0 {
			return // TestReturnsAfterEveryCall says what is wrong
		}
		how := ""
		if o.reversed {
			how = ", whose calls finished last item first,"
		}
		require.Equal(t, want(o.n), o.got,
			"%s%s returned the results in the wrong places. Result i must be fn(items[i]), whichever\n"+
				"call finished first. Results collected in the order they arrive (append, or a receive from a channel)\n"+
				"follow the order the calls finished in: give each goroutine its own place, results[i] = fn(item).", o, how)
	})
	lens := orderedresults.Map([]string{"a", "bb", "", "dddd"}, func(s string) int { return len(s) })
	require.Equal(t, []int{1, 2, 0, 4}, lens, "Map(items, fn) with strings and fn = len (a 0 result is a result like any other)")
}

// TestCallsRunAtTheSameTime: fn is called once per item, each call in a
// goroutine of its own, all at the same time, however many cores there are.
func TestCallsRunAtTheSameTime(t *testing.T) {
	check.Seal(t)
	sweep(t, func(o *outcome) {
		require.Empty(t, o.bad, "fn was called with values that are not items: %v", o.bad)
		for i, gs := range o.goroutines {
			require.Len(t, gs, 1, "%s called fn %d times for item %d: call it exactly once per item", o, len(gs), i)
		}
		if !o.atOnce && o.inFlight != o.n {
			t.Fatalf("%s: only %d of the %d calls of fn were running at the same time, while the others waited.\n"+
				"fn is the slow part: start one goroutine per item, all of them, so that every call runs at once,\n"+
				"and only then wait for them. A lock held around the call to fn, waiting inside the loop, or a\n"+
				"limit of as many goroutines as the machine has cores makes them go a few at a time.", o, o.inFlight, o.n)
		}
		by := map[int]int{}
		for i, gs := range o.goroutines {
			if gs[0] == o.caller {
				t.Fatalf("%s called fn for item %d itself, in the goroutine that called Map: call fn for every\n"+
					"item in a goroutine of its own, and let Map only start them and wait.", o, i)
			}
			if by[gs[0]]++; by[gs[0]] > 1 {
				t.Fatalf("%s called fn for two items from the same goroutine: start one goroutine per item.", o)
			}
		}
	})
}

// TestReturnsAfterEveryCall: Map returns only after every call of fn has
// returned, and leaves no goroutine behind.
func TestReturnsAfterEveryCall(t *testing.T) {
	check.Seal(t)
	sweep(t, func(o *outcome) {
		if o.early >= 0 {
			t.Fatalf("%s returned while the call of fn for item %d was still running: it did not wait for every\n"+
				"goroutine. Count each goroutine in before it starts (wg.Add(1) before the go statement, or wg.Go),\n"+
				"and wait for all of them (wg.Wait, or one receive per item) before returning.", o, o.early)
		}
		o.left.Tell(t)
	})
}
