//go:build gclhidden

// Mutant (req 1: "a Wait at exactly the start of a window belongs to that
// window", at most n per window): the textbook bucket. The goroutine
// empties the bucket and puts n tokens in on every tick, but a Wait that
// runs at exactly the start of a window, before that goroutine has had its
// turn, takes a token left over from the window before; the refill then
// adds n more, so that window has more than n events.
package ratelimiter

import (
	"context"
	"errors"
	"sync"
	"time"
)

var ErrStopped = errors.New("ratelimiter: stopped")

type Limiter struct {
	tokens chan struct{}
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
}

func New(n int, interval time.Duration) *Limiter {
	size := n
	if size < 0 {
		size = 0
	}
	l := &Limiter{
		tokens: make(chan struct{}, size),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	fill := func() {
		for {
			select {
			case <-l.tokens:
				continue
			default:
			}
			break
		}
		for i := 0; i < n; i++ {
			select {
			case l.tokens <- struct{}{}:
			default:
			}
		}
	}
	fill()
	t := time.NewTicker(interval)
	go func() {
		defer close(l.done)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				fill()
			}
		}
	}()
	return l
}

func (l *Limiter) stopped() bool {
	select {
	case <-l.stop:
		return true
	default:
		return false
	}
}

func (l *Limiter) Wait(ctx context.Context) error {
	if l.stopped() {
		return ErrStopped
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-l.stop:
		return ErrStopped
	case <-ctx.Done():
		return ctx.Err()
	case <-l.tokens:
		if l.stopped() {
			l.putBack()
			return ErrStopped
		}
		if err := ctx.Err(); err != nil {
			l.putBack()
			return err
		}
		return nil
	}
}

func (l *Limiter) putBack() {
	select {
	case l.tokens <- struct{}{}:
	default:
	}
}

func (l *Limiter) Stop() {
	l.once.Do(func() { close(l.stop) })
	<-l.done
}
