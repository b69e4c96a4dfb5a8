//go:build gclhidden

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
	notFull  *sync.Cond // signalled when an item leaves, broadcast by Close
	notEmpty *sync.Cond // signalled when an item arrives, broadcast by Close
	items    []T
	capacity int
	closed   bool
}

// New returns an empty queue that holds at most capacity items. It panics
// if capacity is less than 1: a queue with no room would make every Put
// wait for ever.
func New[T any](capacity int) *Queue[T] {
	if capacity < 1 {
		panic("boundedqueue: capacity must be at least 1")
	}
	q := &Queue[T]{capacity: capacity}
	q.notFull = sync.NewCond(&q.mu)
	q.notEmpty = sync.NewCond(&q.mu)
	return q
}

// Put adds v at the back of the queue. While the queue is full, Put waits.
// It returns ErrClosed, and does not add v, if the queue is closed before
// or while it waits.
func (q *Queue[T]) Put(v T) error {
	q.mu.Lock()
	// Wait releases the lock while it sleeps and takes it back before it
	// returns; by then another goroutine may have filled the queue again,
	// so check the condition again, in a loop, every time.
	for len(q.items) == q.capacity && !q.closed {
		q.notFull.Wait()
	}
	closed := q.closed
	q.mu.Unlock()
	if closed {
		return ErrClosed
	}
	// The mistake: the room found above is only known while the lock is
	// held; another Put can take it before this Lock.
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, v)
	q.notEmpty.Signal() // one item: one waiting Get can take it
	return nil
}

// Get removes and returns the item at the front of the queue. While the
// queue is empty, Get waits. Once the queue is closed, Get still returns
// the items left in it, in order, and then ErrClosed.
func (q *Queue[T]) Get() (T, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.notEmpty.Wait()
	}
	if len(q.items) == 0 { // closed, and drained
		var zero T
		return zero, ErrClosed
	}
	v := q.items[0]
	var zero T
	q.items[0] = zero // let the garbage collector have what v refers to
	q.items = q.items[1:]
	q.notFull.Signal() // one free place: one waiting Put can use it
	return v, nil
}

// Close closes the queue: later calls of Put return ErrClosed, and Get
// returns ErrClosed once the items left are gone. Close wakes every
// goroutine that waits in Put or Get. Closing a closed queue does nothing.
func (q *Queue[T]) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	// Every waiter must see the change, not just one: Broadcast.
	q.notFull.Broadcast()
	q.notEmpty.Broadcast()
}
