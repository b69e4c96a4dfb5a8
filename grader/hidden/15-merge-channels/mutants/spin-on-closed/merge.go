//go:build gclhidden

// Package mergechannels merges two channels into one.
package mergechannels

// Remembers which input is closed but keeps it in the select: once one
// input is closed, the loop spins on it.
func Merge(a, b <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		aOpen, bOpen := true, true
		for aOpen || bOpen {
			select {
			case v, ok := <-a:
				if !ok {
					aOpen = false
					continue
				}
				out <- v
			case v, ok := <-b:
				if !ok {
					bOpen = false
					continue
				}
				out <- v
			}
		}
	}()
	return out
}
