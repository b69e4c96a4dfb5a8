//go:build gclhidden

package parallelsum_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	parallelsum "github.com/go-concurrency-lab/course/exercises/04-parallel-sum"
	"github.com/go-concurrency-lab/course/grader/check"
)

// bound is how long the tests wait, in real time, for code that is broken
// (a spin loop): everything else is decided once the process is quiet.
const bound = 20 * time.Second

// store is a slow store that the test controls: it records every read
// (where, how much, from which goroutine) and holds each one back
// (check.Hold) until the test lets them all go.
type store struct {
	nums []int
	hold *check.Hold

	mu    sync.Mutex
	reads []read
}

type read struct {
	offset, count int
	goroutine     int
}

func newStore(n int) *store {
	s := &store{hold: check.NewHold()}
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
	s.reads = append(s.reads, read{offset, count, check.GoroutineID()})
	s.mu.Unlock()
	leave, _ := s.hold.Enter(context.Background())
	defer leave()
	if offset < 0 || count < 0 || offset+count > len(s.nums) {
		return nil
	}
	return slices.Clone(s.nums[offset : offset+count])
}

// outcome is what one call of Sum did.
type outcome struct {
	n, parts int
	procs    int // GOMAXPROCS while Sum started its goroutines
	got      int
	want     int
	inFlight int  // reads in flight once every goroutine waited
	early    bool // Sum returned while its reads were still held
	reads    []read
	caller   int      // the goroutine that called Sum
	stuck    bool     // Sum did not return
	left     []string // what check.Finished said when Sum returned
}

func (o outcome) String() string {
	return fmt.Sprintf("Sum(read, %d, %d)", o.n, o.parts)
}

// notes is a check.TB that keeps what a check says, for the test that
// reports it.
type notes struct{ msgs []string }

func (n *notes) Helper() {}
func (n *notes) Errorf(format string, args ...any) {
	n.msgs = append(n.msgs, fmt.Sprintf(format, args...))
}

// sum calls Sum(read, n, parts) with every read held back, waits until all
// the goroutines have gone as far as they can (check.Quiet: no timing),
// looks, then lets the reads go and waits for Sum. With procs 1, Sum's
// goroutine runs alone until it blocks: a goroutine it started cannot have
// begun before Sum waits.
func sum(n, parts, procs int) outcome {
	s := newStore(n)
	o := outcome{n: n, parts: parts, procs: procs, want: s.want()}
	defer s.hold.Open()
	if procs > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	}
	g := check.Go(func() { o.got = parallelsum.Sum(s.read, n, parts) })
	o.caller = g.ID()
	check.Quiet(bound)
	o.inFlight, o.early = s.hold.InFlight(), g.Ended()
	s.hold.Open()
	if !check.WaitEnded(bound, g) {
		o.stuck = true
		return o
	}
	var left notes
	check.Finished(&left, o.String()+" returned")
	o.left = left.msgs
	s.mu.Lock()
	o.reads = slices.Clone(s.reads)
	s.mu.Unlock()
	return o
}

// cases are every split of up to 12 numbers, a few larger ones, and one with
// more parts than any machine has cores.
func cases() [][2]int {
	var out [][2]int
	for n := 1; n <= 12; n++ {
		for parts := 1; parts <= n; parts++ {
			out = append(out, [2]int{n, parts})
		}
	}
	many := max(64, 2*runtime.NumCPU()+1, 2*runtime.GOMAXPROCS(0)+1)
	return append(out, [2]int{1000, 8}, [2]int{101, 2}, [2]int{3 * many, many})
}

var (
	sweepOnce sync.Once
	outcomes  []outcome
)

// sweep hands look the outcome of Sum for every case, half of them with
// GOMAXPROCS 1 while Sum starts its goroutines. The calls are made once,
// by the first test that asks; each test looks at one side of them.
func sweep(t *testing.T, look func(o outcome)) {
	t.Helper()
	sweepOnce.Do(func() {
		for i, c := range cases() {
			o := sum(c[0], c[1], 1-i%2)
			outcomes = append(outcomes, o)
			if o.stuck || len(o.left) > 0 {
				break // goroutines left behind would only pile up
			}
		}
	})
	for _, o := range outcomes {
		if o.stuck {
			t.Fatalf("%s did not return, even once every read had returned. Is it waiting for a goroutine\n"+
				"that never ends, or receiving more partial sums than were sent?\n%s", o, check.TimeMarker)
		}
		look(o)
		if t.Failed() {
			return
		}
	}
}

