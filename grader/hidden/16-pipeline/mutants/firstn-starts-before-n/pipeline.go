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
		for {
			select {
			case v, ok := <-in:
				if !ok {
					return
				}
				select {
				case out <- f(v):
				case <-ctx.Done():
					return
				}
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
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Mistake (req 4): the pipeline is started before n is looked at. With
	// n <= 0 FirstN then cancels it and returns an empty slice, but its
	// stages were started, and Map may already have called f.
	mapped := Map(ctx, Generate(ctx, values...), f)
	if n <= 0 {
		return []int{}
	}
	results := make([]int, 0, n)
	for v := range mapped {
		results = append(results, v)
		if len(results) == n {
			break
		}
	}
	return results
}
