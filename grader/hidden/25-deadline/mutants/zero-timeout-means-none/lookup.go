//go:build gclhidden

package deadline

import (
	"context"
	"fmt"
	"time"
)

type Fetcher func(ctx context.Context, key string) (string, error)

// Takes a timeout of zero or less to mean "no timeout".
func Lookup(ctx context.Context, fetch Fetcher, key string, timeout time.Duration) (string, error) {
	if timeout > 0 {
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
