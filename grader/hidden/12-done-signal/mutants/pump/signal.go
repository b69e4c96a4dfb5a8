//go:build gclhidden

// Package donesignal tells any number of waiting goroutines, at once, that
// some work has finished.
package donesignal

import "sync"

// Done starts a goroutine that hands a value to every receiver, for ever:
// every waiter returns, and the pump never ends.
type Signal struct {
	done chan struct{}
	once sync.Once
}

func New() *Signal {
	return &Signal{done: make(chan struct{})}
}

func (s *Signal) Done() {
	s.once.Do(func() {
		go func() {
			for {
				s.done <- struct{}{}
			}
		}()
	})
}

func (s *Signal) Wait() {
	<-s.done
}

func (s *Signal) C() <-chan struct{} {
	return s.done
}
