//go:build gclhidden

package leakysearch_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ls "github.com/go-concurrency-lab/course/exercises/27-leaky-search"
	"github.com/go-concurrency-lab/course/grader/check"
)

// Every test runs in a synctest bubble (check.InBubble): time is fake, and
// a goroutine left blocked is reported with where it waits.
const advice = "A goroutine that sends an answer nobody will read waits forever. Give every sender room (a channel\n" +
	"buffered for all the replicas) or a way out (a select on a context you cancel when First returns)."

// fleet makes replicas that the test controls: slow ones wait in a
// check.Hold until the test lets them go (or, if they watch their context,
// until it is cancelled). It records the context each replica got.
type fleet struct {
	held *check.Hold
	mu   sync.Mutex
	ctxs []context.Context
	told int // slow replicas that gave up because their ctx was cancelled
}

func newFleet() *fleet { return &fleet{held: check.NewHold()} }

func (f *fleet) record(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ctxs = append(f.ctxs, ctx)
}

func (f *fleet) fast(text string) ls.Replica {
	return func(ctx context.Context, query string) (string, error) {
		f.record(ctx)
		return text, nil
	}
}

func (f *fleet) failing(err error) ls.Replica {
	return func(ctx context.Context, query string) (string, error) {
		f.record(ctx)
		return "", err
	}
}

// slow answers text once the test lets it go. If watchCtx, it gives up as
// soon as its context is cancelled; otherwise it does not notice.
func (f *fleet) slow(text string, watchCtx bool) ls.Replica {
	return func(ctx context.Context, query string) (string, error) {
		f.record(ctx)
		var hc context.Context // nil: held until let go, whatever ctx does
		if watchCtx {
			hc = ctx
		}
		leave, err := f.held.Enter(hc)
		defer leave()
		if err != nil {
			f.mu.Lock()
			f.told++
			f.mu.Unlock()
			return "", err
		}
		return text, nil
	}
}

// after answers text (or fails with err) after d, or gives up when its
// context is cancelled.
func after(d time.Duration, text string, err error) ls.Replica {
	return func(ctx context.Context, query string) (string, error) {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-timer.C:
			return text, err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

type result struct {
	text string
	err  error
	took time.Duration
	// allCancelled: when First returned, every context the replicas got
	// was cancelled.
	allCancelled bool
}

// first calls ls.First and waits for it at most an hour of fake time.
func first(t *testing.T, ctx context.Context, f *fleet, replicas ...ls.Replica) result {
	t.Helper()
	start := time.Now()
	done := make(chan result, 1)
	go func() {
		text, err := ls.First(ctx, "gopher", replicas...)
		r := result{text: text, err: err, took: time.Since(start), allCancelled: true}
		if f != nil {
			f.mu.Lock()
			for _, c := range f.ctxs {
				r.allCancelled = r.allCancelled && c.Err() != nil
			}
			f.mu.Unlock()
		}
		done <- r
	}()
	select {
	case r := <-done:
		return r
	case <-time.After(time.Hour):
		if f != nil {
			f.held.Open()
		}
		t.Fatal("First had not returned an hour after it was called, although a replica had answered at once\n" +
			"(or its context had ended). Return the first good answer at once; do not wait for the others.")
		return result{}
	}
}

// lettingGo lets the slow replicas answer now, after First has returned,
// and checks that every goroutine of First ends then, by itself.
func (f *fleet) lettingGo(t *testing.T, what string) {
	t.Helper()
	f.held.Open()
	check.Settled(t, what)
}

// TestAsksEveryReplicaAtOnce: every replica is asked before any of them
// answers.
func TestAsksEveryReplicaAtOnce(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		f := newFleet()
		done := make(chan result, 1)
		go func() {
			text, err := ls.First(context.Background(), "gopher", f.slow("a", true), f.slow("b", true), f.slow("c", true))
			done <- result{text: text, err: err}
		}()
		asked := f.held.WaitInFlight(3, time.Minute)
		n := f.held.InFlight()
		f.held.Open()
		r := <-done
		require.True(t, asked, "First asked only %d of 3 replicas while the first one was still working: it must ask every\n"+
			"replica at once, each in a goroutine of its own, and then wait for the first good answer.", n)
		require.NoError(t, r.err)
		assert.Contains(t, []string{"a", "b", "c"}, r.text)
		check.Settled(t, "First returned and every replica had answered")
	})
}

