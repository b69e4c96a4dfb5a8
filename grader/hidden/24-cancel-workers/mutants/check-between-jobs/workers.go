//go:build gclhidden

package cancelworkers

import (
	"context"
	"sync"
)

// Looks at ctx between jobs, then waits for the next job without it.
func Run[J any](ctx context.Context, workers int, jobs <-chan J, handle func(ctx context.Context, job J)) error {
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				default:
				}
				job, ok := <-jobs
				if !ok {
					return
				}
				handle(ctx, job)
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}
