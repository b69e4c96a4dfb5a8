//go:build gclhidden

package selecttimeout_test

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	st "github.com/go-concurrency-lab/course/exercises/13-select-timeout"
	"github.com/go-concurrency-lab/course/grader/check"
)

// Time is fake (testing/synctest): a call that takes 99ms returns exactly
// 99ms after it started, and a timeout of 100ms fires exactly 100ms after
// Call began, on every run.

const timeout = 100 * time.Millisecond

// inBubble runs f in a synctest bubble. A goroutine left blocked for ever
// (the late reply that nobody receives) makes synctest panic ("deadlock")
// when the test ends; inBubble turns that into a failure that names it.
func inBubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if !strings.Contains(fmt.Sprint(r), "deadlock") {
			panic(r)
		}
		if t.Failed() {
			return // the test has already said what is wrong
		}
		t.Errorf("when the test ended, a goroutine was still blocked for ever: most likely the one that ran the call,\n" +
			"trying to send its late result on a channel nobody receives from any more. Give that channel room for\n" +
			"the one result (make(chan result, 1)), so the send succeeds and the goroutine ends.")
		// The bubble's own goroutine stays behind after such a panic;
		// name only the others.
		check.NoLeaks(t, goleak.IgnoreTopFunction("testing/synctest.testingSynctestTest"))
	}()
	synctest.Test(t, f)
}

// bubbleGoroutines are the goroutines of synctest itself, which NoLeaks
// must not count when it runs inside a bubble.
var bubbleGoroutines = []goleak.Option{
	goleak.IgnoreTopFunction("internal/synctest.Run"),
	goleak.IgnoreTopFunction("testing/synctest.testingSynctestTest"),
}

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
func timed(c *slowCall) (string, error, time.Duration) {
	start := time.Now()
	v, err := st.Call(timeout, c.call)
	return v, err, time.Since(start)
}

// TestFastCallReturnsItsResult: a call that takes 99ms, with a 100ms
// timeout, returns its result, at 99ms.
func TestFastCallReturnsItsResult(t *testing.T) {
	check.Seal(t)
	inBubble(t, func(t *testing.T) {
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
	inBubble(t, func(t *testing.T) {
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
	inBubble(t, func(t *testing.T) {
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
	inBubble(t, func(t *testing.T) {
		c := &slowCall{d: 101 * time.Millisecond, value: "too late"}
		_, err, _ := timed(c)
		require.ErrorIs(t, err, st.ErrTimeout, "the call took 101ms, longer than the 100ms timeout: Call must return ErrTimeout")
		time.Sleep(5 * time.Millisecond) // the slow call returns at 101ms
		synctest.Wait()
		require.Equal(t, int32(1), c.returned.Load(), "the slow call should have returned by now")
		check.NoLeaks(t, bubbleGoroutines...)
	})
}
