// Package primesieve finds primes with a chain of goroutines: the
// concurrent prime sieve.
package primesieve

import "context"

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
	// TODO: receive numbers from in and send those that prime does not
	// divide to out. Every receive and every send must also watch
	// ctx.Done(), or this goroutine can wait forever once the sieve stops.
}

// Sieve sends the primes, in order, on the channel it returns. Every number
// from 2 up passes through a chain of filters, one goroutine per prime found
// so far; the first number out of the last filter is the next prime, which
// gets a filter of its own. When ctx is done, every goroutine of the sieve
// ends, and the channel is closed after the last of them has ended.
func Sieve(ctx context.Context) <-chan int {
	primes := make(chan int)
	// TODO: in a goroutine of its own, start generate in a goroutine, then
	// repeat: the first number out of the last stage is a prime: send it on
	// primes, and start a filter for it after the last stage, which becomes
	// the new last stage. When ctx is done, stop, wait for every stage to
	// end, and close primes.
	close(primes)
	return primes
}

// Primes returns the first n primes (none for n <= 0), computed with Sieve.
// When it returns, every goroutine of the sieve has ended.
func Primes(n int) []int {
	// TODO: run a Sieve with a context you cancel once you have n primes,
	// and wait until the sieve has shut down.
	return nil
}
