//go:build gclhidden

// Package workerpool: runs the jobs in batches of n, each batch waiting for its slowest job: fewer than n run while the others finish.
package workerpool

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

type Result struct {
	Job   int
	Value int
	Err   error
}

func Run(ctx context.Context, n int, jobs []int, fn func(ctx context.Context, job int) (int, error)) ([]Result, error) {
	n = max(n, 1)
	all := make([]Result, len(jobs))
	for start := 0; start < len(jobs); start += n {
		var wg sync.WaitGroup
		for i := start; i < min(start+n, len(jobs)); i++ {
			wg.Go(func() {
				r := Result{Job: jobs[i]}
				if err := ctx.Err(); err != nil {
					r.Err = err
				} else {
					r.Value, r.Err = fn(ctx, jobs[i])
				}
				all[i] = r
			})
		}
		wg.Wait()
	}
	var errs []error
	for _, r := range all {
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("job %d: %w", r.Job, r.Err))
		}
	}
	return all, errors.Join(errs...)
}
