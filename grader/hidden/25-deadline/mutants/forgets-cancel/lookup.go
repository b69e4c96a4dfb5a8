//go:build gclhidden

package deadline

import (
	"context"
	"fmt"
	"time"
)

type Fetcher func(ctx context.Context, key string) (string, error)

// Never calls cancel: the context's timer lives on until the timeout.
func Lookup(ctx context.Context, fetch Fetcher, key string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	_ = cancel
	v, err := fetch(ctx, key)
	if err != nil {
		return "", fmt.Errorf("lookup %q: %w", key, err)
	}
	return v, nil
}
