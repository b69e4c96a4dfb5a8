//go:build gclhidden

package firsterror_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
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
	deadline time.Time // the deadline of the context the task got, if any
	returned bool
}

func (s *stopper) task(ctx context.Context) error {
	defer func() {
		s.mu.Lock()
		s.returned = true
		s.mu.Unlock()
	}()
	s.mu.Lock()
	s.deadline, _ = ctx.Deadline()
	s.mu.Unlock()
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

// advice is what a test that ends in a deadlock tells the student.
const advice = "Does Run wait for something that never comes: more results than there are tasks, or a goroutine\n" +
	"that is never started? Or does a task wait for a cancel that Run never makes?"

// run calls Run in a goroutine and waits for it at most twice `never`, so
// that a Run that does not return fails the test instead of hanging it. It
// returns Run's error and when Run returned.
//
//lint:ignore ST1008 Run's error first: it is the result the tests read
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
		// Run promises that every task has returned: none of its
		// goroutines may still be there, not even one that is about to end.
		check.Settled(t, "Run returned")
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
	check.InBubble(t, advice, func(t *testing.T) {
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
	check.InBubble(t, advice, func(t *testing.T) {
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
	check.InBubble(t, advice, func(t *testing.T) {
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
	check.InBubble(t, advice, func(t *testing.T) {
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
	check.InBubble(t, advice, func(t *testing.T) {
		const n = 40
		errs := make([]error, n)
		var tasks []firsterror.Task
		c := newClock()
		// One close wakes every failing task at 1s: nothing orders them
		// after that, so two that keep "the first error" without
		// synchronisation are a data race the race detector sees, every
		// run. (Woken by separate timers, they can be ordered by the
		// bubble's clock, and the race goes unseen.)
		gate := make(chan struct{})
		time.AfterFunc(time.Second, func() { close(gate) })
		for i := range errs {
			errs[i] = fmt.Errorf("task %d failed", i)
			tasks = append(tasks, func(context.Context) error {
				<-gate
				return errs[i]
			})
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

// okAt is a task that succeeds after d.
func okAt(d time.Duration) firsterror.Task {
	return func(ctx context.Context) error {
		time.Sleep(d)
		return nil
	}
}

// TestSuccessCancelsNothing: a task that succeeds at 1s cancels nothing;
// the first error, at 2s, cancels the rest, and Run returns it.
func TestSuccessCancelsNothing(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		errLate := errors.New("task 2 failed at 2s")
		s := &stopper{clock: newClock()}
		err, took := run(t, context.Background(), okAt(time.Second), s.task, failAt(2*time.Second, errLate))
		at, saw, _ := s.seen()
		require.True(t, saw, "task 2 failed at 2s, but task 1 never saw its context cancelled")
		require.Equal(t, 2*time.Second, at,
			"task 0 returned nil at 1s and task 2 failed at 2s, yet task 1's context was cancelled at %v.\n"+
				"Only an error cancels the others: a task that succeeds must leave them alone (cancel only when\n"+
				"err != nil).", at)
		require.ErrorIs(t, err, errLate,
			"task 0 succeeded at 1s, and task 2 failed at 2s: the first error is task 2's, and Run must return it.\n"+
				"Got: %v. A nil from a task that succeeds is not an error: do not let it take the place of the first error.", err)
		assert.Equal(t, 2*time.Second, took, "every task has returned at 2s, so Run should return at 2s")
	})
}

// ownError is the error a task returns when its context ends: its own,
// which wraps the context's error.
func ownError(i int, ctx context.Context) error {
	return fmt.Errorf("task %d stopped: %w", i, ctx.Err())
}

// isOneOf reports whether err is one of errs.
func isOneOf(err error, errs []error) bool {
	for _, e := range errs {
		if err != nil && err == e {
			return true
		}
	}
	return false
}

// TestReturnsTheTasksOwnError: the caller cancels ctx with a cause; the
// tasks return errors of their own, and Run returns one of those, not the
// cause nor ctx.Err().
func TestReturnsTheTasksOwnError(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		cause := errors.New("the caller gave up")
		ctx, cancel := context.WithCancelCause(context.Background())
		defer cancel(nil)
		time.AfterFunc(time.Second, func() { cancel(cause) })
		var mu sync.Mutex
		var returned []error
		tasks := make([]firsterror.Task, 3)
		for i := range tasks {
			tasks[i] = func(ctx context.Context) error {
				<-ctx.Done()
				err := ownError(i, ctx)
				mu.Lock()
				returned = append(returned, err)
				mu.Unlock()
				return err
			}
		}
		err, _ := run(t, ctx, tasks...)
		mu.Lock()
		defer mu.Unlock()
		require.True(t, isOneOf(err, returned),
			"the caller cancelled ctx, and each task then returned an error of its own (%q ...).\n"+
				"Run returned %q instead: it must return the error the first failing task returned, as it is,\n"+
				"not ctx.Err() and not context.Cause(ctx).", returned[0], err)
	})
}

// TestCallerDeadline: the caller's deadline reaches the tasks: their
// context has it, and ends with context.DeadlineExceeded when it passes.
func TestCallerDeadline(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		c := newClock()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		want, _ := ctx.Deadline()
		tasks := []*stopper{{clock: c}, {clock: c}}
		err, took := run(t, ctx, tasks[0].task, tasks[1].task)
		for i, s := range tasks {
			at, saw, ctxErr := s.seen()
			require.True(t, saw,
				"the caller's ctx had a deadline at 2s, but task %d never saw its context end. The tasks' context\n"+
					"must be derived from the ctx Run got (context.WithCancel(ctx)).", i)
			assert.Equal(t, 2*time.Second, at, "the caller's deadline was at 2s")
			assert.ErrorIs(t, ctxErr, context.DeadlineExceeded,
				"the caller's deadline passed, so the tasks' context must end with context.DeadlineExceeded, not %v:\n"+
					"derive it from ctx (context.WithCancel(ctx)) rather than cancel it yourself when ctx ends", ctxErr)
			s.mu.Lock()
			assert.Equal(t, want, s.deadline, "the tasks' context must carry the caller's deadline (ctx.Deadline())")
			s.mu.Unlock()
		}
		assert.ErrorIs(t, err, context.DeadlineExceeded, "the tasks returned context.DeadlineExceeded, so Run must return it")
		assert.Equal(t, 2*time.Second, took, "the tasks stopped at 2s, so Run should return at 2s")
	})
}

// TestAlreadyCancelled: with ctx cancelled before Run is called, every
// task still runs once, finds its context ended, and Run returns the error
// one of them returned.
func TestAlreadyCancelled(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var mu sync.Mutex
		var returned []error
		ran := make([]int, 3)
		tasks := make([]firsterror.Task, len(ran))
		for i := range tasks {
			tasks[i] = func(ctx context.Context) error {
				mu.Lock()
				defer mu.Unlock()
				ran[i]++
				if ctx.Err() == nil {
					return nil
				}
				err := ownError(i, ctx)
				returned = append(returned, err)
				return err
			}
		}
		err, took := run(t, ctx, tasks...)
		mu.Lock()
		defer mu.Unlock()
		require.Equal(t, []int{1, 1, 1}, ran,
			"ctx was cancelled before Run was called; these are how many times each task ran. Every task must\n"+
				"still run once (it finds its context ended and returns at once): do not skip the tasks.")
		require.Len(t, returned, 3, "ctx was cancelled before Run was called, so every task must find its context ended")
		require.True(t, isOneOf(err, returned),
			"the tasks found their context cancelled and returned errors of their own; Run must return the first\n"+
				"of them, as it is. Got: %v", err)
		assert.Zero(t, took, "every task returns at once, so Run should return at once")
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

// stopHookCtx is a parent context that never ends and has an AfterFunc
// method. context.WithCancel (and WithCancelCause, and context.AfterFunc)
// on such a parent registers with AfterFunc, and the first cancel of the
// derived context calls the stop function it returned, after it has closed
// the derived Done channel: so the test runs code at that moment, in the
// goroutine that cancels, before that goroutine goes on.
type stopHookCtx struct {
	context.Context // Background: no deadline, no values
	done            chan struct{}
	once            sync.Once
	hook            func()
}

func (c *stopHookCtx) Done() <-chan struct{} { return c.done }
func (c *stopHookCtx) Err() error            { return nil }

func (c *stopHookCtx) AfterFunc(func()) (stop func() bool) {
	return func() bool {
		c.once.Do(c.hook)
		return true
	}
}

// goroutineAlive reports whether the goroutine numbered id still exists;
// buf holds the stack dump.
func goroutineAlive(buf []byte, id int) bool {
	n := runtime.Stack(buf, true)
	return strings.Contains(string(buf[:n]), fmt.Sprintf("goroutine %d [", id))
}

// TestCancelDoesNotOvertakeTheError: task 0 fails at 1s; task 1 waits for
// its context and returns ctx.Err() at once. At the moment the tasks'
// context is cancelled, in the goroutine that cancels it, the test lets
// task 1's goroutine run to its end before that goroutine goes on (a
// bounded wait: a goroutine that waits for a lock the canceller holds
// does not end, and then the canceller goes on after a while). A Run
// that cancels first and records the error after lets task 1's
// context.Canceled be recorded first, and returns it, every run: record
// the first error, then cancel (sync.Once around both, or under one lock).
func TestCancelDoesNotOvertakeTheError(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		errFirst := errors.New("task 0 failed at 1s")
		var waiterID atomic.Int64
		var waiterReturned atomic.Bool
		ctx := &stopHookCtx{Context: context.Background(), done: make(chan struct{})}
		ctx.hook = func() {
			id := int(waiterID.Load())
			buf := make([]byte, 1<<20)
			for i := 0; i < 200 && (id == 0 || goroutineAlive(buf, id)); i++ {
				runtime.Gosched()
			}
		}
		err, took := run(t, ctx,
			failAt(time.Second, errFirst),
			func(ctx context.Context) error {
				waiterID.Store(int64(check.GoroutineID()))
				defer waiterReturned.Store(true)
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(never):
					return nil
				}
			})
		require.True(t, waiterReturned.Load(), "task 1 waits for its context to be cancelled and returns then; it never returned")
		require.ErrorIs(t, err, errFirst,
			"task 0 failed at 1s, and its error cancelled the tasks' context; task 1 then returned context.Canceled.\n"+
				"Run returned %v instead of task 0's error. The cancel wakes task 1 at once, and its goroutine can run\n"+
				"and record its context.Canceled before task 0's goroutine has recorded the error that caused the\n"+
				"cancel: record the first error, then cancel (in one sync.Once, or under one lock), not the other way\n"+
				"round.", err)
		assert.Equal(t, time.Second, took, "every task returns at 1s, so Run should return at 1s")
	})
}
