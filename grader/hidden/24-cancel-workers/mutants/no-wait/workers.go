//go:build gclhidden

package cancelworkers

import (
	"context"
	"sync"
)

// Returns as soon as ctx is cancelled, without waiting for the workers.
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
	all := make(chan struct{})
	go func() {
		wg.Wait()
		close(all)
	}()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-all:
		return nil
	}
}
