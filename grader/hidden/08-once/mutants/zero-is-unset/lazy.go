//go:build gclhidden

// Package once computes a value lazily: on first use, exactly once, however
// many goroutines ask for it at the same time.
package once

import (
	"reflect"
	"sync"
)

// "Not loaded yet" is taken to mean "the value is still the zero value":
// an init that returns nil (or 0, or "") with no error is called again on
// every Get.
type Lazy[T any] struct {
	init  func() (T, error)
	mu    sync.Mutex
	value T
	err   error
}

func New[T any](init func() (T, error)) *Lazy[T] {
	return &Lazy[T]{init: init}
}

func (l *Lazy[T]) Get() (T, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil && reflect.ValueOf(&l.value).Elem().IsZero() {
		l.value, l.err = l.init()
	}
	return l.value, l.err
}
