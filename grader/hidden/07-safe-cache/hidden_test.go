//go:build gclhidden

package safecache_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	safecache "github.com/go-concurrency-lab/course/exercises/07-safe-cache"
	"github.com/go-concurrency-lab/course/grader/check"
)

// bound is how long the tests wait, in real time, for code that is broken:
// a correct Get parks or returns within microseconds. A goroutine that is
// stuck is seen as stuck (check.WaitEnded) long before that.
const bound = 20 * time.Second

// loader is a Loader that the test controls and watches: it counts the
// loads of each key, and holds back the loads of the keys it was told to
// (check.Hold: in flight, peak, released by the test).
type loader struct {
	hold *check.Hold
	held map[string]bool // nil: hold every key

	mu    sync.Mutex
	calls map[string]int
}

func newLoader(held ...string) *loader {
	l := &loader{hold: check.NewHold(), calls: map[string]int{}}
	if len(held) > 0 {
		l.held = map[string]bool{}
		for _, k := range held {
			l.held[k] = true
		}
	}
	return l
}

// openLoader is a loader that holds nothing back.
func openLoader() *loader {
	l := newLoader()
	l.hold.Open()
	return l
}

// valueOf is what the loader returns for key; "" for the key "empty".
func valueOf(key string) string {
	if key == "empty" {
		return ""
	}
	return "value of " + key
}

func (l *loader) load(key string) string {
	l.mu.Lock()
	l.calls[key]++
	l.mu.Unlock()
	if l.held == nil || l.held[key] {
		leave, _ := l.hold.Enter(context.Background())
		defer leave()
	}
	return valueOf(key)
}

func (l *loader) callsOf(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls[key]
}

// gets calls c.Get(key) in a goroutine of its own for each key, and
// returns the goroutines and where each result goes.
func gets(c *safecache.Cache, keys ...string) ([]*check.Goroutine, []string) {
	got := make([]string, len(keys))
	gs := make([]*check.Goroutine, len(keys))
	for i, k := range keys {
		gs[i] = check.Go(func() { got[i] = c.Get(k) })
	}
	return gs, got
}

// finish opens l and waits for gs to return; Gets that are stuck even then
// fail the test.
func finish(t *testing.T, l *loader, what string, gs ...*check.Goroutine) {
	t.Helper()
	l.hold.Open()
	if !check.WaitEnded(bound, gs...) {
		t.Fatalf("%s: some Get calls did not return, even once every load had finished. They wait for\n"+
			"something that never happens. A Get that waits for a key being loaded must be woken when the\n"+
			"value is there, all of them: close a channel (every receiver wakes), do not send one value on\n"+
			"it (one receiver wakes).\n%s", what, check.TimeMarker)
	}
}

// warm returns a cache of l with keys, which l must not hold back,
// already loaded.
func warm(t *testing.T, l *loader, keys ...string) *safecache.Cache {
	t.Helper()
	c := safecache.New(l.load)
	for _, k := range keys {
		g, _ := gets(c, k)
		if !check.WaitEnded(bound, g...) {
			t.Fatalf("Get(%q) of a key not yet in the cache, from one goroutine, did not return.\n%s", k, check.TimeMarker)
		}
	}
	return c
}

// TestGetReturnsLoadedValue: the first Get of a key loads it, later Gets
// return the value remembered; "" is a key and a value like any other.
func TestGetReturnsLoadedValue(t *testing.T) {
	check.Seal(t)
	l := openLoader()
	c := safecache.New(l.load)
	keys := []string{"a", "b", "a", "", "empty", "a", "b", "empty", "", "c"}
	got := make([]string, len(keys))
	g := check.Go(func() {
		for i, k := range keys {
			got[i] = c.Get(k)
		}
	})
	finish(t, l, "Get from one goroutine", g)
	for i, k := range keys {
		require.Equal(t, valueOf(k), got[i], "Get(%q) must return what the Loader returned for %q.", k, k)
	}
	for _, k := range []string{"a", "b", "c", "", "empty"} {
		require.Equal(t, 1, l.callsOf(k),
			"Get(%q) called the Loader %d times: the first Get of a key loads it, later Gets return the value\n"+
				"remembered. (The empty string is a key like any other, and \"\" a value like any other: to know\n"+
				"whether a key is there, use v, ok := m[key], not v != \"\".)", k, l.callsOf(k))
	}
}

