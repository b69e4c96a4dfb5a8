//go:build gclhidden

package broadcast

import "sync"

// Unsubscribe closes the channel every time it is called, and Close closes
// the unsubscribed ones again.
type Broker[T any] struct {
	buffer int
	mu     sync.Mutex
	subs   map[chan T]bool
}

func New[T any](buffer int) *Broker[T] {
	return &Broker[T]{buffer: max(buffer, 1), subs: make(map[chan T]bool)}
}

func (b *Broker[T]) Subscribe() (<-chan T, func()) {
	ch := make(chan T, b.buffer)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs[ch] = true
	return ch, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.subs[ch] = false
		close(ch)
	}
}

func (b *Broker[T]) Publish(msg T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch, active := range b.subs {
		if !active {
			continue
		}
		select {
		case ch <- msg:
		default:
		}
	}
}

func (b *Broker[T]) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		close(ch)
	}
}