// TestSumIsRight: the sum of all the numbers, whatever the split.
func TestSumIsRight(t *testing.T) {
	check.Seal(t)
	sweep(t, func(o outcome) {
		require.Equal(t, o.want, o.got,
			"%s returned the wrong total. Are all partial sums added in, after every goroutine\n"+
				"has finished (wg.Wait before adding them up)? Do the parts cover all the numbers, including the\n"+
				"last few when n does not divide evenly into parts?", o)
	})
}

// TestPartsCoverEveryNumberOnce: parts reads, each of at least one number,
// which together cover the numbers 0 to n-1 once each.
func TestPartsCoverEveryNumberOnce(t *testing.T) {
	check.Seal(t)
	sweep(t, func(o outcome) {
		var shown []string
		for _, r := range o.reads {
			shown = append(shown, fmt.Sprintf("read(%d, %d)", r.offset, r.count))
		}
		require.Len(t, o.reads, o.parts,
			"%s called read %d times: split the numbers into %d parts and read each part once,\n"+
				"with one call read(offset, count) per part. Reads: %v", o, len(o.reads), o.parts, shown)
		seen := make([]int, o.n)
		for _, r := range o.reads {
			require.Positive(t, r.count,
				"%s read an empty part: %v. Each of the %d parts must hold at least one number: with\n"+
					"parts of n/parts rounded up, the last parts can be left with nothing (9 numbers in 6 parts:\n"+
					"2+2+2+2+1+0). Part p can run from p*n/parts up to (p+1)*n/parts.", o, shown, o.parts)
			require.True(t, r.offset >= 0 && r.offset+r.count <= o.n,
				"%s read past the numbers there are (0 to %d): %v", o, o.n-1, shown)
			for i := r.offset; i < r.offset+r.count; i++ {
				seen[i]++
			}
		}
		for i, k := range seen {
			require.Equal(t, 1, k,
				"%s read number %d %d times; the parts were %v.\n"+
					"Together the parts must cover every number from 0 to %d exactly once.", o, i, k, shown, o.n-1)
		}
	})
}

// TestOneGoroutinePerPart: each part is read by a goroutine of its own,
// none by the goroutine that called Sum.
func TestOneGoroutinePerPart(t *testing.T) {
	check.Seal(t)
	sweep(t, func(o outcome) {
		by := map[int]int{}
		for _, r := range o.reads {
			require.NotEqual(t, o.caller, r.goroutine,
				"%s read the part at %d itself, in the goroutine that called it: start one goroutine\n"+
					"per part, and let Sum only wait for them and add up.", o, r.offset)
			by[r.goroutine]++
			require.Equal(t, 1, by[r.goroutine],
				"%s read two parts from the same goroutine: start one goroutine per part.", o)
		}
	})
}

// TestPartsReadAtTheSameTime: all parts are in flight at once, whatever
// the number of cores.
func TestPartsReadAtTheSameTime(t *testing.T) {
	check.Seal(t)
	sweep(t, func(o outcome) {
		if o.early {
			return // TestWaitsForEveryPart says what is wrong
		}
		require.Equal(t, o.parts, o.inFlight,
			"%s: only %d of the %d parts were being read at the same time, while the others waited.\n"+
				"Reading is the slow part: start one goroutine per part, all of them, so that every part is\n"+
				"read at once, and only then wait for them. A lock held while reading, waiting inside the loop,\n"+
				"or a limit of as many goroutines as the machine has cores makes them go a few at a time.",
			o, o.inFlight, o.parts)
	})
}

// TestWaitsForEveryPart: Sum returns only after every part has been read,
// and leaves no goroutine behind.
func TestWaitsForEveryPart(t *testing.T) {
	check.Seal(t)
	sweep(t, func(o outcome) {
		require.False(t, o.early,
			"%s returned while its parts were still being read: it did not wait for its goroutines.\n"+
				"Count each goroutine in before it starts (wg.Add(1) before the go statement, or wg.Go),\n"+
				"and wait for all of them (wg.Wait, or one receive per part) before adding up.", o)
		for _, msg := range o.left {
			t.Error(msg)
		}
	})
}
