//go:build gclhidden

// Package pingpong has two goroutines take turns, strictly, by passing a
// ball back and forth over unbuffered channels.
package pingpong

import "sync"

// Play waits for ping only. Pong loops for ever: after the last hit it
// waits for a ball that never comes (or passes one nobody takes).
func Play(n int, hit func(player string)) {
	toPing, toPong := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < n; i += 2 {
			<-toPing
			hit("ping")
			if i+1 == n {
				return
			}
			toPong <- struct{}{}
		}
	}()
	go func() {
		for {
			<-toPong
			hit("pong")
			toPing <- struct{}{}
		}
	}()
	if n > 0 {
		toPing <- struct{}{}
	}
	wg.Wait()
}
