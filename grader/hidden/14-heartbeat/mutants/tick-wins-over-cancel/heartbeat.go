//go:build gclhidden

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
	// The ticker keeps its own schedule (interval, 2×interval, ...), so a
	// slow beat does not delay the next one the way sleeping between beats
	// would.
	ticker := time.NewTicker(interval)
	go func() {
		// Deferred calls run last in, first out: the ticker is stopped
		// before done is closed, and done is closed only once beat can no
		// longer run.
		defer close(done)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				// Mistake (req 3): no look at ctx before the beat. A beat
				// longer than the interval leaves a tick waiting; if ctx
				// ended meanwhile, select takes the tick half the time and
				// one more beat begins after ctx is done.
				beat()
			}
		}
	}()
	return done
}
