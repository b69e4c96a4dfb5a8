// Package orderedresults applies a slow function to every item of a slice,
// to all items at the same time, and returns the results in the items' order.
package orderedresults

// Map calls fn once for every item, each call in a goroutine of its own, all
// at the same time, and returns the results in the order of the items:
// result[i] is fn(items[i]), whichever call finished first. Map returns only
// once every call has returned. fn is safe to call from several goroutines
// at once.
func Map[T, R any](items []T, fn func(T) R) []R {
	results := make([]R, len(items))
	// TODO: call fn for every item in a goroutine of its own, all at the
	// same time; put each result at its item's index; wait until every
	// call has returned.
	return results
}