// TestHitsRunInParallel: while another goroutine is looking a key up, a Get
// of a key already in the cache goes on at once: lookups take the read lock.
func TestHitsRunInParallel(t *testing.T) {
	check.Seal(t)
	c := warm(t, openLoader(), "a", "b")
	// The test acts as a goroutine in the middle of a lookup: it holds a
	// read lock of the cache's RWMutex (and any plain Mutex of it).
	release := check.LocksOf(c).HoldAsReader()
	gs, got := gets(c, "a", "b", "a")
	ended := check.WaitEnded(bound, gs...)
	release()
	require.True(t, ended,
		"While another goroutine was looking a key up (holding the cache's read lock), Gets of keys\n"+
			"already in the cache did not return: they waited for it. Any number of goroutines must be able to\n"+
			"look keys up at the same time: look up under RLock, and take the write Lock only to add a key.")
	check.WaitEnded(bound, gs...)
	require.Equal(t, []string{valueOf("a"), valueOf("b"), valueOf("a")}, got, "Get must return the values loaded")
}

// TestHitsDoNotWaitForLoads: while one key loads, Gets of keys already in
// the cache return.
func TestHitsDoNotWaitForLoads(t *testing.T) {
	check.Seal(t)
	l := newLoader("slow")
	c := warm(t, l, "a", "b")
	slow, _ := gets(c, "slow")
	defer finish(t, l, `Get("slow")`, slow...)
	check.Quiet(bound)
	require.Equal(t, 1, l.hold.Entered(), `Get("slow") of a key not in the cache must call the Loader, once`)

	hits, got := gets(c, "a", "b", "a", "b")
	require.True(t, check.WaitEnded(bound, hits...),
		"While Get(\"slow\") was loading, Gets of keys already in the cache (\"a\", \"b\") did not return:\n"+
			"they waited for the load of another key. Hold no lock while the Loader runs, and look keys up\n"+
			"under the read lock (RLock), so that any number of goroutines can look at once.")
	require.Equal(t, []string{valueOf("a"), valueOf("b"), valueOf("a"), valueOf("b")}, got,
		"Get must return the values loaded")
}

// TestLoadsInParallel: Gets of different missing keys are in flight at
// once, each in its own load: a lock held while loading would make them
// go one by one.
func TestLoadsInParallel(t *testing.T) {
	check.Seal(t)
	const keys = 6
	l := newLoader()
	c := safecache.New(l.load)
	var names []string
	for i := range keys {
		names = append(names, fmt.Sprintf("k%d", i))
	}
	gs, got := gets(c, names...)
	defer finish(t, l, fmt.Sprintf("%d goroutines calling Get for %d different keys", keys, keys), gs...)
	// Every Get is now waiting: for its load (held by the test), or for
	// something else, such as a lock.
	check.WaitParked(bound, gs...)
	require.Equal(t, keys, l.hold.InFlight(),
		"%d goroutines called Get for %d different keys at once, but only %d of the loads were in flight\n"+
			"together while the other Gets waited. Loading is slow: do not hold any lock while calling the Loader, or every\n"+
			"other Get waits for it. Lock to look up and to record the key, unlock, then load.",
		keys, keys, l.hold.InFlight())
	finish(t, l, "Get", gs...)
	require.Equal(t, []string{valueOf("k0"), valueOf("k1"), valueOf("k2"), valueOf("k3"), valueOf("k4"), valueOf("k5")}, got)

	// While "slow" loads and a second Get waits for it, a Get of another
	// key still loads at once, and hits still return.
	l = newLoader("slow")
	c = warm(t, l, "a")
	slow, _ := gets(c, "slow", "slow")
	defer finish(t, l, `Get("slow")`, slow...)
	check.WaitParked(bound, slow...)
	other, _ := gets(c, "other", "a")
	require.True(t, check.WaitEnded(bound, other...),
		"While Get(\"slow\") was loading and another Get(\"slow\") waited for it, Get(\"other\") of a\n"+
			"key not in the cache (and Get(\"a\") of a key in it) waited too. A Get that waits for a load\n"+
			"must hold no lock while it waits: unlock, then wait (for the entry's channel, say).")
}

