//go:build gclhidden

// Package primesieve finds primes with a chain of goroutines: the
// concurrent prime sieve.
package primesieve

import (
	"context"
	"sync"
)

// generate sends 2, 3, 4, ... on ch until ctx is done.
func generate(ctx context.Context, ch chan<- int) {
	for i := 2; ; i++ {
		select {
		case ch <- i:
		case <-ctx.Done():
			return
		}
	}
}

// filter copies the numbers from in to out, leaving out the multiples of
// prime, until ctx is done.
func filter(ctx context.Context, in <-chan int, out chan<- int, prime int) {
	for {
		var n int
		select {
		case n = <-in:
		case <-ctx.Done():
			return
		}
		if n%prime == 0 {
			continue
		}
		// The send needs a way out too: once the consumer stops reading,
		// a plain send would wait forever.
		select {
		case out <- n:
		case <-ctx.Done():
			return
		}
	}
}

// Sieve sends the primes, in order, on the channel it returns. Every number
// from 2 up passes through a chain of filters, one goroutine per prime found
// so far; the first number out of the last filter is the next prime, which
// gets a filter of its own. When ctx is done, every goroutine of the sieve
// ends, and the channel is closed after the last of them has ended.
// generate stays (the exercise gives it), unused by this mutant.
var _ = generate

func Sieve(ctx context.Context) <-chan int {
	primes := make(chan int)
	go func() {
		var stages sync.WaitGroup
		defer close(primes)
		defer stages.Wait()
		// MUTANT (requirement 3: Sieve runs generate in a goroutine of its
		// own): no generate goroutine; the coordinator counts 2, 3, 4, ...
		// itself, feeding the first filter while it reads the last one. The
		// primes are right, the goroutine count too (29 filters and the
		// coordinator), and no source rule sees it: generate is not called.
		first := make(chan int)
		select {
		case primes <- 2:
		case <-ctx.Done():
			return
		}
		out := make(chan int)
		stages.Go(func() { filter(ctx, first, out, 2) })
		last := out
		for i := 3; ; {
			select {
			case first <- i:
				i++
			case p := <-last:
				select {
				case primes <- p:
				case <-ctx.Done():
					return
				}
				in, out := last, make(chan int)
				stages.Go(func() { filter(ctx, in, out, p) })
				last = out
			case <-ctx.Done():
				return
			}
		}
	}()
	return primes
}

// Primes returns the first n primes (none for n <= 0), computed with Sieve.
// When it returns, every goroutine of the sieve has ended.
func Primes(n int) []int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	primes := Sieve(ctx)
	out := make([]int, 0, max(n, 0))
	for range n {
		out = append(out, <-primes)
	}
	cancel()
	for range primes {
		// Drain until the sieve closes the channel: then it has shut down.
	}
	return out
}
