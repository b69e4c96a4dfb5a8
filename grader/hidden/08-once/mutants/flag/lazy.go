//go:build gclhidden

// Package once computes a value lazily: on first use, exactly once, however
// many goroutines ask for it at the same time.
package once

// A plain flag: every caller that arrives while init runs sees "not done"
// and runs init too (and the flag and the value are data races).
type Lazy[T any] struct {
	init  func() (T, error)
	done  bool
	value T
	err   error
}

func New[T any](init func() (T, error)) *Lazy[T] {
	return &Lazy[T]{init: init}
}

func (l *Lazy[T]) Get() (T, error) {
	if !l.done {
		l.value, l.err = l.init()
		l.done = true
	}
	return l.value, l.err
}
