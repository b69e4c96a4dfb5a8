//go:build gclhidden

package safecache_test

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	safecache "github.com/go-concurrency-lab/course/exercises/07-safe-cache"
	"github.com/go-concurrency-lab/course/grader/check"
)

// slow is set once a test has waited in vain: later tests then wait less,
// since the code under test is the same.
var slow atomic.Bool

func limit(d time.Duration) time.Duration {
	if slow.Load() {
		return d / 10
	}
	return d
}

// loader is a Loader that the test controls and watches: it counts the
// loads of each key and how many are in flight, and gate (when set) holds
// a load back.
type loader struct {
	gate func(key string)

	mu       sync.Mutex
	calls    map[string]int
	inFlight int
	peak     int
}

func newLoader(gate func(string)) *loader {
	return &loader{gate: gate, calls: map[string]int{}}
}

func valueOf(key string) string { return "value of " + key }

func (l *loader) load(key string) string {
	l.mu.Lock()
	l.calls[key]++
	l.inFlight++
	l.peak = max(l.peak, l.inFlight)
	l.mu.Unlock()
	if l.gate != nil {
		l.gate(key)
	}
	l.mu.Lock()
	l.inFlight--
	l.mu.Unlock()
	return valueOf(key)
}

func (l *loader) callsOf(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls[key]
}

// barrier opens once n goroutines have arrived at it, or after a few
// seconds; opened says which of the two happened.
type barrier struct {
	mu      sync.Mutex
	n, seen int
	open    chan struct{}
	timeout time.Duration
	expired atomic.Bool // a wait timed out: later waits do not wait again
}

func newBarrier(n int, timeout time.Duration) *barrier {
	return &barrier{n: n, open: make(chan struct{}), timeout: limit(timeout)}
}

func (b *barrier) arrive() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.seen++; b.seen == b.n {
		close(b.open)
	}
}

func (b *barrier) wait() (opened bool) {
	if b.expired.Load() {
		select {
		case <-b.open:
			return true
		default:
			return false
		}
	}
	select {
	case <-b.open:
		return true
	case <-time.After(b.timeout):
		b.expired.Store(true)
		slow.Store(true)
		return false
	}
}

// within waits for wg, at most d: code under test that never returns
// fails the test, with the places where its goroutines are stuck, instead
// of hanging the grader.
func within(t *testing.T, wg *sync.WaitGroup, d time.Duration, what string) {
	t.Helper()
	d = limit(d)
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return
	case <-time.After(d):
	}
	slow.Store(true)
	t.Errorf("%s: some Get calls did not return within %v, even once every load had finished.\n"+
		"A Get that waits for a key being loaded must be woken when the value is there, all of them:\n"+
		"close a channel (every receiver wakes), do not send one value on it (one receiver wakes).\n%s",
		what, d, check.TimeMarker)
	check.NoLeaks(t) // says where they are stuck
	t.FailNow()
}

// TestGetReturnsLoadedValue: the first Get loads, later Gets remember.
func TestGetReturnsLoadedValue(t *testing.T) {
	check.Seal(t)
	l := newLoader(nil)
	c := safecache.New(l.load)
	var wg sync.WaitGroup
	got := map[string]string{}
	wg.Go(func() {
		for _, k := range []string{"a", "b", "a", "a", "b", "c"} {
			got[k] = c.Get(k)
		}
	})
	within(t, &wg, 3*time.Second, "Get from one goroutine")
	for _, k := range []string{"a", "b", "c"} {
		require.Equal(t, valueOf(k), got[k], "Get(%q) must return what the Loader returned for %q.", k, k)
		require.Equal(t, 1, l.callsOf(k),
			"Get(%q) called the Loader %d times: the first Get of a key loads it, later Gets return the value remembered.",
			k, l.callsOf(k))
	}
}