// TestLoadsEachKeyOnce: many goroutines ask for one key at the same
// moment; the Loader is called once, and they all get its value.
func TestLoadsEachKeyOnce(t *testing.T) {
	check.Seal(t)
	const callers = 8
	l := newLoader()
	c := safecache.New(l.load)
	key := "config"
	// The test holds back every call of the RWMutex's Lock until all the
	// callers are in Get: so all of them have looked the key up and found
	// it missing before the first one can add it.
	letWritersGo := check.LocksOf(c).StallWriters()
	keys := make([]string, callers)
	for i := range keys {
		keys[i] = key
	}
	gs, got := gets(c, keys...)
	check.WaitParked(bound, gs...)
	letWritersGo()
	defer finish(t, l, fmt.Sprintf("%d goroutines calling Get(%q) at once", callers, key), gs...)
	check.Quiet(bound)
	require.NotZero(t, l.hold.Entered(), "Get(%q) of a key not in the cache must call the Loader", key)
	require.Equal(t, 1, l.hold.Entered(),
		"%d goroutines called Get(%q) at the same moment, and the Loader was called %d times for it.\n"+
			"Each key must be loaded once: the goroutine that finds the key missing must record, under the\n"+
			"write lock, that the key is on its way; a goroutine that found it missing under the read lock\n"+
			"must look again once it has the write lock; and the others must wait for that load instead of\n"+
			"starting their own.", callers, key, l.hold.Entered())
	returned := 0
	for _, g := range gs {
		if g.Ended() {
			returned++
		}
	}
	require.Zero(t, returned,
		"While the Loader was still loading %q, %d of the Gets of it returned without its value.\n"+
			"A Get of a key being loaded must wait for that load.", key, returned)
	finish(t, l, fmt.Sprintf("%d goroutines calling Get(%q) at once", callers, key), gs...)
	for i, v := range got {
		require.Equal(t, valueOf(key), v, "Get(%q) from goroutine %d returned %q, not the loaded value.", key, i, v)
	}
	require.Equal(t, 1, l.callsOf(key), "Key %q was loaded %d times; each key must be loaded once.", key, l.callsOf(key))
}

// TestManyGoroutinesManyKeys: 16 goroutines read 20 keys in different
// orders at once: each key loaded once, every value right, no data race.
func TestManyGoroutinesManyKeys(t *testing.T) {
	check.Seal(t)
	const goroutines, keys, rounds = 16, 20, 10
	l := openLoader()
	c := safecache.New(func(key string) string {
		runtime.Gosched()
		return l.load(key)
	})
	wrong := make([]string, goroutines)
	gs := make([]*check.Goroutine, goroutines)
	for g := range gs {
		gs[g] = check.Go(func() {
			for r := range rounds {
				for k := range keys {
					key := fmt.Sprintf("k%d", (k*(g+1)+r)%keys)
					if got := c.Get(key); got != valueOf(key) {
						wrong[g] = fmt.Sprintf("Get(%q) returned %q", key, got)
					}
				}
			}
		})
	}
	finish(t, l, "16 goroutines calling Get", gs...)
	for _, w := range wrong {
		require.Empty(t, w, "a Get must return the value the Loader loaded for that key")
	}
	for k := range keys {
		key := fmt.Sprintf("k%d", k)
		require.Equal(t, 1, l.callsOf(key), "Key %q was loaded %d times by 16 goroutines reading at once; each key must be loaded once.", key, l.callsOf(key))
	}
}

// TestNoGoroutineLeft: once the Gets have returned, the cache runs no
// goroutine of its own. First at the very moment a Get returns, on one P
// (check.EndedOrSentAtReturn), with a yield after each Unlock in the
// student's code (check.YieldAtUnlocks): a goroutine of the cache's that
// hands the value to the Get and only then stores it (Lock, Unlock, close)
// lets the Get run at its Unlock, and is still there when the Get returns.
// The scheduler takes a yielded goroutine back first once in 61 turns, so
// the look is made on 10 fresh caches.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	check.YieldAtUnlocks(t)
	for i := range 10 {
		c := safecache.New(openLoader().load)
		key := fmt.Sprintf("k%d", i)
		for _, what := range []string{"the first Get(%q) (a load)", "a second Get(%q) (a hit)"} {
			var r check.Report
			g := check.Go(func() {
				check.EndedOrSentAtReturn(&r, fmt.Sprintf(what, key)+" returned", func() { c.Get(key) })
			})
			if !check.WaitEnded(bound, g) {
				t.Fatalf("Get(%q), from one goroutine, did not return.\n%s", key, check.TimeMarker)
			}
			if !r.Tell(t) {
				t.Fatalf("A Get must not leave anything of the cache's running when it returns: when a load runs\n" +
					"in a goroutine of its own, Get must wait until it has ended, not only for its value. Simpler:\n" +
					"load in the Get's own goroutine, store the value, and only then return it.")
			}
		}
	}
	l := openLoader()
	c := safecache.New(l.load)
	gs, _ := gets(c, "k0", "k1", "k2", "k0", "k1", "k2", "k0", "k1")
	finish(t, l, "8 goroutines calling Get", gs...)
	check.NoLeaks(t)
}
