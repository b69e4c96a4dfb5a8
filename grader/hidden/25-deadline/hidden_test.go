//go:build gclhidden

package deadline_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-concurrency-lab/course/exercises/25-deadline"
	"github.com/go-concurrency-lab/course/grader/check"
)

const key = "user:42"

var errNotFound = errors.New("not found")

// advice is what a deadlocked bubble tells the student.
const advice = "Lookup should call fetch once, with a context made by context.WithTimeout(ctx, timeout),\n" +
	"and return what fetch returns."

// dependency is the slow dependency the tests hand to Lookup. It answers
// after latency, with value or with err, unless its context is done first;
// then it takes cleanup to give up. It records the context it got and when
// it returned.
type dependency struct {
	latency time.Duration
	cleanup time.Duration // how long it takes to give up once its ctx is done
	value   string
	err     error
	stale   string // returned with err
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
	timer := time.NewTimer(d.latency)
	defer timer.Stop()
	select {
	case <-timer.C:
		if d.err != nil {
			return d.stale, d.err
		}
		return d.value, nil
	case <-ctx.Done():
		if d.cleanup > 0 {
			time.Sleep(d.cleanup)
		}
		return "", fmt.Errorf("the dependency gave up: %w", ctx.Err())
	}
}

type outcome struct {
	value string
	err   error
	took  time.Duration
	// fetchDone: the dependency had returned when Lookup did.
	fetchDone bool
}

// lookup calls Lookup and waits for it at most an hour of fake time. Right
// when Lookup returns, it notes whether the dependency had returned, and
// checks that nothing of Lookup is left (check.Settled).
func lookup(t *testing.T, ctx context.Context, d *dependency, timeout time.Duration) outcome {
	t.Helper()
	start := time.Now()
	done := make(chan outcome, 1)
	go func() {
		v, err := deadline.Lookup(ctx, d.fetch, key, timeout)
		o := outcome{value: v, err: err, took: time.Since(start)}
		d.mu.Lock()
		o.fetchDone = d.returned || d.calls == 0
		d.mu.Unlock()
		done <- o
	}()
	select {
	case o := <-done:
		check.Settled(t, "Lookup returned")
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

// released checks that the context the dependency got was cancelled by the
// time Lookup returned.
func (d *dependency) released(t *testing.T, when string) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	require.NotNil(t, d.ctx, "Lookup never called the dependency")
	assert.Error(t, d.ctx.Err(),
		"%s, Lookup returned, but the context it made was not cancelled yet: its timer lives on until the\n"+
			"timeout fires. Call the cancel function context.WithTimeout returned, on every path: defer cancel()\n"+
			"right after context.WithTimeout.", when)
}

// TestFastDependency: an answer within the timeout comes back as it is,
// an empty answer too, and the context is released when Lookup returns.
func TestFastDependency(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		d := newDependency(100 * time.Millisecond)
		o := lookup(t, context.Background(), d, time.Second)
		require.NoError(t, o.err, "the dependency answered after 100ms, well within the 1s timeout")
		assert.Equal(t, "Ada", o.value, "Lookup must return the dependency's answer")
		assert.Equal(t, 100*time.Millisecond, o.took, "the dependency answered after 100ms")
		d.seen(t, time.Second, "the timeout is 1s")
		d.released(t, "After a success")

		d = newDependency(10 * time.Millisecond)
		d.value = ""
		o = lookup(t, context.Background(), d, time.Second)
		assert.NoError(t, o.err, "the dependency answered \"\" without an error: an empty string is a value like\n"+
			"any other, and Lookup must return it with a nil error")
		assert.Empty(t, o.value)
	})
}

// TestSlowDependencyGetsTheDeadline: a dependency that would take 5s gets
// a deadline of 500ms, stops then, and Lookup returns its error at 500ms.
func TestSlowDependencyGetsTheDeadline(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		d := newDependency(5 * time.Second)
		o := lookup(t, context.Background(), d, 500*time.Millisecond)
		d.seen(t, 500*time.Millisecond, "the timeout is 500ms")
		assert.True(t, o.fetchDone,
			"Lookup returned while the dependency was still working: it must call the dependency and return\n"+
				"what the dependency returns, not give up on its own and leave the dependency running")
		require.ErrorIs(t, o.err, context.DeadlineExceeded,
			"the dependency gave up at the deadline with an error that wraps context.DeadlineExceeded. Lookup must\n"+
				"return it wrapped with %%w (fmt.Errorf(\"lookup %%q: %%w\", key, err)), so that errors.Is still finds it. Got: %v", o.err)
		assert.Equal(t, `lookup "user:42": the dependency gave up: context deadline exceeded`, o.err.Error(),
			"the error must read lookup \"KEY\": ERR, where ERR is the error the dependency returned")
		assert.Empty(t, o.value, "on error, Lookup returns an empty value")
		assert.Equal(t, 500*time.Millisecond, o.took, "the timeout is 500ms, so Lookup must return at 500ms")
	})
}

