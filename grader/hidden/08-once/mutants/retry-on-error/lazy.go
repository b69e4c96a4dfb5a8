//go:build gclhidden

// Package once computes a value lazily: on first use, exactly once, however
// many goroutines ask for it at the same time.
package once

import "sync"

// Remembers only a success: after a failure, every caller runs init again.
type Lazy[T any] struct {
	init  func() (T, error)
	mu    sync.Mutex
	done  bool
	value T
}

func New[T any](init func() (T, error)) *Lazy[T] {
	return &Lazy[T]{init: init}
}

func (l *Lazy[T]) Get() (T, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done {
		return l.value, nil
	}
	v, err := l.init()
	if err != nil {
		return v, err
	}
	l.value, l.done = v, true
	return v, nil
}
