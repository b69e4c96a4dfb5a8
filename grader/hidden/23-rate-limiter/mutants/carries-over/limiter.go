//go:build gclhidden

package ratelimiter

import (
	"context"
	"errors"
	"sync"
	"time"
)

var ErrStopped = errors.New("ratelimiter: stopped")

// A bucket much larger than n: each window adds n more, and quiet windows
// pile up events for later.
type Limiter struct {
	n        int
	tokens   chan struct{}
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

func New(n int, interval time.Duration) *Limiter {
	l := &Limiter{n: n, tokens: make(chan struct{}, 100*n), stop: make(chan struct{}), done: make(chan struct{})}
	for range n {
		l.tokens <- struct{}{}
	}
	ticker := time.NewTicker(interval)
	go func() {
		defer close(l.done)
		defer ticker.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-ticker.C:
				for range l.n {
					select {
					case l.tokens <- struct{}{}:
					default:
					}
				}
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
	<-l.done
}
