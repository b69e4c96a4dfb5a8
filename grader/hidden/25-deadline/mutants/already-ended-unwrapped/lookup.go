//go:build gclhidden

package deadline

import (
	"context"
	"fmt"
	"time"
)

type Fetcher func(ctx context.Context, key string) (string, error)

// Gives up early on a context that has already ended, with the bare error.
func Lookup(ctx context.Context, fetch Fetcher, key string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := ctx.Err(); err != nil {
		return "", err
	}
	v, err := fetch(ctx, key)
	if err != nil {
		return "", fmt.Errorf("lookup %q: %w", key, err)
	}
	return v, nil
}
