//go:build gclhidden

// Package mergechannels merges two channels into one.
package mergechannels

// Never checks whether an input is closed: forwards zero values forever.
func Merge(a, b <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		for {
			select {
			case v := <-a:
				out <- v
			case v := <-b:
				out <- v
			}
		}
	}()
	return out
}
