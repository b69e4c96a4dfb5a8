//go:build gclhidden

package orderedresults

import "sync"

// Guards results with a mutex held across the call to fn: the calls go one
// by one.
func Map[T, R any](items []T, fn func(T) R) []R {
	results := make([]R, len(items))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, item := range items {
		wg.Go(func() {
			mu.Lock()
			defer mu.Unlock()
			results[i] = fn(item)
		})
	}
	wg.Wait()
	return results
}
