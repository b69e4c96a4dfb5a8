//go:build gclhidden

package firsterror

import (
	"context"
	"sync"
)

type Task func(ctx context.Context) error

// Checks and sets the first error without a lock: a data race when two
// tasks fail at once.
func Run(ctx context.Context, tasks ...Task) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		first error
	)
	for _, task := range tasks {
		wg.Go(func() {
			if err := task(ctx); err != nil && first == nil {
				first = err
				cancel()
			}
		})
	}
	wg.Wait()
	return first
}
