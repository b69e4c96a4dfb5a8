//go:build gclhidden

package orderedresults

// Starts the goroutines and returns without waiting for them.
func Map[T, R any](items []T, fn func(T) R) []R {
	results := make([]R, len(items))
	for i, item := range items {
		go func() { results[i] = fn(item) }()
	}
	return results
}
