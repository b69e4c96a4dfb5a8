//go:build gclhidden

package deadline

import (
	"context"
	"errors"
	"fmt"
	"time"
)

type Fetcher func(ctx context.Context, key string) (string, error)

// Takes an empty answer for a failure.
func Lookup(ctx context.Context, fetch Fetcher, key string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	v, err := fetch(ctx, key)
	if err == nil && v == "" {
		err = errors.New("empty answer")
	}
	if err != nil {
		return "", fmt.Errorf("lookup %q: %w", key, err)
	}
	return v, nil
}
