//go:build gclhidden

//lint:mistake waitgroup wg.Add inside the goroutine is the mistake
//lint:mistake SA2000 wg.Add inside the goroutine is the mistake

// Package parallelsum adds up numbers that are slow to read, by reading
// several parts of them at the same time.
package parallelsum

import "sync"

// A Reader reads count numbers, starting with the offset-th.
type Reader func(offset, count int) []int

// Sum counts each goroutine in from inside the goroutine: too late.
func Sum(read Reader, n, parts int) int {
	partial := make([]int, parts)
	var wg sync.WaitGroup
	for p := range parts {
		from, to := p*n/parts, (p+1)*n/parts
		go func() {
			wg.Add(1)
			defer wg.Done()
			for _, x := range read(from, to-from) {
				partial[p] += x
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, s := range partial {
		total += s
	}
	return total
}
