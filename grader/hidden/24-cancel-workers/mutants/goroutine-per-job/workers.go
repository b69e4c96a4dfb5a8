//go:build gclhidden

package cancelworkers

import (
	"context"
	"sync"
)

// Starts a goroutine for every job instead of a fixed number of workers.
func Run[J any](ctx context.Context, workers int, jobs <-chan J, handle func(ctx context.Context, job J)) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return ctx.Err()
		case job, ok := <-jobs:
			if !ok {
				wg.Wait()
				return ctx.Err()
			}
			if ctx.Err() != nil {
				wg.Wait()
				return ctx.Err()
			}
			wg.Go(func() { handle(ctx, job) })
		}
	}
}
