//go:build gclhidden

package semaphore_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	semaphore "github.com/go-concurrency-lab/course/exercises/19-semaphore"
	"github.com/go-concurrency-lab/course/grader/check"
)

// The limit tests run in synctest bubbles (check.InBubble). The service is
// a check.Hold: every call is held until the test lets one through, so the
// test knows exactly how many calls must be in flight at every step.

// advice is what a test that ends in a deadlock tells the student.
const advice = "Does every call free its place when the service returns (defer), and can a waiting call take a\n" +
	"place that another call frees?"

var errService = errors.New("the service failed")

// service is the instrumented service: it records each request and holds
// the call in a check.Hold until the test lets it through.
type service struct {
	hold *check.Hold

	mu   sync.Mutex
	reqs []int
}

func newService() *service { return &service{hold: check.NewHold()} }

func (s *service) call(ctx context.Context, req int) (int, error) {
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()
	leave, err := s.hold.Enter(ctx)
	defer leave()
	if err != nil {
		return 0, err
	}
	if req < 0 {
		return 0, errService
	}
	return req * 10, nil
}

func (s *service) requests() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := slices.Clone(s.reqs)
	slices.Sort(r)
	return r
}

// callAll calls limited with requests 1..count, each from a goroutine of
// its own, all at once, and checks every answer. The returned function
// waits for them all.
func callAll(t *testing.T, limited semaphore.Service, count int) func() {
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
	return wg.Wait
}

// probeFailed is set once reachesN failed: the code under test is the same
// in every test, so the later probes fail at once instead of waiting again.
var probeFailed atomic.Bool

// reachesN calls Limit(n, svc) from 2n goroutines at once, in real time,
// outside any bubble, and reports whether n calls of the service were in
// flight together within 500ms (a right answer takes microseconds). This
// comes first in the tests that use fake time: a limiter that lets fewer
// than n through, say one that holds a sync.Mutex during the call, would
// stall a synctest bubble (a goroutine waiting for a mutex keeps fake time
// from moving) instead of failing.
func reachesN(t *testing.T, n int) bool {
	t.Helper()
	if probeFailed.Load() {
		t.Errorf("not run: n calls of the service were never in flight at once (see the first test that failed); fix that first")
		return false
	}
	s := newService()
	wait := callAll(t, semaphore.Limit(n, s.call), 2*n)
	ok := s.hold.WaitInFlight(n, 500*time.Millisecond)
	got := s.hold.InFlight()
	s.hold.Open()
	returned := make(chan struct{})
	go func() { wait(); close(returned) }()
	select {
	case <-returned:
	case <-time.After(2 * time.Second):
		probeFailed.Store(true)
		where := check.Waiting()
		if where == "" {
			where = "  (none in your code)\n"
		}
		t.Errorf("Limit(%d, svc) with %d callers at once: once the service let every call through, calls were still\n"+
			"waiting 2s later. Your goroutines wait here:\n%s"+
			"Every call must get a place and give it back when the service returns (defer), whatever happens.", n, 2*n, where)
		return false
	}
	if !ok {
		t.Errorf("Limit(%d, svc) with %d callers at once, each call of the service waiting for the others: only %d\n"+
			"were in flight at the same time, never %d. The limit is n calls at once, not fewer: a mutex lets only\n"+
			"one through, and a semaphore with room for n-1 one call less than allowed.", n, 2*n, got, n)
		probeFailed.Store(true)
	}
	return ok
}

