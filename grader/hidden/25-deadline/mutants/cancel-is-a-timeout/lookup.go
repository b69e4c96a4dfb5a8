//go:build gclhidden

package deadline

import (
	"context"
	"errors"
	"fmt"
	"time"
)

type Fetcher func(ctx context.Context, key string) (string, error)

// Reports every failure of the context as a timeout, a cancel too.
func Lookup(ctx context.Context, fetch Fetcher, key string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	v, err := fetch(ctx, key)
	if errors.Is(err, context.Canceled) {
		err = fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
	}
	if err != nil {
		return "", fmt.Errorf("lookup %q: %w", key, err)
	}
	return v, nil
}
