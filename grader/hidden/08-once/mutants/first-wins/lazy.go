//go:build gclhidden

// Package once computes a value lazily: on first use, exactly once, however
// many goroutines ask for it at the same time.
package once

import "sync/atomic"

// The first caller runs init; the others do not wait for it and return
// whatever is there yet (the zero value, and a data race).
type Lazy[T any] struct {
	init    func() (T, error)
	started atomic.Bool
	value   T
	err     error
}

func New[T any](init func() (T, error)) *Lazy[T] {
	return &Lazy[T]{init: init}
}

func (l *Lazy[T]) Get() (T, error) {
	if l.started.CompareAndSwap(false, true) {
		l.value, l.err = l.init()
	}
	return l.value, l.err
}
