//go:build gclhidden

package mergechannels_test

import (
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	mergechannels "github.com/go-concurrency-lab/course/exercises/15-merge-channels"
	"github.com/go-concurrency-lab/course/grader/check"
)

// The tests run in synctest bubbles (check.InBubble), except the one that
// looks for a busy loop: time is fake, so each wait below is only a bound
// for code that would otherwise hang, and a wrong answer reaches it at
// once, in no real time.
const mcPatience = 2 * time.Second

// mcStuck is the advice when a bubble ends with goroutines blocked.
const mcStuck = "when the test ended, a goroutine of Merge was still blocked, with nothing left that could wake it.\n" +
	"Merge's goroutine must end once both inputs are closed, closing the output as it goes (defer close(out))."

// mcSend sends v on c, or reports that Merge never received it.
func mcSend(t *testing.T, c chan<- int, v int, name string) bool {
	t.Helper()
	select {
	case c <- v:
		return true
	case <-time.After(mcPatience):
		t.Errorf("Merge did not receive the value %d sent on %s within %v.\n"+
			"While an input is open, Merge must keep receiving from it, whatever the other input does.\n"+
			"Do you read one input to its end before the other, or stop when the first input closes?", v, name, mcPatience)
		return false
	}
}

// mcRecv receives from out; timedOut when nothing came.
func mcRecv(out <-chan int) (v int, ok, timedOut bool) {
	select {
	case v, ok = <-out:
		return v, ok, false
	case <-time.After(mcPatience):
		return 0, false, true
	}
}

// mcCollect receives from out until it is closed. It gives up after limit
// values (the merge goes on forever) or mcPatience without a value.
func mcCollect(t *testing.T, out <-chan int, limit int) []int {
	t.Helper()
	var got []int
	for {
		v, ok, timedOut := mcRecv(out)
		switch {
		case timedOut:
			t.Errorf("the merged channel was never closed: after %d values, nothing came for %v.\n"+
				"Close the output once both inputs are closed (defer close(out) in the merging goroutine).", len(got), mcPatience)
			return got
		case !ok:
			return got
		}
		got = append(got, v)
		if len(got) > limit {
			t.Errorf("the merged channel delivered more than the %d values that were sent, and it goes on: %v ...\n"+
				"A receive from a closed channel returns the zero value at once. Use v, ok := <-a and stop\n"+
				"taking from a when ok is false.", limit, got[:min(len(got), 20)])
			return got
		}
	}
}

// mcFeed sends vals on c in a goroutine of its own, then closes c. If the
// test ends first, the goroutine gives up, so that it is not reported as a
// leak of yours.
func mcFeed(t *testing.T, c chan<- int, vals []int) {
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		for _, v := range vals {
			select {
			case c <- v:
			case <-stop:
				return
			}
		}
		close(c)
	}()
}

func mcRange(from, to int) []int {
	var s []int
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

// TestMergesEverything: every value of both inputs comes out once, those of
// each input in their order, and then the output is closed.
func TestMergesEverything(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, mcStuck, mergesEverything)
}

func mergesEverything(t *testing.T) {
	a, b := make(chan int), make(chan int)
	// 0 is a value like any other: it must come through.
	fromA, fromB := mcRange(0, 50), mcRange(101, 150)
	mcFeed(t, a, fromA)
	mcFeed(t, b, fromB)
	got := mcCollect(t, mergechannels.Merge(a, b), len(fromA)+len(fromB))
	if t.Failed() {
		return
	}
	var gotA, gotB []int
	for _, v := range got {
		if v > 100 {
			gotB = append(gotB, v)
		} else {
			gotA = append(gotA, v)
		}
	}
	assert.Equal(t, fromA, gotA, "the values sent on a (0 to 50) must all come out, once each, in the order they were sent;\n"+
		"0 is a value too: it is ok == false, not the value, that says a channel is closed")
	assert.Equal(t, fromB, gotB, "the values sent on b (101 to 150) must all come out, once each, in the order they were sent")
}

// TestOpenUntilBothClosed: with one input closed, values of the other still
// come through; the output closes only when the second input closes. Both
// orders: a closed first, then b closed first.
func TestOpenUntilBothClosed(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, mcStuck, openUntilBothClosed)
}

func openUntilBothClosed(t *testing.T) {
	for _, first := range []string{"a", "b"} {
		a, b := make(chan int), make(chan int)
		out := mergechannels.Merge(a, b)
		closed, open := a, b
		if first == "b" {
			closed, open = b, a
		}
		other := map[string]string{"a": "b", "b": "a"}[first]
		if !mcSend(t, closed, 1, first) {
			return
		}
		if v, ok, timedOut := mcRecv(out); timedOut || !ok || v != 1 {
			t.Errorf("sent 1 on %s, then expected 1 from the merged channel; got %d (open: %v, timed out: %v)", first, v, ok, timedOut)
			return
		}
		close(closed)
		// Close open also when the test fails half-way, so that a merge
		// that spins on the closed input ends with the bubble.
		closeOpen := sync.OnceFunc(func() { close(open) })
		defer closeOpen()
		for _, v := range []int{2, 3} {
			if !mcSend(t, open, v, other+" (after "+first+" was closed)") {
				return
			}
			got, ok, timedOut := mcRecv(out)
			if !ok || timedOut || got != v {
				t.Errorf("%s was closed and %s still open; sent %d on %s, but the merged channel gave %d (open: %v, timed out: %v).\n"+
					"The merged channel must stay open, and deliver %s's values, until %s is closed too.", first, other, v, other, got, ok, timedOut, other, other)
				return
			}
		}
		closeOpen()
		if v, ok, timedOut := mcRecv(out); ok || timedOut {
			t.Errorf("both inputs are closed, so the merged channel must be closed; instead it gave %d (open: %v, timed out: %v).\n"+
				"When both inputs are closed, close the output: a receiver that ranges over it waits for that.", v, ok, timedOut)
			return
		}
	}
}

