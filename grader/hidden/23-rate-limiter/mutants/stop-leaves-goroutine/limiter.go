//go:build gclhidden

package ratelimiter

import (
	"context"
	"errors"
	"sync"
	"time"
)

var ErrStopped = errors.New("ratelimiter: stopped")

// Stop tells the waiters, but the refilling goroutine ranges over the
// ticker forever.
type Limiter struct {
	tokens   chan struct{}
	stop     chan struct{}
	stopOnce sync.Once
}

func New(n int, interval time.Duration) *Limiter {
	l := &Limiter{tokens: make(chan struct{}, n), stop: make(chan struct{})}
	for range n {
		l.tokens <- struct{}{}
	}
	ticker := time.NewTicker(interval)
	go func() {
		for range ticker.C {
			for range n - len(l.tokens) {
				l.tokens <- struct{}{}
			}
		}
	}()
	return l
}

func (l *Limiter) Wait(ctx context.Context) error {
	select {
	case <-l.stop:
		return ErrStopped
	default:
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

func (l *Limiter) Stop() {
	l.stopOnce.Do(func() { close(l.stop) })
}
