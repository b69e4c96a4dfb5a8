//go:build gclhidden

package gracefulshutdown_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	gs "github.com/go-concurrency-lab/course/exercises/26-graceful-shutdown"
	"github.com/go-concurrency-lab/course/grader/check"
)

// stamp records when something happened, in fake time since the start of
// the test; it is safe for concurrent use.
type stamp struct {
	mu    sync.Mutex
	start time.Time
	at    time.Duration
	set   bool
}

func newStamp() *stamp { return &stamp{start: time.Now()} }

func (s *stamp) mark() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.set {
		s.at, s.set = time.Since(s.start), true
	}
}

func (s *stamp) get() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.at, s.set
}

// shutdown calls Shutdown in a goroutine and waits for it at most limit
// (fake time), so that a Shutdown that never returns fails the test instead
// of hanging it.
//
//lint:ignore ST1008 err first: it is Shutdown's result, took and ok say how the wait went
func shutdown(s *gs.Server, ctx context.Context, limit time.Duration) (err error, took time.Duration, ok bool) {
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- s.Shutdown(ctx) }()
	select {
	case err := <-done:
		return err, time.Since(start), true
	case <-time.After(limit):
		return nil, limit, false
	}
}

// advice is what a test says when the server is left blocked at its end.
const advice = "When the shutdown is over, every goroutine of the server must have ended: the one that watches\n" +
	"the stop signal too (select on stop.Done() and on the shutdown's own beginning), and every timer\n" +
	"goroutine (use a time.Timer in a select, and Stop it)."

// settle ends a synctest test: it frees the jobs that wait on release and
// lets fake time run until every job and timer is over. A bubble must end
// with no goroutine left, or the whole test binary stops; this way a wrong
// answer fails its test and the other tests still run.
func settle(release chan struct{}) {
	close(release)
	time.Sleep(time.Hour)
}

// TestNoGoroutineLeft: once Shutdown has returned, nothing of the server is
// still running, whether the stop signal ever came or not: checked at that
// moment (check.Settled, no retries: a goroutine that sleeps out the grace
// period is caught).
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		s := gs.New(context.Background(), time.Hour)
		for range 5 {
			require.NoError(t, s.Submit(func(ctx context.Context) {}), "Submit before the shutdown must accept the job")
		}
		require.NoError(t, s.Shutdown(context.Background()),
			"jobs that return at once all finish within the grace period, so Shutdown should return nil")
		check.Settled(t, "Shutdown returned (the stop context was never cancelled)")

		stop, cancel := context.WithCancel(context.Background())
		defer cancel()
		s = gs.New(stop, time.Hour)
		require.NoError(t, s.Submit(func(ctx context.Context) { time.Sleep(time.Second) }))
		cancel()
		require.NoError(t, s.Shutdown(context.Background()),
			"after the stop signal, Shutdown should wait for the shutdown and return its result: nil here")
		check.Settled(t, "Shutdown returned (after the stop signal)")
	})
}

// TestShutdownWaitsForRunningJobs: Shutdown returns when the last running
// job has finished on its own: not before, and not later.
func TestShutdownWaitsForRunningJobs(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		release := make(chan struct{}) // frees the jobs if the server never does
		defer settle(release)
		stop, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := gs.New(stop, 10*time.Second)
		var finished, cancelled atomic.Int32
		for _, d := range []time.Duration{time.Second, 2 * time.Second, 3 * time.Second} {
			require.NoError(t, s.Submit(func(ctx context.Context) {
				select {
				case <-time.After(d):
					finished.Add(1)
				case <-ctx.Done():
					cancelled.Add(1)
				}
			}), "Submit before the shutdown must accept the job")
		}
		time.Sleep(500 * time.Millisecond)
		err, took, ok := shutdown(s, context.Background(), time.Minute)
		require.True(t, ok, "Shutdown had not returned a minute after it was called, although every job finishes within 3s.")
		require.NoError(t, err, "all jobs finished within the 10s grace period, so Shutdown should return nil")
		assert.Zero(t, cancelled.Load(),
			"a job's context was cancelled although the 10s grace period was not over:\n"+
				"a graceful shutdown lets running jobs finish; cancel them only when the grace period ends")
		assert.EqualValues(t, 3, finished.Load(),
			"Shutdown returned while jobs were still running: it must wait until every job has returned")
		assert.Equal(t, 2500*time.Millisecond, took,
			"the last job finished 2.5s after Shutdown was called, so that is when Shutdown should return")
		check.Settled(t, "Shutdown returned")
	})
}

