//go:build gclhidden

package workerpool_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	workerpool "github.com/go-concurrency-lab/course/exercises/18-worker-pool"
	"github.com/go-concurrency-lab/course/grader/check"
)

// The pool tests run in synctest bubbles (check.InBubble). fn is a
// check.Hold: every job is held until the test lets one through, so the
// test knows exactly how many jobs are running at every step.

// advice is what a test that ends in a deadlock tells the student.
const advice = "Does every worker end once the jobs run out (close the jobs channel), and does Run wait for its\n" +
	"workers (sync.WaitGroup) before it collects the results?"

// jobsFn is the instrumented fn: it records each call, and holds it in a
// check.Hold until the test lets it through or ctx ends.
type jobsFn struct {
	hold *check.Hold

	mu      sync.Mutex
	calls   map[int]int
	callers map[int]bool // the goroutines fn was called on, by number
}

func newJobsFn() *jobsFn {
	return &jobsFn{hold: check.NewHold(), calls: map[int]int{}, callers: map[int]bool{}}
}

func (j *jobsFn) fn(ctx context.Context, job int) (int, error) {
	j.mu.Lock()
	j.calls[job]++
	j.callers[check.GoroutineID()] = true
	j.mu.Unlock()
	leave, err := j.hold.Enter(ctx)
	defer leave()
	if err != nil {
		return 0, err
	}
	return job * 10, nil
}

// goroutines returns on how many different goroutines fn was called.
func (j *jobsFn) goroutines() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.callers)
}

func (j *jobsFn) callsOf() map[int]int {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := make(map[int]int, len(j.calls))
	for k, v := range j.calls {
		c[k] = v
	}
	return c
}

type outcome struct {
	results []workerpool.Result
	err     error
}

// start calls Run in a goroutine.
func start(ctx context.Context, n int, jobs []int, fn func(context.Context, int) (int, error)) <-chan outcome {
	done := make(chan outcome, 1)
	go func() {
		r, err := workerpool.Run(ctx, n, jobs, fn)
		done <- outcome{r, err}
	}()
	return done
}

// finish waits for Run (a fake hour at most) and checks that none of its
// goroutines is left when it has returned.
func finish(t *testing.T, done <-chan outcome) outcome {
	t.Helper()
	select {
	case o := <-done:
		check.Settled(t, "Run returned")
		return o
	case <-time.After(time.Hour):
		t.Fatal("Run did not return, although every job had been let through")
		return outcome{}
	}
}

func jobRange(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

// byJob returns the results sorted by job, and the jobs that have more
// than one result.
func byJob(results []workerpool.Result) ([]workerpool.Result, []int) {
	sorted := slices.Clone(results)
	slices.SortFunc(sorted, func(a, b workerpool.Result) int { return a.Job - b.Job })
	var dup []int
	for i := 1; i < len(sorted); i++ {
		if sorted[i].Job == sorted[i-1].Job {
			dup = append(dup, sorted[i].Job)
		}
	}
	return sorted, dup
}

// reachesN runs 2n jobs on Run(ctx, n, ...) in real time, outside any
// bubble, and reports whether n of them were running at once within
// 500ms (a right answer takes microseconds). This comes first in the tests
// that use fake time: a pool whose workers take turns, say by holding a
// sync.Mutex while a job runs, would stall a synctest bubble (a goroutine
// waiting for a mutex keeps fake time from moving) instead of failing.
func reachesN(t *testing.T, n int) bool {
	t.Helper()
	if probeFailed.Load() {
		t.Errorf("not run: Run never had n jobs running at once (see the first test that failed); fix that first")
		return false
	}
	j := newJobsFn()
	done := start(context.Background(), n, jobRange(2*n), j.fn)
	ok := j.hold.WaitInFlight(n, 500*time.Millisecond)
	peak := j.hold.InFlight()
	j.hold.Open()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		probeFailed.Store(true)
		where := check.Waiting()
		if where == "" {
			where = "  (none of your goroutines is left: Run itself waits for something that never comes)\n"
		}
		t.Errorf("Run(ctx, %d, %d jobs, fn) did not return within 2s of the jobs being let through. Your goroutines wait here:\n%s"+
			"Does Run fill a channel before any worker takes from it, or wait for results nobody sends?", n, 2*n, where)
		return false
	}
	if !ok {
		t.Errorf("Run(ctx, %d, %d jobs, fn), each job waiting for the others: only %d jobs ran at the same time,\n"+
			"never %d. Start n worker goroutines, each taking jobs from one shared channel, and let them all work\n"+
			"at once: a pool of n-1, workers that take turns, or a lock held while a job runs do not use the n\n"+
			"workers you were given.", n, 2*n, peak, n)
		probeFailed.Store(true)
	}
	return ok
}

// probeFailed is set once reachesN failed: the code under test is the same
// in every test, so the later probes fail at once instead of waiting again.
var probeFailed atomic.Bool

