//go:build gclhidden

//lint:mistake lostcancel the cancel left uncalled on the error path is the mistake

package deadline

import (
	"context"
	"fmt"
	"time"
)

type Fetcher func(ctx context.Context, key string) (string, error)

// Cancels the context only on the way out of a success: after an error its
// timer lives on until the timeout.
func Lookup(ctx context.Context, fetch Fetcher, key string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	v, err := fetch(ctx, key)
	if err != nil {
		return "", fmt.Errorf("lookup %q: %w", key, err)
	}
	cancel()
	return v, nil
}
