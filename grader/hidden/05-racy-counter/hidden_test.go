//go:build gclhidden

package racycounter_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	racycounter "github.com/go-concurrency-lab/course/exercises/05-racy-counter"
	"github.com/go-concurrency-lab/course/grader/check"
)

// within runs f in a goroutine and waits for it: a call that waits for a
// lock nobody will unlock is seen as stuck within a fraction of a second
// (check.WaitEnded), and fails the test instead of hanging it.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	if check.WaitEnded(20*time.Second, check.Go(f)) {
		return
	}
	t.Fatalf("%s did not finish: the goroutines are stuck, waiting for the mutex.\n"+
		"A method that locks the mutex and returns without unlocking it leaves every later call waiting forever:\n"+
		"write defer c.mu.Unlock() right after c.mu.Lock().\n%s", what, check.TimeMarker)
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
		check.AllAtOnce(goroutines, func(int) {
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

// TestAddAndValueTogether: writers Add and Inc while readers call Value.
// Every call counts, and there is no data race: Inc and Add interleave in
// every writer, so a Counter whose methods hold different mutexes (one for
// Inc, one for Add) races under the race detector on every run.
func TestAddAndValueTogether(t *testing.T) {
	check.Seal(t)
	const writers, readers, each = 8, 4, 1000
	var c racycounter.Counter
	var got int
	within(t, "Calling Add, Inc and Value from 12 goroutines at once", func() {
		check.AllAtOnce(writers+readers, func(i int) {
			for range each {
				if i < writers {
					c.Add(3)
					c.Inc()
					c.Add(-2)
				} else {
					c.Value()
				}
			}
		})
		got = c.Value()
	})
	require.Equal(t, writers*each*2, got,
		"%d goroutines called Add(3), Inc and Add(-2) %d times each while others read the count with Value,\n"+
			"so it must end at %d. Every method that reads or writes n must hold the same mutex.", writers, each, writers*each*2)
}

// TestEveryCallReleasesTheLock: whatever a method is called with (Add(0),
// a negative delta ...), it returns with the mutex unlocked: the call after
// it does not wait.
func TestEveryCallReleasesTheLock(t *testing.T) {
	check.Seal(t)
	var c racycounter.Counter
	calls := []struct {
		name string
		call func()
	}{
		{"Inc()", func() { c.Inc() }},
		{"Add(0)", func() { c.Add(0) }},
		{"Add(7)", func() { c.Add(7) }},
		{"Add(-3)", func() { c.Add(-3) }},
		{"Value()", func() { c.Value() }},
		{"Add(0)", func() { c.Add(0) }},
	}
	for _, x := range calls {
		within(t, x.name, x.call)
		// The mutexes of the Counter must be free now: TryLock takes a
		// free one at once, and fails on one left locked. (A mutex the
		// test cannot see, a package variable, say, makes the next call
		// wait instead, which within reports.)
		for _, m := range check.LocksOf(&c).Mutexes {
			free := m.TryLock()
			if free {
				m.Unlock()
			}
			require.True(t, free,
				"After %s returned, the Counter's mutex was still locked, so every later call would wait for ever.\n"+
					"Every way out of a method must unlock it, the early returns too (if delta == 0 { return }):\n"+
					"write defer c.mu.Unlock() right after c.mu.Lock().", x.name)
		}
	}
	var got int
	within(t, "Value() after them", func() { got = c.Value() })
	require.Equal(t, 5, got, "After Inc, Add(0), Add(7), Add(-3), Add(0) the count must be 5.")
}

// TestOneLockForEveryMethod: one mutex guards n in Inc, Add and Value.
// The test holds each lock of the Counter in turn (check.LocksOf) and
// calls the three methods: with one lock for all, some lock makes all
// three wait. A Counter with a mutex per method lets an Inc and an Add
// change n at the same time; the hammer tests see that only when the two
// really overlap, which is chance, and this is not.
func TestOneLockForEveryMethod(t *testing.T) {
	check.Seal(t)
	var c racycounter.Counter
	locks := check.LocksOf(&c)
	if locks.Empty() {
		return // a lock outside the Counter: the hammer tests judge it
	}
	type hold struct {
		lock   func() bool
		unlock func()
	}
	var holds []hold
	for _, m := range locks.Mutexes {
		holds = append(holds, hold{m.TryLock, m.Unlock})
	}
	for _, m := range locks.RWMutexes {
		holds = append(holds, hold{m.TryLock, m.Unlock})
	}
	names := []string{"Inc", "Add(1)", "Value"}
	var went [][]string
	for _, h := range holds {
		if !h.lock() {
			return // a lock left locked: TestEveryCallReleasesTheLock says so
		}
		gs := []*check.Goroutine{check.Go(c.Inc), check.Go(func() { c.Add(1) }), check.Go(func() { c.Value() })}
		parked := check.WaitParked(2*time.Second, gs...)
		var ran []string
		for i, g := range gs {
			if g.Ended() {
				ran = append(ran, names[i])
			}
		}
		h.unlock()
		if !check.WaitEnded(2*time.Second, gs...) {
			t.Fatal("the test held a lock of the Counter while it called Inc, Add and Value, and let it go: a call\n" +
				"still waited 2s later, for a lock nobody holds any more. A method with a value receiver\n" +
				"(func (c Counter)) works on a copy of the Counter, and copies its mutex as it is, locked:\n" +
				"give every method a pointer receiver, func (c *Counter).")
		}
		if !parked {
			t.Fatal("with one of the Counter's locks held by the test, a call neither returned nor waited within 2s")
		}
		if len(ran) == 0 {
			return // this lock guards every method
		}
		went = append(went, ran)
	}
	t.Errorf("The Counter has %d locks, and none of them guards every method: with each one held in turn, these calls\n"+
		"still went on: %v. An Inc and an Add under different mutexes change n at the same time (a data race, and\n"+
		"lost counts). Guard n with one mutex, taken by Inc, Add and Value.", len(holds), went)
}
