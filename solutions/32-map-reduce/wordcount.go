// Package mapreduce counts words over many documents with mapper and
// reducer goroutines.
package mapreduce

import (
	"context"
	"hash/fnv"
	"strings"
	"sync"
	"unicode"
)

// A Reader returns the text of the document called name. It may be slow (a
// file, a network call); it should give up when ctx is cancelled.
type Reader func(ctx context.Context, name string) (string, error)

// Words splits text into words: runs of letters, in lower case.
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
}

// Count returns how often each word occurs in the documents, summed over
// all of them. mappers goroutines read documents (at most mappers reads at
// a time) and split them into words; reducers goroutines count the words,
// each word always counted by the same reducer.
//
// If a read fails, Count cancels the other reads and returns the first
// error; if ctx ends, it returns ctx.Err(). Either way, when Count returns,
// none of its goroutines is still running.
func Count(ctx context.Context, docs []string, read Reader, mappers, reducers int) (map[string]int, error) {
	mappers, reducers = max(mappers, 1), max(reducers, 1)
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		errOnce  sync.Once
		firstErr error
	)
	fail := func(err error) {
		errOnce.Do(func() {
			firstErr = err
			cancel() // stop the other mappers and their reads
		})
	}

	// Feed the document names to the mappers.
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

	// Map: read a document, send each of its words to the reducer that
	// owns it. The same word always goes to the same reducer, so the
	// reducers' counts never overlap and merging them is a plain copy.
	parts := make([]chan string, reducers)
	for i := range parts {
		parts[i] = make(chan string, 128)
	}
	var mapping sync.WaitGroup
	for range mappers {
		mapping.Go(func() {
			for name := range names {
				// The feeder's select may hand out one more name after a
				// failure (ctx.Done() and a free mapper are both ready):
				// start no read once ctx is done.
				if ctx.Err() != nil {
					return
				}
				text, err := read(ctx, name)
				if err != nil {
					fail(err)
					return
				}
				for _, w := range Words(text) {
					select {
					case parts[owner(w, reducers)] <- w:
					case <-ctx.Done():
						return
					}
				}
			}
		})
	}
	// Only when every mapper is done may the reducers' channels close:
	// one closer, after the last sender.
	go func() {
		mapping.Wait()
		for _, p := range parts {
			close(p)
		}
	}()

	// Reduce: each reducer counts its own words into its own map.
	counts := make([]map[string]int, reducers)
	var reducing sync.WaitGroup
	for i := range reducers {
		reducing.Go(func() {
			c := map[string]int{}
			for w := range parts[i] {
				c[w]++
			}
			counts[i] = c
		})
	}
	reducing.Wait() // after the mappers (the channels close after them) and the reducers

	if firstErr != nil {
		return nil, firstErr
	}
	if err := parent.Err(); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, c := range counts {
		for w, n := range c {
			out[w] = n
		}
	}
	return out, nil
}

// owner says which of n reducers counts word w.
func owner(w string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(w))
	return int(h.Sum32() % uint32(n))
}
