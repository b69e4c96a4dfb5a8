// Package producerconsumer connects producers and consumers through one
// buffered channel.
package producerconsumer

// A Producer sends its items on out and returns when it has sent them all.
// It never closes out: other producers may still be sending on it.
type Producer func(out chan<- int)

// Run connects producers and consumers through one channel with room for
// buffer items. It runs each producer in a goroutine of its own, and
// consumers goroutines that each receive items until the channel is closed
// and call consume with each one. Every item is consumed exactly once. Run
// returns when every item has been consumed and every goroutine it started
// has ended. consumers below 1 counts as 1; buffer 0 makes the channel
// unbuffered.
func Run(producers []Producer, consumers, buffer int, consume func(item int)) {
	// TODO: consumers below 1 counts as 1.
	// TODO: make a channel with room for buffer items.
	// TODO: start one goroutine per producer, and consumers goroutines that
	// range over the channel and call consume.
	// TODO: once every producer is done, close the channel; then wait for
	// the consumers.
}