// TestNoBusyLoopWhileOneIsOpen: with one input closed and the other open
// but silent, the merging goroutine must wait (blocked in a select or a
// receive), not spin on the closed input.
func TestNoBusyLoopWhileOneIsOpen(t *testing.T) {
	check.Seal(t)
	for _, first := range []string{"a", "b"} {
		a, b := make(chan int), make(chan int)
		out := mcMergeAtOnce(t, a, b)
		if out == nil {
			return
		}
		closed, open := a, b
		if first == "b" {
			closed, open = b, a
		}
		close(closed)
		busy := mcWaitQuiet(mcPackagePrefix())
		close(open)
		go func() {
			for range out { // let a merge that is still running end, without waiting for it
			}
		}()
		if busy != "" {
			t.Errorf("%s was closed, the other input was open but had nothing to send, and yet for %v the merging\n"+
				"goroutine never waited: it kept running.\n%s\n"+
				"A receive from a closed channel never blocks, so a select that still has the closed channel in it\n"+
				"picks it again and again: a busy loop that burns a CPU core. Set a closed input to nil: a nil\n"+
				"channel is never ready, so its case drops out of the select.", first, mcQuietWithin, busy)
			return
		}
	}
}

// TestNoGoroutineLeft: once both inputs are closed and the output closed,
// no goroutine of Merge is left (check.Settled: no time passes).
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, mcStuck, func(t *testing.T) {
		a, b := make(chan int), make(chan int)
		mcFeed(t, a, mcRange(1, 10))
		mcFeed(t, b, mcRange(101, 110))
		mcCollect(t, mergechannels.Merge(a, b), 20)
		if !t.Failed() {
			check.Settled(t, "the merged channel was closed")
		}
	})
}

// mcMergeAtOnce calls Merge in a goroutine and expects it to return within
// a second of real time (it must return at once; this test runs outside a
// bubble, so a Merge that does the merging itself would hang it).
func mcMergeAtOnce(t *testing.T, a, b chan int) <-chan int {
	t.Helper()
	got := make(chan (<-chan int), 1)
	go func() { got <- mergechannels.Merge(a, b) }()
	select {
	case out := <-got:
		return out
	case <-time.After(time.Second):
		close(a)
		close(b)
		t.Errorf("Merge did not return within a second. Merge must return at once and do the merging in a\n" +
			"goroutine of its own (go func() { ... }()), so that the caller can start receiving.")
		return nil
	}
}

// mcPackagePrefix is "<import path of this package>.", whatever folder is
// being graded.
func mcPackagePrefix() string {
	name := runtime.FuncForPC(reflect.ValueOf(mergechannels.Merge).Pointer()).Name()
	return strings.TrimSuffix(name, "Merge")
}

// mcQuietWithin bounds, in real time, the wait for the merging goroutine to
// park. A correct merge parks within microseconds of the close it has to
// see (one scheduling, tens of milliseconds at worst on a loaded machine);
// a busy loop never does, and fails after this long.
const mcQuietWithin = 300 * time.Millisecond

// mcWaitQuiet looks at every goroutine's state until none of the package's
// own goroutines is running or ready to run, three looks in a row, for at
// most mcQuietWithin. It returns "" then, or else the stack of a goroutine
// that never stopped running.
func mcWaitQuiet(prefix string) string {
	deadline := time.Now().Add(mcQuietWithin)
	quiet, last := 0, ""
	for time.Now().Before(deadline) {
		busy := mcBusyGoroutine(prefix)
		if busy == "" {
			quiet++
			if quiet == 3 {
				return ""
			}
		} else {
			quiet, last = 0, busy
		}
		time.Sleep(time.Millisecond)
	}
	return last
}

// mcBusyGoroutine returns the stack of a goroutine, other than the calling
// one, that is running or runnable and is (or may be) the package's own.
func mcBusyGoroutine(prefix string) string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	stacks := strings.Split(string(buf), "\n\n")
	for _, g := range stacks[1:] { // the first one is the caller's
		header, _, _ := strings.Cut(g, "\n")
		state := header[strings.Index(header, "[")+1:]
		state, _, _ = strings.Cut(state, "]")
		state, _, _ = strings.Cut(state, ",")
		if !slices.Contains([]string{"running", "runnable", "preempted", "copystack"}, state) {
			continue
		}
		if strings.Contains(g, "stack unavailable") || mcHasOwnFrame(g, prefix) {
			return g
		}
	}
	return ""
}

// mcHasOwnFrame: a frame or the "created by" line names a function of the
// package that is not one of these tests.
func mcHasOwnFrame(stack, prefix string) bool {
	for _, line := range strings.Split(stack, "\n") {
		line = strings.TrimPrefix(line, "created by ")
		fn, ok := strings.CutPrefix(line, prefix)
		if ok && !strings.HasPrefix(fn, "Test") && !strings.HasPrefix(fn, "mc") {
			return true
		}
	}
	return false
}
