//go:build gclhidden

// Mutant (req 1: "a Wait at exactly the start of a window belongs to that
// window", at most n per window): the bucket topped up to n on every tick
// (n - len(tokens) sends). A Wait at exactly the start of a window that
// runs before the refill takes a token left over from the window before,
// and the top-up then makes the new window n+1 events.
package ratelimiter

import (
	"context"
	"errors"
	"sync"
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
	// tokens holds one value per event the current window still allows.
	// Each window tops it up to n, never more, so unused events do not
	// carry over.
	tokens   chan struct{}
	stop     chan struct{} // closed by Stop
	done     chan struct{} // closed when the refill goroutine has ended
	stopOnce sync.Once
}

// New returns a Limiter that allows n events per interval (interval > 0;
// with n less than 1, no event at all). It starts a goroutine that opens a
// new window every interval, until Stop.
func New(n int, interval time.Duration) *Limiter {
	l := &Limiter{
		tokens: make(chan struct{}, max(n, 0)),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	for range n {
		l.tokens <- struct{}{}
	}
	ticker := time.NewTicker(interval)
	go l.refill(n, ticker)
	return l
}

// refill opens a new window on every tick, until Stop.
func (l *Limiter) refill(n int, ticker *time.Ticker) {
	defer close(l.done)
	defer ticker.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-ticker.C:
			// Top the bucket up to n: send exactly the missing tokens.
			// "Send until the channel is full" would be wrong: a Wait
			// already waiting takes a token straight from the send, so the
			// channel would not fill up until the waiters had taken more
			// than n. Only this goroutine adds tokens, so the sends never
			// wait.
			for range n - len(l.tokens) {
				l.tokens <- struct{}{}
			}
		}
	}
}

// Wait waits until an event is allowed and returns nil: at once if the
// current window has not used up its n events, else at the start of the
// next window that has room. If ctx ends first (or has ended already),
// Wait returns ctx.Err(), and if the Limiter is stopped first, ErrStopped;
// either way no event is used.
func (l *Limiter) Wait(ctx context.Context) error {
	// select picks at random among the cases that are ready, so look at
	// Stop and ctx first: a stopped limiter, or an expired ctx, must not
	// take a token that happens to be there.
	select {
	case <-l.stop:
		return ErrStopped
	default:
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-l.tokens:
		return nil
	case <-l.stop:
		return ErrStopped
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stop stops the Limiter: the goroutine New started ends, and has ended
// when Stop returns. Waits in progress and later ones return ErrStopped.
// Stop may be called more than once.
func (l *Limiter) Stop() {
	l.stopOnce.Do(func() { close(l.stop) })
	<-l.done
}
