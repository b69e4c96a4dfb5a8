//go:build gclhidden

// Mutant (req 1: "workers goroutines, and no more"): a dispatcher starts a
// goroutine for every job, with a semaphore of workers slots so that at
// most workers run at once. The concurrency looks right, but the pool is
// not a fixed set of workers goroutines.
package cancelworkers

import (
	"context"
	"sync"
)

func Run[J any](ctx context.Context, workers int, jobs <-chan J, handle func(ctx context.Context, job J)) error {
	if workers < 1 {
		workers = 1
	}
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
loop:
	for {
		if ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
			break loop
		case sem <- struct{}{}:
		}
		select {
		case <-ctx.Done():
			break loop
		case job, ok := <-jobs:
			if !ok {
				break loop
			}
			if ctx.Err() != nil {
				break loop
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				handle(ctx, job)
			}()
		}
	}
	wg.Wait()
	return ctx.Err()
}