// TestRefusesNewWork: once the shutdown has begun, Submit returns
// ErrShuttingDown and does not run the job.
func TestRefusesNewWork(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		release := make(chan struct{}) // frees the jobs if the server never does
		defer settle(release)
		stop, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := gs.New(stop, time.Minute)
		require.NoError(t, s.Submit(func(ctx context.Context) {
			select {
			case <-time.After(10 * time.Second):
			case <-ctx.Done():
			}
		}))
		result := make(chan error, 1)
		go func() { result <- s.Shutdown(context.Background()) }()
		synctest.Wait() // the shutdown has begun; a job is still running
		var ran atomic.Bool
		err := s.Submit(func(ctx context.Context) { ran.Store(true) })
		assert.ErrorIs(t, err, gs.ErrShuttingDown,
			"Submit during the shutdown must refuse the job with ErrShuttingDown")
		select {
		case err := <-result:
			assert.NoError(t, err)
		case <-time.After(2 * time.Minute):
			t.Fatal("Shutdown did not return, although the running job finished after 10s")
		}
		err = s.Submit(func(ctx context.Context) { ran.Store(true) })
		assert.ErrorIs(t, err, gs.ErrShuttingDown,
			"Submit after the shutdown must refuse the job with ErrShuttingDown")
		synctest.Wait()
		assert.False(t, ran.Load(), "a job submitted after the shutdown began was run")
	})
}

// TestForceStopAfterGracePeriod: a job still running when the grace period
// ends has its context cancelled at exactly that moment, and Shutdown waits
// for it to return, then reports ErrForced.
func TestForceStopAfterGracePeriod(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		release := make(chan struct{}) // frees the jobs if the server never does
		defer settle(release)
		stop, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := gs.New(stop, 5*time.Second)
		cancelledAt, returnedAt := newStamp(), newStamp()
		require.NoError(t, s.Submit(func(ctx context.Context) {
			defer returnedAt.mark()
			select {
			case <-ctx.Done():
				cancelledAt.mark()
				time.Sleep(250 * time.Millisecond) // cleaning up
			case <-release:
			}
		}))
		time.Sleep(time.Second)
		err, _, ok := shutdown(s, context.Background(), time.Minute)
		require.True(t, ok, "Shutdown had not returned a minute after it was called. The job runs until its context\n"+
			"is cancelled: when the 5s grace period is over, cancel the jobs' context (force stop).")
		assert.ErrorIs(t, err, gs.ErrForced, "a job had to be cancelled, so Shutdown should return ErrForced")
		at, ok := cancelledAt.get()
		require.True(t, ok, "the job's context was never cancelled")
		assert.Equal(t, 6*time.Second, at,
			"the shutdown began at 1s and the grace period is 5s: the job's context must be cancelled at 6s exactly")
		at, ok = returnedAt.get()
		require.True(t, ok, "Shutdown returned before the cancelled job did: it must wait for jobs to return, even cancelled ones")
		assert.Equal(t, 6250*time.Millisecond, at)
		check.Settled(t, "Shutdown returned")
	})
}

// TestStopSignalFromContext: cancelling the stop context begins the
// shutdown just as Shutdown does.
func TestStopSignalFromContext(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		release := make(chan struct{}) // frees the jobs if the server never does
		defer settle(release)
		stop, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := gs.New(stop, 2*time.Second)
		cancelledAt := newStamp()
		require.NoError(t, s.Submit(func(ctx context.Context) {
			select {
			case <-ctx.Done():
				cancelledAt.mark()
			case <-release:
			}
		}))
		time.Sleep(time.Second)
		cancel() // the stop signal, at 1s
		synctest.Wait()
		assert.ErrorIs(t, s.Submit(func(ctx context.Context) {}), gs.ErrShuttingDown,
			"after the stop context was cancelled, Submit must refuse new jobs: the shutdown has begun")
		time.Sleep(10 * time.Second)
		at, ok := cancelledAt.get()
		require.True(t, ok, "the stop context was cancelled at 1s and the grace period is 2s, but the job's context\n"+
			"was still not cancelled 10s later. Watch the stop context: when it is done, begin the shutdown.")
		assert.Equal(t, 3*time.Second, at, "the job's context must be cancelled at 3s: the stop signal at 1s plus the 2s grace period")
		err, took, ok := shutdown(s, context.Background(), time.Minute)
		require.True(t, ok, "Shutdown after a finished shutdown must return at once")
		assert.ErrorIs(t, err, gs.ErrForced, "Shutdown after the shutdown should report how it went: ErrForced here")
		assert.Zero(t, took, "the shutdown had already ended, so Shutdown should return at once")
	})
}

