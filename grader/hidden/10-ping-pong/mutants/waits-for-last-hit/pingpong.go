//go:build gclhidden

// Package pingpong has two goroutines take turns, strictly, by passing a
// ball back and forth over unbuffered channels.
package pingpong

// Play has ping and pong hit a ball back and forth n times in all.
//
// The mistake: Play waits only for the n-th hit, then tells the other
// player to stop by closing its channel and returns at once: that player is
// still there, woken at its range, when Play returns, and ends a moment
// later (README requirement 5).
func Play(n int, hit func(player string)) {
	if n <= 0 {
		return
	}
	toPing, toPong := make(chan struct{}), make(chan struct{})
	over := make(chan string)
	hits := 0
	player := func(name string, in, out chan struct{}) {
		for range in {
			hit(name)
			hits++
			if hits == n {
				over <- name
				return
			}
			out <- struct{}{}
		}
	}
	go player("ping", toPing, toPong)
	go player("pong", toPong, toPing)
	toPing <- struct{}{}
	if <-over == "ping" {
		close(toPong)
	} else {
		close(toPing)
	}
}
