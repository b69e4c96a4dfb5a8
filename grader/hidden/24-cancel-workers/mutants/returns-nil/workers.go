//go:build gclhidden

package cancelworkers

import (
	"context"
	"sync"
)

// Stops promptly, but reports success after a cancel.
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
					handle(ctx, job)
				}
			}
		})
	}
	wg.Wait()
	return nil
}
