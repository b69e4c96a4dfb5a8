//go:build gclhidden

// Package primesieve finds primes with a chain of goroutines: the
// concurrent prime sieve.
package primesieve

import "context"

// Sieve, with trial division in a single goroutine.
func Sieve(ctx context.Context) <-chan int {
	primes := make(chan int)
	go func() {
		defer close(primes)
		var found []int
		for c := 2; ; c++ {
			prime := true
			for _, p := range found {
				if c%p == 0 {
					prime = false
					break
				}
			}
			if !prime {
				continue
			}
			found = append(found, c)
			select {
			case primes <- c:
			case <-ctx.Done():
				return
			}
		}
	}()
	return primes
}

// Primes returns the first n primes, computed with Sieve.
func Primes(n int) []int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	primes := Sieve(ctx)
	out := make([]int, 0, n)
	for range n {
		out = append(out, <-primes)
	}
	cancel()
	for range primes {
	}
	return out
}
