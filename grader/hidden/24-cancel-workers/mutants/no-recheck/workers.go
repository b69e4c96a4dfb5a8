//go:build gclhidden

package cancelworkers

import (
	"context"
	"sync"
)

// Takes a job when a job and the cancel are both ready, or when the job came at the very moment of the cancel: no ctx.Err() look before handling it.
func Run[J any](ctx context.Context, workers int, jobs <-chan J, handle func(ctx context.Context, job J)) error {
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case job, ok := <-jobs:
					if !ok {
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
