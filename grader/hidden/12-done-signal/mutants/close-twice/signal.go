//go:build gclhidden

// Package donesignal tells any number of waiting goroutines, at once, that
// some work has finished.
package donesignal

// Closes without a guard: a second Done panics.
type Signal struct {
	done chan struct{}
}

func New() *Signal {
	return &Signal{done: make(chan struct{})}
}

func (s *Signal) Done() {
	close(s.done)
}

func (s *Signal) Wait() {
	<-s.done
}

func (s *Signal) C() <-chan struct{} {
	return s.done
}
