//go:build gclhidden

//lint:mistake SA4006 ignoring consumers (one consumer) is the mistake

// Package producerconsumer connects producers and consumers through one
// buffered channel.
package producerconsumer

import "sync"

// A Producer sends its items on out and returns when it has sent them all.
// It never closes out: other producers may still be sending on it.
type Producer func(out chan<- int)

// Starts one consumer only.
//
// Run connects producers and consumers through one channel with room for
// buffer items. It runs each producer in a goroutine of its own, and
// consumers goroutines that each receive items until the channel is closed
// and call consume with each one. Every item is consumed exactly once. Run
// returns when every item has been consumed and every goroutine it started
// has ended. consumers below 1 counts as 1; buffer 0 makes the channel
// unbuffered.
func Run(producers []Producer, consumers, buffer int, consume func(item int)) {
	consumers = max(consumers, 1) // someone must receive, or the producers wait for ever
	items := make(chan int, buffer)

	var producing sync.WaitGroup
	for _, p := range producers {
		producing.Go(func() { p(items) })
	}

	var consuming sync.WaitGroup
	for range 1 { // one consumer, whatever consumers says
		consuming.Go(func() {
			// range receives until the channel is closed and empty.
			for item := range items {
				consume(item)
			}
		})
	}

	// Close the channel on the producers' side, once, when no producer can
	// send any more: closing earlier makes a send panic, and a consumer
	// cannot know whether some producer still has items to send.
	producing.Wait()
	close(items)
	consuming.Wait()
}
