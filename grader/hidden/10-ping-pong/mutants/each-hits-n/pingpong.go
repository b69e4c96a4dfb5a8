//go:build gclhidden

// Package pingpong has two goroutines take turns, strictly, by passing a
// ball back and forth over unbuffered channels.
package pingpong

import "sync"

// Each player hits n times: 2n hits in all, and the last pass has nobody
// to take it.
func Play(n int, hit func(player string)) {
	if n <= 0 {
		return
	}
	toPing, toPong := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for range n {
			<-toPing
			hit("ping")
			toPong <- struct{}{}
		}
	})
	wg.Go(func() {
		for i := range n {
			<-toPong
			hit("pong")
			if i < n-1 {
				toPing <- struct{}{}
			}
		}
	})
	toPing <- struct{}{}
	wg.Wait()
}
