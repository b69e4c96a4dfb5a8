//go:build gclhidden

// Package firsterror: a failing task cancels BEFORE it records its error. The
// cancel wakes the other tasks, and one of them can return context.Canceled
// and record it before the real first error is stored (README 4).
package firsterror

import (
	"context"
	"sync"
)

type Task func(ctx context.Context) error

func Run(ctx context.Context, tasks ...Task) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for _, t := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := t(ctx); err != nil {
				cancel()
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}
