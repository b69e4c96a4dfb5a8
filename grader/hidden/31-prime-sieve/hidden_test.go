//go:build gclhidden

package primesieve_test

import (
	"context"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/go-concurrency-lab/course/exercises/31-prime-sieve"
	"github.com/go-concurrency-lab/course/grader/check"
)

// bound is how long, in fake time, a test waits for something the right
// answer does at once. Every test runs in a synctest bubble, so a sieve
// that never shuts down fails at once instead of after a real wait.
const bound = 5 * time.Second

// advice is what a test says when the sieve is left blocked at its end.
const advice = "When ctx is done, every goroutine of the sieve must end: every send and every receive (in\n" +
	"generate, filter and Sieve's own goroutine) needs a select with <-ctx.Done(). Then close the channel."

// firstPrimes computes the first n primes the slow, sure way.
func firstPrimes(n int) []int {
	out := []int{}
	for c := 2; len(out) < n; c++ {
		prime := true
		for d := 2; d*d <= c; d++ {
			if c%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			out = append(out, c)
		}
	}
	return out
}

// primes calls ps.Primes, but waits for it at most bound, so that a sieve
// that never shuts down fails the test instead of hanging it. At the moment
// Primes returns, it checks that every goroutine of the sieve has ended
// (check.EndedAtReturn: not one is left, not even one about to end).
func primes(t *testing.T, n int) []int {
	t.Helper()
	type result struct {
		primes []int
		report *check.Report // what EndedAtReturn found, told in this goroutine
	}
	done := make(chan result, 1)
	go func() {
		r := result{report: &check.Report{}}
		check.EndedAtReturn(r.report, "Primes returned", func() {
			defer func() {
				if p := recover(); p != nil {
					r.report.Errorf("Primes(%d) panicked: %v. For n of zero or less, Primes returns no primes.", n, p)
				}
			}()
			r.primes = ps.Primes(n)
		})
		done <- r
	}()
	select {
	case r := <-done:
		if !r.report.Tell(t) {
			t.FailNow()
		}
		return r.primes
	case <-time.After(bound):
		t.Fatalf("Primes(%d) did not return within %v. If it waits for the sieve to shut down, some\n"+
			"goroutine of the sieve does not end: does every receive and every send in generate and\n"+
			"filter also watch ctx.Done()? Is the channel closed once they have all ended?", n, bound)
		return nil
	}
}

// drain calls stop, which stops the sieve (a cancel) and returns its
// channel, and receives from it until it is closed, at most bound. At the
// moment the receive finds it closed, every goroutine of the sieve must
// have ended.
func drain(t *testing.T, stop func() <-chan int, why string) {
	t.Helper()
	check.EndedAtReturn(t, "a receive found the channel of Sieve closed", func() {
		ch := stop()
		deadline := time.NewTimer(bound)
		defer deadline.Stop()
		for open := true; open; {
			select {
			case _, open = <-ch:
			case <-deadline.C:
				t.Fatalf("the channel of Sieve was not closed within %v after %s.\n"+
					"When ctx is done, every stage should end, and then the channel should be closed.", bound, why)
			}
		}
	})
}

// TestFirstPrimes: Primes(n) returns the first n primes; none for n <= 0.
func TestFirstPrimes(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		for _, n := range []int{1, 2, 10, 100} {
			if !assert.Equal(t, firstPrimes(n), primes(t, n), "Primes(%d) should return the first %d primes, in order", n, n) {
				return
			}
		}
		for _, n := range []int{0, -1, -7} {
			assert.Empty(t, primes(t, n), "Primes(%d) should return no primes", n)
		}
	})
}

// TestNoGoroutineLeft: when Primes returns, every goroutine of the sieve
// has ended: checked at that very moment (check.EndedAtReturn), 200 times.
// A Primes that cancels and does not wait fails every check. Other wrong
// answers leave a goroutine behind only in some runs, depending on where
// each goroutine waited when ctx was cancelled and on which ready case a
// select took: a sieve that closes its channel before its stages have
// ended (mutant close-before-stages-end) passed about 1 check in 20, and
// a Primes that cancels and receives once more instead of draining about
// 9 in 10, measured under -race on 1 and 2 cores. Over 200 checks, that
// is a miss in fewer than 1 run in 10^9.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		for _, n := range []int{50, 7, 31} {
			if !assert.Equal(t, firstPrimes(n), primes(t, n)) {
				return
			}
		}
		for i := range 200 {
			n := 1 + i%5
			if !assert.Equal(t, firstPrimes(n), primes(t, n)) {
				return
			}
		}
		check.Settled(t, "Primes returned")
	})
}

