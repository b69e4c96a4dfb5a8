//go:build gclhidden

package parallelsum_test

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	parallelsum "github.com/go-concurrency-lab/course/exercises/04-parallel-sum"
	"github.com/go-concurrency-lab/course/grader/check"
)

// slow is set once a store has given up waiting for parts that never came:
// later stores then wait less, since the code under test is the same.
var slow atomic.Bool

// store is a slow store that the test controls. Until parts reads are in
// flight at once, every read waits for the others (at most a few seconds):
// parts that are really read at the same time pass at once, parts read one
// after the other are caught.
type store struct {
	nums  []int
	parts int

	mu       sync.Mutex
	inFlight int
	peak     int
	reads    [][2]int // offset, count of each read
	bad      []string // reads outside 0..n-1
	gaveUp   bool     // a read waited for the others in vain
	all      chan struct{}
	released bool
	barrier  bool
}

func newStore(n, parts int, barrier bool) *store {
	s := &store{parts: parts, all: make(chan struct{}), barrier: barrier}
	for i := range n {
		s.nums = append(s.nums, (i*37)%101+1)
	}
	return s
}

func (s *store) want() int {
	total := 0
	for _, x := range s.nums {
		total += x
	}
	return total
}

func (s *store) read(offset, count int) []int {
	s.mu.Lock()
	s.reads = append(s.reads, [2]int{offset, count})
	s.inFlight++
	s.peak = max(s.peak, s.inFlight)
	if s.inFlight >= s.parts && !s.released {
		s.released = true
		close(s.all)
	}
	wait := s.barrier && !s.released && !s.gaveUp
	s.mu.Unlock()
	if wait {
		limit := 2 * time.Second
		if slow.Load() {
			limit = 100 * time.Millisecond
		}
		select {
		case <-s.all:
		case <-time.After(limit):
			slow.Store(true)
			s.mu.Lock()
			s.gaveUp = true
			s.mu.Unlock()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
	if offset < 0 || count < 0 || offset+count > len(s.nums) {
		s.bad = append(s.bad, fmt.Sprintf("read(%d, %d)", offset, count))
		return nil
	}
	return slices.Clone(s.nums[offset : offset+count])
}

// sum runs Sum, and waits for it at most a few seconds: a Sum that never
// returns fails the test with the places where its goroutines are stuck.
func sum(t *testing.T, s *store, n, parts int) int {
	t.Helper()
	var got int
	done := make(chan struct{})
	go func() {
		defer close(done)
		got = parallelsum.Sum(s.read, n, parts)
	}()
	select {
	case <-done:
		return got
	case <-time.After(5 * time.Second):
	}
	t.Errorf("Sum(read, %d, %d) did not return within 5 seconds. Is it waiting for a goroutine that never ends,\n"+
		"or receiving more partial sums than were sent?\n%s", n, parts, check.TimeMarker)
	check.NoLeaks(t) // says where the goroutines are stuck
	t.FailNow()
	return 0
}

var cases = []struct{ n, parts int }{
	{10, 1}, {10, 3}, {12, 4}, {7, 7}, {1000, 8}, {101, 2},
}

// TestSumIsRight: the sum of all the numbers, whatever the split.
func TestSumIsRight(t *testing.T) {
	check.Seal(t)
	for _, c := range cases {
		s := newStore(c.n, c.parts, true)
		got := sum(t, s, c.n, c.parts)
		require.Empty(t, s.bad, "Sum(read, %d, %d) read past the numbers there are (0 to %d).", c.n, c.parts, c.n-1)
		require.Equal(t, s.want(), got,
			"Sum(read, %d, %d) returned the wrong total. Are all partial sums added in, after every goroutine\n"+
				"has finished (wg.Wait before adding them up)? Do the parts cover all the numbers, including the\n"+
				"last few when n does not divide evenly into parts?", c.n, c.parts)
	}
}

// TestReadsEachNumberOnce: parts reads, which together cover the numbers
// 0 to n-1 once each.
func TestReadsEachNumberOnce(t *testing.T) {
	check.Seal(t)
	for _, c := range cases {
		s := newStore(c.n, c.parts, true)
		sum(t, s, c.n, c.parts)
		require.Len(t, s.reads, c.parts,
			"Sum(read, %d, %d) called read %d times: split the numbers into %d parts and read each part once,\n"+
				"with one call read(offset, count) per part. Reads: %v", c.n, c.parts, len(s.reads), c.parts, s.reads)
		seen := make([]int, c.n)
		for _, r := range s.reads {
			require.Positive(t, r[1], "Sum(read, %d, %d) read an empty part: %v. Each part holds at least one number.", c.n, c.parts, s.reads)
			for i := r[0]; i < r[0]+r[1] && i >= 0 && i < c.n; i++ {
				seen[i]++
			}
		}
		for i, k := range seen {
			require.Equal(t, 1, k,
				"Sum(read, %d, %d) read number %d %d times; the parts (offset, count) were %v.\n"+
					"Together the parts must cover every number from 0 to %d exactly once.", c.n, c.parts, i, k, s.reads, c.n-1)
		}
	}
}

// TestPartsReadAtTheSameTime: all parts are in flight at once.
func TestPartsReadAtTheSameTime(t *testing.T) {
	check.Seal(t)
	for _, c := range cases {
		s := newStore(c.n, c.parts, true)
		sum(t, s, c.n, c.parts)
		require.False(t, s.gaveUp,
			"Sum(read, %d, %d): a read waited for the other parts, and at most %d of the %d parts were ever being read at the same time.\n"+
				"Reading is the slow part: start one goroutine per part, so that all parts are read at once, and only\n"+
				"then wait for them. A lock held while reading, or waiting inside the loop, makes them go one by one.",
			c.n, c.parts, s.peak, c.parts)
		require.Equal(t, c.parts, s.peak,
			"Sum(read, %d, %d): %d parts were read at the same time; want %d.", c.n, c.parts, s.peak, c.parts)
	}
}

// TestNoGoroutineLeft: when Sum returns, its goroutines are done.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	for _, c := range cases {
		s := newStore(c.n, c.parts, false)
		sum(t, s, c.n, c.parts)
		check.NoLeaks(t)
		if t.Failed() {
			t.Fatalf("(that was after Sum(read, %d, %d) returned)", c.n, c.parts)
		}
	}
}
