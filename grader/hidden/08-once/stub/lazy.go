// Package once computes a value lazily: on first use, exactly once, however
// many goroutines ask for it at the same time.
package once

import "errors"

// Lazy holds a value that is computed by an init function the first time
// someone asks for it. Use New to make one.
type Lazy[T any] struct {
	init func() (T, error)
	// TODO: add what you need so that init runs exactly once.
}

// New returns a Lazy whose value init computes. New does not call init:
// the first call to Get does.
func New[T any](init func() (T, error)) *Lazy[T] {
	return &Lazy[T]{init: init}
}

// Get returns the value, calling init if no one has yet. However many
// goroutines call Get, and whenever, init runs exactly once; callers that
// arrive while it runs wait for it. If init returned an error, that error
// is the result: every call of Get returns it, and init is not retried.
func (l *Lazy[T]) Get() (T, error) {
	// TODO: call l.init the first time only, and return its value and
	// error to every caller.
	var zero T
	return zero, errors.New("not implemented yet")
}
