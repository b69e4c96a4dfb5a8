//go:build gclhidden

// Package donesignal tells any number of waiting goroutines, at once, that
// some work has finished.
package donesignal

// Done sends one value: one waiter gets it, the others wait on.
type Signal struct {
	done chan struct{}
}

func New() *Signal {
	return &Signal{done: make(chan struct{}, 1)}
}

func (s *Signal) Done() {
	select {
	case s.done <- struct{}{}:
	default:
	}
}

func (s *Signal) Wait() {
	<-s.done
}

func (s *Signal) C() <-chan struct{} {
	return s.done
}
