//go:build gclhidden

package webcrawler_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wc "github.com/go-concurrency-lab/course/exercises/29-web-crawler"
	"github.com/go-concurrency-lab/course/grader/check"
)

// Every test runs in a synctest bubble (check.InBubble): time is fake, and
// a crawl that gets stuck fails at once, with where its goroutines wait.
const advice = "Is a goroutine holding a slot of the limit while it waits for pages that need a slot too? Does\n" +
	"Crawl wait for a result that nobody will send? Count the fetches started and the results received."

// web is a fake web: each page's links. A URL that is not in it is "404".
type web map[string][]string

var errNotFound = errors.New("404 not found")

var errTooMany = errors.New("over 1000 fetches: cut short")

// errBroken is the error of a page whose URL starts with /broken: its fetch
// fails, but it returns links all the same, which must not be followed.
var errBroken = errors.New("500 internal server error")

// fetcher serves a web and counts the fetches of every URL. If held is set,
// every fetch waits in it until the test lets it go (or, unless ignoreCtx,
// until its ctx is done).
type fetcher struct {
	web       web
	held      *check.Hold
	ignoreCtx bool
	mu        sync.Mutex
	count     map[string]int
	active    int              // fetches that have started and not returned
	total     int              // fetches ever started
	onGet     func(url string) // called at the start of each fetch, if set
}

func newFetcher(w web) *fetcher { return &fetcher{web: w, count: map[string]int{}} }

// holding makes every fetch wait until the test lets it go.
func (f *fetcher) holding(ignoreCtx bool) *fetcher {
	f.held, f.ignoreCtx = check.NewHold(), ignoreCtx
	return f
}

func (f *fetcher) Fetch(ctx context.Context, url string) ([]string, error) {
	f.mu.Lock()
	f.count[url]++
	f.total++
	f.active++
	on, total := f.onGet, f.total
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.active--
		f.mu.Unlock()
	}()
	if on != nil {
		on(url)
	}
	if f.held != nil {
		hc := ctx
		if f.ignoreCtx {
			hc = nil
		}
		leave, err := f.held.Enter(hc)
		defer leave()
		if err != nil {
			return nil, err
		}
	}
	if total > 1000 {
		// A crawl that fetches pages again and again (the stub) would take
		// ages over these cycles: cut it short, it fails the test anyway.
		return nil, errTooMany
	}
	links, ok := f.web[url]
	if strings.HasPrefix(url, "/broken") {
		return links, fmt.Errorf("%s: %w", url, errBroken)
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w", url, errNotFound)
	}
	return links, nil
}

// twice lists the URLs fetched more than once.
func (f *fetcher) twice() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for u, n := range f.count {
		if n > 1 {
			out = append(out, fmt.Sprintf("%s (%d times)", u, n))
		}
	}
	sort.Strings(out)
	return out
}

