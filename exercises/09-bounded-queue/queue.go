// Package boundedqueue is a first-in first-out queue of limited capacity
// that many goroutines can share: Put waits while it is full, Get waits
// while it is empty.
package boundedqueue

import (
	"errors"
	"sync"
)

// ErrClosed is returned by Put on a closed queue, and by Get on a closed
// queue that has no items left.
var ErrClosed = errors.New("boundedqueue: queue closed")

// Queue is a FIFO queue that holds at most a fixed number of items. Its
// methods are safe for concurrent use. Use New to make one.
type Queue[T any] struct {
	mu       sync.Mutex
	items    []T
	capacity int
	closed   bool
	// TODO: one or two *sync.Cond, made with sync.NewCond(&q.mu), for the
	// goroutines that wait until the queue is not full, or not empty.
}

// New returns an empty queue that holds at most capacity items. It panics
// if capacity is less than 1: a queue with no room would make every Put
// wait for ever.
func New[T any](capacity int) *Queue[T] {
	// TODO: panic if capacity is less than 1.
	q := &Queue[T]{capacity: capacity}
	// TODO: make the condition variables.
	return q
}

// Put adds v at the back of the queue. While the queue is full, Put waits.
// It returns ErrClosed, and does not add v, if the queue is closed before
// or while it waits.
func (q *Queue[T]) Put(v T) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	// TODO: wait while the queue is full (and not closed), then add v and
	// wake a goroutine that waits in Get.
	return ErrClosed
}

// Get removes and returns the item at the front of the queue. While the
// queue is empty, Get waits. Once the queue is closed, Get still returns
// the items left in it, in order, and then ErrClosed.
func (q *Queue[T]) Get() (T, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	// TODO: wait while the queue is empty (and not closed), then take the
	// first item and wake a goroutine that waits in Put.
	var zero T
	return zero, ErrClosed
}

// Close closes the queue: later calls of Put return ErrClosed, and Get
// returns ErrClosed once the items left are gone. Close wakes every
// goroutine that waits in Put or Get. Closing a closed queue does nothing.
func (q *Queue[T]) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	// TODO: wake every goroutine that waits in Put or Get.
}
