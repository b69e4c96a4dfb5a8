//go:build gclhidden

package orderedresults

import (
	"runtime"
	"sync"
)

// A pool of as many workers as the machine has cores: "more goroutines
// than cores cannot run anyway". But fn is slow because it waits, not
// because it computes: the calls go a few at a time.
func Map[T, R any](items []T, fn func(T) R) []R {
	results := make([]R, len(items))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(items)) {
		wg.Go(func() {
			for i := range next {
				results[i] = fn(items[i])
			}
		})
	}
	for i := range items {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}
