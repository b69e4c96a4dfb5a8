//go:build gclhidden

// Mutant (req 4: a Wait that gives up "uses up no event"): when Wait has
// taken a token and then sees that ctx has ended (or the limiter stopped),
// it returns the error and drops the token instead of putting it back, so
// the window loses an event. Otherwise the tagged-token design.
package ratelimiter

import (
	"context"
	"errors"
	"sync"
	"time"
)

var ErrStopped = errors.New("ratelimiter: stopped")

type Limiter struct {
	tokens   chan int64
	start    time.Time
	interval time.Duration
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
}

func New(n int, interval time.Duration) *Limiter {
	size := n
	if size < 0 {
		size = 0
	}
	l := &Limiter{
		tokens:   make(chan int64, size),
		start:    time.Now(),
		interval: interval,
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	fill := func(w int64) {
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
			case l.tokens <- w:
			default:
			}
		}
	}
	fill(0)
	t := time.NewTicker(interval)
	go func() {
		defer close(l.done)
		defer t.Stop()
		var w int64
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				w++
				if cur := int64(time.Since(l.start) / l.interval); cur > w {
					w = cur
				}
				fill(w)
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
	for {
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
		case w := <-l.tokens:
			if w < int64(time.Since(l.start)/l.interval) {
				continue // a token of a window that is over
			}
			if l.stopped() {
				return ErrStopped
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			return nil
		}
	}
}

func (l *Limiter) Stop() {
	l.once.Do(func() { close(l.stop) })
	<-l.done
}
