//go:build gclhidden

package firsterror_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	firsterror "github.com/go-concurrency-lab/course/exercises/21-first-error"
	"github.com/go-concurrency-lab/course/grader/check"
)

// never is how long a fake task waits for a cancellation that does not
// come before it gives up: long enough to tell, short enough that a wrong
// answer fails its test instead of deadlocking the bubble.
const never = time.Hour

// clock tells fake time since the start of a test; safe for concurrent use.
type clock struct{ start time.Time }

func newClock() clock              { return clock{time.Now()} }
func (c clock) now() time.Duration { return time.Since(c.start) }

// failAt is a task that fails with err after d.
func failAt(d time.Duration, err error) firsterror.Task {
	return func(ctx context.Context) error {
		time.Sleep(d)
		return err
	}
}

// stopper is a task that waits for its context's cancellation (at most
// `never`), records when it saw it, takes cleanup to clean up, and returns
// ctx.Err(). It returns nil if the cancellation never comes.
type stopper struct {
	cleanup time.Duration
	clock   clock

	mu       sync.Mutex
	sawAt    time.Duration
	saw      bool
	err      error
	returned bool
}

func (s *stopper) task(ctx context.Context) error {
	defer func() {
		s.mu.Lock()
		s.returned = true
		s.mu.Unlock()
	}()
	select {
	case <-ctx.Done():
		s.mu.Lock()
		s.sawAt, s.saw, s.err = s.clock.now(), true, ctx.Err()
		s.mu.Unlock()
		time.Sleep(s.cleanup)
		return ctx.Err()
	case <-time.After(never):
		return nil
	}
}

func (s *stopper) seen() (time.Duration, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sawAt, s.saw, s.err
}

// run calls Run in a goroutine and waits for it at most twice `never`, so
// that a Run that does not return fails the test instead of hanging it. It
// returns Run's error and when Run returned.
func run(t *testing.T, ctx context.Context, tasks ...firsterror.Task) (error, time.Duration) {
	t.Helper()
	c := newClock()
	type result struct {
		err error
		at  time.Duration
	}
	done := make(chan result, 1)
	go func() {
		err := firsterror.Run(ctx, tasks...)
		done <- result{err, c.now()}
	}()
	select {
	case r := <-done:
		return r.err, r.at
	case <-time.After(2 * never):
		t.Fatalf("Run did not return, although every task had returned long before. Does it wait for more\n" +
			"results than there are tasks, or for a goroutine that never ends?")
		return nil, 0
	}
}

// TestRunsTasksAtTheSameTime: every task runs once, all at the same time;
// with no error Run returns nil.
func TestRunsTasksAtTheSameTime(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		err, _ := run(t, context.Background())
		require.NoError(t, err, "Run with no tasks must return nil")

		const n = 5
		var mu sync.Mutex
		started := 0
		all := make(chan struct{})
		gaveUp := false
		tasks := make([]firsterror.Task, n)
		runs := make([]atomic.Int32, n)
		for i := range tasks {
			tasks[i] = func(ctx context.Context) error {
				runs[i].Add(1)
				mu.Lock()
				started++
				if started == n {
					close(all)
				}
				mu.Unlock()
				select {
				case <-all:
				case <-time.After(time.Minute):
					mu.Lock()
					gaveUp = true
					mu.Unlock()
				}
				return nil
			}
		}
		err, took := run(t, context.Background(), tasks...)
		require.NoError(t, err, "every task returned nil, so Run must return nil")
		for i := range runs {
			require.EqualValues(t, 1, runs[i].Load(), "task %d ran %d times; every task must run exactly once", i, runs[i].Load())
		}
		mu.Lock()
		defer mu.Unlock()
		require.False(t, gaveUp,
			"a task waited a minute for the other tasks to start, in vain: the tasks did not all run at the same time.\n"+
				"Start every task in a goroutine of its own, and only then wait for them.")
		assert.Zero(t, took, "these tasks return as soon as they have all started, so Run should return at once")
	})
}

