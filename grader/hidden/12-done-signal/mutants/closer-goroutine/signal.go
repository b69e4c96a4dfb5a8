//go:build gclhidden

// Package donesignal tells any number of waiting goroutines, at once, that
// some work has finished.
package donesignal

import "sync"

// Signal announces, once, that some work has finished. Any number of
// goroutines can wait for it, before or after the announcement. Use New to
// make one; its methods are safe for concurrent use.
type Signal struct {
	done    chan struct{}
	trigger chan struct{}
	once    sync.Once
}

// New returns a Signal that has not been given yet.
func New() *Signal {
	// A goroutine of the signal's own waits for the trigger: when Done is
	// never called, it waits for ever.
	s := &Signal{done: make(chan struct{}), trigger: make(chan struct{})}
	go func() {
		<-s.trigger
		close(s.done)
	}()
	return s
}

// Done gives the signal: every goroutine waiting in Wait or on C returns,
// and every later Wait or receive from C returns at once. Calling Done
// again does nothing.
func (s *Signal) Done() {
	// Closing a channel wakes every receiver, present and future: a receive
	// from a closed channel never waits. Closing it twice would panic, so
	// close it once.
	s.once.Do(func() { close(s.trigger) })
}

// Wait blocks until Done has been called; after that it returns at once.
func (s *Signal) Wait() {
	<-s.done
}

// C returns a channel that is closed when Done is called, to wait in a
// select, e.g. with a timeout. Every call returns the same channel.
func (s *Signal) C() <-chan struct{} {
	return s.done
}
