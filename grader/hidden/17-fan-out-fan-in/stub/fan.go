// Package fanoutfanin spreads work over several goroutines (fan-out) and
// merges their results back into one channel (fan-in).
package fanoutfanin

// FanOut starts n workers (n less than 1 counts as 1) and returns at once
// with one result channel per worker. The workers share in: each receives
// items from it, calls work on each, and sends the result on its own
// channel. A worker closes its channel and ends once in is closed and it
// has sent its last result. Every item is worked on by exactly one worker.
func FanOut(in <-chan int, n int, work func(int) int) []<-chan int {
	// TODO: start n worker goroutines, each with a result channel of
	// its own, all receiving from in.
	return nil
}

// FanIn returns at once with a channel that delivers every value from
// every one of chans, and that is closed once all of chans are closed.
func FanIn(chans ...<-chan int) <-chan int {
	out := make(chan int)
	// TODO: forward every channel's values to out, and close out once all
	// of them are closed.
	return out
}

// Process works on every item of in with n workers and returns one channel
// with all the results, in no particular order. The channel is closed
// after the last worker has ended.
func Process(in <-chan int, n int, work func(int) int) <-chan int {
	// TODO: fan out, then fan in.
	return nil
}
