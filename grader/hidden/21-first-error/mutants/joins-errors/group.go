//go:build gclhidden

package firsterror

import (
	"context"
	"errors"
	"sync"
)

type Task func(ctx context.Context) error

// Returns every error joined: the first error is in it, but so are the context.Canceled that came after.
func Run(ctx context.Context, tasks ...Task) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, task := range tasks {
		wg.Go(func() {
			if err := task(ctx); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				cancel()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
