//go:build gclhidden

// Package broadcast: Subscribe keeps its locks short. It reads closed
// under one Lock, makes the channel with no lock held, and adds it under a
// second Lock: a Close that runs in between closes the other channels and
// never this one.
package broadcast

import "sync"

// A Broker passes every message published to every subscriber. Its methods
// are safe to call from several goroutines at once.
type Broker[T any] struct {
	buffer int

	// mu guards subs and closed. Publish sends while holding it, so that no
	// channel can be closed under a send (a send on a closed channel
	// panics). Holding a lock across a send is safe here only because the
	// sends never block.
	mu     sync.Mutex
	subs   map[chan T]struct{}
	closed bool
}

// New returns a Broker whose subscribers each get a channel that holds up
// to buffer messages (buffer less than 1 counts as 1).
func New[T any](buffer int) *Broker[T] {
	return &Broker[T]{buffer: max(buffer, 1), subs: make(map[chan T]struct{})}
}

// Subscribe returns a new channel, with room for buffer messages, that
// receives every message published from now on, and a function that
// unsubscribes: it stops the deliveries and closes the channel. The function
// may be called any number of times. After Close, Subscribe returns a closed
// channel.
func (b *Broker[T]) Subscribe() (<-chan T, func()) {
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	ch := make(chan T, b.buffer)
	if closed {
		close(ch)
		return ch, func() {}
	}
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() { b.unsubscribe(ch) }
}

// unsubscribe closes ch if it is still subscribed: a second call, or a call
// after Close, finds it gone and does not close it twice.
func (b *Broker[T]) unsubscribe(ch chan T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[ch]; ok {
		delete(b.subs, ch)
		close(ch)
	}
}

// Publish puts msg in the channel of every subscriber and returns at once:
// it never waits for a subscriber. A subscriber whose channel is full (it
// has buffer messages it has not received yet) does not get msg: msg is
// dropped for it alone. When Publish returns, msg is in every other
// subscriber's channel. After Close, Publish does nothing.
func (b *Broker[T]) Publish(msg T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- msg:
		default: // full: this subscriber is behind and misses msg
		}
	}
}

// Close closes the channel of every subscriber. Later calls do nothing.
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
