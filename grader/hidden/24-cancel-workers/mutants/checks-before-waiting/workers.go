//go:build gclhidden

package cancelworkers

import (
	"context"
	"sync"
)

// Looks at ctx before waiting for a job, not after receiving one: a job received at the moment of the cancel is started.
func Run[J any](ctx context.Context, workers int, jobs <-chan J, handle func(ctx context.Context, job J)) error {
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for ctx.Err() == nil {
				select {
				case <-ctx.Done():
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
