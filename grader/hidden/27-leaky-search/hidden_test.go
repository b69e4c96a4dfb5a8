//go:build gclhidden

package leakysearch_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ls "github.com/go-concurrency-lab/course/exercises/27-leaky-search"
	"github.com/go-concurrency-lab/course/grader/check"
)

// bound is how long, in real time, a test waits for something that the
// right answer does at once: it only runs out for wrong answers.
const bound = 2 * time.Second

// fleet makes replicas that the test controls: slow ones answer only when
// the test closes release, or give up when their context is cancelled.
type fleet struct {
	release  chan struct{}
	slowLeft sync.WaitGroup // slow replicas that have not returned yet
	mu       sync.Mutex
	told     int // slow replicas that returned because their ctx was cancelled
}

func newFleet() *fleet { return &fleet{release: make(chan struct{})} }

func (f *fleet) fast(text string) ls.Replica {
	return func(ctx context.Context, query string) (string, error) { return text, nil }
}

// slow answers text once release is closed. If watchCtx, it gives up as
// soon as its context is cancelled; otherwise it does not notice.
func (f *fleet) slow(text string, watchCtx bool) ls.Replica {
	f.slowLeft.Add(1)
	return func(ctx context.Context, query string) (string, error) {
		defer f.slowLeft.Done()
		if !watchCtx {
			<-f.release
			return text, nil
		}
		select {
		case <-f.release:
			return text, nil
		case <-ctx.Done():
			f.mu.Lock()
			f.told++
			f.mu.Unlock()
			return "", ctx.Err()
		}
	}
}

// finish lets every slow replica answer and waits until all have returned.
func (f *fleet) finish(t *testing.T) {
	t.Helper()
	select {
	case <-f.release:
	default:
		close(f.release)
	}
	require.True(t, within(bound, f.slowLeft.Wait), "the slow replicas did not return after they were let go")
}

// within runs fn and reports whether it returned within d (real time).
func within(d time.Duration, fn func()) bool {
	done := make(chan struct{})
	go func() {
		fn()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

type result struct {
	text string
	err  error
}

// first calls ls.First, but gives up waiting for it after bound, so that a
// First that waits for the slow replicas fails the test instead of hanging.
func first(t *testing.T, ctx context.Context, f *fleet, replicas ...ls.Replica) result {
	t.Helper()
	done := make(chan result, 1)
	go func() {
		text, err := ls.First(ctx, "gopher", replicas...)
		done <- result{text, err}
	}()
	select {
	case r := <-done:
		return r
	case <-time.After(bound):
		f.finish(t)
		t.Fatal("First did not return while the slow replicas were still working, although the fast one had answered.\n" +
			"Return the first answer at once; do not wait for the other replicas.")
		return result{}
	}
}

// TestNoGoroutineLeft: after First has returned and the slow replicas have
// answered too, none of First's goroutines is left.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	f := newFleet()
	r := first(t, context.Background(), f, f.slow("slow-1", false), f.fast("fast"), f.slow("slow-2", false))
	require.NoError(t, r.err)
	require.Equal(t, "fast", r.text, "the fast replica answered at once, so its answer should win")
	f.finish(t) // the slow replicas answer now; nobody is listening any more
	check.NoLeaks(t)

	// The same when the caller gives up before anyone answers.
	f = newFleet()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r = first(t, ctx, f, f.slow("slow-1", false), f.slow("slow-2", false))
	require.ErrorIs(t, r.err, context.Canceled, "the context was cancelled before any replica answered")
	f.finish(t)
	check.NoLeaks(t)
}

// TestLosersAreToldToStop: once First has its answer, the context it handed
// the replicas is cancelled, so the losers stop working.
func TestLosersAreToldToStop(t *testing.T) {
	check.Seal(t)
	f := newFleet()
	defer f.finish(t)
	r := first(t, context.Background(), f, f.slow("slow-1", true), f.fast("fast"), f.slow("slow-2", true))
	require.NoError(t, r.err)
	require.Equal(t, "fast", r.text)
	stopped := within(bound, f.slowLeft.Wait)
	require.True(t, stopped, "First has returned, but the slow replicas are still working on a question nobody will\n"+
		"read the answer to. Derive a context with context.WithCancel, hand that to the replicas, and\n"+
		"cancel it when First returns (defer cancel()).")
	f.mu.Lock()
	defer f.mu.Unlock()
	assert.Equal(t, 2, f.told, "both slow replicas should have seen their context cancelled")
}

// TestAllReplicasFail: when every replica fails, First says why, with each
// replica's error.
func TestAllReplicasFail(t *testing.T) {
	check.Seal(t)
	var errs []error
	var replicas []ls.Replica
	for _, name := range []string{"eu", "us", "asia"} {
		err := errors.New("replica " + name + " is down")
		errs = append(errs, err)
		replicas = append(replicas, func(ctx context.Context, query string) (string, error) { return "", err })
	}
	_, err := ls.First(context.Background(), "gopher", replicas...)
	require.Error(t, err, "every replica failed, so First must return an error")
	for _, e := range errs {
		assert.ErrorIs(t, err, e, "the error should include every replica's error (errors.Join)")
	}
	_, err = ls.First(context.Background(), "gopher")
	assert.ErrorIs(t, err, ls.ErrNoReplicas)
	check.NoLeaks(t)
}

// The tests below run on fake time. A goroutine left blocked when such a
// test ends stops the whole test binary, so they come last.

// TestFastestWins: the replica that answers first wins, at the moment it
// answers; a replica that fails does not win.
func TestFastestWins(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		after := func(d time.Duration, text string, err error) ls.Replica {
			return func(ctx context.Context, query string) (string, error) {
				select {
				case <-time.After(d):
					return text, err
				case <-ctx.Done():
					return "", ctx.Err()
				}
			}
		}
		start := time.Now()
		text, err := ls.First(context.Background(), "gopher",
			after(300*time.Millisecond, "c", nil),
			after(50*time.Millisecond, "", errors.New("replica a is down")),
			after(100*time.Millisecond, "b", nil),
			after(200*time.Millisecond, "d", nil))
		took := time.Since(start)
		require.NoError(t, err)
		assert.Equal(t, "b", text, "b is the first replica to answer without an error, after 100ms")
		assert.Equal(t, 100*time.Millisecond, took,
			"First should return as soon as the first good answer arrives (100ms), not wait for the others")
		time.Sleep(time.Second) // every replica has answered by now
	})
}

// TestGivesUpWhenContextEnds: when the caller's deadline passes before any
// replica answered, First returns the context's error at once.
func TestGivesUpWhenContextEnds(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		slow := func(ctx context.Context, query string) (string, error) {
			select {
			case <-time.After(time.Second):
				return "late", nil
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := ls.First(ctx, "gopher", slow, slow, slow)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 50*time.Millisecond, time.Since(start), "First should give up when the deadline passes")
		time.Sleep(2 * time.Second)
	})
}
