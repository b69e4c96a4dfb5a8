//go:build gclhidden

package cancelworkers_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cancelworkers "github.com/go-concurrency-lab/course/exercises/24-cancel-workers"
	"github.com/go-concurrency-lab/course/grader/check"
)

// advice is what a test that ends in a deadlock tells the student.
const advice = "Does every worker wait for a job and for ctx.Done() in the same select, and does Run wait for\n" +
	"its workers (sync.WaitGroup) and nothing else?"

// recorder is the handle function the tests give Run. Each call enters a
// check.Hold, which counts the calls in flight and holds each one until the
// test lets it through (or ctx ends); a call let through then takes work
// (fake time) unless ctx ends first; after ctx ended it takes cleanup more.
// It records the jobs, and the jobs started after the test cancelled ctx.
type recorder struct {
	hold          *check.Hold
	work, cleanup time.Duration

	mu        sync.Mutex
	handled   map[int]int
	callers   map[int]bool // the goroutines that called handle, by id
	cancelled bool         // set by the test just before it cancels ctx
	late      int          // jobs started after that
}

// newRecorder returns a recorder whose hold is closed: the test opens it
// when the calls may go on.
func newRecorder(work, cleanup time.Duration) *recorder {
	return &recorder{hold: check.NewHold(), work: work, cleanup: cleanup, handled: map[int]int{}, callers: map[int]bool{}}
}

func (r *recorder) handle(ctx context.Context, job int) {
	r.mu.Lock()
	r.handled[job]++
	r.callers[check.GoroutineID()] = true
	if r.cancelled {
		r.late++
	}
	r.mu.Unlock()
	leave, err := r.hold.Enter(ctx)
	defer leave()
	if err == nil {
		select {
		case <-time.After(r.work):
			return
		case <-ctx.Done():
		}
	}
	time.Sleep(r.cleanup)
}

func (r *recorder) cancel(cancel context.CancelFunc) {
	r.mu.Lock()
	r.cancelled = true
	r.mu.Unlock()
	cancel()
}

func (r *recorder) lateJobs() (late, handled int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.late, len(r.handled)
}

// result is what Run returned, and when, measured from its start.
type result struct {
	err error
	at  time.Duration
}

// start runs Run in a goroutine; the channel gets its result.
func start(ctx context.Context, workers int, jobs <-chan int, r *recorder) <-chan result {
	begin := time.Now()
	done := make(chan result, 1)
	go func() {
		err := cancelworkers.Run(ctx, workers, jobs, r.handle)
		done <- result{err, time.Since(begin)}
	}()
	return done
}

// returned reports whether Run has returned already, or within patience if
// patience is not zero, and checks that no worker is left then: Run
// promises that every worker has returned when it returns.
func returned(t *testing.T, done <-chan result, patience time.Duration) (result, bool) {
	t.Helper()
	var res result
	if patience == 0 {
		select {
		case res = <-done:
		default:
			return result{}, false
		}
	} else {
		select {
		case res = <-done:
		case <-time.After(patience):
			return result{}, false
		}
	}
	check.Settled(t, "Run returned")
	return res, true
}

// queue returns a channel holding jobs 0 to n-1, closed if closed.
func queue(n int, closed bool) chan int {
	jobs := make(chan int, n)
	for i := range n {
		jobs <- i
	}
	if closed {
		close(jobs)
	}
	return jobs
}

// TestHandlesEveryJob: 20 jobs of 1s, 4 workers: every job once, 4 at a
// time, done at 5s, and Run returns nil.
func TestHandlesEveryJob(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		r := newRecorder(time.Second, 0)
		r.hold.Open()
		res, ok := returned(t, start(context.Background(), 4, queue(20, true), r), time.Hour)
		require.True(t, ok, "Run did not return, although the jobs channel was closed and every job takes 1s.\n"+
			"A worker must return when the jobs channel is closed and empty (job, ok := <-jobs; !ok).")
		require.NoError(t, res.err, "the jobs ran out and ctx was never cancelled, so Run must return nil")
		r.mu.Lock()
		defer r.mu.Unlock()
		for i := range 20 {
			require.Equal(t, 1, r.handled[i], "job %d was handled %d times; every job must be handled once", i, r.handled[i])
		}
		require.Equal(t, 4, r.hold.Peak(),
			"%d jobs ran at the same time; with 4 workers, exactly 4 must: start 4 goroutines, each taking one job\n"+
				"at a time (not a goroutine per job, and not one after the other)", r.hold.Peak())
		require.Len(t, r.callers, 4,
			"the 20 jobs were handled in %d different goroutines; with 4 workers, the same 4 goroutines must handle\n"+
				"them all, each taking its next job when it is done with one. A goroutine started for each job (even\n"+
				"with a semaphore that lets only 4 run at once) is not a pool of 4 workers: start the 4 goroutines\n"+
				"once, before the loop, and let each of them loop over the jobs.", len(r.callers))
		assert.Equal(t, 5*time.Second, res.at, "20 jobs of 1s on 4 workers take 5s")
	})
}

