//go:build gclhidden

// Package heartbeat calls a function at a steady pace until it is told to
// stop.
package heartbeat

import (
	"context"
	"time"
)

// Waits a fresh interval after each beat: a slow beat makes the next ones late.
func Start(ctx context.Context, interval time.Duration, beat func()) <-chan struct{} {
	done := make(chan struct{})
	ticker := time.NewTicker(interval) // made, but the loop waits on time.After
	go func() {
		defer close(done)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(interval):
				beat()
			}
		}
	}()
	return done
}
