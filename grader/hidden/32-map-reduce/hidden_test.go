//go:build gclhidden

package mapreduce_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	mr "github.com/go-concurrency-lab/course/exercises/32-map-reduce"
	"github.com/go-concurrency-lab/course/grader/check"
)

// library makes n documents from a small vocabulary, with capitals and
// punctuation, so that every word occurs in many documents.
func library(n int) map[string]string {
	vocab := []string{"the", "gopher", "Channel", "go", "select", "mutex", "wait", "group", "the", "go"}
	docs := map[string]string{}
	for d := range n {
		var b strings.Builder
		for i := range 30 + d%7 {
			b.WriteString(vocab[(d*7+i*i)%len(vocab)])
			switch i % 4 {
			case 0:
				b.WriteString(", ")
			case 1:
				b.WriteString(". ")
			default:
				b.WriteString(" ")
			}
		}
		docs[fmt.Sprintf("doc-%02d", d)] = b.String()
	}
	return docs
}

// names lists the documents in order: doc-00, doc-01, ...
func names(docs map[string]string) []string {
	var out []string
	for n := range docs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// sequential is the answer, counted the plain way.
func sequential(docs map[string]string) map[string]int {
	want := map[string]int{}
	for _, text := range docs {
		for _, w := range mr.Words(text) {
			want[w]++
		}
	}
	return want
}

func reader(docs map[string]string) mr.Reader {
	return func(ctx context.Context, name string) (string, error) {
		text, ok := docs[name]
		if !ok {
			return "", fmt.Errorf("%s: no such document", name)
		}
		return text, nil
	}
}

type result struct {
	counts map[string]int
	err    error
}

// count calls mr.Count and waits for it at most a few seconds (real time),
// so that a Count that never returns fails the test instead of hanging it.
func count(t *testing.T, docs []string, read mr.Reader, mappers, reducers int) result {
	t.Helper()
	done := make(chan result, 1)
	go func() {
		c, err := mr.Count(context.Background(), docs, read, mappers, reducers)
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		return r
	case <-time.After(5 * time.Second):
		t.Fatalf("Count(%d mappers, %d reducers) did not return within 5s for %d small documents.\n"+
			"Who closes the reducers' channels, and when? They must close once every mapper is done.", mappers, reducers, len(docs))
		return result{}
	}
}

// TestSameAsSequential: whatever the numbers of mappers and reducers, the
// counts are the sequential ones.
func TestSameAsSequential(t *testing.T) {
	check.Seal(t)
	docs := library(40)
	want := sequential(docs)
	for _, c := range []struct{ mappers, reducers int }{{1, 1}, {4, 3}, {8, 1}, {3, 8}, {16, 16}} {
		r := count(t, names(docs), reader(docs), c.mappers, c.reducers)
		require.NoError(t, r.err)
		assert.Equal(t, want, r.counts, "with %d mappers and %d reducers, the counts differ from counting one document after the other", c.mappers, c.reducers)
	}
	r := count(t, nil, reader(docs), 4, 2)
	require.NoError(t, r.err)
	assert.Empty(t, r.counts, "no documents, no words")
}

// TestNoGoroutineLeft: when Count returns, every goroutine it started has
// ended, after a success and after an error.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	docs := library(20)
	r := count(t, names(docs), reader(docs), 4, 3)
	require.NoError(t, r.err)
	check.NoLeaks(t)

	boom := errors.New("disk on fire")
	failing := func(ctx context.Context, name string) (string, error) {
		if name == "doc-07" {
			return "", boom
		}
		return docs[name], nil
	}
	r = count(t, names(docs), failing, 4, 3)
	assert.ErrorIs(t, r.err, boom, "a read failed, so Count should return its error")
	check.NoLeaks(t)
}

// The tests below run on fake time (testing/synctest). A goroutine left
// blocked when such a test ends stops the whole test binary, so they come
// last.

// TestMappersReadAtTheSameTime: with 12 documents and 4 mappers, exactly 4
// reads are in flight at once.
func TestMappersReadAtTheSameTime(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		docs := library(12)
		var mu sync.Mutex
		var inFlight []chan struct{}
		read := func(ctx context.Context, name string) (string, error) {
			release := make(chan struct{})
			mu.Lock()
			inFlight = append(inFlight, release)
			mu.Unlock()
			<-release
			return docs[name], nil
		}
		done := make(chan result, 1)
		go func() {
			c, err := mr.Count(context.Background(), names(docs), read, 4, 2)
			done <- result{c, err}
		}()
		peak := 0
		for {
			synctest.Wait() // every goroutine is blocked: count the reads in flight
			select {
			case r := <-done:
				require.NoError(t, r.err)
				assert.Equal(t, sequential(docs), r.counts)
				assert.Equal(t, 4, peak, "with 12 documents and 4 mappers, 4 reads should be in flight at once: %d were.\n"+
					"Start exactly mappers goroutines that each read documents one after the other.", peak)
				return
			default:
			}
			mu.Lock()
			waiting := inFlight
			inFlight = nil
			mu.Unlock()
			if len(waiting) == 0 {
				t.Fatal("Count is stuck: it has not returned, and no read is in flight, so nothing can happen any more.")
			}
			peak = max(peak, len(waiting))
			for _, r := range waiting {
				close(r)
			}
		}
	})
}

// TestFirstErrorStopsEverything: when a read fails, the other reads are
// cancelled, no new read starts, and Count returns the error at once. The
// 4 mappers read doc-00 to doc-03 first; doc-03 fails after 100ms, the
// others would take 1s.
func TestFirstErrorStopsEverything(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		docs := library(8)
		boom := errors.New("disk on fire")
		start := time.Now()
		var mu sync.Mutex
		var late []string
		read := func(ctx context.Context, name string) (string, error) {
			if since := time.Since(start); since > 0 {
				mu.Lock()
				late = append(late, fmt.Sprintf("%s at %v", name, since))
				mu.Unlock()
			}
			if name == "doc-03" {
				select {
				case <-time.After(100 * time.Millisecond):
					return "", boom
				case <-ctx.Done():
					return "", ctx.Err()
				}
			}
			select {
			case <-time.After(time.Second):
				return docs[name], nil
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		_, err := mr.Count(context.Background(), names(docs), read, 4, 2)
		took := time.Since(start)
		assert.ErrorIs(t, err, boom, "the read of doc-03 failed: Count should return that error")
		assert.Equal(t, 100*time.Millisecond, took,
			"doc-03 failed after 100ms: Count should cancel the other reads then (their context), and return at once")
		mu.Lock()
		assert.Empty(t, late, "these reads started after the first error: once a read fails, start no new ones")
		mu.Unlock()
		time.Sleep(time.Minute) // anything still reading finishes now
	})
}
