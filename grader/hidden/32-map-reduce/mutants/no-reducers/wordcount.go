//go:build gclhidden

// MUTANT (requirement 3: reducers goroutines count words, each into a map of its
// own): no reducers at all; the mappers count straight into one shared map
// under a mutex. Counts are right and nothing races, but there are no
// reducer goroutines and one map is written by every mapper.
package mapreduce

import (
	"context"
	"strings"
	"sync"
	"unicode"
)

type Reader func(ctx context.Context, name string) (string, error)

func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
}

func Count(ctx context.Context, docs []string, read Reader, mappers, reducers int) (map[string]int, error) {
	mappers = max(mappers, 1)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)

	names := make(chan string)
	var fwg sync.WaitGroup
	fwg.Go(func() {
		defer close(names)
		for _, d := range docs {
			select {
			case names <- d:
			case <-wctx.Done():
				return
			}
		}
	})

	var mu sync.Mutex
	counts := map[string]int{}

	var mwg sync.WaitGroup
	for range mappers {
		mwg.Go(func() {
			for name := range names {
				if wctx.Err() != nil {
					continue // drain: the feeder is stopping too
				}
				text, err := read(wctx, name)
				if err != nil {
					select {
					case errc <- err:
						cancel()
					default:
					}
					continue
				}
				mu.Lock()
				for _, w := range Words(text) {
					counts[w]++
				}
				mu.Unlock()
			}
		})
	}
	mwg.Wait()
	fwg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case err := <-errc:
		return nil, err
	default:
	}
	return counts, nil
}
