//go:build !race

package check

// unseen runs f (without the race detector there is nothing to hide).
func unseen(f func()) { f() }