// TestFirstErrorCancelsTheRest: the first error, at 1s, cancels the context
// of the other tasks at 1s; Run returns that error, at 1s.
func TestFirstErrorCancelsTheRest(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		errFirst := errors.New("task 0 failed at 1s")
		errLater := errors.New("task 1 failed at 2s")
		c := newClock()
		others := []*stopper{{clock: c}, {clock: c}, {clock: c}}
		tasks := []firsterror.Task{
			failAt(time.Second, errFirst),
			func(ctx context.Context) error {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(2 * time.Second):
					return errLater
				}
			},
		}
		for _, s := range others {
			tasks = append(tasks, s.task)
		}
		err, took := run(t, context.Background(), tasks...)
		for i, s := range others {
			at, saw, ctxErr := s.seen()
			require.True(t, saw,
				"task %d waits for its context to be cancelled, but it never was, although task 0 failed at 1s.\n"+
					"The first error must cancel the context the tasks got (context.WithCancel on ctx, and call cancel).", i+2)
			assert.Equal(t, time.Second, at, "task 0 failed at 1s, so the others' context must be cancelled at 1s")
			assert.ErrorIs(t, ctxErr, context.Canceled, "the tasks' context must be cancelled, not timed out")
		}
		require.ErrorIs(t, err, errFirst,
			"Run must return the first error (task 0's, at 1s). Got: %v.\n"+
				"The tasks that stop because of the cancel return context.Canceled afterwards, and task 1 would fail\n"+
				"at 2s: keep the first error only (sync.Once), do not let later ones replace it.", err)
		assert.Equal(t, time.Second, took, "every task returns at 1s, when the first error cancels them, so Run should return at 1s")
	})
}

// TestWaitsForEveryTask: a cancelled task that takes 500ms to clean up
// keeps Run waiting until it has returned.
func TestWaitsForEveryTask(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		errFirst := errors.New("task 0 failed at 1s")
		s := &stopper{clock: newClock(), cleanup: 500 * time.Millisecond}
		err, took := run(t, context.Background(), failAt(time.Second, errFirst), s.task)
		s.mu.Lock()
		returned := s.returned
		s.mu.Unlock()
		require.ErrorIs(t, err, errFirst, "Run must return the first error")
		require.True(t, returned,
			"Run returned at %v, while task 1 was still cleaning up after the cancellation. Run must return only\n"+
				"after every task has returned (sync.WaitGroup), not as soon as the first error comes.", took)
		assert.Equal(t, 1500*time.Millisecond, took,
			"task 0 failed at 1s and task 1 took 500ms to stop, so Run should return at 1.5s")
	})
}

// TestCallerCancels: cancelling the caller's ctx reaches the tasks, and Run
// returns the error they return.
func TestCallerCancels(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		c := newClock()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		time.AfterFunc(2*time.Second, cancel)
		tasks := []*stopper{{clock: c}, {clock: c}}
		err, took := run(t, ctx, tasks[0].task, tasks[1].task)
		for i, s := range tasks {
			at, saw, _ := s.seen()
			require.True(t, saw,
				"the caller cancelled ctx at 2s, but task %d never saw its context cancelled. The tasks' context\n"+
					"must be derived from the ctx Run got (context.WithCancel(ctx)), not from context.Background().", i)
			assert.Equal(t, 2*time.Second, at, "the caller cancelled ctx at 2s")
		}
		assert.ErrorIs(t, err, context.Canceled, "the tasks returned context.Canceled, so Run must return it")
		assert.Equal(t, 2*time.Second, took, "the tasks stopped at 2s, so Run should return at 2s")
	})
}

// TestManyErrorsAtOnce: many tasks fail at the same instant; Run returns one
// of their errors, never the cancellation.
func TestManyErrorsAtOnce(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		const n = 40
		errs := make([]error, n)
		var tasks []firsterror.Task
		c := newClock()
		for i := range errs {
			errs[i] = fmt.Errorf("task %d failed", i)
			tasks = append(tasks, failAt(time.Second, errs[i]))
			s := &stopper{clock: c}
			tasks = append(tasks, s.task)
		}
		err, took := run(t, context.Background(), tasks...)
		require.Error(t, err, "%d tasks failed, so Run must return an error", n)
		found := false
		for _, e := range errs {
			found = found || errors.Is(err, e)
		}
		require.True(t, found,
			"%d tasks failed at the same moment and Run returned %q, which is none of their errors.\n"+
				"Return the error of the first task that failed (any of them here), not a later context.Canceled.", n, err)
		assert.Equal(t, time.Second, took, "every task stops at 1s, so Run should return at 1s")
	})
}

// TestNoGoroutineLeft: after Run returns, no goroutine of Run is left
// (real time).
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	boom := errors.New("boom")
	wait := func(ctx context.Context) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Second):
			return nil
		}
	}
	err := firsterror.Run(context.Background(), wait, func(ctx context.Context) error { return boom }, wait, wait)
	require.ErrorIs(t, err, boom, "Run must return the first error")
	check.NoLeaks(t)
	require.NoError(t, firsterror.Run(context.Background(),
		func(context.Context) error { return nil }, func(context.Context) error { return nil }))
	check.NoLeaks(t)
}
