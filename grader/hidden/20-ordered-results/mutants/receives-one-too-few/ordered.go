//go:build gclhidden

package orderedresults

// Waits for one result too few: the last call to finish is still running
// when Map returns.
func Map[T, R any](items []T, fn func(T) R) []R {
	results := make([]R, len(items))
	done := make(chan struct{}, len(items))
	for i, item := range items {
		go func() {
			results[i] = fn(item)
			done <- struct{}{}
		}()
	}
	for i := 1; i < len(items); i++ {
		<-done
	}
	return results
}
