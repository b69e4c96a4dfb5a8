//go:build gclhidden

// Package parallelsum adds up numbers that are slow to read, by reading
// several parts of them at the same time.
package parallelsum

// A Reader reads count numbers, starting with the offset-th.
type Reader func(offset, count int) []int

// Sum collects the partial sums from a channel, but receives one too few:
// the last sender waits forever.
func Sum(read Reader, n, parts int) int {
	sums := make(chan int)
	for p := range parts {
		from, to := p*n/parts, (p+1)*n/parts
		go func() {
			s := 0
			for _, x := range read(from, to-from) {
				s += x
			}
			sums <- s
		}()
	}
	total := 0
	for range parts - 1 {
		total += <-sums
	}
	return total
}
