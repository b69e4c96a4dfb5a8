//go:build gclhidden

// Package workerpool: gives the jobs never run context.Canceled, whatever ended ctx: a deadline is reported as a cancel.
package workerpool

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

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
	n = max(n, 1)
	// Both channels have room for every job, so that neither Run (filling
	// todo) nor a worker (sending its result) ever waits for the other.
	todo := make(chan int, len(jobs))
	for _, job := range jobs {
		todo <- job
	}
	close(todo)
	results := make(chan Result, len(jobs))

	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for job := range todo {
				r := Result{Job: job}
				if err := ctx.Err(); err != nil {
					_ = err
					r.Err = context.Canceled
				} else {
					r.Value, r.Err = fn(ctx, job)
				}
				results <- r
			}
		})
	}
	wg.Wait()
	close(results)

	all := make([]Result, 0, len(jobs))
	var errs []error
	for r := range results {
		all = append(all, r)
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("job %d: %w", r.Job, r.Err))
		}
	}
	return all, errors.Join(errs...)
}
