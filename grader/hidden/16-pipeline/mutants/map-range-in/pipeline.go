//go:build gclhidden

// Package pipeline builds a pipeline of stages connected by channels: a
// generator, a transform and a sink. Every stage shuts down when the
// consumer stops early.
package pipeline

import "context"

// Generate sends values on the returned channel, in order, from a goroutine
// of its own, and closes the channel after the last one. If ctx is done
// first, it stops sending, closes the channel and ends, even when nobody
// receives any more.
func Generate(ctx context.Context, values ...int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for _, v := range values {
			// A plain `out <- v` would wait forever once the consumer
			// has stopped receiving; the select lets ctx end the wait.
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// Map receives every value from in and sends f of it on the returned
// channel, in order, from a goroutine of its own. It closes the returned
// channel when in is closed, or as soon as ctx is done (it then ends even
// when nobody receives any more).
func Map(ctx context.Context, in <-chan int, f func(int) int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		// Mistake (req 3): ranging over in watches ctx only while
		// sending. While Map waits for a value from an input that neither
		// sends nor closes, a cancel goes unseen: the channel stays open
		// and the goroutine never ends.
		for v := range in {
			select {
			case out <- f(v):
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// FirstN runs the pipeline Generate(values...) → Map(f) and returns its
// first n results, or all of them when there are fewer. As soon as it has
// n results it stops the pipeline: every goroutine that FirstN started ends
// soon after, although most values were never used.
func FirstN(ctx context.Context, values []int, f func(int) int, n int) []int {
	if n <= 0 {
		return []int{}
	}
	// The stages watch this ctx. Cancelling it is how the consumer tells
	// every stage upstream that nobody will receive from them any more.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]int, 0, n)
	for v := range Map(ctx, Generate(ctx, values...), f) {
		results = append(results, v)
		if len(results) == n {
			break
		}
	}
	return results
}
