//go:build gclhidden

package workerpool_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	workerpool "github.com/go-concurrency-lab/course/exercises/18-worker-pool"
	"github.com/go-concurrency-lab/course/grader/check"
)

// The pool tests run in synctest bubbles: time is fake, and it moves only
// when every goroutine of the test is blocked. That makes the count of jobs
// in flight exact instead of a matter of luck.
const (
	wpPatience = time.Minute // fake time: how long fn waits for n calls in flight
	wpHold     = time.Second // fake time: how long each job takes
)

// wpJobs is an instrumented fn. It counts the calls in flight and records
// the peak. The first calls wait (at most wpPatience) until `want` of them
// are in flight together; every call then takes wpHold of fake time, so
// that each worker able to start a job has started it before any job ends.
type wpJobs struct {
	mu       sync.Mutex
	want     int
	valid    map[int]bool
	calls    map[int]int
	strange  []int
	inFlight int
	peak     int
	arrived  chan struct{}
	// cancelAt: the job whose call cancels the context, halfway through.
	cancelAt  int
	cancel    context.CancelFunc
	cancelled bool
	late      []int // jobs started after the cancel
	fail      func(job int) error
}

func wpNew(want int, jobs []int) *wpJobs {
	w := &wpJobs{want: want, valid: map[int]bool{}, calls: map[int]int{}, arrived: make(chan struct{})}
	for _, j := range jobs {
		w.valid[j] = true
	}
	return w
}

func (w *wpJobs) release() {
	select {
	case <-w.arrived:
	default:
		close(w.arrived)
	}
}

func (w *wpJobs) fn(ctx context.Context, job int) (int, error) {
	w.mu.Lock()
	if !w.valid[job] {
		w.strange = append(w.strange, job)
		w.mu.Unlock()
		runtime.Goexit() // a worker that went astray: end it, and report
	}
	w.calls[job]++
	if w.cancelled {
		w.late = append(w.late, job)
	}
	w.inFlight++
	w.peak = max(w.peak, w.inFlight)
	if w.inFlight == w.want {
		w.release()
	}
	w.mu.Unlock()
	select {
	case <-w.arrived:
	case <-time.After(wpPatience):
		w.mu.Lock()
		w.release() // n jobs never ran together: stop waiting for that
		w.mu.Unlock()
	}
	if job == w.cancelAt {
		time.Sleep(wpHold / 2)
		w.mu.Lock()
		w.cancelled = true
		w.mu.Unlock()
		w.cancel()
		time.Sleep(wpHold / 2)
	} else {
		time.Sleep(wpHold)
	}
	w.mu.Lock()
	w.inFlight--
	w.mu.Unlock()
	if w.fail != nil {
		if err := w.fail(job); err != nil {
			return 0, err
		}
	}
	return job * 10, nil
}

func (w *wpJobs) stats() (peak int, calls map[int]int, strange, late []int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peak, wpCopy(w.calls), slices.Clone(w.strange), slices.Clone(w.late)
}

