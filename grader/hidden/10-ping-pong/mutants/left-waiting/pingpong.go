//go:build gclhidden

// Package pingpong has two goroutines take turns, strictly, by passing a
// ball back and forth over unbuffered channels.
package pingpong

// Play has two players, "ping" and "pong", each a goroutine of its own, hit
// a ball back and forth n times in all: ping serves, then pong, then ping,
// and so on. A player calls hit with its name when it has the ball, from its
// own goroutine, then passes the ball to the other one. Play returns when
// the n-th hit has returned and both players have stopped. n = 0 means no
// hit at all.
func Play(n int, hit func(player string)) {
	if n <= 0 {
		return
	}
	toPing, toPong := make(chan int), make(chan int)
	// Play waits for the last hit, not for the players: the one that did not
	// make it waits for a ball for ever.
	over := make(chan struct{})
	go player("ping", toPing, toPong, n, hit, over)
	go player("pong", toPong, toPing, n, hit, over)
	toPing <- 0 // serve: ping gets the ball, no hit made yet
	<-over
}

// player waits for the ball on in, hits it and passes it on out. The ball is
// the number of hits made so far. Only the player holding the ball runs, so
// the hits cannot overlap. The player that makes the last hit closes out:
// that ends the other player's range loop, and both stop.
func player(name string, in <-chan int, out chan<- int, n int, hit func(string), over chan struct{}) {
	for hits := range in {
		hit(name)
		hits++
		if hits == n {
			close(over)
			return
		}
		out <- hits
	}
}
