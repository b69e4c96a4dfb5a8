//go:build gclhidden

package firsterror

import (
	"context"
	"sync"
)

type Task func(ctx context.Context) error

// Derives the tasks' context from context.Background(): the caller cannot
// cancel them.
func Run(ctx context.Context, tasks ...Task) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for _, task := range tasks {
		wg.Go(func() {
			if err := task(ctx); err != nil {
				once.Do(func() {
					first = err
					cancel()
				})
			}
		})
	}
	wg.Wait()
	return first
}
