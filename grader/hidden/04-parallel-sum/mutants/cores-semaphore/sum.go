//go:build gclhidden

// Package parallelsum adds up numbers that are slow to read, by reading
// several parts of them at the same time.
package parallelsum

import (
	"runtime"
	"sync"
)

type Reader func(offset, count int) []int

// At most as many reads at once as there are cores: right on a machine
// with more cores than parts, a few parts at a time on any other.
func Sum(read Reader, n, parts int) int {
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	partial := make([]int, parts)
	var wg sync.WaitGroup
	for p := range parts {
		from, to := p*n/parts, (p+1)*n/parts
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
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
