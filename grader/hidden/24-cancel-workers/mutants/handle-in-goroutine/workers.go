//go:build gclhidden

package cancelworkers

import (
	"context"
	"sync"
)

// Runs handle in a goroutine of its own so that the worker can stop the moment ctx ends: handle is still running when Run returns.
func Run[J any](ctx context.Context, workers int, jobs <-chan J, handle func(ctx context.Context, job J)) error {
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case job, ok := <-jobs:
					if !ok || ctx.Err() != nil {
						return
					}
					finished := make(chan struct{})
					go func() {
						defer close(finished)
						handle(ctx, job)
					}()
					select {
					case <-finished:
					case <-ctx.Done():
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}
