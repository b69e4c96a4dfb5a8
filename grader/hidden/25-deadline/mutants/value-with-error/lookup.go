//go:build gclhidden

package deadline

import (
	"context"
	"fmt"
	"time"
)

type Fetcher func(ctx context.Context, key string) (string, error)

// Returns whatever value fetch returned along with its error.
func Lookup(ctx context.Context, fetch Fetcher, key string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	v, err := fetch(ctx, key)
	if err != nil {
		return v, fmt.Errorf("lookup %q: %w", key, err)
	}
	return v, nil
}
