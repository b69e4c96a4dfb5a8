//go:build gclhidden

// Package donesignal tells any number of waiting goroutines, at once, that
// one piece of work is done.
package donesignal

import "sync"

// Signal is a one-time event: Done gives it, Wait and C wait for it.
type Signal struct {
	mu   sync.Mutex
	cond *sync.Cond
	done bool
	ch   chan struct{}
}

// New returns a Signal that has not been given yet.
func New() *Signal {
	s := &Signal{ch: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// Done gives the signal; calling it again does nothing.
func (s *Signal) Done() {
	s.mu.Lock()
	if !s.done {
		s.done = true
		close(s.ch)
	}
	s.mu.Unlock()
	s.cond.Broadcast()
}

// Wait blocks until Done has been called.
//
// Mistake (req 3, a lost wake-up): the look at the flag and the
// cond.Wait are under two holds of the lock. A Done that sets the flag
// and broadcasts between them is missed: this Wait then waits for ever.
func (s *Signal) Wait() {
	s.mu.Lock()
	d := s.done
	s.mu.Unlock()
	if d {
		return
	}
	s.mu.Lock()
	s.cond.Wait()
	s.mu.Unlock()
}

// C returns a channel that is closed when Done is called.
func (s *Signal) C() <-chan struct{} { return s.ch }
