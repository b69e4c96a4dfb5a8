//go:build gclhidden

package fanoutfanin_test

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fanoutfanin "github.com/go-concurrency-lab/course/exercises/17-fan-out-fan-in"
	"github.com/go-concurrency-lab/course/grader/check"
)

// The tests run in synctest bubbles (check.InBubble): time is fake, and a
// wait for something that never comes ends at once. work is a check.Hold:
// every call is held until the test lets one through, so the test knows
// how many calls must be running at every step.

// advice is what a test that ends in a deadlock tells the student.
const advice = "Does every worker end when in is closed (for item := range in), and is the fan-in's output closed\n" +
	"by a goroutine of its own once every forwarder is done (wg.Wait, then close)?"

// worker is the instrumented work function. It records each call and
// holds it in a check.Hold. A second call for the same item, typically
// the zero value of a closed channel in a worker that never stops, ends
// that worker (runtime.Goexit: its deferred calls still run), so that the
// test reports it instead of spinning.
type worker struct {
	hold  *check.Hold
	items map[int]bool // the items the test sends

	mu         sync.Mutex
	calls      map[int]int
	unexpected []int
}

func newWorker(items []int) *worker {
	w := &worker{hold: check.NewHold(), items: map[int]bool{}, calls: map[int]int{}}
	for _, it := range items {
		w.items[it] = true
	}
	return w
}

func (w *worker) work(item int) int {
	w.mu.Lock()
	w.calls[item]++
	again := w.calls[item] > 1
	if !w.items[item] {
		w.unexpected = append(w.unexpected, item)
	}
	w.mu.Unlock()
	if again || !w.items[item] {
		runtime.Goexit()
	}
	leave, _ := w.hold.Enter(context.TODO())
	defer leave()
	return item*10 + 1
}

// checkOnce reports items worked on more than once, or never, and calls of
// work with values that were never sent.
func (w *worker) checkOnce(t *testing.T) {
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
	assert.Empty(t, w.unexpected, "work was called with values that were never sent: %v", w.unexpected)
	assert.Empty(t, twice, "these items were worked on more than once: %v. Each item must go to exactly one worker,\n"+
		"and a worker must stop when in is closed: a receive from a closed channel gives the zero value at once,\n"+
		"again and again. Let each worker range over in (for item := range in).", twice)
	assert.Empty(t, never, "these items were never worked on: %v. The item 0 is an item like any other: a worker\n"+
		"that stops at a zero value mistakes it for the end. Let each worker range over in (for item := range in).", never)
}

