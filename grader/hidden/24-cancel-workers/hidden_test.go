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

// recorder is the handle function the tests give Run. Each job takes work
// (fake time) unless ctx is cancelled first; then it takes cleanup more.
// It records the jobs, how many run at once, and jobs started after the
// test cancelled ctx.
type recorder struct {
	work, cleanup time.Duration

	mu        sync.Mutex
	handled   map[int]int
	inFlight  int
	peak      int
	cancelled bool // set by the test just before it cancels ctx
	late      int  // jobs started after that
}

func newRecorder(work, cleanup time.Duration) *recorder {
	return &recorder{work: work, cleanup: cleanup, handled: map[int]int{}}
}

func (r *recorder) handle(ctx context.Context, job int) {
	r.mu.Lock()
	r.handled[job]++
	if r.cancelled {
		r.late++
	}
	r.inFlight++
	r.peak = max(r.peak, r.inFlight)
	r.mu.Unlock()
	select {
	case <-time.After(r.work):
	case <-ctx.Done():
		time.Sleep(r.cleanup)
	}
	r.mu.Lock()
	r.inFlight--
	r.mu.Unlock()
}

func (r *recorder) cancel(cancel context.CancelFunc) {
	r.mu.Lock()
	r.cancelled = true
	r.mu.Unlock()
	cancel()
}

// start runs Run in a goroutine; the channel gets its error and when it
// returned, measured from start.
type result struct {
	err error
	at  time.Duration
}

func start(ctx context.Context, workers int, jobs <-chan int, r *recorder) <-chan result {
	begin := time.Now()
	done := make(chan result, 1)
	go func() {
		err := cancelworkers.Run(ctx, workers, jobs, r.handle)
		done <- result{err, time.Since(begin)}
	}()
	return done
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
	synctest.Test(t, func(t *testing.T) {
		r := newRecorder(time.Second, 0)
		done := start(context.Background(), 4, queue(20, true), r)
		var res result
		select {
		case res = <-done:
		case <-time.After(time.Hour):
			t.Fatal("Run did not return, although the jobs channel was closed and every job takes 1s.\n" +
				"A worker must return when the jobs channel is closed and empty (job, ok := <-jobs; !ok).")
		}
		require.NoError(t, res.err, "the jobs ran out and ctx was never cancelled, so Run must return nil")
		r.mu.Lock()
		defer r.mu.Unlock()
		for i := range 20 {
			require.Equal(t, 1, r.handled[i], "job %d was handled %d times; every job must be handled once", i, r.handled[i])
		}
		require.Equal(t, 4, r.peak,
			"%d jobs ran at the same time; with 4 workers, exactly 4 must: start 4 goroutines, each taking one job\n"+
				"at a time (not a goroutine per job, and not one after the other)", r.peak)
		assert.Equal(t, 5*time.Second, res.at, "20 jobs of 1s on 4 workers take 5s")
	})
}

// TestIdleWorkersStopAtOnce: workers with no job to do stop the moment ctx
// is cancelled, and Run returns ctx.Err() at that same instant.
func TestIdleWorkersStopAtOnce(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		jobs := make(chan int) // open and empty: the workers wait
		defer close(jobs)      // frees workers that ignore ctx
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := newRecorder(time.Second, 0)
		done := start(ctx, 4, jobs, r)
		time.Sleep(time.Second)
		r.cancel(cancel)
		synctest.Wait() // every goroutine has run until it blocks again
		select {
		case res := <-done:
			assert.ErrorIs(t, res.err, context.Canceled, "ctx was cancelled, so Run must return ctx.Err()")
			assert.Equal(t, time.Second, res.at, "ctx was cancelled at 1s")
		default:
			t.Fatal("ctx was cancelled and the workers had nothing to do, but Run did not return: a worker waiting\n" +
				"for a job did not hear the cancel. Wait for a job and for ctx.Done() in the same select, so that a\n" +
				"waiting worker returns the moment ctx is cancelled.")
		}
	})
}

// TestBusyWorkersFinishTheirJob: workers busy when ctx is cancelled stop
// once handle has returned (250ms of cleanup), start no new job, and Run
// returns then.
func TestBusyWorkersFinishTheirJob(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		jobs := queue(100, false)
		defer close(jobs) // frees workers that ignore ctx
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := newRecorder(time.Hour, 250*time.Millisecond)
		done := start(ctx, 8, jobs, r)
		time.Sleep(time.Second)
		r.cancel(cancel)
		select {
		case res := <-done:
			assert.ErrorIs(t, res.err, context.Canceled, "ctx was cancelled, so Run must return ctx.Err()")
			assert.Equal(t, 1250*time.Millisecond, res.at,
				"ctx was cancelled at 1s and each running job took 250ms to stop: Run must return at 1.25s,\n"+
					"after every worker has returned (sync.WaitGroup), and not before")
		case <-time.After(time.Minute):
			t.Error("a minute after ctx was cancelled, Run had not returned. Do the workers watch ctx.Done()?\n" +
				"After the cancel, a worker must not take the next job: it returns.")
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		assert.Zero(t, r.late,
			"%d jobs were started after ctx was cancelled. A worker must not start a job once ctx is cancelled.\n"+
				"Careful: when a job and ctx.Done() are both ready, select picks one at random, so after taking a job,\n"+
				"look at ctx.Err() before you handle it.", r.late)
		assert.Equal(t, 8, len(r.handled), "8 workers, so 8 jobs were running when ctx was cancelled")
	})
}

// TestCancelledBeforeStart: with ctx already cancelled, Run handles no job
// and returns ctx.Err() at once.
func TestCancelledBeforeStart(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
		jobs := queue(50, false)
		defer close(jobs)
		ctx, cancel := context.WithCancel(context.Background())
		r := newRecorder(time.Second, 0)
		r.cancel(cancel)
		done := start(ctx, 8, jobs, r)
		synctest.Wait()
		select {
		case res := <-done:
			assert.ErrorIs(t, res.err, context.Canceled, "ctx was cancelled, so Run must return ctx.Err()")
		default:
			t.Fatal("ctx was cancelled before Run was called, but Run did not return at once")
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		assert.Zero(t, len(r.handled),
			"ctx was cancelled before Run was called, yet %d jobs were started. When a job and ctx.Done() are both\n"+
				"ready, select picks one at random: after taking a job, look at ctx.Err() before you handle it.", len(r.handled))
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
