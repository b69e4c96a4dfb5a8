//go:build gclhidden

// Package mergechannels merges two channels into one.
package mergechannels

// Stops, and closes the output, as soon as either input closes.
func Merge(a, b <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for {
			select {
			case v, ok := <-a:
				if !ok {
					return
				}
				out <- v
			case v, ok := <-b:
				if !ok {
					return
				}
				out <- v
			}
		}
	}()
	return out
}