// TestShutdownGivesUpWithItsContext: Shutdown stops waiting when its ctx is
// done, but the shutdown itself goes on, with its own grace period.
func TestShutdownGivesUpWithItsContext(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		release := make(chan struct{}) // frees the jobs if the server never does
		defer settle(release)
		stop, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := gs.New(stop, 10*time.Second)
		cancelledAt := newStamp()
		require.NoError(t, s.Submit(func(ctx context.Context) {
			select {
			case <-ctx.Done():
				cancelledAt.mark()
			case <-release:
			}
		}))
		ctx, stopWaiting := context.WithTimeout(context.Background(), time.Second)
		defer stopWaiting()
		err, took, ok := shutdown(s, ctx, time.Minute)
		require.True(t, ok, "Shutdown did not return although its context ended after 1s")
		assert.ErrorIs(t, err, context.DeadlineExceeded, "Shutdown's context ended first, so Shutdown should return ctx.Err()")
		assert.Equal(t, time.Second, took, "Shutdown should give up waiting as soon as its context is done")
		err, _, ok = shutdown(s, context.Background(), time.Minute)
		require.True(t, ok, "the second Shutdown did not return within a minute")
		assert.ErrorIs(t, err, gs.ErrForced)
		at, ok := cancelledAt.get()
		require.True(t, ok, "the job's context was never cancelled")
		assert.Equal(t, 10*time.Second, at,
			"the grace period counts from the beginning of the shutdown (0s), whoever waits for it: cancel at 10s")
	})
}

// TestShutdownManyTimes: several callers and the stop signal may all ask for
// the shutdown at once; each gets the result.
func TestShutdownManyTimes(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		release := make(chan struct{}) // frees the jobs if the server never does
		defer settle(release)
		stop, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := gs.New(stop, time.Minute)
		require.NoError(t, s.Submit(func(ctx context.Context) { time.Sleep(time.Second) }))
		errs := make(chan error, 4)
		for range 4 {
			go func() { errs <- s.Shutdown(context.Background()) }()
		}
		cancel()
		for range 4 {
			select {
			case err := <-errs:
				assert.NoError(t, err, "every caller of Shutdown should get the result of the one shutdown")
			case <-time.After(time.Minute):
				t.Fatal("a Shutdown did not return: when several callers ask for the shutdown, it must happen once,\n" +
					"and every one of them must be told when it is over")
			}
		}
	})
}

// TestShutdownWithEndedContext: a Shutdown whose ctx has already ended
// returns ctx.Err() at once, but the shutdown begins all the same.
func TestShutdownWithEndedContext(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		release := make(chan struct{}) // frees the jobs if the server never does
		defer settle(release)
		s := gs.New(context.Background(), 2*time.Second)
		cancelledAt := newStamp()
		require.NoError(t, s.Submit(func(ctx context.Context) {
			select {
			case <-ctx.Done():
				cancelledAt.mark()
			case <-release:
			}
		}))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err, took, ok := shutdown(s, ctx, time.Minute)
		require.True(t, ok, "Shutdown with a ctx that has already ended must return at once")
		assert.ErrorIs(t, err, context.Canceled, "Shutdown's ctx had already ended: it returns ctx.Err()")
		assert.Zero(t, took, "Shutdown's ctx had already ended: it returns at once")
		assert.ErrorIs(t, s.Submit(func(ctx context.Context) {}), gs.ErrShuttingDown,
			"Shutdown was called (with a ctx that had already ended): the shutdown has begun all the same,\n"+
				"so Submit must refuse new jobs. Begin the shutdown first, then wait (or not) with ctx.")
		time.Sleep(5 * time.Second)
		at, ok := cancelledAt.get()
		require.True(t, ok, "the shutdown began at 0s with a 2s grace period, but the job was never cancelled")
		assert.Equal(t, 2*time.Second, at, "the shutdown began at 0s and the grace period is 2s")
		err, _, ok = shutdown(s, context.Background(), time.Minute)
		require.True(t, ok)
		assert.ErrorIs(t, err, gs.ErrForced)
		check.Settled(t, "Shutdown returned")
	})
}

