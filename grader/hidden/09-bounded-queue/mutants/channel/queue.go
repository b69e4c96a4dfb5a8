//go:build gclhidden

// Package boundedqueue is a first-in first-out queue of limited capacity
// that many goroutines can share: Put waits while it is full, Get waits
// while it is empty.
package boundedqueue

import (
	"errors"
	"sync"
)

var ErrClosed = errors.New("boundedqueue: queue closed")

// A buffered channel does the waiting: no sync.Cond at all. Rejected by the
// rules, not by the behaviour tests.
type Queue[T any] struct {
	items chan T
	done  chan struct{}
	once  sync.Once
}

func New[T any](capacity int) *Queue[T] {
	if capacity < 1 {
		panic("boundedqueue: capacity must be at least 1")
	}
	return &Queue[T]{items: make(chan T, capacity), done: make(chan struct{})}
}

func (q *Queue[T]) Put(v T) error {
	select {
	case <-q.done:
		return ErrClosed
	default:
	}
	select {
	case q.items <- v:
		return nil
	case <-q.done:
		return ErrClosed
	}
}

func (q *Queue[T]) Get() (T, error) {
	select {
	case v := <-q.items:
		return v, nil
	default:
	}
	select {
	case v := <-q.items:
		return v, nil
	case <-q.done:
		select {
		case v := <-q.items:
			return v, nil
		default:
			var zero T
			return zero, ErrClosed
		}
	}
}

func (q *Queue[T]) Close() {
	q.once.Do(func() { close(q.done) })
}
