//go:build gclhidden

// Package heartbeat calls a function at a steady pace until it is told to
// stop.
package heartbeat

import (
	"context"
	"time"
)

// Ranges over the ticker and never looks at ctx: the beats never stop.
func Start(ctx context.Context, interval time.Duration, beat func()) <-chan struct{} {
	done := make(chan struct{})
	ticker := time.NewTicker(interval)
	go func() {
		defer close(done)
		defer ticker.Stop()
		for range ticker.C {
			beat()
		}
	}()
	return done
}
