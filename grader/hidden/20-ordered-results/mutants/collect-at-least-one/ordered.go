//go:build gclhidden

package orderedresults

// Collects the results from a channel, each with its index, and counts
// them after the receive: with no items it waits for a first result that
// never comes.
func Map[T, R any](items []T, fn func(T) R) []R {
	type result struct {
		i int
		r R
	}
	results := make([]R, len(items))
	ch := make(chan result)
	for i, item := range items {
		go func() { ch <- result{i, fn(item)} }()
	}
	for got := 0; ; {
		res := <-ch
		results[res.i] = res.r
		if got++; got == len(items) {
			break
		}
	}
	return results
}
