// Package firsterror runs tasks at the same time and stops them all at the
// first error.
package firsterror

import "context"

// A Task is one piece of work. It watches ctx, and returns soon after ctx is
// cancelled (with ctx.Err(), or an error of its own).
type Task func(ctx context.Context) error

// Run runs every task in a goroutine of its own, all at the same time, and
// hands each a context derived from ctx. The first task to return an error
// cancels that context, so that the others stop early, and Run returns that
// first error. Run returns only after every task has returned; it returns
// nil when every task returned nil.
func Run(ctx context.Context, tasks ...Task) error {
	// TODO: derive a context you can cancel from ctx, start one goroutine
	// per task, remember the first error and cancel the context when it
	// comes, wait for every task, then return the first error.
	return nil
}
