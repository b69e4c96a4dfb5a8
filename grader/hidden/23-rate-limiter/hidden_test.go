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

// newBroken is set by TestStopEndsTheGoroutine when New does not return:
// the fake-time tests would call it on the test goroutine and never get
// their turn again.
var newBroken atomic.Bool

func needsStop(t *testing.T) {
	t.Helper()
	if newBroken.Load() {
		t.Fatal("not run: New did not return (see TestStopEndsTheGoroutine). Fix New first.")
	}
	if stopBroken.Load() {
		t.Fatal("not run: the limiter's goroutine keeps running after Stop (see TestStopEndsTheGoroutine),\n" +
			"and on the grader's fake clock a goroutine that never ends would tick forever. Fix Stop first.")
	}
}

// advice is what a test that ends in a deadlock tells the student.
const advice = "Does every Wait watch the stop channel and ctx.Done() as well as the bucket, in one select?\n" +
	"And does Stop wait only for the goroutine New started, after telling it to stop?"

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
	made := make(chan *ratelimiter.Limiter, 1)
	go func() { made <- ratelimiter.New(2, time.Hour) }()
	var l *ratelimiter.Limiter
	select {
	case l = <-made:
	case <-time.After(2 * time.Second):
		newBroken.Store(true)
		where := check.Waiting()
		if where == "" {
			where = "  (none in your code)\n"
		}
		t.Fatalf("New(2, time.Hour) did not return within 2 seconds. Your goroutines are here:\n%s"+
			"New must return at once: start the goroutine that opens the windows with go, and fill the bucket\n"+
			"without waiting (a channel with room for n events).\n%s", where, check.TimeMarker)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second) // real time: a right answer takes microseconds
	defer cancel()
	for range 2 {
		assert.NoError(t, l.Wait(ctx), "New(2, time.Hour): the first 2 events of the first window are allowed at once, at New")
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
	failedBefore := t.Failed()
	check.NoLeaks(t)
	if t.Failed() && !failedBefore {
		stopBroken.Store(true)
	}
}

