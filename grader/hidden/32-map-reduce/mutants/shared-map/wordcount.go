//go:build gclhidden

// Package mapreduce counts words over many documents with mapper and
// reducer goroutines.
package mapreduce

import (
	"context"
	"strings"
	"sync"
	"unicode"
)

// A Reader returns the text of the document called name.
type Reader func(ctx context.Context, name string) (string, error)

// Words splits text into words: runs of letters, in lower case.
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
}

// Count with the mappers counting straight into one shared map: no
// reducers, and no lock.
func Count(ctx context.Context, docs []string, read Reader, mappers, reducers int) (map[string]int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	names := make(chan string)
	go func() {
		defer close(names)
		for _, d := range docs {
			select {
			case names <- d:
			case <-ctx.Done():
				return
			}
		}
	}()
	counts := map[string]int{}
	var errOnce sync.Once
	var firstErr error
	var wg sync.WaitGroup
	for range mappers {
		wg.Go(func() {
			for name := range names {
				text, err := read(ctx, name)
				if err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
				for _, w := range Words(text) {
					counts[w]++
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return counts, nil
}
