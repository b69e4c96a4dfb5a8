//go:build gclhidden

// Package semaphore: runs svc in a goroutine so that the caller can give up
// at ctx.Done() while svc still runs; the deferred release then frees the
// place while svc is in flight (more than n calls of svc at once) (README 1, 3).
package semaphore

import "context"

type Service func(ctx context.Context, req int) (int, error)

func Limit(n int, svc Service) Service {
	if n < 1 {
		n = 1
	}
	sem := make(chan struct{}, n)
	type res struct {
		v   int
		err error
	}
	return func(ctx context.Context, req int) (int, error) {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		defer func() { <-sem }()
		ch := make(chan res, 1)
		go func() {
			v, err := svc(ctx, req)
			ch <- res{v, err}
		}()
		select {
		case r := <-ch:
			return r.v, r.err
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}
