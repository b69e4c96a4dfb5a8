//go:build gclhidden

package fanoutfanin_test

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	fanoutfanin "github.com/go-concurrency-lab/course/exercises/17-fan-out-fan-in"
	"github.com/go-concurrency-lab/course/grader/check"
)

// The worker tests run in synctest bubbles: time is fake, and it moves only
// when every goroutine of the test is blocked. That makes the count of
// calls in flight exact instead of a matter of luck.
const (
	foPatience = time.Minute // fake time: how long work waits for n calls in flight
	foHold     = time.Second // fake time: how long each call of work takes
	foResults  = time.Hour   // fake time: how long to wait for the next result
)

// foWork is the instrumented work function. It counts the calls in flight
// and records the peak. The first calls wait (at most foPatience) until
// `want` of them are in flight together; every call then takes foHold of
// fake time, so that each goroutine that is able to start a call has
// started it before any call ends.
type foWork struct {
	mu         sync.Mutex
	want       int
	items      map[int]bool // the items the test sends
	calls      map[int]int
	unexpected []int
	inFlight   int
	peak       int
	arrived    chan struct{}
}

func foNewWork(want int, items []int) *foWork {
	w := &foWork{want: want, items: map[int]bool{}, calls: map[int]int{}, arrived: make(chan struct{})}
	for _, it := range items {
		w.items[it] = true
	}
	return w
}

func (w *foWork) work(item int) int {
	w.mu.Lock()
	if !w.items[item] {
		w.unexpected = append(w.unexpected, item)
		w.mu.Unlock()
		// Not an item the test sent: typically the zero value from a
		// closed channel, in a worker that never stops. End that worker
		// (its deferred calls still run) so the test can report it.
		runtime.Goexit()
	}
	w.calls[item]++
	w.inFlight++
	w.peak = max(w.peak, w.inFlight)
	if w.inFlight == w.want {
		select {
		case <-w.arrived:
		default:
			close(w.arrived)
		}
	}
	w.mu.Unlock()
	select {
	case <-w.arrived:
	case <-time.After(foPatience):
		// n calls never were in flight together. Stop waiting for that,
		// in this call and all later ones.
		w.mu.Lock()
		select {
		case <-w.arrived:
		default:
			close(w.arrived)
		}
		w.mu.Unlock()
	}
	time.Sleep(foHold)
	w.mu.Lock()
	w.inFlight--
	w.mu.Unlock()
	return item * 10
}

// foCheckOnce reports items worked on more than once, or never, and calls
// of work with values that were never sent.
func (w *foWork) foCheckOnce(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	var twice, never []int
	for it := range w.items {
		switch {
		case w.calls[it] == 0:
			never = append(never, it)
		case w.calls[it] > 1:
			twice = append(twice, it)
		}
	}
	slices.Sort(twice)
	slices.Sort(never)
	assert.Empty(t, w.unexpected, "work was called with values that were never sent: %v.\n"+
		"A receive from a closed channel returns the zero value at once. Let each worker range over in\n"+
		"(for item := range in), so it stops when in is closed.", w.unexpected)
	assert.Empty(t, twice, "these items were worked on more than once: %v. Each item must go to exactly one worker:\n"+
		"let all workers receive from the same channel in.", twice)
	assert.Empty(t, never, "these items were never worked on: %v", never)
}

func (w *foWork) stats() (peak, inFlight int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peak, w.inFlight
}

