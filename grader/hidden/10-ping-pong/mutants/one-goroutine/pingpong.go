//go:build gclhidden

// Package pingpong has two goroutines take turns, strictly, by passing a
// ball back and forth over unbuffered channels.
package pingpong

import "sync"

// One goroutine plays both sides: the order is right, but nobody takes
// turns.
func Play(n int, hit func(player string)) {
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range n {
			if i%2 == 0 {
				hit("ping")
			} else {
				hit("pong")
			}
		}
	})
	wg.Wait()
}
