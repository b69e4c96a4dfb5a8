//go:build gclhidden

// The mistake: Done looks whether the channel is closed yet (select with a
// default) and then closes it, with nothing holding the two together: two
// Dones at once can both find it open, and the second close panics.
package donesignal

type Signal struct {
	ch chan struct{}
}

func New() *Signal { return &Signal{ch: make(chan struct{})} }

func (s *Signal) Done() {
	select {
	case <-s.ch:
		// already closed
	default:
		close(s.ch)
	}
}

func (s *Signal) Wait() { <-s.ch }

func (s *Signal) C() <-chan struct{} { return s.ch }
