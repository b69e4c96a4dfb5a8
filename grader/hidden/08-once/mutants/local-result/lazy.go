//go:build gclhidden

// Package once computes a value lazily: on first use, exactly once, however
// many goroutines ask for it at the same time.
package once

import "sync"

// sync.Once, but the result lands in the first caller's local variables:
// every other caller returns the zero value.
type Lazy[T any] struct {
	init func() (T, error)
	once sync.Once
}

func New[T any](init func() (T, error)) *Lazy[T] {
	return &Lazy[T]{init: init}
}

func (l *Lazy[T]) Get() (T, error) {
	var value T
	var err error
	l.once.Do(func() {
		value, err = l.init()
	})
	return value, err
}
