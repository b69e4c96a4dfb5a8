//go:build gclhidden

// Package parallelsum adds up numbers that are slow to read, by reading
// several parts of them at the same time.
package parallelsum

import "sync"

// A Reader reads count numbers, starting with the offset-th.
type Reader func(offset, count int) []int

// Sum gives every part n/parts numbers, and forgets the rest.
func Sum(read Reader, n, parts int) int {
	size := n / parts
	partial := make([]int, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			for _, x := range read(p*size, size) {
				partial[p] += x
			}
		})
	}
	wg.Wait()
	total := 0
	for _, s := range partial {
		total += s
	}
	return total
}
