//go:build gclhidden

package orderedresults

import "sync"

// Starts a goroutine per item, but waits for each before starting the next.
func Map[T, R any](items []T, fn func(T) R) []R {
	results := make([]R, len(items))
	var wg sync.WaitGroup
	for i, item := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = fn(item)
		}()
		wg.Wait()
	}
	return results
}
