//go:build gclhidden

package cancelworkers

import (
	"context"
	"sync"
)

// Returns context.Canceled whatever ended ctx: a deadline is reported as a cancel.
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
					if ctx.Err() != nil {
						return
					}
					handle(ctx, job)
				}
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return context.Canceled
	}
	return nil
}