// TestZeroGrace: with a grace period of zero (or less), jobs still running
// when the shutdown begins are cancelled at once.
func TestZeroGrace(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		for _, grace := range []time.Duration{0, -time.Second} {
			release := make(chan struct{}) // frees the jobs if the server never does
			s := gs.New(context.Background(), grace)
			cancelledAt := newStamp()
			require.NoError(t, s.Submit(func(ctx context.Context) {
				select {
				case <-ctx.Done():
					cancelledAt.mark()
				case <-release:
				}
			}))
			time.Sleep(time.Second)
			err, took, ok := shutdown(s, context.Background(), time.Minute)
			close(release)
			require.True(t, ok, "with a grace period of %v, Shutdown must cancel the running job at once and return", grace)
			assert.ErrorIs(t, err, gs.ErrForced, "the job had to be cancelled: ErrForced")
			assert.Zero(t, took, "a grace period of %v means no grace: cancel at once", grace)
			at, ok := cancelledAt.get()
			assert.True(t, ok && at == time.Second, "with a grace period of %v, the job must be cancelled when the shutdown begins (1s), not at %v", grace, at)
			check.Settled(t, "Shutdown returned")
		}
	})
}

// TestSubmitThenShutdownAtOnce: a job that Submit accepted counts, even if
// Shutdown is called before the job's goroutine got to run. On one core
// (GOMAXPROCS 1 for this test) the job's goroutine has not run yet when
// Shutdown is called: a server that counts the job only from inside its
// goroutine misses it. Without the race detector that happens every time;
// with it (it shuffles the order in which goroutines run) in about 1 try in
// 3 (measured, mutant add-in-goroutine): 60 tries miss it once in 10^9.
func TestSubmitThenShutdownAtOnce(t *testing.T) {
	check.Seal(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	check.InBubble(t, advice, func(t *testing.T) {
		for range 60 {
			s := gs.New(context.Background(), time.Minute)
			var finished atomic.Bool
			require.NoError(t, s.Submit(func(ctx context.Context) {
				time.Sleep(time.Second)
				finished.Store(true)
			}))
			err, took, ok := shutdown(s, context.Background(), time.Hour)
			require.True(t, ok, "Shutdown did not return, although the only job takes 1s")
			require.NoError(t, err)
			require.True(t, finished.Load(), "Shutdown returned after %v, before the job Submit had accepted had finished. Count\n"+
				"the job in Submit itself (wg.Add(1) before the go statement, under the lock), not in its goroutine.", took)
			if !check.Settled(t, "Shutdown returned") {
				return
			}
		}
	})
}

// TestShutdownWhileJobsArrive: jobs keep arriving, one every 100ms, while
// three are running; the shutdown begins at 1s. Every job accepted before
// it runs to its end and Shutdown waits for it; every later one is refused
// and never runs.
func TestShutdownWhileJobsArrive(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		s := gs.New(context.Background(), time.Minute)
		held := check.NewHold()
		var accepted, refused, ran atomic.Int32
		job := func(ctx context.Context) {
			ran.Add(1)
			leave, _ := held.Enter(ctx)
			defer leave()
		}
		for range 3 {
			require.NoError(t, s.Submit(job))
			accepted.Add(1)
		}
		stopSubmitting := make(chan struct{})
		submitted := make(chan struct{})
		go func() {
			defer close(submitted)
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-tick.C:
					if s.Submit(job) == nil {
						accepted.Add(1)
					} else {
						refused.Add(1)
					}
				case <-stopSubmitting:
					return
				}
			}
		}()
		time.Sleep(time.Second - time.Millisecond)
		result := make(chan error, 1)
		go func() { result <- s.Shutdown(context.Background()) }()
		time.Sleep(time.Second) // ten more jobs arrive during the shutdown
		close(stopSubmitting)
		<-submitted
		synctest.Wait()
		assert.EqualValues(t, 12, accepted.Load(), "the 3 first jobs and the 9 that came before the shutdown began at 1s should be accepted")
		assert.EqualValues(t, 10, refused.Load(), "the 10 jobs that came during the shutdown should be refused")
		assert.Equal(t, accepted.Load(), ran.Load(), "every accepted job should run, and no refused one")
		select {
		case err := <-result:
			t.Fatalf("Shutdown returned (%v) while the jobs accepted before it were still running", err)
		default:
		}
		held.Open()
		select {
		case err := <-result:
			assert.NoError(t, err, "every job finished within the grace period")
		case <-time.After(time.Minute):
			t.Fatal("Shutdown did not return after every job had finished")
		}
		assert.EqualValues(t, 0, held.InFlight(), "Shutdown returned while jobs were still running")
		check.Settled(t, "Shutdown returned")
	})
}