// TestLoadsEachKeyOnce: many goroutines ask for one key at the same
// moment; the Loader is called once, and they all get its value.
func TestLoadsEachKeyOnce(t *testing.T) {
	check.Seal(t)
	const callers = 8
	for round := range 5 {
		// The load waits until every caller is on its way into Get, so
		// that they all ask while the key is still being loaded.
		arrived := newBarrier(callers, 2*time.Second)
		l := newLoader(func(string) {
			arrived.wait()
			for range 20 {
				runtime.Gosched()
			}
		})
		c := safecache.New(l.load)
		key := fmt.Sprintf("key-%d", round)
		got := make([]string, callers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range callers {
			wg.Go(func() {
				<-start
				arrived.arrive()
				got[i] = c.Get(key)
			})
		}
		close(start)
		within(t, &wg, 5*time.Second, fmt.Sprintf("%d goroutines calling Get(%q) at once", callers, key))
		require.Equal(t, 1, l.callsOf(key),
			"%d goroutines called Get(%q) at the same moment, and the Loader was called %d times for it.\n"+
				"Each key must be loaded once: a goroutine that finds the key missing must tell the others that it is\n"+
				"loading it (under the write lock: look again, and record that the key is on its way), and the others\n"+
				"must wait for that load instead of starting their own.", callers, key, l.callsOf(key))
		for i, v := range got {
			require.Equal(t, valueOf(key), v, "Get(%q) from goroutine %d returned %q, not the loaded value.", key, i, v)
		}
	}
}

// TestLoadsInParallel: Gets of different missing keys are in flight at
// once, each in its own load: a lock held while loading would make them
// go one by one.
func TestLoadsInParallel(t *testing.T) {
	check.Seal(t)
	const keys = 6
	together := newBarrier(keys, 2*time.Second)
	var gaveUp atomic.Bool
	l := newLoader(func(string) {
		together.arrive()
		if !together.wait() {
			gaveUp.Store(true)
		}
	})
	c := safecache.New(l.load)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() { c.Get(fmt.Sprintf("k%d", i)) })
	}
	within(t, &wg, 15*time.Second, fmt.Sprintf("%d goroutines calling Get for %d different keys", keys, keys))
	require.False(t, gaveUp.Load(),
		"%d goroutines called Get for %d different keys at once, but at most %d loads were ever in flight together.\n"+
			"Loading is slow: do not hold the cache's lock while calling the Loader, or every other Get waits for it.\n"+
			"Lock to look up and to record the key, unlock, then load.", keys, keys, l.peak)
}

// TestHitsDoNotWaitForLoads: while one key loads, Gets of keys already in
// the cache return at once, from many goroutines.
func TestHitsDoNotWaitForLoads(t *testing.T) {
	check.Seal(t)
	loading, release := make(chan struct{}), make(chan struct{})
	var startOnce, releaseOnce sync.Once
	l := newLoader(func(key string) {
		if key != "slow" {
			return
		}
		startOnce.Do(func() { close(loading) })
		select {
		case <-release:
		case <-time.After(limit(5 * time.Second)):
		}
	})
	c := safecache.New(l.load)
	var setup sync.WaitGroup
	setup.Go(func() {
		c.Get("a")
		c.Get("b")
	})
	within(t, &setup, 3*time.Second, "Get from one goroutine")

	var slowGet sync.WaitGroup
	slowGet.Go(func() { c.Get("slow") })
	defer func() {
		releaseOnce.Do(func() { close(release) })
		within(t, &slowGet, 10*time.Second, `Get("slow")`)
	}()
	<-loading

	var wrong atomic.Value
	var hits sync.WaitGroup
	for i := range 4 {
		hits.Go(func() {
			for j := range 100 {
				key := []string{"a", "b"}[(i+j)%2]
				if got := c.Get(key); got != valueOf(key) {
					wrong.Store(fmt.Sprintf("Get(%q) returned %q", key, got))
				}
			}
		})
	}
	done := make(chan struct{})
	go func() {
		hits.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(limit(2 * time.Second)):
		slow.Store(true)
		t.Errorf("While Get(\"slow\") was loading, Gets of keys already in the cache (\"a\", \"b\") did not return:\n" +
			"they waited for the load of another key. Hold no lock while the Loader runs, and look keys up\n" +
			"under the read lock (RLock), so that any number of goroutines can look at once.")
		releaseOnce.Do(func() { close(release) })
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Even after the load had finished, the Gets did not return.\n%s", check.TimeMarker)
		}
	}
	if w := wrong.Load(); w != nil {
		t.Errorf("%s: a Get must return the value the Loader loaded for that key.", w)
	}
}

// TestManyGoroutinesManyKeys: 16 goroutines read 20 keys in different
// orders at once: each key loaded once, every value right, no data race.
func TestManyGoroutinesManyKeys(t *testing.T) {
	check.Seal(t)
	const goroutines, keys, rounds = 16, 20, 10
	l := newLoader(func(string) { runtime.Gosched() })
	c := safecache.New(l.load)
	var wrong atomic.Value
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			<-start
			for r := range rounds {
				for k := range keys {
					key := fmt.Sprintf("k%d", (k*(g+1)+r)%keys)
					if got := c.Get(key); got != valueOf(key) {
						wrong.Store(fmt.Sprintf("Get(%q) returned %q", key, got))
					}
				}
			}
		})
	}
	close(start)
	within(t, &wg, 10*time.Second, "16 goroutines calling Get")
	if w := wrong.Load(); w != nil {
		t.Fatalf("%s: a Get must return the value the Loader loaded for that key.", w)
	}
	for k := range keys {
		key := fmt.Sprintf("k%d", k)
		require.Equal(t, 1, l.callsOf(key), "Key %q was loaded %d times by 16 goroutines reading at once; each key must be loaded once.", key, l.callsOf(key))
	}
}

// TestNoGoroutineLeft: once the Gets have returned, the cache runs no
// goroutine of its own.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	l := newLoader(nil)
	c := safecache.New(l.load)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { c.Get(fmt.Sprintf("k%d", i%3)) })
	}
	within(t, &wg, 5*time.Second, "8 goroutines calling Get")
	check.NoLeaks(t)
}
