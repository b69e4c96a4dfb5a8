//go:build gclhidden

package broadcast

import "sync"

// Unsubscribing forgets the channel but never closes it: whoever ranges
// over it waits forever.
type Broker[T any] struct {
	buffer int
	mu     sync.Mutex
	subs   map[chan T]struct{}
	closed bool
}

func New[T any](buffer int) *Broker[T] {
	return &Broker[T]{buffer: max(buffer, 1), subs: make(map[chan T]struct{})}
}

func (b *Broker[T]) Subscribe() (<-chan T, func()) {
	ch := make(chan T, b.buffer)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		close(ch)
		return ch, func() {}
	}
	b.subs[ch] = struct{}{}
	return ch, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs, ch)
	}
}

func (b *Broker[T]) Publish(msg T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- msg:
		default:
		}
	}
}

func (b *Broker[T]) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	for ch := range b.subs {
		close(ch)
	}
	clear(b.subs)
}
