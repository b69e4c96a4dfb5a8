// Package cancelworkers runs a fixed number of workers that stop promptly
// when their context is cancelled.
package cancelworkers

import (
	"context"
	"sync"
)

// Run starts workers goroutines (workers less than 1 counts as 1). Each takes jobs from jobs,
// one at a time, and calls handle(ctx, job) for it, until jobs is closed and
// empty or ctx is cancelled, whichever comes first.
//
// When ctx is cancelled, every worker stops promptly: one that waits for a
// job stops waiting at once, one that is handling a job stops once handle
// has returned (handle watches ctx too), and none starts a new job. Run
// returns only after every worker has returned: ctx.Err() if ctx ended
// (cancelled, or its deadline passed), nil if jobs ran out.
func Run[J any](ctx context.Context, workers int, jobs <-chan J, handle func(ctx context.Context, job J)) error {
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for {
				// Waiting for a job and for the cancel at the same time:
				// a worker with nothing to do still hears the cancel.
				select {
				case <-ctx.Done():
					return
				case job, ok := <-jobs:
					if !ok {
						return
					}
					// When a job and the cancel are both ready, select
					// picks one at random: look again, so that no job
					// starts after the cancel.
					if ctx.Err() != nil {
						return
					}
					handle(ctx, job)
				}
			}
		})
	}
	// Every worker has returned after Wait: nothing of Run is left running
	// when it returns.
	wg.Wait()
	return ctx.Err()
}
