//go:build gclhidden

package once_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
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

// fakeInit is an init function that the test controls: it counts its calls
// (hold.Entered) and holds each call until the test opens hold.
type fakeInit struct {
	hold  *check.Hold
	value *config
	err   error
}

func newInit(value *config, err error) *fakeInit {
	return &fakeInit{hold: check.NewHold(), value: value, err: err}
}

func (f *fakeInit) init() (*config, error) {
	leave, _ := f.hold.Enter(context.Background())
	defer leave()
	return f.value, f.err
}

type result struct {
	value *config
	err   error
}

const callers = 64

// bound is how long the tests wait, in real time, for code that is broken:
// a correct Get parks or returns within microseconds.
const bound = 20 * time.Second

// whileInitRuns has callers goroutines call l.Get at once, with f's init
// held: once the first call of init has begun and every caller is either
// parked (waiting inside Get) or has returned, it calls during, then lets
// init finish and returns what each caller got. It fails t when Get hangs.
func whileInitRuns(t *testing.T, f *fakeInit, l *once.Lazy[*config], during func(gs []*check.Goroutine)) []result {
	t.Helper()
	defer f.hold.Open() // a failed check must not leave the callers held
	results := make([]result, callers)
	gs := make([]*check.Goroutine, callers)
	// An RWMutex's Lock waits until every caller is in Get: then all of
	// them have looked at "is it done?" before the first one can run init.
	letWritersGo := check.LocksOf(l).StallWriters()
	for i := range gs {
		gs[i] = check.Go(func() {
			v, err := l.Get()
			results[i] = result{v, err}
		})
	}
	check.WaitParked(bound, gs...)
	letWritersGo()
	check.Quiet(bound)
	if f.hold.Entered() == 0 {
		t.Fatalf("64 goroutines called Get, and none of them called init: the first call of Get must call init.")
	}
	// Every caller has now either returned, or is parked: waiting for a
	// lock, for a channel, for sync.Once, or inside init (held here).
	require.True(t, check.WaitParked(bound, gs...), "the callers of Get neither returned nor waited")
	during(gs)
	f.hold.Open()
	if !check.WaitEnded(bound, gs...) {
		t.Fatalf("Once init had returned, some calls of Get still did not return: they wait for something\n"+
			"that never happens. A caller that waits for init must be woken when it returns\n"+
			"(sync.Once and sync.OnceValues do that for you).\n%s", check.TimeMarker)
	}
	return results
}

// newLazy calls once.New(f.init) in a goroutine the test watches: a New
// that calls init would wait for ever for the init the test holds.
func newLazy(t *testing.T, f *fakeInit) *once.Lazy[*config] {
	t.Helper()
	var l *once.Lazy[*config]
	if !check.WaitEnded(bound, check.Go(func() { l = once.New(f.init) })) {
		f.hold.Open()
		t.Fatalf("New did not return: it called init (which the test held back). New must not call init:\n" +
			"the first call of Get does.")
	}
	return l
}

// TestNewDoesNotCallInit: New calls init neither itself nor in a goroutine
// of its own; the first call of Get does.
func TestNewDoesNotCallInit(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, "New must not call init, and must not start a goroutine that does.", func(t *testing.T) {
		f := newInit(&config{"dev"}, nil)
		f.hold.Open()
		l := once.New(f.init)
		synctest.Wait() // a goroutine that New started has run as far as it can
		require.Zero(t, f.hold.Entered(),
			"New called init (or started a goroutine that did). The value must be computed lazily,\n"+
				"by the first call of Get, not before: a program may never need it, and init may be expensive.")
		v, err := l.Get()
		require.NoError(t, err)
		require.Same(t, f.value, v, "Get must return the value that init returned")
		require.Equal(t, 1, f.hold.Entered(), "the first call of Get must call init, once")
	})
}

