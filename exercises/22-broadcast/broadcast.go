// Package broadcast passes every published message to every subscriber,
// without letting a slow subscriber hold up the others.
package broadcast

// A Broker passes every message published to every subscriber. Its methods
// are safe to call from several goroutines at once.
type Broker[T any] struct {
	buffer int
	// TODO: the subscribers' channels, and what keeps them safe to use from
	// several goroutines at once.
}

// New returns a Broker whose subscribers each get a channel that holds up
// to buffer messages (buffer less than 1 counts as 1).
func New[T any](buffer int) *Broker[T] {
	// TODO: a buffer less than 1 counts as 1.
	return &Broker[T]{buffer: buffer}
}

// Subscribe returns a new channel, with room for buffer messages, that
// receives every message published from now on, and a function that
// unsubscribes: it stops the deliveries and closes the channel. The function
// may be called any number of times. After Close, Subscribe returns a closed
// channel.
func (b *Broker[T]) Subscribe() (<-chan T, func()) {
	ch := make(chan T, b.buffer)
	// TODO: remember ch, so that Publish reaches it; return a function that
	// forgets it and closes it, once.
	return ch, func() {}
}

// Publish puts msg in the channel of every subscriber and returns at once:
// it never waits for a subscriber. A subscriber whose channel is full (it
// has buffer messages it has not received yet) does not get msg: msg is
// dropped for it alone. When Publish returns, msg is in every other
// subscriber's channel. After Close, Publish does nothing.
func (b *Broker[T]) Publish(msg T) {
	// TODO
}

// Close closes the channel of every subscriber. Later calls do nothing.
func (b *Broker[T]) Close() {
	// TODO
}
