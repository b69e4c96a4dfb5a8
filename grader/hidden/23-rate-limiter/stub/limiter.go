// Package ratelimiter allows at most n events per interval.
package ratelimiter

import (
	"context"
	"errors"
	"time"
)

// ErrStopped is what Wait returns once the Limiter has been stopped.
var ErrStopped = errors.New("ratelimiter: stopped")

// A Limiter allows at most n events per interval. Time is cut into windows
// of one interval each, the first starting when New is called; in each
// window, at most n calls of Wait return nil. Events a window did not use
// are lost: the next window allows n again, not more. A Limiter's methods
// are safe to call from several goroutines at once.
type Limiter struct {
	// TODO: what the limiter needs: the events still allowed in the
	// current window, and a way to tell its goroutine to stop.
}

// New returns a Limiter that allows n events per interval (interval > 0;
// with n less than 1, no event at all). It starts a goroutine that opens a
// new window every interval, until Stop.
func New(n int, interval time.Duration) *Limiter {
	// TODO: allow n events at once, and start a goroutine that allows n
	// events again at the start of every window (a time.Ticker), until Stop.
	return &Limiter{}
}

// Wait waits until an event is allowed and returns nil: at once if the
// current window has not used up its n events, else at the start of the
// next window that has room. If ctx ends first (or has ended already),
// Wait returns ctx.Err(), and if the Limiter is stopped first, ErrStopped;
// either way no event is used.
func (l *Limiter) Wait(ctx context.Context) error {
	// TODO
	return nil
}

// Stop stops the Limiter: the goroutine New started ends, and has ended
// when Stop returns. Waits in progress and later ones return ErrStopped.
// Stop may be called more than once.
func (l *Limiter) Stop() {
	// TODO
}
