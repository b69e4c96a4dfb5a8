//go:build gclhidden

package primesieve_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/go-concurrency-lab/course/exercises/31-prime-sieve"
	"github.com/go-concurrency-lab/course/grader/check"
)

// bound is how long, in real time, a test waits for something the right
// answer does at once.
const bound = 5 * time.Second

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
// that never shuts down fails the test instead of hanging it.
func primes(t *testing.T, n int) []int {
	t.Helper()
	done := make(chan []int, 1)
	go func() { done <- ps.Primes(n) }()
	select {
	case got := <-done:
		return got
	case <-time.After(bound):
		t.Fatalf("Primes(%d) did not return within %v. If it waits for the sieve to shut down, some\n"+
			"goroutine of the sieve does not end: does every receive and every send in generate and\n"+
			"filter also watch ctx.Done()?", n, bound)
		return nil
	}
}

// TestFirstPrimes: Primes(n) returns the first n primes.
func TestFirstPrimes(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{1, 2, 10, 100} {
		if !assert.Equal(t, firstPrimes(n), primes(t, n), "Primes(%d) should return the first %d primes, in order", n, n) {
			return
		}
	}
	assert.Empty(t, primes(t, 0), "Primes(0) should return no primes")
}

// TestNoGoroutineLeft: when Primes returns, every goroutine of the sieve
// has ended.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	primes(t, 50)
	primes(t, 7)
	check.NoLeaks(t)
}

// TestOneGoroutinePerPrime: while the sieve runs, it has a filter goroutine
// for every prime found so far; once cancelled, it closes its channel and
// every goroutine ends.
func TestOneGoroutinePerPrime(t *testing.T) {
	check.Seal(t)
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
			t.Fatalf("Sieve sent only %d primes; the next did not come within %v", i, bound)
		}
	}
	// Once prime 30 has come out, the filters of primes 1 to 29 exist, and
	// the generator: at least 30 goroutines more than before.
	n := runtime.NumGoroutine() - before
	assert.GreaterOrEqual(t, n, 30,
		"after 30 primes, the sieve runs %d goroutines. A concurrent sieve has one filter goroutine per\n"+
			"prime found (each removes the multiples of its prime) plus the generator: at least 30 here.", n)
	cancel()
	deadline := time.After(bound)
	for open := true; open; {
		select {
		case _, open = <-ch:
		case <-deadline:
			t.Fatalf("the channel of Sieve was not closed within %v after ctx was cancelled.\n"+
				"When ctx is done, every stage should end, and then the channel should be closed.", bound)
		}
	}
	check.NoLeaks(t)
}
