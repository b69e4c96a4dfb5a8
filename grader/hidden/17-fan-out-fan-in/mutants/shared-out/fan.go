//go:build gclhidden

// Package fanoutfanin: every worker sends on ONE shared channel, returned n
// times by FanOut and closed after the last worker ends: no worker has a
// channel of its own, and one that is done cannot close "its" channel
// (README 1, 2, 4).
package fanoutfanin

import "sync"

func FanOut(in <-chan int, n int, work func(int) int) []<-chan int {
	if n < 1 {
		n = 1
	}
	c := make(chan int)
	var wg sync.WaitGroup
	wg.Add(n)
	outs := make([]<-chan int, n)
	for i := range n {
		outs[i] = c
		go func() {
			defer wg.Done()
			for v := range in {
				c <- work(v)
			}
		}()
	}
	go func() {
		wg.Wait()
		close(c)
	}()
	return outs
}

func FanIn(chans ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	wg.Add(len(chans))
	for _, c := range chans {
		go func() {
			defer wg.Done()
			for v := range c {
				out <- v
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

func Process(in <-chan int, n int, work func(int) int) <-chan int {
	return FanIn(FanOut(in, n, work)...)
}
