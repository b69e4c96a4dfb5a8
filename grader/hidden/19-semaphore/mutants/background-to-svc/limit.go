//go:build gclhidden

// Package semaphore: the service gets a context of its own (context.Background()), not the caller's.
package semaphore

import "context"

// Service is a call to something that must not get too many calls at
// once: a database, a remote API, a disk.
type Service func(ctx context.Context, req int) (int, error)

// Limit returns a Service that passes each call on to svc, with at most n
// calls of svc in flight at any moment (n less than 1 counts as 1). A call
// that finds n calls running waits until one of them returns; if its ctx
// is done first, it returns ctx.Err() without calling svc. Whatever svc
// returns, the call's place is freed when svc returns.
//
// The returned Service is safe for concurrent use, and Limit starts no
// goroutine.
func Limit(n int, svc Service) Service {
	// A buffered channel is a counting semaphore: a send takes one of the
	// n places (and waits while all are taken), a receive frees one.
	// It is made once, here, so that every call shares the same n places.
	sem := make(chan struct{}, max(n, 1))
	return func(ctx context.Context, req int) (int, error) {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		defer func() { <-sem }()
		return svc(context.Background(), req)
	}
}
