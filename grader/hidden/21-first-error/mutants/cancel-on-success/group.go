//go:build gclhidden

package firsterror

import (
	"context"
	"sync"
)

type Task func(ctx context.Context) error

// Every goroutine cancels the others when its task returns, with an error or not: a success stops the rest.
func Run(ctx context.Context, tasks ...Task) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for _, task := range tasks {
		wg.Go(func() {
			defer cancel()
			if err := task(ctx); err != nil {
				once.Do(func() { first = err })
			}
		})
	}
	wg.Wait()
	return first
}
