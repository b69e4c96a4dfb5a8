//go:build gclhidden

package semaphore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	semaphore "github.com/go-concurrency-lab/course/exercises/19-semaphore"
	"github.com/go-concurrency-lab/course/grader/check"
)

// The limit tests run in synctest bubbles: time is fake, and it moves only
// when every goroutine of the test is blocked. That makes the count of
// calls in flight exact instead of a matter of luck.
const (
	smPatience = time.Minute // fake time: how long the service waits for n calls in flight
	smHold     = time.Second // fake time: how long each call of the service takes
)

// smService is the instrumented service. It counts the calls in flight and
// records the peak. The first calls wait (at most smPatience) until `want`
// of them are in flight together; every call then takes smHold of fake
// time, so that each caller able to get through has got through before any
// call ends. When gate is set, calls wait for it to close instead.
type smService struct {
	mu       sync.Mutex
	want     int
	inFlight int
	peak     int
	arrived  chan struct{}
	gate     chan struct{}
	reqs     []int
}

func smNew(want int) *smService {
	return &smService{want: want, arrived: make(chan struct{})}
}

func (s *smService) release() {
	select {
	case <-s.arrived:
	default:
		close(s.arrived)
	}
}

func (s *smService) call(ctx context.Context, req int) (int, error) {
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.inFlight++
	s.peak = max(s.peak, s.inFlight)
	if s.inFlight == s.want {
		s.release()
	}
	gate := s.gate
	s.mu.Unlock()
	if gate != nil {
		<-gate
	} else {
		select {
		case <-s.arrived:
		case <-time.After(smPatience):
			s.mu.Lock()
			s.release() // n calls never were in flight together: stop waiting for that
			s.mu.Unlock()
		}
		time.Sleep(smHold)
	}
	s.mu.Lock()
	s.inFlight--
	s.mu.Unlock()
	if req < 0 {
		return 0, smErr
	}
	return req * 10, nil
}

var smErr = errors.New("the service failed")

func (s *smService) stats() (peak int, reqs []int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	reqs = slices.Clone(s.reqs)
	slices.Sort(reqs)
	return s.peak, reqs
}

// smCallAll calls limited with requests 1..count, each from a goroutine of
// its own, all at once, and checks every answer.
func smCallAll(t *testing.T, limited semaphore.Service, count int) {
	t.Helper()
	var wg sync.WaitGroup
	for req := 1; req <= count; req++ {
		wg.Go(func() {
			v, err := limited(context.Background(), req)
			if err != nil || v != req*10 {
				t.Errorf("a call with request %d returned (%d, %v); the service answered (%d, nil): pass its answer on", req, v, err, req*10)
			}
		})
	}
	wg.Wait()
}

func smCheckPeak(t *testing.T, n, peak int, what string) {
	t.Helper()
	switch {
	case peak > n:
		t.Errorf("%s: %d calls of the service were in flight at the same time, more than the %d allowed.\n"+
			"Every call must take a place before calling the service, and all calls must share the same n places:\n"+
			"make the semaphore (a channel with room for n) once, in Limit, not in each call.", what, peak, n)
	case peak < n:
		t.Errorf("%s: at most %d calls of the service were in flight at the same time, never %d.\n"+
			"The limit is n calls at once, not fewer: a mutex lets only one through, and a semaphore with\n"+
			"room for n-1 one call less than allowed.", what, peak, n)
	}
}

// smReachesN calls limited from 2n goroutines at once, in real time,
// outside any bubble, with a service that waits (at most 2s) until n calls
// are in flight. It reports whether n were. This comes first in the tests
// that use fake time: a limiter that lets fewer than n through, say one
// that holds a sync.Mutex during the call, would stall a synctest bubble
// (a goroutine waiting for a mutex keeps fake time from moving) instead of
// failing.
func smReachesN(t *testing.T, n int) bool {
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
	limited := semaphore.Limit(n, func(_ context.Context, req int) (int, error) {
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
		return req * 10, nil
	})
	var wg sync.WaitGroup
	for req := 1; req <= 2*n; req++ {
		wg.Go(func() { limited(context.Background(), req) })
	}
	wg.Wait()
	if peak < n {
		smCheckPeak(t, n, peak, fmt.Sprintf("Limit(%d, svc) with %d callers at once, each call waiting up to 2s for the others", n, 2*n))
		return false
	}
	return true
}

