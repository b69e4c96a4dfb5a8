//go:build gclhidden

package orderedresults

import "sync"

// Collects the results from a channel in the order the calls finished.
func Map[T, R any](items []T, fn func(T) R) []R {
	ch := make(chan R, len(items))
	var wg sync.WaitGroup
	for _, item := range items {
		wg.Go(func() { ch <- fn(item) })
	}
	wg.Wait()
	close(ch)
	var results []R
	for r := range ch {
		results = append(results, r)
	}
	if results == nil {
		results = []R{}
	}
	return results
}