func foItems(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

// foFeed sends items on a new channel from a goroutine, then closes it.
// When stop is closed first, the goroutine gives up: the test must not
// leave it blocked in its bubble.
func foFeed(stop <-chan struct{}, items []int) <-chan int {
	in := make(chan int)
	go func() {
		defer close(in)
		for _, it := range items {
			select {
			case in <- it:
			case <-stop:
				return
			}
		}
	}()
	return in
}

// foCollect receives from c until it is closed; it gives up after
// `patience` without a value.
func foCollect(t *testing.T, c <-chan int, patience time.Duration, what string) []int {
	t.Helper()
	got := []int{}
	for {
		select {
		case v, ok := <-c:
			if !ok {
				return got
			}
			got = append(got, v)
		case <-time.After(patience):
			t.Errorf("%s was never closed: after %d values, nothing more came.\n"+
				"Close it once every value has been sent: for the fan-in, when every input channel is closed\n"+
				"(a sync.WaitGroup counts the forwarding goroutines; wait on it in a goroutine of its own, then close).", what, len(got))
			return got
		}
	}
}

func foTimes10(items []int) []int {
	out := make([]int, len(items))
	for i, it := range items {
		out[i] = it * 10
	}
	return out
}

// foReachesN runs start (FanOut or Process) on 2n items with n workers, in
// real time, outside any bubble, with a work function that waits (at most
// 2s) until n calls are in flight, and reads every result channel. It
// reports whether n calls were in flight together. This comes first in the
// tests that use fake time: workers that take turns, say by holding a
// sync.Mutex while they work, would stall a synctest bubble (a goroutine
// waiting for a mutex keeps fake time from moving) instead of failing; and
// a FanIn that never returns would end the bubble in a deadlock panic.
func foReachesN(t *testing.T, n int, name string, start func(in <-chan int, n int, work func(int) int) []<-chan int) bool {
	t.Helper()
	var mu sync.Mutex
	inFlight, peak := 0, 0
	arrived := make(chan struct{})
	release := func() {
		select {
		case <-arrived:
		default:
			close(arrived)
		}
	}
	work := func(item int) int {
		if item < 1 || item > 2*n {
			runtime.Goexit() // not an item that was sent: end that worker (the tests below report it)
		}
		mu.Lock()
		inFlight++
		peak = max(peak, inFlight)
		if inFlight == n {
			release()
		}
		mu.Unlock()
		select {
		case <-arrived:
		case <-time.After(2 * time.Second):
			mu.Lock()
			release()
			mu.Unlock()
		}
		mu.Lock()
		inFlight--
		mu.Unlock()
		return item * 10
	}
	stop := make(chan struct{})
	defer close(stop)
	started := make(chan []<-chan int, 1)
	go func() { started <- start(foFeed(stop, foItems(2*n)), n, work) }()
	var outs []<-chan int
	select {
	case outs = <-started:
	case <-time.After(10 * time.Second):
		t.Errorf("%s(in, %d, work) did not return within 10s. It must return its channel(s) at once and leave the\n"+
			"work to goroutines. If it waits for the workers (wg.Wait()) before returning, nobody can receive their\n"+
			"results yet, so they wait to send, and it waits for them forever. Wait in a goroutine of its own.", name, n)
		return false
	}
	var wg sync.WaitGroup
	for _, c := range outs {
		wg.Go(func() {
			for {
				select {
				case _, ok := <-c:
					if !ok {
						return
					}
				case <-time.After(5 * time.Second):
					return
				}
			}
		})
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if peak < n {
		t.Errorf("%s(in, %d, work) on %d items, each call of work waiting up to 2s for the others: at most %d calls\n"+
			"were in flight at the same time, never %d. Start n goroutines, each of which receives from in and\n"+
			"calls work, and let them work at once: not one goroutine doing all the work, not workers that take\n"+
			"turns (a lock held while working).", name, n, 2*n, peak, n)
		return false
	}
	return true
}

// TestFanInMergesAndCloses: FanIn delivers every value of every input and
// closes its channel once, and only once, all inputs are closed.
func TestFanInMergesAndCloses(t *testing.T) {
	check.Seal(t)
	const patience = 2 * time.Second // real time, never reached by a correct FanIn
	ins := []chan int{make(chan int), make(chan int), make(chan int)}
	returned := make(chan (<-chan int), 1)
	go func() { returned <- fanoutfanin.FanIn(ins[0], ins[1], ins[2]) }()
	var out <-chan int
	select {
	case out = <-returned:
	case <-time.After(patience):
		t.Fatalf("FanIn did not return within %v. It must return its channel at once and do the forwarding in\n"+
			"goroutines: if FanIn itself waits (wg.Wait()) before returning, nobody can receive yet, so the\n"+
			"forwarders wait to send, and FanIn waits for them forever. Wait and close in a goroutine of its own.", patience)
	}
	send := func(c chan int, v int) bool {
		select {
		case c <- v:
			return true
		case <-time.After(patience):
			t.Errorf("FanIn did not receive the value %d sent on one of its inputs within %v", v, patience)
			return false
		}
	}
	recv := func() (int, bool, bool) {
		select {
		case v, ok := <-out:
			return v, ok, false
		case <-time.After(patience):
			return 0, false, true
		}
	}
	for i, c := range ins {
		if !send(c, i+1) {
			return
		}
		if v, ok, timedOut := recv(); v != i+1 || !ok || timedOut {
			t.Errorf("sent %d on input %d; FanIn's channel gave %d (open: %v, timed out: %v)", i+1, i+1, v, ok, timedOut)
			return
		}
	}
	close(ins[0])
	close(ins[1])
	if !send(ins[2], 7) {
		return
	}
	if v, ok, timedOut := recv(); v != 7 || !ok || timedOut {
		t.Errorf("inputs 1 and 2 were closed, input 3 still open; sent 7 on it, and FanIn's channel gave %d (open: %v,\n"+
			"timed out: %v). The output must stay open, and deliver, until every input is closed.", v, ok, timedOut)
		return
	}
	close(ins[2])
	if v, ok, timedOut := recv(); ok || timedOut {
		t.Errorf("every input is closed, so FanIn's channel must be closed; it gave %d (open: %v, timed out: %v)", v, ok, timedOut)
	}
}

// TestFanOutRunsNWorkers: FanOut returns n channels, and its n workers
// work at the same time: exactly n calls of work in flight at the peak, not
// fewer (workers that wait for each other) and not more (a goroutine per
// item). Every item is worked on exactly once.
func TestFanOutRunsNWorkers(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{1, 3, 5} {
		if !foReachesN(t, n, "FanOut", fanoutfanin.FanOut) {
			return
		}
		synctest.Test(t, func(t *testing.T) {
			items := foItems(4 * n)
			w := foNewWork(n, items)
			stop := make(chan struct{})
			defer close(stop)
			outs := fanoutfanin.FanOut(foFeed(stop, items), n, w.work)
			assert.Len(t, outs, n, "FanOut(in, %d, work) must return one result channel per worker: %d", n, n)
			var mu sync.Mutex
			var got []int
			var wg sync.WaitGroup
			for i, c := range outs {
				wg.Go(func() {
					vals := foCollect(t, c, foResults, fmt.Sprintf("worker %d's result channel", i))
					mu.Lock()
					got = append(got, vals...)
					mu.Unlock()
				})
			}
			wg.Wait()
			peak, _ := w.stats()
			switch {
			case peak < n:
				t.Errorf("with n=%d workers, at most %d calls of work were in flight at the same time, never %d.\n"+
					"The work must really be spread: start n goroutines, each of which receives from in and calls\n"+
					"work, and do not make one wait for another (e.g. by sending all results through one goroutine).", n, peak, n)
			case peak > n:
				t.Errorf("with n=%d workers, %d calls of work were in flight at the same time. FanOut must start exactly\n"+
					"n workers, each working on one item at a time, not a goroutine per item.", n, peak)
			}
			w.foCheckOnce(t)
			slices.Sort(got)
			assert.Equal(t, foTimes10(items), got, "the result channels together must deliver work(item) for every item, once")
		})
	}
}

// TestProcessEachItemOnce: Process with 4 workers works on every item once,
// 4 at a time, delivers every result, and closes its channel only after
// the last worker is done.
func TestProcessEachItemOnce(t *testing.T) {
	check.Seal(t)
	process := func(in <-chan int, n int, work func(int) int) []<-chan int {
		return []<-chan int{fanoutfanin.Process(in, n, work)}
	}
	if !foReachesN(t, 4, "Process", process) {
		return
	}
	synctest.Test(t, func(t *testing.T) {
		const n = 4
		items := foItems(20)
		w := foNewWork(n, items)
		stop := make(chan struct{})
		defer close(stop)
		out := fanoutfanin.Process(foFeed(stop, items), n, w.work)
		got := foCollect(t, out, foResults, "the channel Process returned")
		peak, inFlight := w.stats()
		assert.Zero(t, inFlight, "the channel Process returned was closed while %d calls of work were still running.\n"+
			"Close it only after every worker has sent its last result and ended.", inFlight)
		assert.Equal(t, n, peak, "Process(in, %d, work) must have exactly %d calls of work in flight at the peak, not fewer, not more", n, n)
		w.foCheckOnce(t)
		slices.Sort(got)
		assert.Equal(t, foTimes10(items), got, "Process must deliver work(item) for every item, once")
	})
}

// TestNoGoroutineLeft: once Process's channel is closed, no worker or
// forwarding goroutine is left.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	before := goleak.IgnoreCurrent()
	in := make(chan int)
	go func() {
		defer close(in)
		for i := 1; i <= 10; i++ {
			in <- i
		}
	}()
	returned := make(chan (<-chan int), 1)
	go func() { returned <- fanoutfanin.Process(in, 3, func(i int) int { return i }) }()
	var out <-chan int
	select {
	case out = <-returned:
	case <-time.After(2 * time.Second):
		t.Fatal("Process did not return within 2s: it must return its channel at once")
	}
	timeout := time.After(2 * time.Second)
	for done := false; !done; {
		select {
		case _, ok := <-out:
			done = !ok
		case <-timeout:
			t.Fatal("the channel Process returned was not closed within 2s of the last item")
		}
	}
	check.NoLeaks(t, before)
}