// TestFewerThanOneWorker: workers 0 and -2 count as 1: the 3 jobs are
// handled one at a time.
func TestFewerThanOneWorker(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{0, -2} {
		check.InBubble(t, advice, func(t *testing.T) {
			r := newRecorder(time.Second, 0)
			r.hold.Open()
			res, ok := returned(t, start(context.Background(), n, queue(3, true), r), time.Hour)
			require.True(t, ok, "Run(ctx, %d, jobs, handle) did not return, although the jobs channel was closed", n)
			require.NoError(t, res.err, "the jobs ran out and ctx was never cancelled, so Run must return nil")
			_, handled := r.lateJobs()
			require.Equal(t, 3, handled,
				"Run(ctx, %d, jobs, handle) handled %d of the 3 jobs: workers less than 1 counts as 1 (max(workers, 1)),\n"+
					"so one worker handles them all", n, handled)
			assert.Equal(t, 1, r.hold.Peak(), "with workers = %d, one worker: the jobs run one at a time", n)
			r.mu.Lock()
			callers := len(r.callers)
			r.mu.Unlock()
			assert.Equal(t, 1, callers, "with workers = %d, one worker goroutine handles all 3 jobs; they were handled in %d\n"+
				"different goroutines (start the workers once, not a goroutine per job)", n, callers)
			assert.Equal(t, 3*time.Second, res.at, "3 jobs of 1s on 1 worker take 3s")
		})
	}
}

// TestIdleWorkersStopAtOnce: workers with no job to do stop the moment ctx
// is cancelled, and Run returns ctx.Err() at that same instant.
func TestIdleWorkersStopAtOnce(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		jobs := make(chan int) // open and empty: the workers wait
		defer close(jobs)      // frees workers that ignore ctx
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := newRecorder(time.Second, 0)
		done := start(ctx, 4, jobs, r)
		time.Sleep(time.Second)
		r.cancel(cancel)
		synctest.Wait() // every goroutine has run until it blocks again
		res, ok := returned(t, done, 0)
		require.True(t, ok, "ctx was cancelled and the workers had nothing to do, but Run did not return: a worker waiting\n"+
			"for a job did not hear the cancel. Wait for a job and for ctx.Done() in the same select, so that a\n"+
			"waiting worker returns the moment ctx is cancelled.")
		assert.ErrorIs(t, res.err, context.Canceled, "ctx was cancelled, so Run must return ctx.Err()")
		assert.Equal(t, time.Second, res.at, "ctx was cancelled at 1s")
	})
}

// TestDeadline: idle workers stop when ctx's deadline passes, and Run
// returns context.DeadlineExceeded then.
func TestDeadline(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		jobs := make(chan int)
		defer close(jobs)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		res, ok := returned(t, start(ctx, 4, jobs, newRecorder(time.Second, 0)), time.Hour)
		require.True(t, ok, "ctx's deadline passed at 1s, but Run never returned: the workers must stop when ctx ends,\n"+
			"whether it is cancelled or its deadline passes (both close ctx.Done())")
		assert.ErrorIs(t, res.err, context.DeadlineExceeded,
			"ctx's deadline passed, so Run must return ctx.Err(), which is context.DeadlineExceeded here: return\n"+
				"ctx.Err() itself, not an error of your own choosing")
		assert.Equal(t, time.Second, res.at, "ctx's deadline was at 1s")
	})
}

