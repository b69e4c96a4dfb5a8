//go:build gclhidden

// Package semaphore: a goroutine started by Limit hands out the places, and never ends.
package semaphore

import "context"

type Service func(ctx context.Context, req int) (int, error)

func Limit(n int, svc Service) Service {
	acquire, release := make(chan struct{}), make(chan struct{})
	go func() {
		free := max(n, 1)
		for {
			if free > 0 {
				select {
				case acquire <- struct{}{}:
					free--
				case <-release:
					free++
				}
			} else {
				<-release
				free++
			}
		}
	}()
	return func(ctx context.Context, req int) (int, error) {
		select {
		case <-acquire:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		defer func() { release <- struct{}{} }()
		return svc(ctx, req)
	}
}