// fetched lists the URLs fetched at least once, sorted.
func (f *fetcher) fetched() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []string{}
	for u := range f.count {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// urls lists the keys of a crawl's result, sorted.
func urls(m map[string]error) []string {
	out := []string{}
	for u := range m {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// running is a crawl started in a goroutine of its own.
type running struct {
	done chan map[string]error
	// active: the fetches that had started and not returned when Crawl
	// returned.
	active chan int
}

// start runs Crawl in a goroutine, and counts the fetches still running at
// the moment it returns.
func start(ctx context.Context, depth, limit int, f *fetcher) running {
	r := running{done: make(chan map[string]error, 1), active: make(chan int, 1)}
	go func() {
		got := wc.Crawl(ctx, "/", depth, limit, f)
		f.mu.Lock()
		r.active <- f.active
		f.mu.Unlock()
		r.done <- got
	}()
	return r
}

// wait waits for the crawl at most an hour of fake time. Then no fetch may
// be running any more, and no goroutine of the crawl be left
// (check.Settled).
func (r running) wait(t *testing.T, what string) map[string]error {
	t.Helper()
	select {
	case got := <-r.done:
		if n := <-r.active; n > 0 {
			t.Fatalf("Crawl (%s) returned while %d fetches it had started were still running. Crawl must wait\n"+
				"until every fetch it started has returned: count the fetches started and the results received.", what, n)
		}
		if !check.Settled(t, "Crawl returned") {
			t.FailNow()
		}
		return got
	case <-time.After(time.Hour):
		t.Fatalf("Crawl (%s) had not returned an hour after it started, for a handful of pages that are served at once.", what)
		return nil
	}
}

// returned reports whether the crawl has returned (call after synctest.Wait).
func (r running) returned() bool { return len(r.done) > 0 }

// crawl calls Crawl and waits for it.
func crawl(t *testing.T, ctx context.Context, depth, limit int, f *fetcher) map[string]error {
	t.Helper()
	return start(ctx, depth, limit, f).wait(t, fmt.Sprintf("maxDepth %d, limit %d", depth, limit))
}

// site has cycles (pages link back), pages linked from several places, a
// page whose fetch fails and a link to a page that does not exist.
var site = web{
	"/":         {"/a", "/b", "/c", "/broken"},
	"/a":        {"/", "/a/1", "/a/2", "/shared"},
	"/b":        {"/", "/a", "/shared", "/b/1", "/missing"},
	"/c":        {"/c/1", "/", "/c"},
	"/a/1":      {"/a", "/", "/a/2"},
	"/a/2":      {"/a/1", "/shared"},
	"/shared":   {"/", "/shared/1"},
	"/b/1":      {"/b", "/shared"},
	"/c/1":      {"/c", "/shared"},
	"/shared/1": {"/shared", "/a", "/b", "/c"},
	"/broken":   {"/behind-broken"}, // fails, with its links: they are not followed
}

// TestFetchesEachURLOnce: every page reachable within the depth is fetched,
// each exactly once, with its error in the result.
func TestFetchesEachURLOnce(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		f := newFetcher(site)
		got := crawl(t, context.Background(), 10, 4, f)
		if twice := f.twice(); len(twice) > 0 {
			t.Errorf("these pages were fetched more than once: %s.\n"+
				"Pages link back to each other: remember which URLs you have already fetched (or started\n"+
				"to fetch), and skip them.", strings.Join(twice, ", "))
		}
		want := []string{"/", "/a", "/a/1", "/a/2", "/b", "/b/1", "/broken", "/c", "/c/1", "/missing", "/shared", "/shared/1"}
		require.Equal(t, want, urls(got), "Crawl should return every page it fetched, and nothing else")
		assert.ErrorIs(t, got["/missing"], errNotFound, "the result should carry the error that Fetch returned for /missing")
		for _, u := range want {
			if u != "/missing" && u != "/broken" {
				assert.NoError(t, got[u], "%s was fetched without an error", u)
			}
		}
	})
}

// TestStopsAtMaxDepth: pages more than maxDepth links away are not fetched;
// with maxDepth below 0, nothing is; the links of a failed page are not
// followed.
func TestStopsAtMaxDepth(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		tree := web{
			"/":       {"/1", "/2", "/broken"},
			"/1":      {"/1/1"},
			"/2":      {"/2/1"},
			"/1/1":    {"/1/1/1"},
			"/2/1":    {},
			"/1/1/1":  {"/1/1/1/1"},
			"/broken": {"/behind-broken"},
		}
		for _, c := range []struct {
			depth int
			want  []string
		}{
			{-1, []string{}},
			{0, []string{"/"}},
			{1, []string{"/", "/1", "/2", "/broken"}},
			{2, []string{"/", "/1", "/1/1", "/2", "/2/1", "/broken"}},
		} {
			f := newFetcher(tree)
			got := crawl(t, context.Background(), c.depth, 2, f)
			assert.NotNil(t, got, "with maxDepth %d, Crawl returned nil: return an empty map when nothing was fetched", c.depth)
			assert.Equal(t, c.want, urls(got),
				"with maxDepth %d, Crawl should fetch the start page (depth 0) and the pages up to %d links away, no further\n"+
					"(with maxDepth below 0, not even the start page)", c.depth, c.depth)
			assert.Equal(t, c.want, f.fetched(), "with maxDepth %d, these pages should have been fetched, no others\n"+
				"(the fetch of /broken fails: its links are not followed)", c.depth)
		}
	})
}

