// Package donesignal tells any number of waiting goroutines, at once, that
// some work has finished.
package donesignal

// Signal announces, once, that some work has finished. Any number of
// goroutines can wait for it, before or after the announcement. Use New to
// make one; its methods are safe for concurrent use.
type Signal struct {
	// TODO: what the methods share.
}

// New returns a Signal that has not been given yet.
func New() *Signal {
	return &Signal{}
}

// Done gives the signal: every goroutine waiting in Wait or on C returns,
// and every later Wait or receive from C returns at once. Calling Done
// again does nothing.
func (s *Signal) Done() {
	// TODO
}

// Wait blocks until Done has been called; after that it returns at once.
func (s *Signal) Wait() {
	// TODO
}

// C returns a channel that is closed when Done is called, to wait in a
// select, e.g. with a timeout. Every call returns the same channel.
func (s *Signal) C() <-chan struct{} {
	// TODO
	return nil
}
