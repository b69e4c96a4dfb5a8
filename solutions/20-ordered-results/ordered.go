// Package orderedresults applies a slow function to every item of a slice,
// to all items at the same time, and returns the results in the items' order.
package orderedresults

import "sync"

// Map calls fn once for every item, each call in a goroutine of its own, all
// at the same time, and returns the results in the order of the items:
// result[i] is fn(items[i]), whichever call finished first. Map returns only
// once every call has returned. fn is safe to call from several goroutines
// at once.
func Map[T, R any](items []T, fn func(T) R) []R {
	results := make([]R, len(items))
	var wg sync.WaitGroup
	for i, item := range items {
		// Each goroutine writes its own element of results and no other:
		// no two goroutines touch the same memory, so no lock is needed.
		// The order comes from the index, not from when a call finished.
		wg.Go(func() { results[i] = fn(item) })
	}
	// Wait returns after every goroutine's write, and makes those writes
	// visible here (go.dev/ref/mem), so results is complete and safe to read.
	wg.Wait()
	return results
}
