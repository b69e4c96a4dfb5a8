//go:build gclhidden

// Package donesignal tells any number of waiting goroutines, at once, that
// some work has finished.
package donesignal

import "sync"

// Signal announces, once, that some work has finished. Any number of
// goroutines can wait for it, before or after the announcement. Use New to
// make one; its methods are safe for concurrent use.
type Signal struct {
	done chan struct{}
	once sync.Once
}

// New returns a Signal that has not been given yet.
func New() *Signal {
	return &Signal{done: make(chan struct{})}
}

// Done gives the signal: every goroutine waiting in Wait or on C returns,
// and every later Wait or receive from C returns at once. Calling Done
// again does nothing.
func (s *Signal) Done() {
	// Closing a channel wakes every receiver, present and future: a receive
	// from a closed channel never waits. Closing it twice would panic, so
	// close it once.
	// Closes in a goroutine of its own, so that Done never waits: the
	// channel is closed a moment after Done returns.
	s.once.Do(func() { go close(s.done) })
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
