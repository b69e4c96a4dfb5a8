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
func Sieve(ctx context.Context) <-chan int {
	primes := make(chan int)
	go func() {
		var stages sync.WaitGroup
		// Deferred calls run last in, first out: wait for every stage to
		// end, then close, so that a closed channel means "all gone".
		defer close(primes)
		defer stages.Wait()
		last := make(chan int)
		stages.Go(func() { generate(ctx, last) })
		for {
			var p int
			select {
			case p = <-last:
			case <-ctx.Done():
				return
			}
			select {
			case primes <- p:
			case <-ctx.Done():
				return
			}
			in, out := last, make(chan int)
			stages.Go(func() { filter(ctx, in, out, p) })
			last = out
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
	<-primes // one more receive: the sieve has noticed the cancel
	return out
}
