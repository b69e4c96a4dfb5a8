// Package ratelimiter allows at most n events per interval.
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
	// tokens holds one value per event the current window still allows,
	// each the number of the window it belongs to. Each window empties it
	// and puts n new ones in, so unused events do not carry over; a Wait
	// throws away a token of a window that is over (one it finds at the
	// very start of a window, before refill has had its turn).
	tokens   chan int64
	start    time.Time     // the start of window 0
	interval time.Duration // the length of a window
	stop     chan struct{} // closed by Stop
	done     chan struct{} // closed when the refill goroutine has ended
	stopOnce sync.Once
}

// New returns a Limiter that allows n events per interval (interval > 0;
// with n less than 1, no event at all). It starts a goroutine that opens a
// new window every interval, until Stop.
func New(n int, interval time.Duration) *Limiter {
	l := &Limiter{
		tokens:   make(chan int64, max(n, 0)),
		start:    time.Now(),
		interval: interval,
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	for range n {
		l.tokens <- 0
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
			// Empty the bucket (what is left belongs to a window that is
			// over), then put in exactly n tokens of the new window.
			// "Send until the channel is full" would be wrong: a Wait
			// already waiting takes a token straight from the send, so the
			// channel would not fill up until the waiters had taken more
			// than n. Only this goroutine adds tokens, and the bucket is
			// empty, so the sends never wait.
			l.drain()
			w := l.window()
			for range n {
				l.tokens <- w
			}
		}
	}
}

// drain takes every token out of the bucket, without waiting.
func (l *Limiter) drain() {
	for {
		select {
		case <-l.tokens:
		default:
			return
		}
	}
}

// window returns the number of the window we are in: 0 from New on, 1
// from one interval later, and so on.
func (l *Limiter) window() int64 {
	return int64(time.Since(l.start) / l.interval)
}

// Wait waits until an event is allowed and returns nil: at once if the
// current window has not used up its n events, else at the start of the
// next window that has room. If ctx ends first (or has ended already),
// Wait returns ctx.Err(), and if the Limiter is stopped first, ErrStopped;
// either way no event is used.
func (l *Limiter) Wait(ctx context.Context) error {
	for {
		// select picks at random among the cases that are ready, so look
		// at Stop and ctx first: a stopped limiter, or an expired ctx,
		// must not take a token that happens to be there.
		select {
		case <-l.stop:
			return ErrStopped
		default:
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		select {
		case w := <-l.tokens:
			if w == l.window() {
				return nil
			}
			// A token of a window that is over: a Wait at the very start
			// of a window, before refill has emptied the bucket. It is
			// lost, like the rest of its window; wait for a new one.
		case <-l.stop:
			return ErrStopped
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Stop stops the Limiter: the goroutine New started ends, and has ended
// when Stop returns. Waits in progress and later ones return ErrStopped.
// Stop may be called more than once.
func (l *Limiter) Stop() {
	l.stopOnce.Do(func() { close(l.stop) })
	<-l.done
}
