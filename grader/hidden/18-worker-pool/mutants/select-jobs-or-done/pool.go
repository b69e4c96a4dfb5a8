//go:build gclhidden

// Package workerpool: a worker picks its next step with a select between the
// (full) jobs channel and ctx.Done(); once ctx is done both are ready and
// select picks at random, so jobs still start after the cancel (README 4).
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
	jc := make(chan int, len(jobs))
	for _, j := range jobs {
		jc <- j
	}
	close(jc)
	rc := make(chan Result, len(jobs))
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case j, ok := <-jc:
					if !ok {
						return
					}
					v, err := fn(ctx, j)
					rc <- Result{Job: j, Value: v, Err: err}
				case <-ctx.Done():
					for j := range jc {
						rc <- Result{Job: j, Err: ctx.Err()}
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	close(rc)
	var results []Result
	var errs []error
	for r := range rc {
		results = append(results, r)
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("job %d: %w", r.Job, r.Err))
		}
	}
	return results, errors.Join(errs...)
}
