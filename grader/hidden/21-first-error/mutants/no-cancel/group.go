//go:build gclhidden

package firsterror

import (
	"context"
	"sync"
)

type Task func(ctx context.Context) error

// Keeps the first error but never cancels the others.
func Run(ctx context.Context, tasks ...Task) error {
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for _, task := range tasks {
		wg.Go(func() {
			if err := task(ctx); err != nil {
				once.Do(func() { first = err })
			}
		})
	}
	wg.Wait()
	return first
}
