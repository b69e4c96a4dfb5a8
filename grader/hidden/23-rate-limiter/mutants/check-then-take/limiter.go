//go:build gclhidden

// Mutant (req 1: at most n events per window): the room check and the
// take are two lock holds, with nothing between them. Wait checks
// used < n under the lock (a helper that defers the unlock), lets go, and
// takes the event under a second hold; Waits that run in the gap all see
// room and each take an event, so a window can have more than n.
package ratelimiter

import (
	"context"
	"errors"

	"sync"
	"time"
)

var ErrStopped = errors.New("ratelimiter: stopped")

type Limiter struct {
	mu       sync.Mutex
	n        int
	interval time.Duration
	start    time.Time
	window   int64
	used     int
	wake     chan struct{}
	stopped  bool
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
}

func New(n int, interval time.Duration) *Limiter {
	l := &Limiter{n: n, interval: interval, start: time.Now(),
		wake: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	t := time.NewTicker(interval)
	go func() {
		defer close(l.done)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				l.mu.Lock()
				close(l.wake)
				l.wake = make(chan struct{})
				l.mu.Unlock()
			}
		}
	}()
	return l
}

func (l *Limiter) room() (bool, chan struct{}, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return false, nil, ErrStopped
	}
	w := int64(time.Since(l.start) / l.interval)
	if w != l.window {
		l.window = w
		l.used = 0
	}
	return l.used < l.n, l.wake, nil
}

func (l *Limiter) Wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		ok, wake, err := l.room()
		if err != nil {
			return err
		}
		if ok {

			l.mu.Lock()
			l.used++
			l.mu.Unlock()
			return nil
		}
		select {
		case <-l.stop:
			return ErrStopped
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		}
	}
}

func (l *Limiter) Stop() {
	l.once.Do(func() {
		l.mu.Lock()
		l.stopped = true
		l.mu.Unlock()
		close(l.stop)
	})
	<-l.done
}