// TestSubmitAsTheShutdownBegins: a Submit and the beginning of the
// shutdown at the same moment, from two goroutines. The Submit must come
// wholly before the beginning (accepted, and Shutdown waits for its job)
// or wholly after it (refused, and its job never runs), never halfway.
//
// The test runs on one P with the grader's yield after every Unlock in the
// student's code (check.YieldAtUnlocks). The goroutine that calls Shutdown
// is ready, and the only one, when the test's goroutine calls Submit; it
// runs as soon as Submit lets the P go. In a Submit that checks "closing"
// under one Lock and counts its job under another, that is at the Unlock
// between the two, on every run: the shutdown begins in the gap, and the
// job's jobs.Add from zero then comes with nothing that orders it before
// drain's Wait, which the race detector reports (or after a Wait that
// found no job, and Shutdown returns before the job has run). A correct
// Submit lets the P go only once it has returned. One thing can close the
// gap: once in 61 schedules the scheduler takes from its global queue
// first, and that is where the yield put the Submit; so the test tries 20
// times, each after a different number of schedules (one more Gosched).
func TestSubmitAsTheShutdownBegins(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	check.YieldAtUnlocks(t)
	check.InBubble(t, advice, func(t *testing.T) {
		for round := range 20 {
			s := gs.New(context.Background(), time.Minute)
			begin := make(chan struct{})
			result := make(chan error, 1)
			go func() {
				<-begin
				result <- s.Shutdown(context.Background())
			}()
			synctest.Wait() // it waits for begin; so do the server's goroutines
			for range round {
				runtime.Gosched()
			}
			var ran, finished atomic.Bool
			close(begin) // ready, but it runs only when this goroutine lets the P go
			err := s.Submit(func(ctx context.Context) {
				ran.Store(true)
				time.Sleep(time.Second)
				finished.Store(true)
			})
			var shutErr error
			select {
			case shutErr = <-result:
			case <-time.After(time.Minute):
				t.Fatal("Shutdown did not return within a minute, although the only job takes 1s")
			}
			finishedFirst := finished.Load()
			time.Sleep(2 * time.Second) // a job that Shutdown did not wait for ends before the next round
			require.NoError(t, shutErr, "the only job takes 1s, well within the grace period of a minute")
			switch {
			case err == nil:
				require.True(t, finishedFirst,
					"Submit accepted a job (it returned nil) just as another goroutine began the shutdown, and Shutdown\n"+
						"returned before that job had finished. The shutdown began between Submit's check of closing and\n"+
						"its jobs.Add: check and count under one hold of the lock, the lock that beginning the shutdown\n"+
						"takes to set closing, so that the shutdown begins either before the check or after the count.")
			case errors.Is(err, gs.ErrShuttingDown):
				require.False(t, ran.Load(), "Submit returned ErrShuttingDown, but it ran the job all the same")
			default:
				require.Failf(t, "Submit returned an unexpected error",
					"Submit returned %v: it returns nil (the job is accepted) or ErrShuttingDown", err)
			}
		}
	})
}
