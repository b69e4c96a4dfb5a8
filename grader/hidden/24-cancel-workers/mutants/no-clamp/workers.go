//go:build gclhidden

package cancelworkers

import (
	"context"
	"sync"
)

// Starts workers goroutines as given: with 0 or fewer, no job is ever handled.
func Run[J any](ctx context.Context, workers int, jobs <-chan J, handle func(ctx context.Context, job J)) error {
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case job, ok := <-jobs:
					if !ok {
						return
					}
					if ctx.Err() != nil {
						return
					}
					handle(ctx, job)
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}
