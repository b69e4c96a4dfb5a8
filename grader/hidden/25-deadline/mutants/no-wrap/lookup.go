//go:build gclhidden

package deadline

import (
	"context"
	"fmt"
	"time"
)

type Fetcher func(ctx context.Context, key string) (string, error)

// Formats the error with %v: errors.Is no longer finds what is inside.
func Lookup(ctx context.Context, fetch Fetcher, key string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	v, err := fetch(ctx, key)
	if err != nil {
		return "", fmt.Errorf("lookup %q: %v", key, err)
	}
	return v, nil
}
