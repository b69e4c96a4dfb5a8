//go:build gclhidden

package cancelworkers

import (
	"context"
	"sync"
)

// Ranges over jobs: a worker waiting for a job never hears the cancel.
func Run[J any](ctx context.Context, workers int, jobs <-chan J, handle func(ctx context.Context, job J)) error {
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for job := range jobs {
				if ctx.Err() != nil {
					return
				}
				handle(ctx, job)
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}
