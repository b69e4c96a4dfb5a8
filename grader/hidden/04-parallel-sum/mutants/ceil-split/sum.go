//go:build gclhidden

// Package parallelsum adds up numbers that are slow to read, by reading
// several parts of them at the same time.
package parallelsum

import "sync"

type Reader func(offset, count int) []int

// Parts of n/parts rounded up: the total is right, but the last parts can
// be empty (9 numbers in 6 parts: 2+2+2+2+1+0).
func Sum(read Reader, n, parts int) int {
	size := (n + parts - 1) / parts
	partial := make([]int, parts)
	var wg sync.WaitGroup
	for p := range parts {
		from := min(p*size, n)
		to := min(from+size, n)
		wg.Go(func() {
			for _, x := range read(from, to-from) {
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
