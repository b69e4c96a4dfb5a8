//go:build gclhidden

package orderedresults

import "sync"

// Counts each goroutine in from inside it: Wait can run before any
// goroutine has started, find the count at zero, and return at once.
func Map[T, R any](items []T, fn func(T) R) []R {
	results := make([]R, len(items))
	var wg sync.WaitGroup
	for i, item := range items {
		go func() {
			wg.Add(1)
			defer wg.Done()
			results[i] = fn(item)
		}()
	}
	wg.Wait()
	return results
}
