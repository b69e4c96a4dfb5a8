//go:build gclhidden

package racycounter_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	racycounter "github.com/go-concurrency-lab/course/exercises/05-racy-counter"
	"github.com/go-concurrency-lab/course/grader/check"
)

// within runs f and waits for it at most a few seconds: a Counter whose
// lock is never unlocked would otherwise hang the tests.
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
		"A method that locks the mutex and returns without unlocking it leaves every later call waiting forever:\n"+
		"write defer c.mu.Unlock() right after c.mu.Lock().\n%s", what, check.TimeMarker)
	check.NoLeaks(t) // says where they are stuck
	t.FailNow()
}

// hammer runs work in g goroutines that all start at the same moment.
func hammer(g int, work func(i int)) {
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
	var c racycounter.Counter
	var first, last int
	within(t, "Using a Counter from one goroutine", func() {
		first = c.Value()
		c.Inc()
		c.Add(5)
		c.Add(-2)
		c.Inc()
		last = c.Value()
	})
	require.Equal(t, 0, first, "A new Counter must start at 0.")
	require.Equal(t, 5, last, "After Inc, Add(5), Add(-2), Inc the count must be 5.\n"+
		"If it stayed 0, the methods changed a copy of the Counter: give them pointer receivers, func (c *Counter).")
}

// TestCountsEveryIncrement: 16 goroutines increment at once; no increment
// is lost, and there is no data race.
func TestCountsEveryIncrement(t *testing.T) {
	check.Seal(t)
	const goroutines, each = 16, 2000
	var c racycounter.Counter
	var got int
	within(t, "Calling Inc from 16 goroutines at once", func() {
		hammer(goroutines, func(int) {
			for range each {
				c.Inc()
			}
		})
		got = c.Value()
	})
	require.Equal(t, goroutines*each, got,
		"%d goroutines called Inc %d times each, so the count must be %d; %d increments were lost.\n"+
			"c.n++ is three steps: read n, add one, write n. When two goroutines interleave them, both\n"+
			"write the same new value and one increment is gone. Hold a sync.Mutex around every use of n.",
		goroutines, each, goroutines*each, goroutines*each-got)
}

// TestAddAndValueTogether: writers Add while readers call Value. Every
// Add counts, and there is no data race.
func TestAddAndValueTogether(t *testing.T) {
	check.Seal(t)
	const writers, readers, each = 8, 4, 1000
	var c racycounter.Counter
	var got int
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
	require.Equal(t, writers*each*2, got,
		"%d goroutines called Add(3) and Add(-1) %d times each while others read the count with Value,\n"+
			"so it must end at %d. Every method that reads or writes n must hold the mutex.", writers, each, writers*each*2)
}