// TestBusyWorkersFinishTheirJob: 8 workers busy when ctx is cancelled stop
// once handle has returned (250ms of cleanup), start no new job, and Run
// returns then.
func TestBusyWorkersFinishTheirJob(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		jobs := queue(100, false)
		defer close(jobs) // frees workers that ignore ctx
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := newRecorder(time.Hour, 250*time.Millisecond)
		begin := time.Now()
		done := start(ctx, 8, jobs, r)
		require.True(t, r.hold.WaitInFlight(8, time.Second),
			"with 100 jobs waiting and 8 workers, 8 jobs must be handled at once; there were %d", r.hold.InFlight())
		time.Sleep(time.Until(begin.Add(time.Second)))
		r.cancel(cancel)
		res, ok := returned(t, done, time.Minute)
		require.True(t, ok, "a minute after ctx was cancelled, Run had not returned. Do the workers watch ctx.Done()?\n"+
			"After the cancel, a worker must not take the next job: it returns.")
		assert.ErrorIs(t, res.err, context.Canceled, "ctx was cancelled, so Run must return ctx.Err()")
		assert.Equal(t, 1250*time.Millisecond, res.at,
			"ctx was cancelled at 1s and each running job took 250ms to stop: Run must return at 1.25s,\n"+
				"after every worker has returned (sync.WaitGroup), and not before")
		late, handled := r.lateJobs()
		assert.Zero(t, late,
			"%d jobs were started after ctx was cancelled. A worker must not start a job once ctx is cancelled.\n"+
				"Careful: when a job and ctx.Done() are both ready, select picks one at random, so after taking a job,\n"+
				"look at ctx.Err() before you handle it.", late)
		assert.Equal(t, 8, handled, "8 workers, so 8 jobs were running when ctx was cancelled")
	})
}

// TestJobAndCancelTogether: a waiting worker receives a job, and ctx is
// cancelled before that worker has had the CPU to start it: it must not
// start it. On one P (check.OneProc) the worker that receives the job does
// not run until the test blocks, after the cancel, every run.
func TestJobAndCancelTogether(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	check.InBubble(t, advice, func(t *testing.T) {
		jobs := make(chan int)
		defer close(jobs)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := newRecorder(time.Second, 0)
		r.hold.Open()
		done := start(ctx, 3, jobs, r)
		synctest.Wait() // the workers wait for a job
		select {
		case jobs <- 7: // handed to a waiting worker, which has not run yet
		default:
			t.Fatal("no worker was waiting for a job: Run must start its workers, and they wait on the jobs channel")
		}
		r.cancel(cancel)
		res, ok := returned(t, done, time.Minute)
		require.True(t, ok, "a minute after ctx was cancelled, Run had not returned")
		assert.ErrorIs(t, res.err, context.Canceled, "ctx was cancelled, so Run must return ctx.Err()")
		late, _ := r.lateJobs()
		assert.Zero(t, late,
			"a worker received a job, ctx was cancelled before that worker went on, and it still started the job.\n"+
				"Once ctx is cancelled no job may start: after receiving a job, look at ctx.Err() before you handle it.")
	})
}

// TestCancelledBeforeStart: with ctx already cancelled, Run handles no job
// and returns ctx.Err() at once.
func TestCancelledBeforeStart(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		jobs := queue(50, false)
		defer close(jobs)
		ctx, cancel := context.WithCancel(context.Background())
		r := newRecorder(time.Second, 0)
		r.cancel(cancel)
		done := start(ctx, 8, jobs, r)
		synctest.Wait()
		res, ok := returned(t, done, 0)
		require.True(t, ok, "ctx was cancelled before Run was called, but Run did not return at once")
		assert.ErrorIs(t, res.err, context.Canceled, "ctx was cancelled, so Run must return ctx.Err()")
		_, handled := r.lateJobs()
		assert.Zero(t, handled,
			"ctx was cancelled before Run was called, yet %d jobs were started. When a job and ctx.Done() are both\n"+
				"ready, select picks one at random: after taking a job, look at ctx.Err() before you handle it.", handled)
	})
}

// TestNoGoroutineLeft: after Run returns, no worker is left (real time).
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	jobs := queue(2, false) // two jobs, then the workers wait for more
	defer close(jobs)
	ctx, cancel := context.WithCancel(context.Background())
	handled := make(chan int, 2)
	done := make(chan error, 1)
	go func() { done <- cancelworkers.Run(ctx, 4, jobs, func(_ context.Context, job int) { handled <- job }) }()
	for range 2 {
		select {
		case <-handled:
		case <-time.After(2 * time.Second):
			t.Fatal("Run did not handle the 2 jobs in the channel within 2 seconds")
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatalf("Run did not return within 2 seconds after ctx was cancelled\n%s", check.TimeMarker)
	}
	check.NoLeaks(t)
	jobs2 := queue(10, true)
	require.NoError(t, cancelworkers.Run(context.Background(), 3, jobs2, func(context.Context, int) {}))
	check.NoLeaks(t)
}
