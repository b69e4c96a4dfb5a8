// Package producerconsumer connects producers and consumers through one
// buffered channel.
package producerconsumer

import "sync"

// A Producer sends its items on out and returns when it has sent them all.
type Producer func(out chan<- int)

// Run, with a common mistake: the consumer that sees the channel empty
// closes it, while producers may still be sending.
func Run(producers []Producer, consumers, buffer int, consume func(item int)) {
	items := make(chan int, buffer)

	var producing sync.WaitGroup
	for _, p := range producers {
		producing.Go(func() { p(items) })
	}

	var consuming sync.WaitGroup
	var once sync.Once
	for range consumers {
		consuming.Go(func() {
			for {
				select {
				case item, ok := <-items:
					if !ok {
						return
					}
					consume(item)
				default:
					once.Do(func() { close(items) })
				}
			}
		})
	}
	producing.Wait()
	consuming.Wait()
}
