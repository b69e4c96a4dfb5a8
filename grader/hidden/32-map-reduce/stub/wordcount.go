// Package mapreduce counts words over many documents with mapper and
// reducer goroutines.
package mapreduce

import (
	"context"
	"strings"
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
	// TODO: this is the sequential answer: right, but one document at a
	// time. Read the documents with mappers goroutines, send each word to
	// one of reducers goroutines (the same word always to the same one),
	// and merge the reducers' counts. Stop everything on the first error.
	counts := map[string]int{}
	for _, name := range docs {
		text, err := read(ctx, name)
		if err != nil {
			return nil, err
		}
		for _, w := range Words(text) {
			counts[w]++
		}
	}
	return counts, nil
}