// TestFastestWins: the replica that answers first wins, at the moment it
// answers; a replica that fails does not win; an empty answer is an answer.
func TestFastestWins(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		r := first(t, context.Background(), nil,
			after(300*time.Millisecond, "c", nil),
			after(50*time.Millisecond, "", errors.New("replica a is down")),
			after(100*time.Millisecond, "b", nil),
			after(200*time.Millisecond, "d", nil))
		require.NoError(t, r.err)
		assert.Equal(t, "b", r.text, "b is the first replica to answer without an error, after 100ms")
		assert.Equal(t, 100*time.Millisecond, r.took,
			"First should return as soon as the first good answer arrives (100ms), not wait for the others")

		r = first(t, context.Background(), nil,
			after(20*time.Millisecond, "late", nil),
			after(10*time.Millisecond, "", nil))
		require.NoError(t, r.err)
		assert.Equal(t, "", r.text, "the replica that answered first, after 10ms, answered \"\" without an error: an empty\n"+
			"answer is a successful answer like any other, and it wins")
		assert.Equal(t, 10*time.Millisecond, r.took)
		time.Sleep(time.Second) // every replica has answered by now
		check.Settled(t, "every replica had answered")
	})
}

// TestAllReplicasFail: when every replica fails, First says why, with each
// replica's error; with no replicas, ErrNoReplicas.
func TestAllReplicasFail(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		f := newFleet()
		var errs []error
		var replicas []ls.Replica
		for _, name := range []string{"eu", "us", "asia"} {
			err := errors.New("replica " + name + " is down")
			errs = append(errs, err)
			replicas = append(replicas, f.failing(err))
		}
		r := first(t, context.Background(), f, replicas...)
		require.Error(t, r.err, "every replica failed, so First must return an error")
		for _, e := range errs {
			assert.ErrorIs(t, r.err, e, "the error should include every replica's error (errors.Join)")
		}
		check.Settled(t, "First returned and every replica had failed")

		r = first(t, context.Background(), nil)
		assert.ErrorIs(t, r.err, ls.ErrNoReplicas, "with no replicas, First returns ErrNoReplicas")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r = first(t, ctx, nil)
		assert.ErrorIs(t, r.err, ls.ErrNoReplicas, "with no replicas, First returns ErrNoReplicas, whatever its ctx")
	})
}

// TestGivesUpWhenContextEnds: when the caller's deadline passes, or the
// caller cancels, before any replica answered, First returns the context's
// error at once, even while replicas that ignore their context still work.
// A ctx that has already ended gets its error at once too.
func TestGivesUpWhenContextEnds(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		r := first(t, ctx, nil, after(time.Second, "late", nil), after(time.Second, "late", nil))
		assert.ErrorIs(t, r.err, context.DeadlineExceeded, "the caller's deadline passed before any replica answered")
		assert.Equal(t, 50*time.Millisecond, r.took, "First should give up when the deadline passes")

		f := newFleet()
		ctx, cancel = context.WithCancel(context.Background())
		time.AfterFunc(30*time.Millisecond, cancel)
		r = first(t, ctx, f, f.slow("slow-1", false), f.slow("slow-2", false))
		assert.ErrorIs(t, r.err, context.Canceled, "the caller cancelled at 30ms, before any replica answered")
		assert.Equal(t, 30*time.Millisecond, r.took,
			"First should give up at once when its ctx is cancelled, even though the replicas ignore it")
		f.lettingGo(t, "the slow replicas answered after First had given up")

		f = newFleet()
		ctx, cancel = context.WithCancel(context.Background())
		cancel()
		r = first(t, ctx, f, f.slow("slow-1", false), f.slow("slow-2", false))
		assert.ErrorIs(t, r.err, context.Canceled, "the ctx had already ended when First was called: it returns ctx.Err() at once")
		assert.Zero(t, r.took, "the ctx had already ended when First was called: it returns ctx.Err() at once")
		f.lettingGo(t, "the slow replicas answered after First had given up")
	})
}

