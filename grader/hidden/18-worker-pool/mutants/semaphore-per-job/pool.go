//go:build gclhidden

// Package workerpool: not a pool: one goroutine per job, with a
// buffered-channel semaphore keeping n of them inside fn. n jobs run at
// once, but len(jobs) goroutines are started (README 1).
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
	if n < 1 {
		n = 1
	}
	sem := make(chan struct{}, n)
	results := make([]Result, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i].Job = j
			if err := ctx.Err(); err != nil {
				results[i].Err = err
				return
			}
			results[i].Value, results[i].Err = fn(ctx, j)
		}()
	}
	wg.Wait()
	var errs []error
	for _, r := range results {
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("job %d: %w", r.Job, r.Err))
		}
	}
	return results, errors.Join(errs...)
}