// TestAtMostNPerInterval: 4 callers want 3 events each from a limiter of 3
// per second: 3 events at 0s, 3 at 1s, 3 at 2s, 3 at 3s.
func TestAtMostNPerInterval(t *testing.T) {
	check.Seal(t)
	needsStop(t)
	check.InBubble(t, advice, func(t *testing.T) {
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
	check.InBubble(t, advice, func(t *testing.T) {
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
	check.InBubble(t, advice, func(t *testing.T) {
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
	check.InBubble(t, advice, func(t *testing.T) {
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

// TestStopWaitsForTheGoroutine: the goroutine New started has ended at the
// very moment Stop returns, and Stop returns at once. The test runs on one
// P (check.OneProc): a goroutine that Stop told to stop but did not wait
// for has had no CPU to end on yet, every run.
func TestStopWaitsForTheGoroutine(t *testing.T) {
	check.Seal(t)
	needsStop(t)
	check.OneProc(t)
	check.InBubble(t, advice, func(t *testing.T) {
		l := ratelimiter.New(2, time.Second)
		synctest.Wait() // the goroutine waits for its first tick
		start := time.Now()
		l.Stop()
		check.GoneNow(t, "Stop returned")
		assert.Zero(t, time.Since(start), "Stop must end the goroutine at once, not at its next tick")
		assert.NotPanics(t, l.Stop, "calling Stop a second time must do nothing (closing a channel twice panics)")
	})
}

// TestBoundaries: a Wait at exactly the start of a window belongs to that
// window, and every window has exactly 3 events while enough are wanted.
func TestBoundaries(t *testing.T) {
	check.Seal(t)
	needsStop(t)
	check.InBubble(t, advice, func(t *testing.T) {
		l := ratelimiter.New(3, time.Second)
		defer l.Stop()
		e := newEvents()
		var wg sync.WaitGroup
		want := func(n int) {
			for range n {
				wg.Go(func() { e.wait(context.Background(), l) })
			}
			synctest.Wait()
		}
		want(3) // at 0s: window 0 allows all 3
		time.Sleep(999 * time.Millisecond)
		want(2) // at 999ms: window 0 is used up, both wait for window 1
		time.Sleep(time.Millisecond)
		want(2) // at exactly 1s: window 1 has room for one more; the other waits for window 2
		time.Sleep(time.Second)
		want(3) // at exactly 2s: window 2 has room for 2 more; the last waits for window 3
		wg.Wait()
		assert.Equal(t, repeat(3, 0, time.Second, 2*time.Second), e.times()[:9],
			"a limiter of 3 per second: 3 Waits at 0s, 2 at 999ms, 2 at exactly 1s, 3 at exactly 2s. Each window\n"+
				"(0s to 1s, 1s to 2s, ...) must have exactly 3 events; a Wait at exactly 1s is in the window that\n"+
				"starts at 1s. These are the times the Waits returned.")
		assert.Equal(t, []string{"3s"}, e.times()[9:], "the tenth event is the first of the window that starts at 3s")
	})
}

// TestNoEventsBelowOne: with n less than 1 no event is allowed: Wait waits
// until its ctx ends.
func TestNoEventsBelowOne(t *testing.T) {
	check.Seal(t)
	needsStop(t)
	for _, n := range []int{0, -1} {
		check.InBubble(t, advice, func(t *testing.T) {
			var l *ratelimiter.Limiter
			require.NotPanics(t, func() { l = ratelimiter.New(n, time.Second) },
				"New(%d, time.Second) panicked: n less than 1 means that no event is allowed, not an error", n)
			defer l.Stop()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			start := time.Now()
			waited := make(chan error, 1)
			go func() { waited <- l.Wait(ctx) }()
			select {
			case err := <-waited:
				assert.ErrorIs(t, err, context.DeadlineExceeded,
					"New(%d, time.Second) allows no event at all: Wait must wait until its ctx ends, and return ctx.Err()", n)
				assert.Equal(t, 5*time.Second, time.Since(start), "the ctx of the Wait ended at 5s")
			case <-time.After(time.Hour):
				t.Errorf("New(%d, time.Second): the ctx of a Wait ended at 5s, and an hour later Wait had not returned.\n"+
					"Wait must watch ctx.Done() in the same select as the bucket.", n)
			}
		})
	}
}

// TestStopWinsOverAFreeEvent: after Stop, Wait returns ErrStopped even
// when the window has events left. A Wait that lets select choose between
// a free event and the stop channel takes the event in half the calls:
// it returns ErrStopped on all 64 calls with probability 2^-64.
func TestStopWinsOverAFreeEvent(t *testing.T) {
	check.Seal(t)
	needsStop(t)
	check.InBubble(t, advice, func(t *testing.T) {
		l := ratelimiter.New(64, time.Second)
		l.Stop()
		for i := range 64 {
			err := l.Wait(context.Background())
			require.ErrorIs(t, err, ratelimiter.ErrStopped,
				"Wait number %d after Stop, with events left in the window, returned %v. After Stop every Wait must\n"+
					"return ErrStopped. select picks at random among the cases that are ready: look at the stop channel\n"+
					"first, on its own (a select with a default case), before the select that may take an event.", i+1, err)
		}
	})
}

// TestEndedCtxWinsOverAFreeEvent: a Wait whose ctx has already ended
// returns ctx.Err() even when an event is free, and uses none. As above, a
// Wait that lets select choose passes 64 calls with probability 2^-64.
func TestEndedCtxWinsOverAFreeEvent(t *testing.T) {
	check.Seal(t)
	needsStop(t)
	check.InBubble(t, advice, func(t *testing.T) {
		l := ratelimiter.New(64, time.Second)
		defer l.Stop()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for i := range 64 {
			err := l.Wait(ctx)
			require.ErrorIs(t, err, context.Canceled,
				"Wait number %d with a ctx that had already ended, and events left in the window, returned %v.\n"+
					"It must return ctx.Err() and use no event. select picks at random among the cases that are\n"+
					"ready: look at ctx.Err() first, before the select that may take an event.", i+1, err)
		}
		e := newEvents()
		for range 64 {
			e.wait(context.Background(), l)
		}
		assert.Equal(t, repeat(64, 0), e.times(), "the Waits whose ctx had ended must not use events: all 64 are still there at 0s")
	})
}

// endsAt is a context that ends during the k-th call of its Err method
// (counting every call, from any goroutine): as if the caller cancelled it
// that very moment. A Wait that looks at ctx.Err() after it took an event
// sees the ctx end just then, every run.
type endsAt struct {
	context.Context // Deadline and Value of context.Background
	k               int32
	calls           atomic.Int32
	done            chan struct{}
	once            sync.Once
}

func newEndsAt(k int32) *endsAt {
	return &endsAt{Context: context.Background(), k: k, done: make(chan struct{})}
}

func (c *endsAt) Done() <-chan struct{} { return c.done }

func (c *endsAt) Err() error {
	if c.calls.Add(1) >= c.k {
		c.once.Do(func() { close(c.done) })
	}
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

// TestGivingUpUsesNoEvent: a Wait whose ctx ends as it takes an event
// either returns nil (it got the event) or ctx.Err() and leaves the event
// in the window. The ctx ends during the k-th look at ctx.Err(), for k
// from 1 to 4, so that every point at which a Wait looks is hit; the test
// then counts the events left in the window.
func TestGivingUpUsesNoEvent(t *testing.T) {
	check.Seal(t)
	needsStop(t)
	for k := range int32(4) {
		check.InBubble(t, advice, func(t *testing.T) {
			l := ratelimiter.New(3, time.Second)
			defer l.Stop()
			err := l.Wait(newEndsAt(k + 1))
			if err != nil {
				require.ErrorIs(t, err, context.Canceled, "the ctx of this Wait was cancelled, so Wait returns nil (it got its event) or ctx.Err()")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			left := 0
			for left < 10 && l.Wait(ctx) == nil { // at most 10: a Wait that never waits must not loop forever
				left++
			}
			if err == nil {
				assert.Equal(t, 2, left, "a Wait returned nil, so the window of 3 events has 2 left; these Waits got %d", left)
			} else {
				assert.Equal(t, 3, left,
					"a Wait whose ctx was cancelled while it took an event returned ctx.Err(), and the window of 3 then had\n"+
						"only %d events left: that Wait used up an event although it returned an error. If Wait takes a\n"+
						"token and then sees that ctx has ended (or the limiter stopped), it must put the token back, or\n"+
						"return nil: it got its event.", left)
			}
		})
	}
}

// TestEveryBoundary: at 64 window starts, a window that still has events
// left ends, and at exactly the start of the next one, Waits want more
// than it allows. A Wait at exactly 1s belongs to the window that starts
// at 1s: the events the window before did not use are lost, even when
// that Wait runs before the goroutine that opens the windows has had its
// turn. The test goroutine and that goroutine wake at the same instant, in
// an order the scheduler picks; over 64 boundaries it picks both orders.
func TestEveryBoundary(t *testing.T) {
	check.Seal(t)
	needsStop(t)
	check.InBubble(t, advice, func(t *testing.T) {
		l := ratelimiter.New(3, time.Second)
		defer l.Stop()
		start := time.Now()
		for b := range 64 {
			time.Sleep(500 * time.Millisecond)
			require.NoError(t, l.Wait(context.Background()),
				"at %v, one Wait in a window of 3 events: it returns nil at once", time.Since(start))
			time.Sleep(500 * time.Millisecond) // exactly at the start of the next window
			at := time.Since(start)
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			got := 0
			for got < 10 && l.Wait(ctx) == nil { // at most 10: a Wait that never waits must not loop forever
				got++
			}
			cancel()
			require.Equal(t, 3, got,
				"the window from %v to %v used 1 of its 3 events; then, at exactly %v, Waits (with a ctx that ends\n"+
					"500ms later) got %d events. The window that starts at %v allows 3, however many the window before\n"+
					"left: a Wait at exactly %v belongs to the new window. A Wait that runs at %v before your goroutine\n"+
					"has opened the new window must not take an event left over from the old one (round %d of 64).",
				at-time.Second, at, at, got, at, at, at, b+1)
			time.Sleep(500 * time.Millisecond)
		}
	})
}

// TestNoGapBetweenCheckAndTake: 8 Waits at once on a limiter of 1 per
// second: exactly one gets the event of the first window. The test runs on
// one P with the grader's yield after every unlock (check.OneProc,
// check.YieldAtUnlocks; also after a deferred unlock, as the function
// returns): a Wait that looks for room under one lock hold and takes the
// event under another lets every other Wait look in between, every run.
// A limiter without a mutex is not affected.
func TestNoGapBetweenCheckAndTake(t *testing.T) {
	check.Seal(t)
	needsStop(t)
	check.OneProc(t)
	check.YieldAtUnlocks(t)
	check.InBubble(t, advice, func(t *testing.T) {
		l := ratelimiter.New(1, time.Second)
		defer l.Stop()
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		var got atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if l.Wait(ctx) == nil {
					got.Add(1)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int32(1), got.Load(),
			"8 Waits at once on New(1, time.Second), each with a ctx that ends at 500ms: the first window allows 1\n"+
				"event, and %d Waits got one. Does Wait look for room under one lock hold and take the event under\n"+
				"another? Between the two, every other Wait can look and see the same room. Look and take under one\n"+
				"Lock, without letting go in between.", got.Load())
	})
}

// TestStopAfterUnusedEvents: a window leaves events unused, two more
// windows open with nobody waiting, and then Stop returns at once, and a
// new window still has its 3 events. A goroutine that puts the new
// window's tokens into a bucket still holding old ones waits for room that
// nobody makes, and then cannot hear Stop.
func TestStopAfterUnusedEvents(t *testing.T) {
	check.Seal(t)
	needsStop(t)
	check.InBubble(t, advice+"\nA goroutine that sends the new window's tokens into a full bucket waits until a Wait makes room.", func(t *testing.T) {
		l := ratelimiter.New(3, time.Second)
		require.NoError(t, l.Wait(context.Background()), "the first event of a window is allowed at once")
		time.Sleep(1500 * time.Millisecond) // the window at 1s opens, and nobody waits
		start := time.Now()
		l.Stop()
		assert.Zero(t, time.Since(start), "the first window used 1 of its 3 events, the second none, and at 1.5s Stop must return at once")

		l = ratelimiter.New(3, time.Second)
		require.NoError(t, l.Wait(context.Background()), "the first event of a window is allowed at once")
		time.Sleep(2500 * time.Millisecond) // the windows at 1s and 2s open, and nobody waits
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		got := 0
		for got < 10 && l.Wait(ctx) == nil {
			got++
		}
		assert.Equal(t, 3, got, "at 2.5s, in the window that started at 2s, nobody had waited since 0s: it allows 3 events")
		start = time.Now()
		l.Stop()
		assert.Zero(t, time.Since(start), "Stop must return at once")
	})
}