// yielding is a context that has ended, and whose Done method lets every
// other ready goroutine run before it returns. First's select evaluates
// ctx.Done() before it picks a case, so on one P (check.OneProc) the
// replicas First has just started have run, and answered, by the time the
// select picks: it then has both an answer and ctx.Done() ready.
type yielding struct{ context.Context }

func (c yielding) Done() <-chan struct{} {
	runtime.Gosched()
	return c.Context.Done()
}

// TestEndedCtxWinsOverAnInstantAnswer: a ctx that has already ended when
// First is called gets ctx.Err(), even from replicas that answer at once
// (a cache that does not look at its ctx). A First that starts the
// replicas anyway and lets a select choose between their answer and
// ctx.Done() returns the answer in half the calls once both are ready; the
// test makes both ready every call (see yielding) and calls 64 times.
func TestEndedCtxWinsOverAnInstantAnswer(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	check.InBubble(t, advice, func(t *testing.T) {
		ended, cancel := context.WithCancel(context.Background())
		cancel()
		ctx := yielding{ended}
		cached := func(context.Context, string) (string, error) { return "cached", nil }
		for i := range 64 {
			text, err := ls.First(ctx, "gopher", cached, cached, cached)
			require.ErrorIs(t, err, context.Canceled,
				"call %d: the ctx had already ended when First was called, and First returned %q, %v: a replica that\n"+
					"answers at once (it does not look at its ctx) won over the ended ctx. With both an answer and\n"+
					"ctx.Done() ready, select picks at random. Look at ctx.Err() first, before you start any replica.",
				i+1, text, err)
		}
		check.Settled(t, "First returned and the replicas answered")
	})
}

// TestLosersAreToldToStop: when First returns, the context it handed the
// replicas is already cancelled, so the losers stop working.
func TestLosersAreToldToStop(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		f := newFleet()
		r := first(t, context.Background(), f, f.slow("slow-1", true), f.fast("fast"), f.slow("slow-2", true))
		require.NoError(t, r.err)
		require.Equal(t, "fast", r.text)
		assert.True(t, r.allCancelled, "First has returned, but the context the replicas got was not cancelled: the slow\n"+
			"replicas go on working on a question nobody will read the answer to. Derive a context with\n"+
			"context.WithCancel, hand that to the replicas, and cancel it when First returns (defer cancel()).")
		if !check.Settled(t, "First returned") {
			f.held.Open()
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		assert.Equal(t, 2, f.told, "both slow replicas should have seen their context cancelled")
	})
}

// TestNoGoroutineLeft: once First has returned and the slow replicas have
// answered too, none of First's goroutines is left, not even one that
// would end a moment later (check.Settled, no retries).
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		f := newFleet()
		r := first(t, context.Background(), f, f.slow("slow-1", false), f.fast("fast"), f.slow("slow-2", false))
		require.NoError(t, r.err)
		require.Equal(t, "fast", r.text, "the fast replica answered at once, so its answer should win")
		f.lettingGo(t, "the slow replicas answered after First had returned")

		// The same when the caller gives up before anyone answers.
		f = newFleet()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		r = first(t, ctx, f, f.slow("slow-1", false), f.slow("slow-2", false), f.slow("slow-3", false))
		require.ErrorIs(t, r.err, context.DeadlineExceeded, "the deadline passed before any replica answered")
		f.lettingGo(t, "the slow replicas answered after First had given up")
	})
}
