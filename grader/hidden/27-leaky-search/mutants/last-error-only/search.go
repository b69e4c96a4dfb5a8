//go:build gclhidden

// Package leakysearch asks several replicas of a search service the same
// question and takes the first answer.
package leakysearch

import (
	"context"
	"errors"
)

// ErrNoReplicas is what First returns when it has no replica to ask.
var ErrNoReplicas = errors.New("leakysearch: no replicas")

// A Replica answers a query. It should give up when ctx is cancelled, but
// some replicas are slow to notice, or never do.
type Replica func(ctx context.Context, query string) (string, error)

type answer struct {
	text string
	err  error
}

// First asks every replica at once and returns the first successful answer.
// If every replica fails, it returns their errors (joined); if ctx ends
// before any replica has answered (or has already ended), it returns
// ctx.Err().
func First(ctx context.Context, query string, replicas ...Replica) (string, error) {
	if len(replicas) == 0 {
		return "", ErrNoReplicas
	}
	if err := ctx.Err(); err != nil {
		return "", err // ended before anyone could answer
	}
	// Once First returns, the losers' work is wasted: cancelling their
	// context tells them to stop.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Room for every answer: a replica's goroutine can always deliver its
	// answer and end, even when nobody will ever read it.
	answers := make(chan answer, len(replicas))
	for _, r := range replicas {
		go func() {
			text, err := r(ctx, query)
			answers <- answer{text, err}
		}()
	}
	var errs []error
	for range replicas {
		select {
		case a := <-answers:
			if a.err == nil {
				return a.text, nil
			}
			errs = append(errs, a.err)
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	return "", errs[len(errs)-1]
}