// items returns 0, 1, ..., n-1: the zero value is an item too.
func items(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func results(items []int) []int {
	out := make([]int, len(items))
	for i, it := range items {
		out[i] = it*10 + 1
	}
	return out
}

// feed sends items on a new channel from a goroutine, then closes it.
func feed(items []int) <-chan int {
	in := make(chan int)
	go func() {
		defer close(in)
		for _, it := range items {
			in <- it
		}
	}()
	return in
}

// collect receives from every channel of outs until it is closed, each in
// a goroutine of its own. The returned function waits (a fake hour at
// most) and returns what they received, sorted; closed
// tells whether every channel was closed.
func collect(outs []<-chan int) func() (got []int, closed bool) {
	var mu sync.Mutex
	var all []int
	var wg sync.WaitGroup
	for _, c := range outs {
		wg.Go(func() {
			for v := range c {
				mu.Lock()
				all = append(all, v)
				mu.Unlock()
			}
		})
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	return func() ([]int, bool) {
		select {
		case <-done:
		case <-time.After(time.Hour):
			return nil, false
		}
		slices.Sort(all)
		return all, true
	}
}

// probeFailed is set once reachesN failed: the code under test is the same
// in every test, so the later probes fail at once instead of waiting again.
var probeFailed atomic.Bool

// reachesN runs start (FanOut or Process) on 2n items with n workers, in
// real time, outside any bubble, and reports whether n calls of work were
// in flight together within 500ms (a right answer takes microseconds).
// This comes first: workers that take turns, say by holding a sync.Mutex
// while they work, would stall a synctest bubble (a goroutine waiting for
// a mutex keeps fake time from moving) instead of failing.
func reachesN(t *testing.T, n int, name string, start func(in <-chan int, n int, work func(int) int) []<-chan int) bool {
	t.Helper()
	if probeFailed.Load() {
		t.Errorf("not run: n calls of work never ran at once (see the first test that failed); fix that first")
		return false
	}
	its := items(2 * n)
	w := newWorker(its)
	started := make(chan []<-chan int, 1)
	go func() { started <- start(feed(its), n, w.work) }()
	var outs []<-chan int
	select {
	case outs = <-started:
	case <-time.After(500 * time.Millisecond):
		t.Errorf("%s(in, %d, work) did not return within 500ms. It must return its channel(s) at once and leave the\n"+
			"work to goroutines. If it waits for the workers (wg.Wait()) before returning, nobody can receive their\n"+
			"results yet, so they wait to send, and it waits for them forever. Wait in a goroutine of its own.", name, n)
		probeFailed.Store(true)
		w.hold.Open()
		return false
	}
	// Receive the results without waiting for the channels to close (the
	// tests below look at that): a receiver left on a channel that is never
	// closed is the test's own, outside any bubble.
	got := make(chan int, 2*n)
	for _, c := range outs {
		go func() {
			for v := range c {
				got <- v
			}
		}()
	}
	ok := w.hold.WaitInFlight(n, 500*time.Millisecond)
	inFlight := w.hold.InFlight()
	w.hold.Open()
	for i := 0; ok && i < 2*n; i++ {
		select {
		case <-got:
		case <-time.After(2 * time.Second):
			t.Errorf("%s(in, %d, work) on %d items: not every result came within 2s of the calls being let through", name, n, 2*n)
			probeFailed.Store(true)
			return false
		}
	}
	if !ok {
		t.Errorf("%s(in, %d, work) on %d items, each call of work waiting for the others: at most %d calls were in\n"+
			"flight at the same time, never %d. Start n goroutines, each of which receives from in and calls work,\n"+
			"and let them work at once: not one goroutine doing all the work, not workers that take turns (a lock\n"+
			"held while working).", name, n, 2*n, inFlight, n)
		probeFailed.Store(true)
	}
	return ok
}

func fanOut(in <-chan int, n int, work func(int) int) []<-chan int {
	return fanoutfanin.FanOut(in, n, work)
}

func process(in <-chan int, n int, work func(int) int) []<-chan int {
	return []<-chan int{fanoutfanin.Process(in, n, work)}
}

// keepsNBusy lets the calls of work end one at a time and checks, after
// each, that min(n, calls left) are in flight.
func keepsNBusy(t *testing.T, w *worker, name string, n, total int) bool {
	t.Helper()
	for ended := 0; ended < total; ended++ {
		synctest.Wait() // every worker that can start a call has started it
		want := min(n, total-ended)
		if got := w.hold.InFlight(); got != want {
			what := "fewer"
			if got > want {
				what = "more"
			}
			t.Errorf("%s(in, %d, work) on %d items: %d calls of work had ended, one at a time, and then %d were running,\n"+
				"%s than %d. There must be exactly n workers (not a goroutine per item), each taking the next item\n"+
				"as soon as it is done with one, all at the same time (not sending every result through one goroutine).",
				name, n, total, ended, got, what, want)
			w.hold.Open()
			return false
		}
		w.hold.Release(1)
	}
	return true
}

// TestFanInMergesAndCloses: FanIn returns at once, delivers every value of
// every input and closes its channel once, and only once, all inputs are
// closed. On one P (check.OneProc), the goroutine FanIn started last runs
// first once FanIn has returned: a closer that waits on a WaitGroup the
// forwarders only add themselves to (wg.Add inside the forwarder) then
// closes at once, every run.
func TestFanInMergesAndCloses(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	check.InBubble(t, advice, func(t *testing.T) {
		ins := []chan int{make(chan int), make(chan int), make(chan int)}
		returned := make(chan (<-chan int), 1)
		go func() { returned <- fanoutfanin.FanIn(ins[0], ins[1], ins[2]) }()
		var out <-chan int
		select {
		case out = <-returned:
		case <-time.After(time.Minute):
			t.Fatal("FanIn did not return. It must return its channel at once and do the forwarding in goroutines:\n" +
				"if FanIn itself waits (wg.Wait()) before returning, nobody can receive yet, so the forwarders wait to\n" +
				"send, and FanIn waits for them forever. Wait and close in a goroutine of its own.")
		}
		send := func(c chan int, v int) bool {
			select {
			case c <- v:
				return true
			case <-time.After(time.Minute):
				t.Errorf("FanIn never received the value %d sent on one of its inputs: forward every input, each in a\n"+
					"goroutine of its own", v)
				return false
			}
		}
		recv := func() (int, bool, bool) {
			select {
			case v, ok := <-out:
				return v, ok, false
			case <-time.After(time.Minute):
				return 0, false, true
			}
		}
		for i, c := range ins {
			if !send(c, i) { // 0 first: a zero value is a value
				return
			}
			if v, ok, never := recv(); v != i || !ok || never {
				t.Errorf("sent %d on input %d; FanIn's channel gave %d (open: %v, nothing came: %v)", i, i+1, v, ok, never)
				return
			}
		}
		close(ins[0])
		close(ins[1])
		if !send(ins[2], 7) {
			return
		}
		if v, ok, never := recv(); v != 7 || !ok || never {
			t.Errorf("inputs 1 and 2 were closed, input 3 still open; sent 7 on it, and FanIn's channel gave %d (open: %v,\n"+
				"nothing came: %v). The output must stay open, and deliver, until every input is closed.", v, ok, never)
			return
		}
		close(ins[2])
		if v, ok, never := recv(); ok || never {
			t.Errorf("every input is closed, so FanIn's channel must be closed; it gave %d (open: %v, nothing came: %v).\n"+
				"Close it once every forwarder is done: a sync.WaitGroup counts them; wait on it in a goroutine of its\n"+
				"own, then close.", v, ok, never)
			return
		}
		check.Settled(t, "FanIn's channel was closed")
	})
}

// TestFanOutRunsNWorkers: FanOut returns n channels (n less than 1 counts
// as 1), and its n workers work at the same time: exactly n calls of work
// in flight while n items are left, each time one ends. Every item, 0
// included, is worked on exactly once, and every channel is closed.
func TestFanOutRunsNWorkers(t *testing.T) {
	check.Seal(t)
	// More workers than the machine has cores, on any machine: n workers
	// means n, not "as many as run in parallel here".
	many := 2*max(runtime.NumCPU(), runtime.GOMAXPROCS(0)) + 1
	for _, n := range []int{1, 3, 5, many} {
		if !reachesN(t, n, "FanOut", fanOut) {
			return
		}
		check.InBubble(t, advice, func(t *testing.T) {
			its := items(4 * n)
			w := newWorker(its)
			outs := fanoutfanin.FanOut(feed(its), n, w.work)
			require.Len(t, outs, n, "FanOut(in, %d, work) must return one result channel per worker: %d", n, n)
			wait := collect(outs)
			if !keepsNBusy(t, w, "FanOut", n, len(its)) {
				return
			}
			got, closed := wait()
			require.True(t, closed, "in was closed and every item worked on, but not every worker's channel was closed:\n"+
				"a worker closes its channel (defer close(out)) once in is closed and it has sent its last result")
			w.checkOnce(t)
			assert.Equal(t, results(its), got, "the result channels together must deliver work(item) for every item, once")
			check.Settled(t, "every worker's channel was closed")
		})
	}
}

// TestFewerThanOneWorker: n less than 1 counts as 1.
func TestFewerThanOneWorker(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{0, -2} {
		check.InBubble(t, advice, func(t *testing.T) {
			its := items(3)
			w := newWorker(its)
			w.hold.Open()
			var outs []<-chan int
			require.NotPanics(t, func() { outs = fanoutfanin.FanOut(feed(its), n, w.work) },
				"FanOut(in, %d, work) panicked: n less than 1 counts as 1 (max(n, 1))", n)
			require.Len(t, outs, 1, "FanOut(in, %d, work): n less than 1 counts as 1 (max(n, 1)): one worker, one channel", n)
			got, closed := collect(outs)()
			require.True(t, closed, "the worker's channel was never closed")
			assert.Equal(t, results(its), got, "FanOut(in, %d, work): the one worker must work on every item", n)
		})
	}
}

// TestProcessEachItemOnce: Process with 4 workers works on every item once,
// 4 at a time, delivers every result, and closes its channel only after
// the last worker is done.
func TestProcessEachItemOnce(t *testing.T) {
	check.Seal(t)
	const n = 4
	if !reachesN(t, n, "Process", process) {
		return
	}
	check.InBubble(t, advice, func(t *testing.T) {
		its := items(20)
		w := newWorker(its)
		wait := collect(process(feed(its), n, w.work))
		if !keepsNBusy(t, w, "Process", n, len(its)) {
			return
		}
		got, closed := wait()
		require.True(t, closed, "every item was worked on, but the channel Process returned was never closed")
		assert.Zero(t, w.hold.InFlight(), "the channel Process returned was closed while calls of work were still running")
		w.checkOnce(t)
		assert.Equal(t, results(its), got, "Process must deliver work(item) for every item, once")
		check.Settled(t, "the channel Process returned was closed")
	})
}

// TestClosesOnlyAfterTheLastWorker: the channel Process returned is not
// closed while a call of work is still running.
func TestClosesOnlyAfterTheLastWorker(t *testing.T) {
	check.Seal(t)
	if !reachesN(t, 2, "Process", process) {
		return
	}
	check.InBubble(t, advice, func(t *testing.T) {
		its := items(4)
		w := newWorker(its)
		out := fanoutfanin.Process(feed(its), 2, w.work)
		var got []int
		for range 3 {
			synctest.Wait()
			w.hold.Release(1)
			got = append(got, <-out)
		}
		synctest.Wait() // one call of work is still running, held
		select {
		case v, ok := <-out:
			if !ok {
				t.Fatalf("the channel Process returned was closed while a call of work was still running: close it\n" +
					"only after every worker has ended (a sync.WaitGroup over the forwarders, then close)")
			}
			t.Fatalf("Process's channel gave %d, but only 3 calls of work had ended", v)
		default:
		}
		w.hold.Release(1)
		got = append(got, <-out)
		_, ok := <-out
		assert.False(t, ok, "every item was worked on, so the channel Process returned must be closed")
		slices.Sort(got)
		assert.Equal(t, results(its), got, "Process must deliver work(item) for every item, once")
	})
}

// TestNoGoroutineLeft: once Process's channel is closed, no worker or
// forwarding goroutine is left.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		its := items(10)
		w := newWorker(its)
		w.hold.Open()
		returned := make(chan (<-chan int), 1)
		go func() { returned <- fanoutfanin.Process(feed(its), 3, w.work) }()
		var out <-chan int
		select {
		case out = <-returned:
		case <-time.After(time.Minute):
			t.Fatal("Process did not return: it must return its channel at once, and leave the waiting to goroutines")
		}
		_, closed := collect([]<-chan int{out})()
		require.True(t, closed, "every item was worked on, but the channel Process returned was never closed")
		check.Settled(t, "the channel Process returned was closed")
	})
}

