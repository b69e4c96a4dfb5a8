// Package parallelsum adds up numbers that are slow to read, by reading
// several parts of them at the same time.
package parallelsum

import "sync"

// A Reader reads count numbers from a slow store (a disk, a remote
// service), starting with the offset-th (0-based). It is safe to call from
// several goroutines at once, and it takes about as long for many numbers as
// for a few: the wait is the slow part, not the adding.
type Reader func(offset, count int) []int

// Sum returns the sum of the numbers 0 to n-1 of read. It splits them into
// parts consecutive, non-empty parts, reads and adds up each part in a
// goroutine of its own, all at the same time, and then adds the partial
// sums together. Sum may assume 1 <= parts <= n.
func Sum(read Reader, n, parts int) int {
	partial := make([]int, parts)
	var wg sync.WaitGroup
	for p := range parts {
		// Part p holds the numbers from p*n/parts up to (p+1)*n/parts:
		// together they cover 0 to n-1, and their sizes differ by at
		// most one.
		from, to := p*n/parts, (p+1)*n/parts
		wg.Go(func() {
			s := 0
			for _, x := range read(from, to-from) {
				s += x
			}
			// Each goroutine writes only its own element, and Wait
			// orders these writes before the reads below: no lock.
			partial[p] = s
		})
	}
	wg.Wait()
	total := 0
	for _, s := range partial {
		total += s
	}
	return total
}
