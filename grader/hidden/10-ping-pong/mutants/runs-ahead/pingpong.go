//go:build gclhidden

// Package pingpong has two goroutines take turns, strictly, by passing a
// ball back and forth over unbuffered channels.
package pingpong

import "sync"

// Ping does not wait for the ball to come back: with a buffered channel it
// hits and sends, hits and sends, while pong is still hitting.
func Play(n int, hit func(player string)) {
	if n <= 0 {
		return
	}
	toPong := make(chan struct{}, n)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; i < n; i += 2 {
			hit("ping")
			toPong <- struct{}{}
		}
		close(toPong)
	})
	wg.Go(func() {
		hits := 0
		for range toPong {
			if 2*hits+1 < n {
				hit("pong")
				hits++
			}
		}
	})
	wg.Wait()
}
