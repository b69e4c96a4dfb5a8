//go:build gclhidden

package selecttimeout_test

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	st "github.com/go-concurrency-lab/course/exercises/13-select-timeout"
	"github.com/go-concurrency-lab/course/grader/check"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Time is fake (testing/synctest): a call that takes 99ms returns exactly
// 99ms after it started, and a timeout of 100ms fires exactly 100ms after
// Call began, on every run.

const timeout = 100 * time.Millisecond

// stuck is the advice when a test ends with a goroutine blocked for ever.
const stuck = "when the test ended, a goroutine was still blocked for ever: most likely the one that ran the call,\n" +
	"trying to send its late result on a channel nobody receives from any more. Give that channel room for\n" +
	"the one result (make(chan result, 1)), so the send succeeds and the goroutine ends."

// slowCall returns a call that takes d of (fake) time and then returns
// value and err; calls counts how often it was called, returned how often
// it returned.
type slowCall struct {
	d        time.Duration
	value    string
	err      error
	calls    atomic.Int32
	returned atomic.Int32
}

func (c *slowCall) call() (string, error) {
	c.calls.Add(1)
	defer c.returned.Add(1)
	time.Sleep(c.d)
	return c.value, c.err
}

// timed runs Call and says how much fake time it took.
//
//lint:ignore ST1008 it returns Call's two results, in Call's order, then the time
func timed(c *slowCall) (string, error, time.Duration) {
	start := time.Now()
	v, err := st.Call(timeout, c.call)
	return v, err, time.Since(start)
}

// TestFastCallReturnsItsResult: a call that takes 99ms, with a 100ms
// timeout, returns its result, at 99ms.
func TestFastCallReturnsItsResult(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		c := &slowCall{d: 99 * time.Millisecond, value: "pong"}
		v, err, took := timed(c)
		require.NoError(t, err, "the call took 99ms, within the 100ms timeout: Call must return its result, not an error")
		assert.Equal(t, "pong", v, "Call must return the value the call returned")
		assert.Equal(t, 99*time.Millisecond, took,
			"the call took 99ms, and Call returned after %v. Call must return as soon as the result is there, not wait\n"+
				"out the timeout (time.Sleep(timeout) and then a look is too late): select on the result and the timer.", took)
		assert.Equal(t, int32(1), c.calls.Load(), "Call must run the call exactly once")
	})
}

// TestSlowCallTimesOut: a call that takes 101ms, with a 100ms timeout:
// Call gives up at 100ms with ErrTimeout.
func TestSlowCallTimesOut(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		c := &slowCall{d: 101 * time.Millisecond, value: "too late"}
		v, err, took := timed(c)
		assert.ErrorIs(t, err, st.ErrTimeout, "the call took 101ms, longer than the 100ms timeout: Call must return ErrTimeout")
		assert.Empty(t, v, "with ErrTimeout, Call must return \"\" (the late value is dropped)")
		assert.Equal(t, timeout, took,
			"the call took 101ms and the timeout was 100ms: Call must give up exactly when the timeout expires, at 100ms;\n"+
				"it returned after %v. Run the call in a goroutine and select on its result and on a timer\n"+
				"(time.NewTimer or time.After), so the timer can win.", took)
		time.Sleep(10 * time.Millisecond) // let the late call finish
	})
}

// TestErrorPassesThrough: the call's own error is returned, not ErrTimeout.
func TestErrorPassesThrough(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		errDown := errors.New("service unavailable")
		c := &slowCall{d: 10 * time.Millisecond, err: errDown}
		_, err, took := timed(c)
		assert.ErrorIs(t, err, errDown, "the call failed within the timeout: Call must return the call's own error")
		assert.Equal(t, 10*time.Millisecond, took, "the call failed after 10ms: Call must return then")
	})
}

// TestLateReplyDoesNotLeak: after a timeout, once the slow call has
// returned, the goroutine that ran it has ended.
func TestLateReplyDoesNotLeak(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		c := &slowCall{d: 101 * time.Millisecond, value: "too late"}
		_, err, _ := timed(c)
		require.ErrorIs(t, err, st.ErrTimeout, "the call took 101ms, longer than the 100ms timeout: Call must return ErrTimeout")
		time.Sleep(time.Millisecond) // the slow call returns at 101ms
		synctest.Wait()
		require.Equal(t, int32(1), c.returned.Load(), "the slow call should have returned by now")
		check.Settled(t, "the late call had returned")
	})
}

// TestValueWithError: a call that returns a value and an error: Call
// returns both, as the call gave them.
func TestValueWithError(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		errPartial := errors.New("only part of the answer")
		c := &slowCall{d: 10 * time.Millisecond, value: "part", err: errPartial}
		v, err, _ := timed(c)
		assert.ErrorIs(t, err, errPartial, "the call returned an error within the timeout: Call must return that error")
		assert.Equal(t, "part", v,
			"the call returned the value \"part\" with its error, and Call returned %q. Call returns what the call\n"+
				"returned, both of them: a value can come with an error (a partial answer), and it is the caller's to judge.", v)
	})
}

