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
// before any replica has answered, it returns ctx.Err().
//
// It works, but it leaks: see the TODO.
func First(ctx context.Context, query string, replicas ...Replica) (string, error) {
	if len(replicas) == 0 {
		return "", ErrNoReplicas
	}
	// TODO: First returns after the first answer, and nobody receives the
	// others: each losing replica's goroutine blocks forever on its send,
	// and stays in memory for as long as the program runs. Make sure every
	// goroutine can end, and tell the losers that their work is no longer
	// needed.
	answers := make(chan answer)
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
	return "", errors.Join(errs...)
}
