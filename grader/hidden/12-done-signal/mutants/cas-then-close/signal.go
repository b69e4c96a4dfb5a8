//go:build gclhidden

// The mistake: an atomic CompareAndSwap picks the goroutine that closes;
// a second Done that loses it returns at once, maybe before the winner has
// closed the channel, so "when Done returns, the signal is given" fails.
package donesignal

import "sync/atomic"

type Signal struct {
	done atomic.Bool
	ch   chan struct{}
}

func New() *Signal { return &Signal{ch: make(chan struct{})} }

func (s *Signal) Done() {
	if s.done.CompareAndSwap(false, true) {
		close(s.ch)
	}
}

func (s *Signal) Wait() { <-s.ch }

func (s *Signal) C() <-chan struct{} { return s.ch }
