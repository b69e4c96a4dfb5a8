// Package workerpool runs jobs on a fixed number of worker goroutines and
// collects every result and every error.
package workerpool

import "context"

// Result is the outcome of one job.
type Result struct {
	Job   int   // the job, as given to Run
	Value int   // what fn returned for it
	Err   error // fn's error for it; ctx's error for a job that never ran
}

// Run calls fn(ctx, job) for every job on a pool of n worker goroutines (n
// less than 1 counts as 1): n jobs run at the same time, fewer only when
// fewer are left. Once ctx is done, no new job is started; each job not
// started by then gets ctx.Err() as its Err.
//
// Run returns when every worker has ended, with one Result per job, in no
// particular order, and an error that joins the error of every job that
// failed ("job 3: ..."), or nil when none did. Each job's error can be
// found in the joined one with errors.Is or errors.As.
func Run(ctx context.Context, n int, jobs []int, fn func(ctx context.Context, job int) (int, error)) ([]Result, error) {
	// TODO: start n workers that take jobs from a channel and send their
	// Results on another; wait for the workers; collect the results and
	// join the errors (errors.Join).
	return nil, nil
}