// TestInitRunsOnce: 64 goroutines call Get while init runs; init runs once.
func TestInitRunsOnce(t *testing.T) {
	check.Seal(t)
	f := newInit(&config{"prod"}, nil)
	l := newLazy(t, f)
	whileInitRuns(t, f, l, func([]*check.Goroutine) {
		require.Equal(t, 1, f.hold.Entered(),
			"64 goroutines called Get at the same time, and %d of them called init while the first call\n"+
				"was still running: init must run once. Checking a flag (\"if not done yet, call init\") is\n"+
				"not enough: every caller sees \"not done\" until init has returned. sync.Once (or\n"+
				"sync.OnceValues) makes one caller run init and the others wait until it has returned.",
			f.hold.Entered())
	})
	require.Equal(t, 1, f.hold.Entered(),
		"64 goroutines called Get at the same time, and init ran %d times: the first time, and again\n"+
			"after it had returned. A caller that found init not done yet, and then waited for a lock, must\n"+
			"look again once it has the lock: meanwhile another caller may have run init.", f.hold.Entered())
	for range 3 {
		_, _ = l.Get()
	}
	assert.Equal(t, 1, f.hold.Entered(), "calls of Get after init has returned must not call init again")
}

// TestCallersWaitForInit: a caller that arrives while init is running
// waits for it, and every caller gets the value it returned.
func TestCallersWaitForInit(t *testing.T) {
	check.Seal(t)
	want := &config{"prod"}
	f := newInit(want, nil)
	l := newLazy(t, f)
	results := whileInitRuns(t, f, l, func(gs []*check.Goroutine) {
		returned := 0
		for _, g := range gs {
			if g.Ended() {
				returned++
			}
		}
		require.Zero(t, returned,
			"While init was still running, %d of the 64 calls of Get returned without waiting for it.\n"+
				"They cannot have its value yet: a caller that arrives while init runs must wait until it\n"+
				"has returned (sync.Once's Do waits; a flag checked with CompareAndSwap does not).", returned)
	})
	wrong := 0
	for _, r := range results {
		if r.value != want || r.err != nil {
			wrong++
		}
	}
	assert.Zero(t, wrong,
		"%d of the 64 goroutines that called Get at the same time did not get the value init returned\n"+
			"(they got nil, or an error). Every caller must get that result: a result kept in a local\n"+
			"variable of the caller that ran init reaches no one else; keep it in the Lazy.", wrong)
	v, err := l.Get()
	assert.Same(t, want, v, "a later call of Get must return the value that init returned")
	assert.NoError(t, err)
}

// TestZeroValueIsAResult: an init that returns the zero value (a nil
// pointer, no error) has run: later calls return it and do not call init.
func TestZeroValueIsAResult(t *testing.T) {
	check.Seal(t)
	f := newInit(nil, nil)
	f.hold.Open()
	l := once.New(f.init)
	for i := range 3 {
		v, err := l.Get()
		require.NoError(t, err)
		require.Nil(t, v, "init returned nil, so Get must return nil")
		require.Equal(t, 1, f.hold.Entered(),
			"init returned the zero value (nil) with no error, and after %d calls of Get it had run %d times.\n"+
				"A zero value is a result like any other: do not use \"the value is still zero\" to mean\n"+
				"\"init has not run yet\". sync.Once knows whether it ran, whatever init returned.",
			i+1, f.hold.Entered())
	}
}

// TestErrorIsTheResultToo: an init that fails runs once too, and every
// caller, then and later, gets its error.
func TestErrorIsTheResultToo(t *testing.T) {
	check.Seal(t)
	f := newInit(nil, errBroken)
	l := newLazy(t, f)
	results := whileInitRuns(t, f, l, func([]*check.Goroutine) {})
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
	assert.Equal(t, 1, f.hold.Entered(),
		"init failed, and it ran %d times instead of once. This exercise remembers the error: init runs\n"+
			"once whether it fails or not, and is not retried (that is what sync.OnceValues does). A flag\n"+
			"set only when init succeeds makes every later Get call init again.", f.hold.Entered())
}
