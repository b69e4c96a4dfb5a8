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

// One condition for everything, broadcast on every change, and an if where a
// for loop belongs: a woken Get does not check again whether an item is there.
type Queue[T any] struct {
	mu       sync.Mutex
	changed  *sync.Cond
	items    []T
	capacity int
	closed   bool
}

func New[T any](capacity int) *Queue[T] {
	if capacity < 1 {
		panic("boundedqueue: capacity must be at least 1")
	}
	q := &Queue[T]{capacity: capacity}
	q.changed = sync.NewCond(&q.mu)
	return q
}

func (q *Queue[T]) Put(v T) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == q.capacity && !q.closed {
		q.changed.Wait()
	}
	if q.closed {
		return ErrClosed
	}
	q.items = append(q.items, v)
	q.changed.Broadcast()
	return nil
}

func (q *Queue[T]) Get() (T, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 && !q.closed {
		q.changed.Wait()
	}
	if len(q.items) == 0 {
		var zero T
		return zero, ErrClosed
	}
	v := q.items[0]
	q.items = q.items[1:]
	q.changed.Broadcast()
	return v, nil
}

func (q *Queue[T]) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.changed.Broadcast()
}
