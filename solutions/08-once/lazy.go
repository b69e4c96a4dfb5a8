// Package once computes a value lazily: on first use, exactly once, however
// many goroutines ask for it at the same time.
package once

import "sync"

// Lazy holds a value that is computed by an init function the first time
// someone asks for it. Use New to make one.
type Lazy[T any] struct {
	get func() (T, error)
}

// New returns a Lazy whose value init computes. New does not call init:
// the first call to Get does.
func New[T any](init func() (T, error)) *Lazy[T] {
	// sync.OnceValues runs init on the first call only. Callers that arrive
	// while init is running wait for it to return; every caller, then and
	// later, gets the value and the error that this one run returned.
	return &Lazy[T]{get: sync.OnceValues(init)}
}

// Get returns the value, calling init if no one has yet. However many
// goroutines call Get, and whenever, init runs exactly once; callers that
// arrive while it runs wait for it. If init returned an error, that error
// is the result: every call of Get returns it, and init is not retried.
func (l *Lazy[T]) Get() (T, error) {
	return l.get()
}
