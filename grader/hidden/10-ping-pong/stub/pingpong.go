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
	// TODO: make two unbuffered channels, one to pass the ball to each
	// player; start the two players; serve the ball to ping; wait until
	// both players have stopped.
}
