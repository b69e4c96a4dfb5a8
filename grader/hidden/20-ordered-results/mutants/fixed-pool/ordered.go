//go:build gclhidden

// Package orderedresults: a fixed pool of 4 workers instead of a goroutine per item: the calls wait for each other.
package orderedresults

import "sync"

func Map[T, R any](items []T, fn func(T) R) []R {
	results := make([]R, len(items))
	idx := make(chan int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range idx {
				results[i] = fn(items[i])
			}
		})
	}
	for i := range items {
		idx <- i
	}
	close(idx)
	wg.Wait()
	return results
}
