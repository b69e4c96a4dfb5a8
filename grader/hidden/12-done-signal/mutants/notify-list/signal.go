//go:build gclhidden

// Package donesignal tells any number of waiting goroutines, at once, that
// some work has finished.
package donesignal

import "sync"

// Done notifies the waiters it knows of; one that comes later waits for
// ever.
type Signal struct {
	mu      sync.Mutex
	waiters []chan struct{}
}

func New() *Signal {
	return &Signal{}
}

func (s *Signal) Done() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range s.waiters {
		close(w)
	}
	s.waiters = nil
}

func (s *Signal) Wait() {
	<-s.C()
}

func (s *Signal) C() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := make(chan struct{})
	s.waiters = append(s.waiters, w)
	return w
}