// TestRunsEveryJobOnce: every job runs once and has one Result with its
// value; with no failure, the error is nil.
func TestRunsEveryJobOnce(t *testing.T) {
	check.Seal(t)
	if !reachesN(t, 3) {
		return
	}
	check.InBubble(t, advice, func(t *testing.T) {
		jobs := jobRange(12)
		j := newJobsFn()
		j.hold.Open()
		o := finish(t, start(context.Background(), 3, jobs, j.fn))
		calls := j.callsOf()
		assert.NoError(t, o.err, "no job failed, so Run must return a nil error")
		for _, job := range jobs {
			assert.Equal(t, 1, calls[job], "job %d must run exactly once; fn was called %d times for it", job, calls[job])
		}
		assert.Len(t, calls, len(jobs), "fn was called with jobs that were never given to Run")
		sorted, dup := byJob(o.results)
		assert.Empty(t, dup, "these jobs have more than one Result: %v", dup)
		var want []workerpool.Result
		for _, job := range jobs {
			want = append(want, workerpool.Result{Job: job, Value: job * 10})
		}
		assert.Equal(t, want, sorted, "Run must return one Result per job, with the job and the value fn returned for it")
	})
}

// TestKeepsNBusy: while n jobs or more are left, exactly n run at once,
// even when they end at different times: each time one job ends, the
// next one starts. With fewer left, all of them run.
func TestKeepsNBusy(t *testing.T) {
	check.Seal(t)
	for _, tc := range []struct{ n, jobs int }{{2, 6}, {3, 9}, {4, 10}, {5, 3}} {
		if !reachesN(t, tc.n) {
			return
		}
		check.InBubble(t, advice, func(t *testing.T) {
			j := newJobsFn()
			done := start(context.Background(), tc.n, jobRange(tc.jobs), j.fn)
			for ended := 0; ended < tc.jobs; ended++ {
				synctest.Wait() // every worker that can start a job has started it
				want := min(tc.n, tc.jobs-ended)
				if got := j.hold.InFlight(); got != want {
					what := "fewer"
					if got > want {
						what = "more"
					}
					t.Fatalf("Run(ctx, %d, %d jobs, fn): %d jobs had ended (one at a time, the others still running), and\n"+
						"then %d jobs were running, %s than %d. A pool keeps its n workers busy: each worker takes the next\n"+
						"job as soon as it is done with one, without waiting for the others (not in batches of n), and there\n"+
						"are exactly n workers (not a goroutine per job, not a pool one short).", tc.n, tc.jobs, ended, got, what, want)
				}
				j.hold.Release(1) // one job ends, the others go on
			}
			o := finish(t, done)
			assert.Len(t, o.results, tc.jobs, "Run(ctx, %d, %d jobs, fn) must return one Result per job", tc.n, tc.jobs)
			if g := j.goroutines(); g > tc.n {
				t.Errorf("Run(ctx, %d, %d jobs, fn): fn was called on %d different goroutines, more than the %d workers.\n"+
					"A pool is n goroutines started once, each running jobs one after the other in a loop\n"+
					"(for job := range jobs { ... }): not a goroutine per job, even with a semaphore that keeps n of\n"+
					"them inside fn at a time; that starts as many goroutines as there are jobs.", tc.n, tc.jobs, g, tc.n)
			}
		})
	}
}

// TestFewerThanOneWorker: n less than 1 counts as 1: the jobs run one at a
// time.
func TestFewerThanOneWorker(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{0, -1} {
		check.InBubble(t, advice, func(t *testing.T) {
			j := newJobsFn()
			done := start(context.Background(), n, jobRange(3), j.fn)
			synctest.Wait()
			running := j.hold.InFlight()
			j.hold.Open()
			o := finish(t, done)
			assert.Equal(t, 1, running, "Run(ctx, %d, 3 jobs, fn): n less than 1 counts as 1, so one job runs at a time;\n"+
				"%d ran at once", n, running)
			sorted, _ := byJob(o.results)
			assert.Equal(t, []workerpool.Result{{Job: 1, Value: 10}, {Job: 2, Value: 20}, {Job: 3, Value: 30}}, sorted,
				"Run(ctx, %d, 3 jobs, fn): n less than 1 counts as 1 (max(n, 1)), and that one worker runs every job", n)
		})
	}
}

// TestCollectsErrors: failed jobs keep their error in their Result, the
// others their value, and the returned error holds every job's error.
func TestCollectsErrors(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) { collectsErrors(t) })
}

