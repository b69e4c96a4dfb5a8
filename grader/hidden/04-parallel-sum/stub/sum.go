// Package parallelsum adds up numbers that are slow to read, by reading
// several parts of them at the same time.
package parallelsum

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
	// TODO: split 0..n-1 into parts consecutive parts, start one goroutine
	// per part that reads it (read(offset, count)) and adds it up, wait for
	// all of them, and add their partial sums together.
	return 0
}
