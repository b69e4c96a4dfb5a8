//go:build gclhidden

package orderedresults

// Calls fn in a loop: right results, no concurrency.
func Map[T, R any](items []T, fn func(T) R) []R {
	results := make([]R, len(items))
	for i, item := range items {
		results[i] = fn(item)
	}
	return results
}