// TestEachWorkerClosesItsOwn: FanOut's n channels are n different
// channels, one per worker, and a worker closes its own as soon as in is
// closed and it has sent its last result, while the other workers are
// still working. The test holds n calls (one per worker, in closed behind
// them), lets exactly one end, and looks: that result came on one channel,
// which is then closed; every other channel is still open. One channel
// shared by all the workers, closed after the last, fails here every run.
func TestEachWorkerClosesItsOwn(t *testing.T) {
	check.Seal(t)
	const n = 3
	if !reachesN(t, n, "FanOut", fanOut) {
		return
	}
	check.InBubble(t, advice, func(t *testing.T) {
		its := items(n)
		w := newWorker(its)
		defer w.hold.Open()
		outs := fanoutfanin.FanOut(feed(its), n, w.work)
		require.Len(t, outs, n, "FanOut(in, %d, work) must return one result channel per worker: %d", n, n)
		for i := range outs {
			for j := range i {
				if outs[i] == outs[j] {
					w.hold.Open()
					collect(outs)() // let the workers end
					t.Fatalf("FanOut(in, %d, work) returned the same channel at index %d and %d. Each worker must have a\n"+
						"channel of its own (make one per worker, inside the loop that starts them), send its results\n"+
						"on it, and close it when it is done: one channel shared by all the workers is not fan-out.", n, j, i)
				}
			}
		}
		// One receiver per channel records what came and whether the
		// channel was closed.
		var mu sync.Mutex
		got := make([][]int, n)
		closed := make([]bool, n)
		for i, c := range outs {
			go func() {
				for v := range c {
					mu.Lock()
					got[i] = append(got[i], v)
					mu.Unlock()
				}
				mu.Lock()
				closed[i] = true
				mu.Unlock()
			}()
		}
		synctest.Wait() // each worker holds one item; in is closed
		if w.hold.InFlight() != n {
			t.Errorf("FanOut(in, %d, work) on %d items: %d calls of work were running, not %d: the %d workers must\n"+
				"each take an item at once", n, n, w.hold.InFlight(), n, n)
			return
		}
		w.hold.Release(1)
		synctest.Wait() // that worker has sent its result, found in closed, and closed its channel
		mu.Lock()
		var from []int
		var shut []int
		for i := range n {
			if len(got[i]) > 0 {
				from = append(from, i)
			}
			if closed[i] {
				shut = append(shut, i)
			}
		}
		mu.Unlock()
		if len(from) != 1 {
			t.Errorf("one call of work had ended, the %d others still running; results came on the channels %v (by\n"+
				"index), not on exactly one", n-1, from)
			return
		}
		if !slices.Equal(shut, from) {
			t.Errorf("in was closed, every item taken, and one call of work had ended (its result came on channel %d),\n"+
				"the %d others still running. Then the closed channels were %v, not just [%d]: the worker that is done\n"+
				"must close its own channel at once (for item := range in { ... }; then close, or defer close(out)),\n"+
				"not wait for the others, and must not close another worker's channel.", from[0], n-1, shut, from[0])
			return
		}
		w.hold.Open()
		synctest.Wait()
		mu.Lock()
		for i := range n {
			assert.True(t, closed[i], "every call of work had ended, but channel %d was never closed", i)
		}
		mu.Unlock()
		check.Settled(t, "every worker's channel was closed")
	})
}
