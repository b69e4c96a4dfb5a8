//go:build gclhidden

package firsterror

import "context"

type Task func(ctx context.Context) error

// Returns at the first error, without waiting for the cancelled tasks.
func Run(ctx context.Context, tasks ...Task) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(tasks))
	for _, task := range tasks {
		go func() { errs <- task(ctx) }()
	}
	for range tasks {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}
