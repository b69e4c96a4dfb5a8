//go:build gclhidden

package deadline

import (
	"context"
	"errors"
	"fmt"
	"time"
)

type Fetcher func(ctx context.Context, key string) (string, error)

// Replaces a timeout with an error of its own that wraps nothing.
func Lookup(ctx context.Context, fetch Fetcher, key string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	v, err := fetch(ctx, key)
	if errors.Is(err, context.DeadlineExceeded) {
		return "", fmt.Errorf("lookup %q: timed out after %v", key, timeout)
	}
	if err != nil {
		return "", fmt.Errorf("lookup %q: %w", key, err)
	}
	return v, nil
}
