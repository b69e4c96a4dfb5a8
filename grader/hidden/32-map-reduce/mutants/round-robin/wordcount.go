//go:build gclhidden

// MUTANT (requirement 3: "the same word always goes to the same reducer, so their
// maps never overlap"): words are dealt to the reducers round-robin (per
// mapper), and the merge adds the reducers' counts up. The totals are right,
// but one word is counted by several reducers, in maps that overlap.
package mapreduce

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
)

type Reader func(ctx context.Context, name string) (string, error)

func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
}

var _ atomic.Int64

func Count(ctx context.Context, docs []string, read Reader, mappers, reducers int) (map[string]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	mappers, reducers = max(mappers, 1), max(reducers, 1)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var once sync.Once
	var firstErr error
	fail := func(err error) {
		once.Do(func() { firstErr = err; cancel() })
	}

	ins := make([]chan string, reducers)
	parts := make([]map[string]int, reducers)
	var rwg sync.WaitGroup
	for i := range ins {
		ins[i] = make(chan string, 64)
		parts[i] = map[string]int{}
		rwg.Go(func() {
			for w := range ins[i] {
				parts[i][w]++
			}
		})
	}

	var next atomic.Int64
	var mwg sync.WaitGroup
	for range mappers {
		mwg.Go(func() {
			rr := 0
			for {
				i := int(next.Add(1) - 1)
				if i >= len(docs) || wctx.Err() != nil {
					return
				}
				text, err := read(wctx, docs[i])
				if err != nil {
					fail(err)
					return
				}
				for _, w := range Words(text) {
					select {
					case ins[rr%reducers] <- w:
						rr++
					case <-wctx.Done():
						return
					}
				}
			}
		})
	}
	mwg.Wait()
	for _, c := range ins {
		close(c)
	}
	rwg.Wait()

	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if firstErr != nil {
		return nil, firstErr
	}
	counts := map[string]int{}
	for _, p := range parts {
		for w, n := range p {
			counts[w] += n
		}
	}
	return counts, nil
}
