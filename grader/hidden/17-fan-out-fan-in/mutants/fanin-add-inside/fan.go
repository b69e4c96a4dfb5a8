//go:build gclhidden

//lint:mistake waitgroup wg.Add inside the goroutine is the mistake
//lint:mistake SA2000 wg.Add inside the goroutine is the mistake

// Package fanoutfanin: (go vet reports this mutant: its very mistake is the vet finding "WaitGroup.Add called from inside new goroutine".) FanIn counts each forwarder with wg.Add inside the forwarder: the closer may wait before any Add, and close too early.
package fanoutfanin

import "sync"

// FanOut starts n workers (n less than 1 counts as 1) and returns at once
// with one result channel per worker. The workers share in: each receives
// items from it, calls work on each, and sends the result on its own
// channel. A worker closes its channel and ends once in is closed and it
// has sent its last result. Every item is worked on by exactly one worker.
func FanOut(in <-chan int, n int, work func(int) int) []<-chan int {
	n = max(n, 1)
	outs := make([]<-chan int, n)
	for i := range n {
		out := make(chan int)
		outs[i] = out
		go func() {
			defer close(out)
			// All workers receive from the same channel: each item is
			// received, and so worked on, by exactly one of them.
			for item := range in {
				out <- work(item)
			}
		}()
	}
	return outs
}

// FanIn returns at once with a channel that delivers every value from
// every one of chans, and that is closed once all of chans are closed.
func FanIn(chans ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, c := range chans {
		go func() {
			wg.Add(1)
			defer wg.Done()
			for v := range c {
				out <- v
			}
		}()
	}
	// Only when every forwarder is done can out be closed. Wait in a
	// goroutine of its own: FanIn must return first, or nobody would
	// receive from out and the forwarders would never be done.
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// Process works on every item of in with n workers and returns one channel
// with all the results, in no particular order. The channel is closed
// after the last worker has ended.
func Process(in <-chan int, n int, work func(int) int) <-chan int {
	return FanIn(FanOut(in, n, work)...)
}