func wpCopy(m map[int]int) map[int]int {
	c := make(map[int]int, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func wpRange(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

// wpByJob returns the results sorted by job, and the jobs that have more
// than one result.
func wpByJob(results []workerpool.Result) ([]workerpool.Result, []int) {
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

// wpReachesN runs 2n jobs on Run(ctx, n, ...), in real time, outside any
// bubble, with an fn that waits (at most 2s) until n jobs are in flight.
// It reports whether n were. This comes first in the tests that use fake
// time: a pool whose workers take turns, say by holding a sync.Mutex while
// a job runs, would stall a synctest bubble (a goroutine waiting for a
// mutex keeps fake time from moving) instead of failing.
func wpReachesN(t *testing.T, n int) bool {
	t.Helper()
	var mu sync.Mutex
	inFlight, peak := 0, 0
	arrived := make(chan struct{})
	release := func() {
		select {
		case <-arrived:
		default:
			close(arrived)
		}
	}
	fn := func(_ context.Context, job int) (int, error) {
		mu.Lock()
		inFlight++
		peak = max(peak, inFlight)
		if inFlight == n {
			release()
		}
		mu.Unlock()
		select {
		case <-arrived:
		case <-time.After(2 * time.Second):
			mu.Lock()
			release()
			mu.Unlock()
		}
		mu.Lock()
		inFlight--
		mu.Unlock()
		return job * 10, nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		workerpool.Run(context.Background(), n, wpRange(2*n), fn)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Errorf("Run(ctx, %d, %d jobs, fn) did not return within 10s", n, 2*n)
		return false
	}
	mu.Lock()
	defer mu.Unlock()
	if peak < n {
		t.Errorf("Run(ctx, %d, %d jobs, fn), each job waiting up to 2s for the others: at most %d jobs ran at the\n"+
			"same time, never %d. Start n worker goroutines, each taking jobs from one shared channel, and let them\n"+
			"all work at once: a pool of n-1, workers that take turns, or a lock held while a job runs do not use\n"+
			"the n workers you were given.", n, 2*n, peak, n)
		return false
	}
	return true
}

// TestRunsEveryJobOnce: every job runs once and has one Result with its
// value; with no failure, the error is nil.
func TestRunsEveryJobOnce(t *testing.T) {
	check.Seal(t)
	if !wpReachesN(t, 3) {
		return
	}
	synctest.Test(t, func(t *testing.T) {
		jobs := wpRange(12)
		w := wpNew(3, jobs)
		results, err := workerpool.Run(context.Background(), 3, jobs, w.fn)
		_, calls, strange, _ := w.stats()
		assert.NoError(t, err, "no job failed, so Run must return a nil error")
		assert.Empty(t, strange, "fn was called with jobs that were never given to Run: %v", strange)
		for _, j := range jobs {
			assert.Equal(t, 1, calls[j], "job %d must run exactly once; fn was called %d times for it", j, calls[j])
		}
		sorted, dup := wpByJob(results)
		assert.Empty(t, dup, "these jobs have more than one Result: %v", dup)
		var want []workerpool.Result
		for _, j := range jobs {
			want = append(want, workerpool.Result{Job: j, Value: j * 10})
		}
		assert.Equal(t, want, sorted, "Run must return one Result per job, with the job and the value fn returned for it")
	})
}

// TestExactlyNBusy: with enough jobs, exactly n run at the same time: not
// fewer (a pool too small, or workers that wait for each other), not more
// (a goroutine per job). With fewer jobs than n, all of them at once.
func TestExactlyNBusy(t *testing.T) {
	check.Seal(t)
	for _, tc := range []struct{ n, jobs, want int }{{2, 6, 2}, {3, 9, 3}, {4, 12, 4}, {5, 3, 3}} {
		if !wpReachesN(t, tc.n) {
			return
		}
		synctest.Test(t, func(t *testing.T) {
			jobs := wpRange(tc.jobs)
			w := wpNew(tc.want, jobs)
			results, _ := workerpool.Run(context.Background(), tc.n, jobs, w.fn)
			peak, _, _, _ := w.stats()
			assert.Len(t, results, tc.jobs, "Run(ctx, %d, %d jobs, fn) must return one Result per job", tc.n, tc.jobs)
			switch {
			case peak < tc.want:
				t.Errorf("Run(ctx, %d, %d jobs, fn): at most %d jobs ran at the same time, never %d.\n"+
					"Start n worker goroutines, each taking jobs from one shared channel, and let them all work at\n"+
					"once: a pool of n-1, or workers that take turns, do not use the n workers you were given.", tc.n, tc.jobs, peak, tc.want)
			case peak > tc.want:
				t.Errorf("Run(ctx, %d, %d jobs, fn): %d jobs ran at the same time, more than the %d allowed.\n"+
					"A pool has a fixed number of workers: start n goroutines, each running one job at a time,\n"+
					"not a goroutine per job.", tc.n, tc.jobs, peak, tc.want)
			}
		})
	}
}

// TestCollectsErrors: failed jobs keep their error in their Result, the
// others their value, and the returned error holds every job's error.
func TestCollectsErrors(t *testing.T) {
	check.Seal(t)
	before := goleak.IgnoreCurrent()
	jobs := wpRange(9)
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
	type outcome struct {
		results []workerpool.Result
		err     error
	}
	done := make(chan outcome, 1)
	go func() {
		r, err := workerpool.Run(context.Background(), 2, jobs, fn)
		done <- outcome{r, err}
	}()
	var got outcome
	select {
	case got = <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Run(ctx, 2, 9 jobs, fn), with jobs that return at once, did not return within 2s")
	}
	sorted, dup := wpByJob(got.results)
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
	check.NoLeaks(t, before)
}

// TestNoNewJobAfterCancel: once ctx is cancelled, no worker starts a new
// job; the jobs not started get ctx's error.
func TestNoNewJobAfterCancel(t *testing.T) {
	check.Seal(t)
	if !wpReachesN(t, 3) {
		return
	}
	synctest.Test(t, func(t *testing.T) {
		jobs := wpRange(12)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		w := wpNew(3, jobs)
		// Job 5 cancels ctx halfway through: jobs 4, 5 and 6 are running
		// then, and no other job may start.
		w.cancelAt, w.cancel = 5, cancel
		results, err := workerpool.Run(ctx, 3, jobs, w.fn)
		_, calls, _, late := w.stats()
		assert.Empty(t, late, "ctx was cancelled while jobs 4, 5 and 6 ran, yet jobs %v started afterwards.\n"+
			"Before a worker starts a job, it must check ctx (if ctx.Err() != nil ...) and, if it is done, not run\n"+
			"the job but give it ctx.Err() as its error.", late)
		sorted, dup := wpByJob(results)
		assert.Empty(t, dup, "these jobs have more than one Result: %v", dup)
		if assert.Len(t, sorted, len(jobs), "Run must return one Result per job, those that never ran too") {
			for _, r := range sorted {
				if calls[r.Job] == 0 {
					assert.ErrorIs(t, r.Err, context.Canceled, "job %d never ran because ctx was cancelled; its Err must be ctx.Err()", r.Job)
				} else {
					assert.Equal(t, workerpool.Result{Job: r.Job, Value: r.Job * 10}, r, "job %d ran to its end; its Result must carry its value", r.Job)
				}
			}
		}
		assert.ErrorIs(t, err, context.Canceled, "jobs were left undone because ctx was cancelled, so Run's error must say so (hold context.Canceled)")
	})
}

// TestNoGoroutineLeft: when Run has returned, none of its workers is left.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	before := goleak.IgnoreCurrent()
	done := make(chan struct{})
	go func() {
		defer close(done)
		workerpool.Run(context.Background(), 4, wpRange(10), func(_ context.Context, job int) (int, error) { return job, nil })
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Run(ctx, 4, 10 jobs, fn), with jobs that return at once, did not return within 2s")
	}
	check.NoLeaks(t, before)
}
