//go:build gclhidden

package orderedresults

import "sync"

// Starts a goroutine for every item but the last, and calls fn for the
// last one itself "while it waits anyway".
func Map[T, R any](items []T, fn func(T) R) []R {
	results := make([]R, len(items))
	if len(items) == 0 {
		return results
	}
	last := len(items) - 1
	var wg sync.WaitGroup
	for i, item := range items[:last] {
		wg.Go(func() { results[i] = fn(item) })
	}
	results[last] = fn(items[last])
	wg.Wait()
	return results
}
