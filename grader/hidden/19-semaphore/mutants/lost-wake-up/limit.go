//go:build gclhidden

// Package semaphore: check-then-act on an atomic counter (Load, then Add),
// and the wake-up is a non-blocking send on an unbuffered channel: lost when
// the waiter is not yet in its select, so the place stays free while a
// caller waits (README 1).
package semaphore

import (
	"context"
	"sync/atomic"
)

type Service func(ctx context.Context, req int) (int, error)

func Limit(n int, svc Service) Service {
	if n < 1 {
		n = 1
	}
	var cur atomic.Int64
	freed := make(chan struct{})
	return func(ctx context.Context, req int) (int, error) {
		for {
			if cur.Load() < int64(n) {
				cur.Add(1)
				break
			}
			select {
			case <-freed:
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}
		defer func() {
			cur.Add(-1)
			select {
			case freed <- struct{}{}:
			default:
			}
		}()
		return svc(ctx, req)
	}
}
