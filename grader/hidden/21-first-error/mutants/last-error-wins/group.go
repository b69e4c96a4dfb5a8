//go:build gclhidden

package firsterror

import (
	"context"
	"sync"
)

type Task func(ctx context.Context) error

// Every error replaces the one before: context.Canceled wins.
func Run(ctx context.Context, tasks ...Task) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		err error
	)
	for _, task := range tasks {
		wg.Go(func() {
			if e := task(ctx); e != nil {
				mu.Lock()
				err = e
				mu.Unlock()
				cancel()
			}
		})
	}
	wg.Wait()
	return err
}