// TestStopsWhenCancelled: once ctx is done, Crawl starts no new fetch; with
// a ctx that has already ended, it fetches nothing.
func TestStopsWhenCancelled(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f := newFetcher(site)
		f.onGet = func(url string) {
			if url == "/" {
				cancel() // the user gives up while the first page loads
			}
		}
		got := crawl(t, ctx, 10, 4, f)
		assert.Equal(t, []string{"/"}, urls(got),
			"the context was cancelled while / was being fetched: Crawl should return what it has, without\n"+
				"starting any more fetches (check ctx.Err() before you start one)")

		f = newFetcher(site)
		got = crawl(t, ctx, 10, 4, f)
		assert.Empty(t, f.fetched(), "the ctx had already ended when Crawl was called: it must fetch nothing")
		assert.NotNil(t, got, "Crawl returned nil: return an empty map when nothing was fetched")
	})
}

// TestNoFetchAfterCancelWhileWaiting: with a limit of 1, / links to four
// pages; one is being fetched, three wait for the slot, and ctx is
// cancelled. The three must never be fetched.
func TestNoFetchAfterCancelWhileWaiting(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		f := newFetcher(web{"/": {"/a", "/b", "/c", "/d"}, "/a": nil, "/b": nil, "/c": nil, "/d": nil}).holding(false)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := start(ctx, 1, 1, f)
		synctest.Wait()
		f.held.Release(1) // / answers
		synctest.Wait()   // one of its pages is being fetched, the others wait for the slot
		first := f.fetched()
		require.Len(t, first, 2, "with a limit of 1, exactly one page should be fetched after /, while the others wait\n"+
			"for the slot; these were fetched: %v", first)
		cancel()
		synctest.Wait()
		f.held.Open()
		got := r.wait(t, "cancelled while pages waited for the slot")
		assert.Equal(t, first, f.fetched(),
			"ctx was cancelled while these pages waited for the slot of the limit, and then they were fetched\n"+
				"anyway. A page that waited for its slot may find ctx done when it gets it: look at ctx.Err() again\n"+
				"after taking the slot, and do not fetch then.")
		assert.Equal(t, first, urls(got), "Crawl should return the pages it fetched, and only those")
		assert.ErrorIs(t, got[first[1]], context.Canceled, "the fetch of %s was in flight when ctx was cancelled, but it never\n"+
			"heard of it: hand Crawl's ctx to Fetch, so that fetches in flight can stop too", first[1])
	})
}

// TestWaitsForFetchesThatIgnoreCtx: ctx is cancelled while two fetches that
// ignore it are in flight; Crawl returns only once they have returned.
func TestWaitsForFetchesThatIgnoreCtx(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		f := newFetcher(web{"/": {"/a", "/b"}, "/a": {"/a/1"}, "/b": nil}).holding(true)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := start(ctx, 5, 2, f)
		synctest.Wait()
		f.held.Release(1) // / answers
		synctest.Wait()   // /a and /b are in flight
		require.Equal(t, 2, f.held.InFlight(), "with a limit of 2, /a and /b should be fetched at the same time")
		cancel()
		synctest.Wait()
		assert.False(t, r.returned(), "Crawl returned while two fetches it started were still running: it must wait\n"+
			"until every fetch it started has returned, even after ctx is done")
		f.held.Open()
		got := r.wait(t, "cancelled while fetches ran")
		assert.Equal(t, []string{"/", "/a", "/b"}, urls(got),
			"Crawl should return the three pages it fetched, and start no fetch after the cancel")
	})
}

// crawlInSteps runs Crawl with every fetch held and, each time every
// goroutine waits, lets the fetches in flight go. It returns the result and
// the most fetches that were ever in flight at once.
func crawlInSteps(t *testing.T, w web, depth, limit int) (map[string]error, int) {
	t.Helper()
	f := newFetcher(w).holding(false)
	r := start(context.Background(), depth, limit, f)
	if !check.ReleaseInSteps(f.held, r.returned) {
		t.Fatal("Crawl is stuck: it has not returned, and no fetch is in flight, so nothing can happen any more.\n" +
			"Is a goroutine holding a slot of the limit while it waits for others that need one?")
	}
	return r.wait(t, fmt.Sprintf("limit %d", limit)), f.held.Peak()
}

