//go:build gclhidden

package deadline

import (
	"context"
	"fmt"
	"time"
)

type Fetcher func(ctx context.Context, key string) (string, error)

// Times out with a timer of its own: the dependency never hears of the
// deadline and runs on.
func Lookup(ctx context.Context, fetch Fetcher, key string, timeout time.Duration) (string, error) {
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
	case <-time.After(timeout):
		return "", fmt.Errorf("lookup %q: %w", key, context.DeadlineExceeded)
	}
}
