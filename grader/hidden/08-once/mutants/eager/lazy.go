//go:build gclhidden

// Package once computes a value lazily: on first use, exactly once, however
// many goroutines ask for it at the same time.
package once

// Computes the value in New: exactly once, but not lazily.
type Lazy[T any] struct {
	value T
	err   error
}

func New[T any](init func() (T, error)) *Lazy[T] {
	v, err := init()
	return &Lazy[T]{value: v, err: err}
}

func (l *Lazy[T]) Get() (T, error) {
	return l.value, l.err
}