// TestAtMostNAndNReached: many callers at once; while n or more wait, the
// service has exactly n calls in flight: never more, and not fewer, each
// time a call ends.
func TestAtMostNAndNReached(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{2, 3, 5} {
		if !reachesN(t, n) {
			return
		}
		check.InBubble(t, advice, func(t *testing.T) {
			s := newService()
			total := 3 * n
			wait := callAll(t, semaphore.Limit(n, s.call), total)
			for ended := 0; ended < total; ended++ {
				synctest.Wait() // every caller that can get through has got through
				want := min(n, total-ended)
				if got := s.hold.InFlight(); got != want {
					what := "more than the limit"
					if got < want {
						what = "fewer, although callers were waiting"
					}
					t.Fatalf("Limit(%d, svc) with %d callers at once: %d calls had ended, one at a time, and then %d calls of the\n"+
						"service were in flight, %s (%d). Every call must take a place before calling the service, all calls\n"+
						"share the same n places (the semaphore is made once, in Limit), and a place freed is taken at once.",
						n, total, ended, got, what, want)
				}
				s.hold.Release(1)
			}
			wait()
			var want []int
			for req := 1; req <= total; req++ {
				want = append(want, req)
			}
			assert.Equal(t, want, s.requests(), "every call must reach the service exactly once")
		})
	}
}

// TestFewerThanOne: n less than 1 counts as 1: one call at a time.
func TestFewerThanOne(t *testing.T) {
	check.Seal(t)
	if !reachesN(t, 2) { // a limiter that takes turns on a mutex would stall the bubble below
		return
	}
	for _, n := range []int{0, -1} {
		check.InBubble(t, advice, func(t *testing.T) {
			s := newService()
			var limited semaphore.Service
			require.NotPanics(t, func() { limited = semaphore.Limit(n, s.call) },
				"Limit(%d, svc) panicked: n less than 1 counts as 1", n)
			wait := callAll(t, limited, 3)
			synctest.Wait()
			got := s.hold.InFlight()
			s.hold.Open()
			wait()
			assert.Equal(t, 1, got, "Limit(%d, svc) with 3 callers: n less than 1 counts as 1 (max(n, 1)), so one call of the\n"+
				"service runs at a time; %d were in flight", n, got)
		})
	}
}

// TestStartsNoGoroutine: Limit and its calls leave no goroutine of the
// student's behind.
func TestStartsNoGoroutine(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		s := newService()
		s.hold.Open()
		limited := semaphore.Limit(2, s.call)
		if !check.Settled(t, "Limit returned") {
			t.Errorf("Limit must start no goroutine: the semaphore is a buffered channel, taken and freed by the calls themselves")
		}
		callAll(t, limited, 4)()
		check.Settled(t, "every call had returned")
	})
}

// TestWaitingCallerGivesUp: with the n places taken, a caller whose ctx
// times out returns ctx's error at its deadline, without calling the
// service; its place in the queue is not kept, and the limit stays n.
func TestWaitingCallerGivesUp(t *testing.T) {
	check.Seal(t)
	const n = 2
	if !reachesN(t, n) {
		return
	}
	check.InBubble(t, advice, func(t *testing.T) {
		s := newService()
		limited := semaphore.Limit(n, s.call)
		wait := callAll(t, limited, n)
		synctest.Wait() // both calls are in the service now, held
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
		select {
		case a := <-third:
			assert.ErrorIs(t, a.err, context.DeadlineExceeded,
				"a caller that waits for a place and whose ctx runs out must return ctx.Err()")
			assert.Equal(t, time.Second, a.took,
				"a caller whose ctx runs out after 1s while it waits must return at that moment: wait for a place\n"+
					"in a select that also has <-ctx.Done()")
		case <-time.After(time.Minute):
			t.Errorf("the n places were taken, and a caller's ctx ran out after 1s; a minute later that caller was still\n" +
				"waiting. Wait for a place in a select with two cases: taking the place, and <-ctx.Done(), which returns ctx.Err().")
		}
		s.hold.Open() // let the first calls (and a caller that is still waiting) finish
		wait()
		assert.NotContains(t, s.requests(), 99, "the caller whose ctx ran out must not call the service")
		// The places are all free again: n at once, and no more.
		s2 := newService()
		wait = callAll(t, semaphore.Limit(n, s2.call), 3*n)
		synctest.Wait()
		got := s2.hold.InFlight()
		s2.hold.Open()
		wait()
		assert.Equal(t, n, got, "with the places all free again, %d callers at once: %d calls must be in flight", 3*n, n)
	})
}