// TestTimeoutZeroOrLess: a timeout of 0 or less has already expired: Call
// returns ErrTimeout at once, and the call still ends on its own.
func TestTimeoutZeroOrLess(t *testing.T) {
	check.Seal(t)
	for _, d := range []time.Duration{0, -time.Second} {
		check.InBubble(t, stuck, func(t *testing.T) {
			c := &slowCall{d: time.Millisecond, value: "late"}
			start := time.Now()
			v, err := st.Call(d, c.call)
			took := time.Since(start)
			assert.ErrorIs(t, err, st.ErrTimeout,
				"Call(%v, call) must return ErrTimeout: a timeout of 0 or less has already expired. It returned %q, %v.", d, v, err)
			assert.Zero(t, took, "Call(%v, call) must return at once; it took %v", d, took)
			time.Sleep(time.Millisecond)
			synctest.Wait()
			check.Settled(t, "the late call had returned")
		})
	}
}

// TestTimeoutZeroOrLessBeatsAReadyResult: with a timeout of 0 or less,
// Call returns ErrTimeout even when the call returns at once and its
// result is there before Call looks. A timer of 0 has fired at once, but
// if the result is ready too, select takes either case, at random. No test
// can stop Call between its go statement and its select, so this one makes
// the race common: 4 Ps, 4 goroutines, 60,000 Calls each with a call that
// returns at once. It runs in real time, outside a bubble: no time passes
// anyway, and the race detector's runtime fails on this many goroutines
// and zero timers in a bubble on several Ps. Measured on 2 loaded cores, a
// Call that puts a timer of 0 in its select returned the result 105 to 347
// times in 240,000 Calls, with and without -race: the odds that it never
// does are below e^-100.
func TestTimeoutZeroOrLessBeatsAReadyResult(t *testing.T) {
	check.Seal(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	base := runtime.NumGoroutine()
	var won atomic.Int64
	var piled atomic.Bool
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			d := time.Duration(-g % 2) // 0 and -1ns
			for i := range 60000 {
				_, err := st.Call(d, func() (string, error) { return "now", nil })
				if !errors.Is(err, st.ErrTimeout) {
					won.Add(1)
				}
				if i%256 != 255 {
					continue
				}
				// Let the calls left behind run and end, so that goroutines
				// do not pile up (the race detector allows 8,128 at once).
				for try := 0; runtime.NumGoroutine() > base+2000; try++ {
					if try == 10000 || piled.Load() {
						piled.Store(true)
						return
					}
					runtime.Gosched()
				}
			}
		})
	}
	wg.Wait()
	if piled.Load() {
		t.Fatalf("Call(0, call) with a call that returns at once left goroutines behind: %d were alive, and they did not\n"+
			"end. The goroutine that runs the call must end once the call returns, whether or not Call still waits.\n"+
			"%s", runtime.NumGoroutine(), stuck)
	}
	assert.Zero(t, won.Load(),
		"with a timeout of 0 or less, Call returned the call's result %d times in 240,000 instead of ErrTimeout.\n"+
			"A timeout of 0 or less has already expired. A timer of 0 has fired, but when the result is there too,\n"+
			"select takes either case at random. Return ErrTimeout for timeout <= 0 before you look at the result.", won.Load())
}

// TestEarlyResultNotLost: a call that returns at once may have its result
// ready before Call has even started to wait for it; that result must not
// be lost. Which comes first is up to the scheduler: the test gives the
// binary 4 Ps and has 4 goroutines call Call 15,000 times each with a call
// that returns at once (fake time: a lost result costs no real time).
// Measured on 2 loaded cores, a Call that drops a result nobody is waiting
// for yet (a send with a default case on an unbuffered channel) lost 19 to
// 126 of the 60,000 results in each of 80 runs (GOMAXPROCS 1 and 2, with
// and without -race): with at least 19 expected, the odds of losing none
// are about e^-19, one in 100 million.
func TestEarlyResultNotLost(t *testing.T) {
	check.Seal(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	check.InBubble(t, stuck, func(t *testing.T) {
		var lost atomic.Int64
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 15000 {
					v, err := st.Call(timeout, func() (string, error) { return "now", nil })
					if err != nil || v != "now" {
						lost.Add(1)
					}
				}
			})
		}
		wg.Wait()
		assert.Zero(t, lost.Load(),
			"Call lost %d of 60,000 results of a call that returned at once: it returned ErrTimeout although the\n"+
				"result had come. A result can be ready before Call starts to wait for it; it must wait in the channel\n"+
				"until Call takes it. Give the channel room for it (make(chan result, 1)) and send without a default case.", lost.Load())
	})
}
