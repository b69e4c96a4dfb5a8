//go:build gclhidden

package deadline_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-concurrency-lab/course/exercises/25-deadline"
	"github.com/go-concurrency-lab/course/grader/check"
)

const key = "user:42"

var errNotFound = errors.New("not found")

// dependency is the slow dependency the tests hand to Lookup. It answers
// after latency, with value or with err, unless its context is done first.
// It records the context it got and when it returned.
type dependency struct {
	latency time.Duration
	value   string
	err     error
	start   time.Time

	mu          sync.Mutex
	calls       int
	keys        []string
	ctx         context.Context
	deadline    time.Duration // from start
	hasDeadline bool
	returned    bool
}

func newDependency(latency time.Duration) *dependency {
	return &dependency{latency: latency, value: "Ada", start: time.Now()}
}

func (d *dependency) fetch(ctx context.Context, k string) (string, error) {
	d.mu.Lock()
	d.calls++
	d.keys = append(d.keys, k)
	d.ctx = ctx
	if dl, ok := ctx.Deadline(); ok {
		d.deadline, d.hasDeadline = dl.Sub(d.start), true
	}
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.returned = true
		d.mu.Unlock()
	}()
	select {
	case <-time.After(d.latency):
		if d.err != nil {
			return "", d.err
		}
		return d.value, nil
	case <-ctx.Done():
		return "", fmt.Errorf("the dependency gave up: %w", ctx.Err())
	}
}

type outcome struct {
	value string
	err   error
	took  time.Duration
}

// lookup calls Lookup and waits for it at most an hour of fake time.
func lookup(t *testing.T, ctx context.Context, d *dependency, timeout time.Duration) outcome {
	t.Helper()
	start := time.Now()
	done := make(chan outcome, 1)
	go func() {
		v, err := deadline.Lookup(ctx, d.fetch, key, timeout)
		done <- outcome{v, err, time.Since(start)}
	}()
	select {
	case o := <-done:
		return o
	case <-time.After(time.Hour):
		t.Fatal("Lookup had not returned after an hour, although the dependency answers within seconds")
		return outcome{}
	}
}

// seen checks that the dependency was called once, with the key, and a
// deadline at want after the start of the test.
func (d *dependency) seen(t *testing.T, want time.Duration, why string) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	require.Equal(t, 1, d.calls, "Lookup must call the dependency exactly once")
	require.Equal(t, []string{key}, d.keys, "Lookup must ask the dependency for the key it was given")
	require.True(t, d.hasDeadline,
		"the context the dependency got has no deadline. The dependency can only stop in time if it knows when:\n"+
			"give it a context with the deadline, ctx, cancel := context.WithTimeout(ctx, timeout), and pass that ctx to fetch.")
	assert.Equal(t, want, d.deadline, "the deadline the dependency saw, from the start: %s", why)
}

// TestFastDependency: an answer within the timeout comes back as it is,
// and the context is released when Lookup returns.
func TestFastDependency(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		d := newDependency(100 * time.Millisecond)
		o := lookup(t, context.Background(), d, time.Second)
		require.NoError(t, o.err, "the dependency answered after 100ms, well within the 1s timeout")
		assert.Equal(t, "Ada", o.value, "Lookup must return the dependency's answer")
		assert.Equal(t, 100*time.Millisecond, o.took, "the dependency answered after 100ms")
		d.seen(t, time.Second, "the timeout is 1s")
		d.mu.Lock()
		defer d.mu.Unlock()
		assert.ErrorIs(t, d.ctx.Err(), context.Canceled,
			"when Lookup returned, the context it made was not cancelled yet: its timer lives on until the\n"+
				"timeout fires. Call the cancel function context.WithTimeout returned (defer cancel()).")
	})
}

// TestSlowDependencyGetsTheDeadline: a dependency that would take 5s gets
// a deadline of 500ms, stops then, and Lookup returns its error at 500ms.
func TestSlowDependencyGetsTheDeadline(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		d := newDependency(5 * time.Second)
		o := lookup(t, context.Background(), d, 500*time.Millisecond)
		d.seen(t, 500*time.Millisecond, "the timeout is 500ms")
		d.mu.Lock()
		returned := d.returned
		d.mu.Unlock()
		assert.True(t, returned,
			"Lookup returned while the dependency was still working: it must call the dependency and return\n"+
				"what the dependency returns, not give up on its own and leave the dependency running")
		require.ErrorIs(t, o.err, context.DeadlineExceeded,
			"the dependency gave up at the deadline with an error that wraps context.DeadlineExceeded. Lookup must\n"+
				"return it wrapped with %%w (fmt.Errorf(\"lookup %%q: %%w\", key, err)), so that errors.Is still finds it. Got: %v", o.err)
		assert.Contains(t, o.err.Error(), `lookup "user:42": `, "the error must say which lookup failed")
		assert.Empty(t, o.value, "on error, Lookup returns an empty value")
		assert.Equal(t, 500*time.Millisecond, o.took, "the timeout is 500ms, so Lookup must return at 500ms")
	})
}

// TestCallersEarlierDeadlineCounts: the caller's own deadline (200ms),
// earlier than the timeout (1s), is the one the dependency sees.
func TestCallersEarlierDeadlineCounts(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		d := newDependency(5 * time.Second)
		o := lookup(t, ctx, d, time.Second)
		d.seen(t, 200*time.Millisecond,
			"the caller's ctx has a deadline of 200ms, earlier than the 1s timeout, and it still counts:\n"+
				"derive the new context from the ctx Lookup got, not from context.Background()")
		assert.ErrorIs(t, o.err, context.DeadlineExceeded)
		assert.Equal(t, 200*time.Millisecond, o.took, "the caller's deadline is 200ms")
	})
}

// TestCallersCancelCounts: a cancel of the caller's ctx, at 300ms, stops
// the dependency.
func TestCallersCancelCounts(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		time.AfterFunc(300*time.Millisecond, cancel)
		d := newDependency(5 * time.Second)
		o := lookup(t, ctx, d, time.Second)
		require.ErrorIs(t, o.err, context.Canceled,
			"the caller cancelled its ctx at 300ms: the dependency must see it (derive the new context from\n"+
				"the ctx Lookup got), and Lookup returns its error wrapped with %%w. Got: %v", o.err)
		assert.Equal(t, 300*time.Millisecond, o.took, "the caller cancelled at 300ms")
	})
}

// TestDependencyErrorIsWrapped: the dependency's own error comes back
// wrapped, exactly as `lookup "KEY": ERR`.
func TestDependencyErrorIsWrapped(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		d := newDependency(50 * time.Millisecond)
		d.err = errNotFound
		o := lookup(t, context.Background(), d, time.Second)
		require.ErrorIs(t, o.err, errNotFound,
			"the dependency failed with its own error; Lookup must wrap it with %%w so that errors.Is finds it. Got: %v", o.err)
		assert.Equal(t, `lookup "user:42": not found`, o.err.Error(), "the error must read lookup \"KEY\": ERR")
		assert.Equal(t, 50*time.Millisecond, o.took, "the dependency failed after 50ms")
	})
}

// TestNoGoroutineLeft: once Lookup has returned, nothing of it is still
// running (real time, a 5ms timeout).
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	d := newDependency(time.Hour)
	_, err := deadline.Lookup(context.Background(), d.fetch, key, 5*time.Millisecond)
	require.Error(t, err, "the dependency takes an hour and the timeout is 5ms, so Lookup must fail")
	check.NoLeaks(t)
}