// TestFailedCallsFreeTheirPlace: the service's error is passed on, and a
// call that failed frees its place like any other.
func TestFailedCallsFreeTheirPlace(t *testing.T) {
	check.Seal(t)
	const n = 2
	check.InBubble(t, advice, func(t *testing.T) {
		s := newService()
		s.hold.Open()
		limited := semaphore.Limit(n, s.call)
		for i := 1; i <= 2*n+1; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			_, err := limited(ctx, -i)
			cancel()
			if errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("after %d calls that failed, one at a time, the next call could not get a place.\n"+
					"A failed call must free its place too: release it with defer, right after taking it.", i-1)
				return
			}
			if !assert.ErrorIs(t, err, errService, "the service failed for request %d: the call must return its error", -i) {
				return
			}
		}
		v, err := limited(context.Background(), 7)
		assert.NoError(t, err)
		assert.Equal(t, 70, v, "after failed calls, a call that succeeds must return the service's answer")
	})
}

type ctxKey struct{}

// TestPassesTheCallOn: svc gets the caller's ctx and request, and the
// caller gets what svc returned.
func TestPassesTheCallOn(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		ctx := context.WithValue(context.Background(), ctxKey{}, "the caller's")
		var seen any
		limited := semaphore.Limit(2, func(ctx context.Context, req int) (int, error) {
			seen = ctx.Value(ctxKey{})
			return req * 10, nil
		})
		v, err := limited(ctx, 4)
		require.NoError(t, err)
		assert.Equal(t, 40, v, "the call must return what the service returned")
		assert.Equal(t, "the caller's", seen, "the service must get the caller's ctx (svc(ctx, req)), not a context of its own:\n"+
			"the caller's cancel and deadline must reach the service")
	})
}

// TestNoGoroutineLeft: Limit and its calls leave no goroutine behind, at
// the moment the last call has returned.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		limited := semaphore.Limit(3, func(_ context.Context, req int) (int, error) { return req, nil })
		var wg sync.WaitGroup
		for req := range 10 {
			wg.Go(func() { limited(context.Background(), req) })
		}
		wg.Wait()
		check.Settled(t, "every call had returned")
	})
}

