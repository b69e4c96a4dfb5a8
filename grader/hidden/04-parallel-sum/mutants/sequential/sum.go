//go:build gclhidden

// Package parallelsum adds up numbers that are slow to read, by reading
// several parts of them at the same time.
package parallelsum

// A Reader reads count numbers, starting with the offset-th.
type Reader func(offset, count int) []int

// Sum reads the parts one after the other.
func Sum(read Reader, n, parts int) int {
	total := 0
	for p := range parts {
		from, to := p*n/parts, (p+1)*n/parts
		for _, x := range read(from, to-from) {
			total += x
		}
	}
	return total
}
