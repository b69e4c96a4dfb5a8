//go:build gclhidden

// Package once computes a value lazily: on first use, exactly once, however
// many goroutines ask for it at the same time.
package once

import "sync"

// Double-checked locking with a plain bool: init runs once under the lock,
// and the callers wait for it, but the first check reads done without the
// lock while the caller running init writes it: a data race.
type Lazy[T any] struct {
	init  func() (T, error)
	mu    sync.Mutex
	done  bool
	value T
	err   error
}

func New[T any](init func() (T, error)) *Lazy[T] {
	return &Lazy[T]{init: init}
}

func (l *Lazy[T]) Get() (T, error) {
	if l.done {
		return l.value, l.err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.value, l.err = l.init()
		l.done = true
	}
	return l.value, l.err
}
