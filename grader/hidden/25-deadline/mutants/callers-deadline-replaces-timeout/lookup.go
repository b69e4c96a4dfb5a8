//go:build gclhidden

package deadline

import (
	"context"
	"fmt"
	"time"
)

type Fetcher func(ctx context.Context, key string) (string, error)

// Keeps the caller's deadline when there is one, even a later one: the
// timeout is lost.
func Lookup(ctx context.Context, fetch Fetcher, key string, timeout time.Duration) (string, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	v, err := fetch(ctx, key)
	if err != nil {
		return "", fmt.Errorf("lookup %q: %w", key, err)
	}
	return v, nil
}