// TestOneGoroutinePerPrime: while the sieve runs, it has a filter goroutine
// for every prime found so far; once cancelled, it closes its channel, and
// by then every goroutine has ended.
func TestOneGoroutinePerPrime(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		before := runtime.NumGoroutine()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ch := ps.Sieve(ctx)
		want := firstPrimes(30)
		for i, p := range want {
			select {
			case got, ok := <-ch:
				require.True(t, ok, "the channel of Sieve was closed after %d primes, although ctx was not cancelled", i)
				require.Equal(t, p, got, "prime number %d should be %d", i+1, p)
			case <-time.After(bound):
				t.Fatalf("Sieve sent only %d primes; the next did not come", i)
			}
		}
		// Once prime 30 has come out, the filters of primes 1 to 29 exist, and
		// the generator: at least 30 goroutines more than before.
		n := runtime.NumGoroutine() - before
		assert.GreaterOrEqual(t, n, 30,
			"after 30 primes, the sieve runs %d goroutines. A concurrent sieve has one filter goroutine per\n"+
				"prime found (each removes the multiples of its prime) plus the generator: at least 30 here.", n)
		gens, filters := stages()
		assert.Equal(t, 1, gens, "after 30 primes, %d goroutines run generate (and no filter). Sieve runs generate in a goroutine\n"+
			"of its own (requirement 3): go generate(...), or inside a function that a goroutine runs.", gens)
		assert.GreaterOrEqual(t, filters, 29, "after 30 primes, %d goroutines run filter. Sieve runs one filter goroutine per prime found\n"+
			"(requirement 3): the filters of primes 1 to 29 at least, each in a goroutine of its own.", filters)
		drain(t, func() <-chan int { cancel(); return ch }, "ctx was cancelled")

		// Cancelled at other moments too (see TestNoGoroutineLeft for why).
		for k := range 8 {
			ctx, cancel := context.WithCancel(context.Background())
			ch := ps.Sieve(ctx)
			for range k {
				<-ch
			}
			drain(t, func() <-chan int { cancel(); return ch }, "ctx was cancelled")
		}

		// A ctx that has already ended: the channel closes soon all the same.
		drain(t, func() <-chan int { return ps.Sieve(ctx) }, "Sieve was called with a ctx that had already ended")
		check.Settled(t, "the channel of Sieve was closed")
	})
}

// TestStopsWithoutAReader: the sieve is cancelled while nobody reads its
// channel; every goroutine must end by itself, and the channel be closed,
// without anybody receiving from it (fake time).
func TestStopsWithoutAReader(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ch := ps.Sieve(ctx)
		for i, p := range firstPrimes(10) {
			got, ok := <-ch
			require.True(t, ok, "the channel of Sieve was closed after %d primes, although ctx was not cancelled", i)
			require.Equal(t, p, got, "prime number %d should be %d", i+1, p)
		}
		synctest.Wait() // the sieve waits to send prime 11, that nobody will read
		cancel()
		if !check.Settled(t, "ctx was cancelled (and nobody read the channel any more)") {
			return
		}
		select {
		case p, ok := <-ch:
			assert.False(t, ok, "every goroutine of the sieve had ended, but its channel still delivered %d:\n"+
				"once ctx is done, stop; close the channel once every stage has ended", p)
		default:
			t.Error("every goroutine of the sieve had ended, but its channel was not closed: close it once\n" +
				"every stage has ended (defer close(primes) before defer wg.Wait(), in the goroutine that runs the chain)")
		}
	})
}

// stages counts the goroutines, at this moment, that run the exercise's
// generate (and no filter), and those that run its filter (one each, and no
// generate), whoever started them: go generate(...), wg.Go, or a helper of
// the student's that starts a goroutine. It looks at the running
// goroutines, not at the source.
func stages() (gens, filters int) {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	// The package's path as the stacks name it (the selftest builds it in a
	// scratch module of its own): that of Sieve, without ".Sieve".
	pkg := strings.TrimSuffix(runtime.FuncForPC(reflect.ValueOf(ps.Sieve).Pointer()).Name(), "Sieve")
	for _, g := range strings.Split(string(buf), "\n\n") {
		var gen, fil int
		for _, line := range strings.Split(g, "\n") {
			if strings.HasPrefix(line, "created by ") {
				continue
			}
			if fn, ok := strings.CutPrefix(line, pkg); ok {
				switch {
				case strings.HasPrefix(fn, "generate("):
					gen++
				case strings.HasPrefix(fn, "filter("):
					fil++
				}
			}
		}
		switch {
		case gen > 0 && fil == 0:
			gens++
		case fil == 1 && gen == 0:
			filters++
		}
	}
	return gens, filters
}
