//go:build gclhidden

package orderedresults

// Waits only for the goroutine started last, "since it finishes last": the
// calls finish in any order, and the earlier ones may still be running.
func Map[T, R any](items []T, fn func(T) R) []R {
	results := make([]R, len(items))
	var last chan struct{}
	for i, item := range items {
		done := make(chan struct{})
		go func() {
			defer close(done)
			results[i] = fn(item)
		}()
		last = done
	}
	if last != nil {
		<-last
	}
	return results
}
