//go:build gclhidden

package once_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-concurrency-lab/course/exercises/08-once"
	"github.com/go-concurrency-lab/course/grader/check"
)

// config is what the tests' init functions compute: a pointer, so that the
// tests can see whether every caller got the very same value.
type config struct{ name string }

var errBroken = errors.New("config file is broken")

// fakeInit is an init function that counts its calls. Its first call waits
// until every caller of the test has arrived at Get, and a few milliseconds
// more: a Get that does not hold the other callers back while init runs
// lets them call init too, and the count shows it.
type fakeInit struct {
	callers int32 // how many goroutines will call Get
	arrived atomic.Int32
	calls   atomic.Int32
	value   *config
	err     error
}

func (f *fakeInit) init() (*config, error) {
	f.calls.Add(1)
	// A bounded wait: a Get that runs init only after every caller has
	// returned must not hang the test.
	deadline := time.Now().Add(time.Second)
	for f.arrived.Load() < f.callers && time.Now().Before(deadline) {
		time.Sleep(50 * time.Microsecond)
	}
	time.Sleep(5 * time.Millisecond)
	return f.value, f.err
}

type result struct {
	value *config
	err   error
}

// callAtOnce has n goroutines call l.Get at the same moment and returns
// what each one got.
func callAtOnce(f *fakeInit, l *once.Lazy[*config], n int) []result {
	results := make([]result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			f.arrived.Add(1)
			v, err := l.Get()
			results[i] = result{v, err}
		})
	}
	close(start)
	wg.Wait()
	return results
}

const callers = 64

// TestInitRunsOnce: 64 goroutines call Get at the same time; init runs once.
func TestInitRunsOnce(t *testing.T) {
	check.Seal(t)
	f := &fakeInit{callers: callers, value: &config{"prod"}}
	l := once.New(f.init)
	callAtOnce(f, l, callers)
	require.Equal(t, int32(1), f.calls.Load(),
		"64 goroutines called Get at the same time, and init ran %d times instead of once.\n"+
			"Checking a flag (\"if not done yet, call init\") is not enough: all of them see \"not done\"\n"+
			"while the first call of init is still running. sync.Once (or sync.OnceValues) makes one\n"+
			"caller run init and the others wait until it has returned.", f.calls.Load())
	for range 3 {
		_, _ = l.Get()
	}
	assert.Equal(t, int32(1), f.calls.Load(), "calls of Get after the first must not run init again")
}

// TestEveryCallerGetsTheValue: callers that arrive while init is running
// wait for it, and all of them get the value it returned.
func TestEveryCallerGetsTheValue(t *testing.T) {
	check.Seal(t)
	want := &config{"prod"}
	f := &fakeInit{callers: callers, value: want}
	l := once.New(f.init)
	results := callAtOnce(f, l, callers)
	wrong := 0
	for _, r := range results {
		if r.value != want || r.err != nil {
			wrong++
		}
	}
	assert.Zero(t, wrong,
		"%d of the 64 goroutines that called Get at the same time did not get the value init returned\n"+
			"(they got nil, or an error). A caller that arrives while init is still running must wait for it\n"+
			"and then return its result, not return at once. And every caller must get that result:\n"+
			"a result kept in a local variable of the first caller reaches no one else.", wrong)
	v, err := l.Get()
	assert.Same(t, want, v, "a later call of Get must return the value that init returned")
	assert.NoError(t, err)
}

// TestLazy: New does not run init; the first Get does, and later calls
// reuse its value.
func TestLazy(t *testing.T) {
	check.Seal(t)
	want := &config{"dev"}
	f := &fakeInit{callers: 1, value: want}
	f.arrived.Store(1)
	l := once.New(f.init)
	require.Zero(t, f.calls.Load(),
		"New called init. The value must be computed lazily: on the first call of Get, not before\n"+
			"(a program may never need it, and init may be expensive).")
	for i := range 3 {
		v, err := l.Get()
		require.NoError(t, err)
		require.Same(t, want, v, "Get must return the value that init returned")
		require.Equal(t, int32(1), f.calls.Load(), "after %d calls of Get, init must have run exactly once", i+1)
	}
}

// TestErrorIsTheResultToo: an init that fails runs once too, and every
// caller, then and later, gets its error.
func TestErrorIsTheResultToo(t *testing.T) {
	check.Seal(t)
	f := &fakeInit{callers: callers, err: errBroken}
	l := once.New(f.init)
	results := callAtOnce(f, l, callers)
	wrong := 0
	for _, r := range results {
		if !errors.Is(r.err, errBroken) {
			wrong++
		}
	}
	assert.Zero(t, wrong,
		"init failed, and %d of the 64 goroutines that called Get at the same time did not get its error.\n"+
			"The error is the result too: every caller must get the error init returned.", wrong)
	for range 3 {
		_, err := l.Get()
		assert.ErrorIs(t, err, errBroken, "a later call of Get must return the error init returned")
	}
	assert.Equal(t, int32(1), f.calls.Load(),
		"init failed, and it ran %d times instead of once. This exercise remembers the error: init runs\n"+
			"once whether it fails or not, and is not retried (that is what sync.OnceValues does). A flag\n"+
			"set only when init succeeds makes every later Get call init again.", f.calls.Load())
}
