//go:build gclhidden

package ratelimiter_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ratelimiter "github.com/go-concurrency-lab/course/exercises/23-rate-limiter"
	"github.com/go-concurrency-lab/course/grader/check"
)

// stopBroken is set by TestStopEndsTheGoroutine when the limiter's
// goroutine outlives Stop. In a synctest bubble such a goroutine would tick
// forever, so the fake-time tests then fail at once instead.
var stopBroken atomic.Bool

func needsStop(t *testing.T) {
	t.Helper()
	if stopBroken.Load() {
		t.Fatal("not run: the limiter's goroutine keeps running after Stop (see TestStopEndsTheGoroutine),\n" +
			"and on the grader's fake clock a goroutine that never ends would tick forever. Fix Stop first.")
	}
}

// events records when each successful Wait returned, from the start of
// the test; safe for concurrent use.
type events struct {
	start time.Time
	mu    sync.Mutex
	at    []time.Duration
	errs  []error
}

func newEvents() *events { return &events{start: time.Now()} }

// wait calls l.Wait and records when it returned nil, or its error.
func (e *events) wait(ctx context.Context, l *ratelimiter.Limiter) error {
	err := l.Wait(ctx)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		e.errs = append(e.errs, err)
	} else {
		e.at = append(e.at, time.Since(e.start))
	}
	return err
}

// times returns the event times, sorted, as "0s", "1s", ...
func (e *events) times() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	at := slices.Clone(e.at)
	slices.Sort(at)
	s := []string{}
	for _, d := range at {
		s = append(s, d.String())
	}
	return s
}

// repeat returns each of the given times n times, as times() does.
func repeat(n int, at ...time.Duration) []string {
	s := []string{}
	for _, d := range at {
		for range n {
			s = append(s, d.String())
		}
	}
	return s
}

// TestStopEndsTheGoroutine: once Stop has returned, no goroutine of the
// limiter is left (real time, an interval of an hour: a goroutine that
// ends only at its next tick is still there).
func TestStopEndsTheGoroutine(t *testing.T) {
	check.Seal(t)
	l := ratelimiter.New(2, time.Hour)
	for range 2 {
		require.NoError(t, l.Wait(context.Background()), "the first 2 events of a window are allowed at once")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.Stop()
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		stopBroken.Store(true)
		t.Fatalf("Stop did not return within 2 seconds. Is it waiting for a goroutine that never hears it?\n%s", check.TimeMarker)
	}
	assert.NotPanics(t, l.Stop, "calling Stop a second time must do nothing (closing a channel twice panics)")
	check.NoLeaks(t)
	if t.Failed() {
		stopBroken.Store(true)
	}
}

// TestAtMostNPerInterval: 4 callers want 3 events each from a limiter of 3
// per second: 3 events at 0s, 3 at 1s, 3 at 2s, 3 at 3s.
func TestAtMostNPerInterval(t *testing.T) {
	check.Seal(t)
	needsStop(t)
	synctest.Test(t, func(t *testing.T) {
		l := ratelimiter.New(3, time.Second)
		defer l.Stop()
		e := newEvents()
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 3 {
					e.wait(context.Background(), l)
				}
			})
		}
		wg.Wait()
		assert.Empty(t, e.errs, "Wait with a context that never ends, on a limiter that is not stopped, must return nil")
		assert.Equal(t, repeat(3, 0, time.Second, 2*time.Second, 3*time.Second), e.times(),
			"a limiter of 3 events per second, with 12 events wanted at once, allows exactly 3 at 0s (the first\n"+
				"window starts at New), 3 at 1s, 3 at 2s and 3 at 3s. These are the times the Waits returned.")
	})
}

// TestUnusedEventsDoNotCarryOver: after 3.5 quiet seconds, 7 events wanted
// at once: 3 at 3.5s, 3 at 4s, 1 at 5s.
func TestUnusedEventsDoNotCarryOver(t *testing.T) {
	check.Seal(t)
	needsStop(t)
	synctest.Test(t, func(t *testing.T) {
		l := ratelimiter.New(3, time.Second)
		defer l.Stop()
		e := newEvents()
		time.Sleep(3500 * time.Millisecond)
		var wg sync.WaitGroup
		for range 7 {
			wg.Go(func() { e.wait(context.Background(), l) })
		}
		wg.Wait()
		assert.Equal(t, append(repeat(3, 3500*time.Millisecond, 4*time.Second), "5s"), e.times(),
			"nothing happened for 3.5s, then 7 events were wanted at once. The window from 3s to 4s allows 3 (at 3.5s),\n"+
				"the next window 3 more at 4s, the one after the last at 5s. The quiet windows' unused events are lost:\n"+
				"a window never allows more than 3, however long the limiter was idle.")
	})
}

// TestWaitGivesUpWithItsContext: a Wait whose context ends returns its
// error at that moment and does not use up an event.
func TestWaitGivesUpWithItsContext(t *testing.T) {
	check.Seal(t)
	needsStop(t)
	synctest.Test(t, func(t *testing.T) {
		l := ratelimiter.New(2, time.Second)
		defer l.Stop()
		e := newEvents()
		e.wait(context.Background(), l)
		e.wait(context.Background(), l)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := l.Wait(ctx)
		took := time.Since(start)
		require.ErrorIs(t, err, context.DeadlineExceeded,
			"the window's 2 events were used, and this Wait's ctx ended after 300ms, before the next window:\n"+
				"Wait must return ctx.Err() then (select on ctx.Done() too)")
		assert.Equal(t, 300*time.Millisecond, took, "Wait must give up the moment its ctx ends, at 300ms")
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() { e.wait(context.Background(), l) })
		}
		wg.Wait()
		assert.Equal(t, []string{"0s", "0s", "1s", "1s", "2s"}, e.times(),
			"the Wait that gave up must not use an event: the window at 1s still allows 2")
	})
}

// TestStopReleasesWaiters: Stop wakes a Wait in progress with ErrStopped,
// and later Waits return ErrStopped at once.
func TestStopReleasesWaiters(t *testing.T) {
	check.Seal(t)
	needsStop(t)
	synctest.Test(t, func(t *testing.T) {
		// If Wait ignores Stop, cancel frees it at the end, so that the
		// test fails instead of deadlocking.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		l := ratelimiter.New(1, time.Second)
		require.NoError(t, l.Wait(ctx), "the first event of a window is allowed at once")
		start := time.Now()
		type result struct {
			err error
			at  time.Duration
		}
		waiter := make(chan result, 1)
		go func() {
			err := l.Wait(ctx)
			waiter <- result{err, time.Since(start)}
		}()
		time.Sleep(500 * time.Millisecond)
		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			l.Stop()
		}()
		select {
		case <-stopped:
		case <-time.After(time.Minute):
			t.Error("Stop had not returned a minute after it was called")
		}
		select {
		case r := <-waiter:
			assert.ErrorIs(t, r.err, ratelimiter.ErrStopped, "a Wait in progress when Stop is called must return ErrStopped")
			assert.Equal(t, 500*time.Millisecond, r.at, "Stop was called at 500ms: the waiting Wait must return then")
		case <-time.After(time.Minute):
			t.Error("a Wait in progress was still waiting a minute after Stop: Stop must wake it (select on a channel\n" +
				"that Stop closes), and it returns ErrStopped")
		}
		err := l.Wait(ctx)
		assert.True(t, errors.Is(err, ratelimiter.ErrStopped), "Wait after Stop must return ErrStopped at once, got %v", err)
		assert.NotPanics(t, l.Stop, "calling Stop a second time must do nothing")
		cancel()
	})
}
