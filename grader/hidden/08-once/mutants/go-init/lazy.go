//go:build gclhidden

// Package once computes a value lazily: on first use, exactly once, however
// many goroutines ask for it at the same time.
package once

import "sync"

// New "gets a head start": it starts a goroutine that calls init at once.
// Exactly once, and every caller gets the value, but init runs even when
// nobody ever calls Get: the value is not lazy.
type Lazy[T any] struct {
	get func() (T, error)
}

func New[T any](init func() (T, error)) *Lazy[T] {
	l := &Lazy[T]{get: sync.OnceValues(init)}
	go l.get()
	return l
}

func (l *Lazy[T]) Get() (T, error) {
	return l.get()
}
