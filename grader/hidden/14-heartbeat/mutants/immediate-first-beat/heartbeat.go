//go:build gclhidden

// Package heartbeat calls a function at a steady pace until it is told to
// stop.
package heartbeat

import (
	"context"
	"time"
)

// Beats once at the start, before the first tick.
func Start(ctx context.Context, interval time.Duration, beat func()) <-chan struct{} {
	done := make(chan struct{})
	ticker := time.NewTicker(interval)
	go func() {
		defer close(done)
		defer ticker.Stop()
		beat()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				beat()
			}
		}
	}()
	return done
}
