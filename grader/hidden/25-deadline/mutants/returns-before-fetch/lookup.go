//go:build gclhidden

package deadline

import (
	"context"
	"fmt"
	"time"
)

type Fetcher func(ctx context.Context, key string) (string, error)

// Passes the deadline on, but stops waiting for fetch at the deadline, in a
// select: a dependency that needs a moment to give up is left running.
func Lookup(ctx context.Context, fetch Fetcher, key string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		v   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := fetch(ctx, key)
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return "", fmt.Errorf("lookup %q: %w", key, r.err)
		}
		return r.v, nil
	case <-ctx.Done():
		return "", fmt.Errorf("lookup %q: %w", key, ctx.Err())
	}
}
