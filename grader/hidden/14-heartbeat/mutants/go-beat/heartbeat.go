//go:build gclhidden

// Package heartbeat calls a function at a steady pace until it is told to
// stop.
package heartbeat

import (
	"context"
	"time"
)

// Starts each beat in a goroutine of its own: done can close while a beat
// still runs.
func Start(ctx context.Context, interval time.Duration, beat func()) <-chan struct{} {
	done := make(chan struct{})
	ticker := time.NewTicker(interval)
	go func() {
		defer close(done)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				go beat()
			}
		}
	}()
	return done
}
