// Package firsterror runs tasks at the same time and stops them all at the
// first error.
package firsterror

import (
	"context"
	"sync"
)

// A Task is one piece of work. It watches ctx, and returns soon after ctx is
// cancelled (with ctx.Err(), or an error of its own).
type Task func(ctx context.Context) error

// Run runs every task in a goroutine of its own, all at the same time, and
// hands each a context derived from ctx. The first task to return an error
// cancels that context, so that the others stop early, and Run returns that
// first error. Run returns only after every task has returned; it returns
// nil when every task returned nil.
func Run(ctx context.Context, tasks ...Task) error {
	// Derived from ctx, so that cancelling the caller's context stops the
	// tasks too. The deferred cancel releases the context once all is done.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for _, task := range tasks {
		wg.Go(func() {
			if err := task(ctx); err != nil {
				// Only the first error is kept. The tasks that stop because
				// of the cancel return context.Canceled afterwards; Once
				// keeps those from replacing the error that caused it.
				once.Do(func() {
					first = err
					cancel()
				})
			}
		})
	}
	// Wait for every task, cancelled ones included: a task still running
	// after Run returned would outlive the caller's work. Wait also makes
	// the write to first visible here.
	wg.Wait()
	return first
}
