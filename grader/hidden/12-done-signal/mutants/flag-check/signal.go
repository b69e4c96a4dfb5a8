//go:build gclhidden

// Package donesignal tells any number of waiting goroutines, at once, that
// some work has finished.
package donesignal

// A plain flag guards the close: two Done at once both see false (a data
// race, and sometimes a double close).
type Signal struct {
	done   chan struct{}
	closed bool
}

func New() *Signal {
	return &Signal{done: make(chan struct{})}
}

func (s *Signal) Done() {
	if !s.closed {
		s.closed = true
		close(s.done)
	}
}

func (s *Signal) Wait() {
	<-s.done
}

func (s *Signal) C() <-chan struct{} {
	return s.done
}
