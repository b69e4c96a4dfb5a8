//go:build gclhidden

// Mutant (req 4: "A ctx that has already ended when First is called gets
// ctx.Err() at once too"): no ctx.Err() check before the replicas start,
// and the select watches the caller's ctx. With an ended ctx and a replica
// that answers at once, the select can have both the answer and
// ctx.Done() ready, and picks at random: sometimes the answer wins.
package leakysearch

import (
	"context"
	"errors"
)

var ErrNoReplicas = errors.New("leakysearch: no replicas")

type Replica func(ctx context.Context, query string) (string, error)

type answer struct {
	text string
	err  error
}

func First(ctx context.Context, query string, replicas ...Replica) (string, error) {
	if len(replicas) == 0 {
		return "", ErrNoReplicas
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	answers := make(chan answer, len(replicas))
	for _, r := range replicas {
		go func() {
			text, err := r(rctx, query)
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
