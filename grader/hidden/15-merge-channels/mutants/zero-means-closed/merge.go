//go:build gclhidden

// Package mergechannels merges two channels into one.
package mergechannels

// Merge returns a channel that delivers every value received from a and
// from b, until both are closed; then it closes the returned channel.
//
// Values from the same input keep their order. Merge returns at once: the
// merging happens in a goroutine of its own, which ends when it has closed
// the returned channel. While one input is closed and the other is still
// open, that goroutine waits without using the CPU.
func Merge(a, b <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		// A closed channel is always ready to receive from, so a select
		// that keeps a closed input would pick it again and again and
		// spin. A nil channel is never ready: setting a closed input to
		// nil takes its case out of the select.
		for a != nil || b != nil {
			select {
			// Takes the zero value for "closed": a 0 that was sent is lost,
			// and the input is dropped with it.
			case v := <-a:
				if v == 0 {
					a = nil
					continue
				}
				out <- v
			case v := <-b:
				if v == 0 {
					b = nil
					continue
				}
				out <- v
			}
		}
	}()
	return out
}
