//go:build gclhidden

// Package mergechannels merges two channels into one.
package mergechannels

// Reads a to its end, then b: b's senders wait until a is closed.
func Merge(a, b <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for v := range a {
			out <- v
		}
		for v := range b {
			out <- v
		}
	}()
	return out
}
