//go:build gclhidden

// Package heartbeat calls a function at a steady pace until it is told to
// stop.
package heartbeat

import (
	"context"
	"time"
)

// Stops on ctx but forgets to close done.
func Start(ctx context.Context, interval time.Duration, beat func()) <-chan struct{} {
	done := make(chan struct{})
	ticker := time.NewTicker(interval)
	go func() {
		defer ticker.Stop()
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
