//go:build gclhidden

// Package once computes a value lazily: on first use, exactly once, however
// many goroutines ask for it at the same time.
package once

import "sync"

// Check under the read lock, then run init under the write lock, without
// looking again: every caller that found "not done" before the first one
// got the write lock runs init once more, one after the other.
type Lazy[T any] struct {
	init  func() (T, error)
	mu    sync.RWMutex
	done  bool
	value T
	err   error
}

func New[T any](init func() (T, error)) *Lazy[T] {
	return &Lazy[T]{init: init}
}

func (l *Lazy[T]) Get() (T, error) {
	l.mu.RLock()
	if l.done {
		defer l.mu.RUnlock()
		return l.value, l.err
	}
	l.mu.RUnlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.value, l.err = l.init()
	l.done = true
	return l.value, l.err
}