// TestAtMostNAndNReached: many callers at once; the service sees exactly n
// calls in flight at the peak, never more, and not fewer.
func TestAtMostNAndNReached(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{2, 3, 5} {
		if !smReachesN(t, n) {
			return
		}
		synctest.Test(t, func(t *testing.T) {
			svc := smNew(n)
			smCallAll(t, semaphore.Limit(n, svc.call), 4*n)
			peak, reqs := svc.stats()
			smCheckPeak(t, n, peak, fmt.Sprintf("Limit(%d, svc) with %d callers at once", n, 4*n))
			var want []int
			for req := 1; req <= 4*n; req++ {
				want = append(want, req)
			}
			assert.Equal(t, want, reqs, "every call must reach the service exactly once")
		})
	}
}

// TestWaitingCallerGivesUp: with the n places taken, a caller whose ctx
// times out returns ctx's error at its deadline, without calling the
// service; its place in the queue is not kept, and the limit stays n.
func TestWaitingCallerGivesUp(t *testing.T) {
	check.Seal(t)
	const n = 2
	if !smReachesN(t, n) {
		t.Errorf("(this test needs n calls of the service to run at once)")
		return
	}
	synctest.Test(t, func(t *testing.T) {
		svc := smNew(n)
		gate := make(chan struct{})
		svc.gate = gate
		limited := semaphore.Limit(n, svc.call)
		var wg sync.WaitGroup
		for req := 1; req <= n; req++ {
			wg.Go(func() { limited(context.Background(), req) })
		}
		synctest.Wait() // both calls are in the service now, waiting at the gate

		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		type answer struct {
			err  error
			took time.Duration
		}
		third := make(chan answer, 1)
		go func() {
			_, err := limited(ctx, 99)
			third <- answer{err, time.Since(start)}
		}()
		time.Sleep(5 * time.Second)
		synctest.Wait()
		gaveUp := false
		select {
		case a := <-third:
			gaveUp = true
			assert.ErrorIs(t, a.err, context.DeadlineExceeded,
				"a caller that waits for a place and whose ctx runs out must return ctx.Err()")
			assert.Equal(t, time.Second, a.took,
				"a caller whose ctx runs out after 1s while it waits must return at that moment: wait for a place\n"+
					"in a select that also has <-ctx.Done()")
		default:
			t.Errorf("the n places were taken, and a caller's ctx ran out after 1s; 4s later that caller was still waiting.\n" +
				"Wait for a place in a select with two cases: taking the place, and <-ctx.Done(), which returns ctx.Err().")
		}
		close(gate) // let the first calls (and a caller that is still waiting) finish
		wg.Wait()
		if !gaveUp {
			<-third
		}
		_, reqs := svc.stats()
		assert.NotContains(t, reqs, 99, "the caller whose ctx ran out must not call the service")

		// The places are all free again: n at once, and no more.
		svc2 := smNew(n)
		limited2 := semaphore.Limit(n, svc2.call)
		smCallAll(t, limited2, 3*n)
		peak, _ := svc2.stats()
		smCheckPeak(t, n, peak, "after a caller gave up")
	})
}

// TestFailedCallsFreeTheirPlace: the service's error is passed on, and a
// call that failed frees its place like any other.
func TestFailedCallsFreeTheirPlace(t *testing.T) {
	check.Seal(t)
	const n = 2
	limited := semaphore.Limit(n, func(_ context.Context, req int) (int, error) {
		if req < 0 {
			return 0, smErr
		}
		return req * 10, nil
	})
	for i := 1; i <= 2*n+1; i++ {
		// Real time here, outside any bubble: a call that can never get a
		// place gives up after 2s instead of blocking the test.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := limited(ctx, -i)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("after %d calls that failed, one at a time, the next call could not get a place within 2s.\n"+
				"A failed call must free its place too: release it with defer, right after taking it.", i-1)
			return
		}
		if !assert.ErrorIs(t, err, smErr, "the service failed for request %d: the call must return its error", -i) {
			return
		}
	}
	v, err := limited(context.Background(), 7)
	assert.NoError(t, err)
	assert.Equal(t, 70, v, "after failed calls, a call that succeeds must return the service's answer")
}

// TestNoGoroutineLeft: Limit and its calls leave no goroutine behind.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	before := goleak.IgnoreCurrent()
	limited := semaphore.Limit(3, func(_ context.Context, req int) (int, error) { return req, nil })
	var wg sync.WaitGroup
	for req := range 10 {
		wg.Go(func() { limited(context.Background(), req) })
	}
	wg.Wait()
	check.NoLeaks(t, before)
}