// TestAtMostLimitFetchesAtOnce: with many pages to fetch, exactly limit
// fetches run at the same time; a limit below 1 counts as 1.
func TestAtMostLimitFetchesAtOnce(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		w := web{"/": {}}
		for i := range 10 {
			p := fmt.Sprintf("/p%d", i)
			w["/"] = append(w["/"], p)
			w[p] = []string{"/", "/p0"}
		}
		got, peak := crawlInSteps(t, w, 3, 3)
		assert.Len(t, got, 11, "Crawl should fetch / and its 10 pages")
		assert.LessOrEqual(t, peak, 3, "%d fetches were in flight at the same time, but the limit is 3.\n"+
			"Hold one of limit slots (a buffered channel used as a semaphore) for the length of each fetch.", peak)
		assert.GreaterOrEqual(t, peak, 3, "at most %d fetches were in flight at the same time: with 10 pages to fetch and a\n"+
			"limit of 3, Crawl should fetch 3 at a time. Fetch in goroutines, up to limit at once.", peak)
		for _, limit := range []int{0, -2} {
			got, peak = crawlInSteps(t, w, 3, limit)
			assert.Len(t, got, 11, "with a limit of %d (counted as 1), Crawl should still fetch / and its 10 pages", limit)
			assert.Equal(t, 1, peak, "a limit of %d counts as 1: one fetch at a time", limit)
		}
	})
}

// TestLimitOfOne: with a limit of 1, pages are fetched one at a time, and
// the crawl still gets to the end of a long chain.
func TestLimitOfOne(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		w := web{}
		prev := "/"
		for i := range 6 {
			next := fmt.Sprintf("/%s%d", strings.Repeat("x", i), i)
			w[prev] = []string{next, "/"}
			prev = next
		}
		w[prev] = nil
		got, peak := crawlInSteps(t, w, 10, 1)
		assert.Len(t, got, 7, "Crawl should fetch the 7 pages of the chain")
		assert.Equal(t, 1, peak, "with a limit of 1, only one fetch may be in flight at a time")
	})
}

// TestNoGoroutineLeft: when Crawl returns, no fetch it started is still
// running, and no goroutine of it is left (check.Settled, in wait).
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		f := newFetcher(site)
		crawl(t, context.Background(), 10, 3, f)
		crawl(t, context.Background(), 1, 1, f)
		check.Settled(t, "Crawl returned")
	})
}

// TestNoSlotLeftIdle: limit 2; / links to /a, a slow page (10 s), and /b
// (1 s), which links to /b/1 and /b/2. At 2.5 s /a is still in flight and
// two pages wait for a slot, one of which is free: two fetches must be in
// flight. A crawl that waits for every page of one depth before it starts
// the next has only /a in flight. Fake time: the same on every run.
func TestNoSlotLeftIdle(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		w := web{"/": {"/a", "/b"}, "/a": {}, "/b": {"/b/1", "/b/2"}, "/b/1": {}, "/b/2": {}}
		f := newFetcher(w)
		f.onGet = func(url string) {
			if url == "/a" {
				time.Sleep(10 * time.Second)
			} else {
				time.Sleep(time.Second)
			}
		}
		r := start(context.Background(), 2, 2, f)
		time.Sleep(2500 * time.Millisecond)
		synctest.Wait()
		f.mu.Lock()
		active, a := f.active, f.count["/a"]
		var b []string
		for _, u := range []string{"/b/1", "/b/2"} {
			if f.count[u] > 0 {
				b = append(b, u)
			}
		}
		f.mu.Unlock()
		if a == 1 && active < 2 {
			started := "neither had started"
			if len(b) > 0 {
				started = strings.Join(b, " and ") + " had started"
			}
			t.Errorf("With a limit of 2: / links to /a (a slow page: 10 s) and /b (1 s), and /b links to /b/1\n"+
				"and /b/2. At 2.5 s, /a was still in flight and /b had returned 1.5 s before, so /b/1 and\n"+
				"/b/2 waited for a slot and one slot was free; but only %d fetch was in flight (of /b/1 and\n"+
				"/b/2, %s). When limit or more pages wait, limit fetches must be in flight\n"+
				"(requirement 4). Start a page's fetch as soon as its link is known and a slot is free;\n"+
				"do not wait for every page of one depth before starting the next.", active, started)
		}
		got := r.wait(t, "maxDepth 2, limit 2")
		assert.Len(t, got, 5, "Crawl should fetch /, /a, /b, /b/1 and /b/2")
	})
}
