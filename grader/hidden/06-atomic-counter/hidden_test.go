//go:build gclhidden

package atomiccounter_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	atomiccounter "github.com/go-concurrency-lab/course/exercises/06-atomic-counter"
	"github.com/go-concurrency-lab/course/grader/check"
)

// within runs f and waits for it at most a few seconds: a Counter that
// spins forever would otherwise hang the tests.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
		return
	case <-time.After(3 * time.Second):
	}
	t.Errorf("%s did not finish within 3 seconds: the goroutines are stuck.\n"+
		"Is a loop (a CompareAndSwap loop, say) retrying forever?\n%s", what, check.TimeMarker)
	check.NoLeaks(t) // says where they are stuck
	t.FailNow()
}

// hammer runs work in g goroutines that all start at the same moment, on
// at least four threads: lost updates need goroutines that really run at
// the same time, which GOMAXPROCS=1 would rarely give.
func hammer(g int, work func(i int)) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(4, runtime.NumCPU())))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range g {
		wg.Go(func() {
			<-start
			work(i)
		})
	}
	close(start)
	wg.Wait()
}

// TestOneGoroutine: the counter counts.
func TestOneGoroutine(t *testing.T) {
	check.Seal(t)
	var c atomiccounter.Counter
	var first, last int64
	within(t, "Using a Counter from one goroutine", func() {
		first = c.Value()
		c.Inc()
		c.Add(5)
		c.Add(-2)
		c.Inc()
		last = c.Value()
	})
	require.Equal(t, int64(0), first, "A new Counter must start at 0.")
	require.Equal(t, int64(5), last, "After Inc, Add(5), Add(-2), Inc the count must be 5.\n"+
		"If it stayed 0, the methods changed a copy of the Counter: give them pointer receivers, func (c *Counter).")
}

// TestCountsEveryIncrement: 16 goroutines increment at once for a quarter
// of a second; no increment is lost, and there is no data race.
//
// Lost updates happen only when a goroutine stops (or another runs on
// another core) between reading and writing the count, so the test keeps
// them at it long enough for that to happen many times over: on many
// cores they overlap all the time, on one the scheduler preempts them
// every few milliseconds.
func TestCountsEveryIncrement(t *testing.T) {
	check.Seal(t)
	const goroutines = 16
	var c atomiccounter.Counter
	var got, want int64
	within(t, "Calling Inc from 16 goroutines at once", func() {
		var stop atomic.Bool
		counts := make([]int64, goroutines)
		time.AfterFunc(250*time.Millisecond, func() { stop.Store(true) })
		hammer(goroutines, func(i int) {
			for !stop.Load() {
				for range 100 {
					c.Inc()
				}
				counts[i] += 100
			}
		})
		for _, n := range counts {
			want += n
		}
		got = c.Value()
	})
	require.Equal(t, want, got,
		"%d goroutines called Inc %d times in all, so the count must be %d; %d increments were lost.\n"+
			"Each atomic call is indivisible, but two of them in a row are not: between a Load and the\n"+
			"Store of Load()+1, another goroutine can add, and its increment is overwritten. Use a single\n"+
			"atomic Add, which reads, adds and writes in one step.",
		goroutines, want, want, want-got)
}

// TestAddAndValueTogether: writers Add while readers call Value. Every
// Add counts, and there is no data race.
func TestAddAndValueTogether(t *testing.T) {
	check.Seal(t)
	const writers, readers, each = 8, 4, 2000
	var c atomiccounter.Counter
	var got int64
	within(t, "Calling Add and Value from 12 goroutines at once", func() {
		hammer(writers+readers, func(i int) {
			for range each {
				if i < writers {
					c.Add(3)
					c.Add(-1)
				} else {
					c.Value()
				}
			}
		})
		got = c.Value()
	})
	require.Equal(t, int64(writers*each*2), got,
		"%d goroutines called Add(3) and Add(-1) %d times each while others read the count with Value,\n"+
			"so it must end at %d. Every read and write of the count must be atomic: a plain read of a\n"+
			"number that others change atomically is still a data race.", writers, each, writers*each*2)
}
