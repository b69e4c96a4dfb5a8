// Package cancelworkers runs a fixed number of workers that stop promptly
// when their context is cancelled.
package cancelworkers

import "context"

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
	// TODO: start workers goroutines; each loops: wait for a job or for
	// ctx.Done(), whichever comes first, and handle the job. Wait for all
	// of them, then return ctx.Err().
	return nil
}
