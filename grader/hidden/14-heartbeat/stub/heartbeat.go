// Package heartbeat calls a function at a steady pace until it is told to
// stop.
package heartbeat

import (
	"context"
	"time"
)

// Start calls beat once every interval, in a goroutine of its own, and
// returns at once. The first beat comes one interval after Start, the next
// one interval later, and so on: a beat that takes a while does not push
// the later ones back. interval must be positive.
//
// When ctx is cancelled the beats stop: the goroutine stops its ticker, ends,
// and closes the returned channel as the very last thing it does. Once that
// channel is closed, beat is not running and is never called again.
func Start(ctx context.Context, interval time.Duration, beat func()) <-chan struct{} {
	done := make(chan struct{})
	// TODO: start a goroutine that calls beat on every tick of a
	// time.Ticker until ctx is cancelled; then it stops the ticker and
	// closes done.
	return done
}
