//go:build gclhidden

// Package mergechannels merges two channels into one.
package mergechannels

// The nil-channel idiom, but the output is never closed.
func Merge(a, b <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		for a != nil || b != nil {
			select {
			case v, ok := <-a:
				if !ok {
					a = nil
					continue
				}
				out <- v
			case v, ok := <-b:
				if !ok {
					b = nil
					continue
				}
				out <- v
			}
		}
	}()
	return out
}