// TestCallWaitsForTheService: once a call is in svc, it returns only when
// svc returns, with what svc returned, even if its ctx ends meanwhile (svc
// has the ctx and may stop on its own); its place stays taken until then.
// The service here ignores ctx. n is 1: a caller cancels its ctx while its
// call is inside svc, then a second caller comes. A call that runs svc in
// a goroutine of its own and gives up at ctx.Done() frees its place while
// svc still runs, so the second call gets in: 2 in flight, every run.
func TestCallWaitsForTheService(t *testing.T) {
	check.Seal(t)
	if !reachesN(t, 2) {
		return
	}
	check.InBubble(t, advice, func(t *testing.T) {
		h := check.NewHold()
		defer h.Open()
		svc := func(_ context.Context, req int) (int, error) {
			leave, _ := h.Enter(context.Background()) // deaf to ctx: ends when the test says so
			defer leave()
			return req * 10, nil
		}
		limited := semaphore.Limit(1, svc)
		type answer struct {
			v   int
			err error
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		first := make(chan answer, 1)
		go func() {
			v, err := limited(ctx, 1)
			first <- answer{v, err}
		}()
		synctest.Wait()
		require.Equal(t, 1, h.InFlight(), "Limit(1, svc): one caller, and its call of the service must be in flight")
		cancel() // the first call is inside svc, which does not look at ctx
		synctest.Wait()
		select {
		case a := <-first:
			t.Errorf("Limit(1, svc): a call was inside svc when its caller cancelled ctx; it returned (%d, %v) at once,\n"+
				"while svc was still running. Once svc is called, the call waits for it and returns what it returns:\n"+
				"call svc(ctx, req) on the caller's goroutine, not in a goroutine of its own that the call can leave\n"+
				"behind; svc has the ctx and stops early on its own if it can.", a.v, a.err)
		default:
		}
		second := make(chan answer, 1)
		go func() {
			v, err := limited(context.Background(), 2)
			second <- answer{v, err}
		}()
		synctest.Wait()
		if got := h.InFlight(); got > 1 {
			t.Errorf("Limit(1, svc): %d calls of the service were in flight at once. A caller cancelled its ctx while its\n"+
				"call was inside svc, svc went on running, and the next caller got in: the place was freed before svc\n"+
				"returned. Free it when svc returns (defer right after taking it, in the call that runs svc).", got)
		}
		h.Open()
		for _, c := range []struct {
			ch   chan answer
			want int
		}{{first, 10}, {second, 20}} {
			select {
			case a := <-c.ch:
				if !t.Failed() {
					assert.Equal(t, answer{c.want, nil}, a, "svc returned (%d, nil): the call must return that, even if its ctx\n"+
						"ended while svc ran", c.want)
				}
			case <-time.After(time.Minute):
				t.Fatalf("the service had let every call through, but a call had not returned a fake minute later")
			}
		}
		check.Settled(t, "every call had returned")
	})
}

// hookCtx is a context whose first Done call runs hook.
type hookCtx struct {
	context.Context
	once sync.Once
	hook func()
}

func (c *hookCtx) Done() <-chan struct{} {
	c.once.Do(c.hook)
	return c.Context.Done()
}

// TestNoLostWakeUp: a place freed while a caller is on its way to wait is
// not lost. n is 1, one call is in the service, and a second caller comes:
// it finds the place taken and goes to wait. At the moment it asks its ctx
// for Done(), on its way into the select, the test lets the first call end
// and waits (a bounded spin) until that call has returned. A wake-up that
// was sent only to a waiter already in its select (a non-blocking send) is
// lost then, and the second caller waits for ever with the place free,
// every run. A right semaphore keeps the freed place for it (a buffered
// channel, or a counter and a queue of waiters under one lock).
func TestNoLostWakeUp(t *testing.T) {
	check.Seal(t)
	if !reachesN(t, 2) {
		return
	}
	check.InBubble(t, advice, func(t *testing.T) {
		s := newService()
		defer s.hold.Open()
		limited := semaphore.Limit(1, s.call)
		var firstReturned atomic.Bool
		go func() {
			limited(context.Background(), 1)
			firstReturned.Store(true)
		}()
		synctest.Wait()
		require.Equal(t, 1, s.hold.InFlight(), "Limit(1, svc): one caller, and its call of the service must be in flight")
		inner, cancel := context.WithCancel(context.Background())
		defer cancel()
		var hooked atomic.Bool
		ctx := &hookCtx{Context: inner, hook: func() {
			hooked.Store(true)
			s.hold.Release(1)
			// Let the first call end and return. Bounded: if the caller
			// asks for Done() while it holds a lock the first call needs,
			// it goes on after a while (and the test still checks the end).
			for i := 0; i < 10000 && !firstReturned.Load(); i++ {
				runtime.Gosched()
			}
		}}
		second := make(chan error, 1)
		go func() {
			_, err := limited(ctx, 2)
			second <- err
		}()
		synctest.Wait()
		if !hooked.Load() {
			s.hold.Release(1) // the caller never asked for Done(): free the place now
		}
		synctest.Wait()
		if !firstReturned.Load() {
			t.Fatalf("Limit(1, svc): the service let the first call through, but that call never returned")
		}
		select {
		case err := <-second:
			if err != nil {
				t.Errorf("Limit(1, svc): a caller waited for the place, which was then freed; it returned %v instead of\n"+
					"calling the service", err)
			}
			return
		default:
		}
		if s.hold.InFlight() == 0 {
			t.Errorf("Limit(1, svc): a caller found the place taken and went to wait; the call in the service then\n" +
				"returned and freed the place, and the caller went on waiting with the place free, for ever: the\n" +
				"wake-up was lost. A non-blocking send (select with default) reaches only a waiter that is already\n" +
				"in its select; one on its way there misses it. Let the freed place itself wait for the caller: a\n" +
				"buffered channel as the semaphore (a send takes a place, a receive frees one), or a counter and a\n" +
				"queue of waiters under one mutex.")
			cancel() // let that caller go
			<-second
			return
		}
		s.hold.Open()
		assert.NoError(t, <-second, "the second call must return the service's answer")
		check.Settled(t, "every call had returned")
	})
}
