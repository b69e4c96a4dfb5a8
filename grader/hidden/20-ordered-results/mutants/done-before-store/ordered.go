//go:build gclhidden

package orderedresults

import "sync"

// Calls Done as soon as fn has returned, before it stores the result: Wait
// can return before the store, which is then a data race with the caller's
// read of results.
func Map[T, R any](items []T, fn func(T) R) []R {
	results := make([]R, len(items))
	var wg sync.WaitGroup
	wg.Add(len(items))
	for i, item := range items {
		go func() {
			r := fn(item)
			wg.Done()
			results[i] = r
		}()
	}
	wg.Wait()
	return results
}