// TestWaitsForTheDependency: a dependency that takes 100ms to give up after
// its deadline is waited for: Lookup returns its error at 600ms, not at
// 500ms with the dependency still running.
func TestWaitsForTheDependency(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		d := newDependency(5 * time.Second)
		d.cleanup = 100 * time.Millisecond
		o := lookup(t, context.Background(), d, 500*time.Millisecond)
		require.True(t, o.fetchDone,
			"Lookup returned at %v, while the dependency was still giving up (it needs 100ms after its deadline).\n"+
				"Do not stop waiting on your own: call fetch and return when it returns, with what it returns.", o.took)
		assert.Equal(t, 600*time.Millisecond, o.took,
			"the dependency gave up at 500ms and returned at 600ms: that is when Lookup returns")
		assert.ErrorIs(t, o.err, context.DeadlineExceeded)
	})
}

// TestCallersEarlierDeadlineCounts: the caller's own deadline (200ms),
// earlier than the timeout (1s), is the one the dependency sees.
func TestCallersEarlierDeadlineCounts(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
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

// TestCallersLaterDeadlineDoesNotCount: the caller's own deadline (10s),
// later than the timeout (500ms), does not stretch the timeout.
func TestCallersLaterDeadlineDoesNotCount(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		d := newDependency(5 * time.Second)
		o := lookup(t, ctx, d, 500*time.Millisecond)
		d.seen(t, 500*time.Millisecond,
			"the caller's ctx has a deadline of 10s, later than the 500ms timeout: the timeout still applies.\n"+
				"Always derive the new context with context.WithTimeout(ctx, timeout), deadline of the caller or not")
		assert.ErrorIs(t, o.err, context.DeadlineExceeded)
		assert.Equal(t, 500*time.Millisecond, o.took, "the timeout is 500ms")
	})
}

// TestCallersCancelCounts: a cancel of the caller's ctx, at 300ms, stops
// the dependency, and the error says it was a cancel.
func TestCallersCancelCounts(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		time.AfterFunc(300*time.Millisecond, cancel)
		d := newDependency(5 * time.Second)
		o := lookup(t, ctx, d, time.Second)
		require.ErrorIs(t, o.err, context.Canceled,
			"the caller cancelled its ctx at 300ms: the dependency must see it (derive the new context from\n"+
				"the ctx Lookup got), and Lookup returns its error wrapped with %%w. Got: %v", o.err)
		assert.NotErrorIs(t, o.err, context.DeadlineExceeded, "the caller cancelled: that is not a timeout")
		assert.Equal(t, 300*time.Millisecond, o.took, "the caller cancelled at 300ms")
	})
}

// TestDependencyErrorIsWrapped: the dependency's own error comes back
// wrapped, exactly as `lookup "KEY": ERR`, without the value the dependency
// returned with it, and the context is released.
func TestDependencyErrorIsWrapped(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		d := newDependency(50 * time.Millisecond)
		d.err, d.stale = errNotFound, "stale"
		o := lookup(t, context.Background(), d, time.Second)
		require.ErrorIs(t, o.err, errNotFound,
			"the dependency failed with its own error; Lookup must wrap it with %%w so that errors.Is finds it. Got: %v", o.err)
		assert.Equal(t, `lookup "user:42": not found`, o.err.Error(), "the error must read lookup \"KEY\": ERR")
		assert.Empty(t, o.value, "the dependency failed (and returned %q with its error): on error, Lookup returns \"\"", d.stale)
		assert.Equal(t, 50*time.Millisecond, o.took, "the dependency failed after 50ms")
		d.released(t, "After an error of the dependency")
	})
}

// TestAlreadyEnded: a ctx that has already ended, and a timeout of zero or
// less, make Lookup return at once with the context's error.
func TestAlreadyEnded(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		o := lookup(t, ctx, newDependency(time.Second), time.Second)
		assert.ErrorIs(t, o.err, context.Canceled, "the caller's ctx was cancelled before Lookup was called. Got: %v", o.err)
		assert.Zero(t, o.took, "with a ctx that has already ended, Lookup must return at once")

		for _, timeout := range []time.Duration{0, -time.Second} {
			o = lookup(t, context.Background(), newDependency(time.Second), timeout)
			require.ErrorIs(t, o.err, context.DeadlineExceeded,
				"with a timeout of %v the deadline has already passed: the dependency must get a context that has\n"+
					"already ended (context.WithTimeout does that), and Lookup returns its error. Got: %v", timeout, o.err)
			assert.Contains(t, o.err.Error(), `lookup "user:42": `, "the error must say which lookup failed")
			assert.Zero(t, o.took, "with a timeout of %v, Lookup must return at once", timeout)
		}
	})
}

// TestNoGoroutineLeft: once Lookup has returned, nothing of it is still
// running, checked at that moment (no retries).
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		d := newDependency(time.Hour)
		o := lookup(t, context.Background(), d, 5*time.Millisecond)
		require.Error(t, o.err, "the dependency takes an hour and the timeout is 5ms, so Lookup must fail")
	})
}