func collectsErrors(t *testing.T) {
	jobs := jobRange(9)
	errOf := map[int]error{}
	for _, j := range []int{3, 6, 9} {
		errOf[j] = fmt.Errorf("job %d broke", j)
	}
	fn := func(_ context.Context, job int) (int, error) {
		if err := errOf[job]; err != nil {
			return 0, err
		}
		return job * 10, nil
	}
	got := finish(t, start(context.Background(), 2, jobs, fn))
	sorted, dup := byJob(got.results)
	assert.Empty(t, dup, "these jobs have more than one Result: %v", dup)
	if assert.Len(t, sorted, len(jobs), "Run must return one Result per job, failed ones too, not stop at the first error") {
		for i, r := range sorted {
			j := jobs[i]
			if err := errOf[j]; err != nil {
				assert.ErrorIs(t, r.Err, err, "job %d failed; its Result must carry fn's error", j)
			} else {
				assert.Equal(t, workerpool.Result{Job: j, Value: j * 10}, r, "job %d succeeded; its Result must carry fn's value and no error", j)
			}
		}
	}
	if assert.Error(t, got.err, "jobs 3, 6 and 9 failed, so Run must return an error") {
		for _, j := range []int{3, 6, 9} {
			assert.ErrorIs(t, got.err, errOf[j], "the error Run returns must hold every job's error, job %d's too: join them with errors.Join", j)
		}
	}
}

// TestNoNewJobAfterCancel: once ctx is cancelled, no worker starts a new
// job; the jobs not started get ctx's error. A worker that picks its next
// step by a select between the jobs channel and ctx.Done(), both ready,
// starts a job half of the time; no schedule can force select's choice, so
// the test runs Run 40 times, and such a worker passes once in 2^40 runs.
func TestNoNewJobAfterCancel(t *testing.T) {
	check.Seal(t)
	if !reachesN(t, 3) {
		return
	}
	check.InBubble(t, advice, func(t *testing.T) {
		for range rounds {
			if !noNewJobAfterCancel(t, 3) {
				return
			}
		}
	})
}

// rounds is how many times the cancel tests call Run.
const rounds = 40

// startedTooLate tells the student what to do about jobs started after ctx
// was done.
const startedTooLate = "Before a worker starts a job, it must check ctx (if ctx.Err() != nil ...) and, if it is done, not run\n" +
	"the job but give it ctx.Err() as its error. A select between the jobs channel and ctx.Done() is not\n" +
	"enough: when both are ready, select picks one at random, and half of the time starts the job."

func noNewJobAfterCancel(t *testing.T, n int) bool {
	jobs := jobRange(4 * n)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	j := newJobsFn()
	done := start(ctx, n, jobs, j.fn)
	require.True(t, j.hold.WaitInFlight(n, time.Minute), "with %d jobs and %d workers, %d jobs must run at once", 4*n, n, n)
	cancel() // the n running jobs see it and return ctx.Err()
	o := finish(t, done)
	calls := j.callsOf()
	assert.Len(t, calls, n, "Run(ctx, %d, %d jobs, fn): ctx was cancelled while %d jobs ran, yet %d jobs were started in all.\n"+
		startedTooLate, n, len(jobs), n, len(calls))
	sorted, dup := byJob(o.results)
	assert.Empty(t, dup, "these jobs have more than one Result: %v", dup)
	if assert.Len(t, sorted, len(jobs), "Run must return one Result per job, those that never ran too") {
		for _, r := range sorted {
			assert.ErrorIs(t, r.Err, context.Canceled, "job %d: ctx was cancelled before it ended, or before it started;\n"+
				"its Err must be context.Canceled (fn's error, or ctx.Err() for a job that never ran)", r.Job)
		}
	}
	assert.ErrorIs(t, o.err, context.Canceled, "jobs were left undone because ctx was cancelled, so Run's error must say so (hold context.Canceled)")
	return !t.Failed()
}

// TestCtxAlreadyEnded: with ctx's deadline already passed, no job runs and
// every job gets ctx.Err(): context.DeadlineExceeded. 40 times, like
// TestNoNewJobAfterCancel.
func TestCtxAlreadyEnded(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		for range rounds {
			if !ctxAlreadyEnded(t) {
				return
			}
		}
	})
}

func ctxAlreadyEnded(t *testing.T) bool {
	const n, total = 3, 6
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	j := newJobsFn()
	j.hold.Open()
	o := finish(t, start(ctx, n, jobRange(total), j.fn))
	assert.Empty(t, j.callsOf(), "Run(ctx, %d, %d jobs, fn): ctx had already ended when Run was called, so no job may\n"+
		"start, yet %d did. "+startedTooLate, n, total, len(j.callsOf()))
	sorted, _ := byJob(o.results)
	if assert.Len(t, sorted, total, "Run must return one Result per job, those that never ran too") {
		for _, r := range sorted {
			assert.ErrorIs(t, r.Err, context.DeadlineExceeded,
				"job %d never ran, because ctx's deadline had passed: its Err must be ctx.Err(), which is\n"+
					"context.DeadlineExceeded here, not an error of your own choosing", r.Job)
		}
	}
	assert.ErrorIs(t, o.err, context.DeadlineExceeded, "Run's error must hold ctx.Err()")
	return !t.Failed()
}

// TestNoGoroutineLeft: when Run has returned, none of its workers is left.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		finish(t, start(context.Background(), 4, jobRange(10), func(_ context.Context, job int) (int, error) { return job, nil }))
	})
}
