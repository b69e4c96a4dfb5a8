//go:build gclhidden

package firsterror

import "context"

type Task func(ctx context.Context) error

// Runs the tasks one after the other.
func Run(ctx context.Context, tasks ...Task) error {
	for _, task := range tasks {
		if err := task(ctx); err != nil {
			return err
		}
	}
	return nil
}
