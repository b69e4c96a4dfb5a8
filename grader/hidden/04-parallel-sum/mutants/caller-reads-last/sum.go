//go:build gclhidden

// Package parallelsum adds up numbers that are slow to read, by reading
// several parts of them at the same time.
package parallelsum

import "sync"

type Reader func(offset, count int) []int

// "Why start a goroutine for the last part? Sum has nothing else to do":
// all parts are read at once, but the last one by the caller's goroutine.
func Sum(read Reader, n, parts int) int {
	partial := make([]int, parts)
	var wg sync.WaitGroup
	for p := range parts - 1 {
		from, to := p*n/parts, (p+1)*n/parts
		wg.Go(func() {
			for _, x := range read(from, to-from) {
				partial[p] += x
			}
		})
	}
	for _, x := range read((parts-1)*n/parts, n-(parts-1)*n/parts) {
		partial[parts-1] += x
	}
	wg.Wait()
	total := 0
	for _, s := range partial {
		total += s
	}
	return total
}
