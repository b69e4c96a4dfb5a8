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

// web is a fake web: each page's links. A URL that is not in it is "404".
type web map[string][]string

var errNotFound = errors.New("404 not found")

// fetcher serves a web and counts the fetches of every URL.
type fetcher struct {
	web   web
	mu    sync.Mutex
	count map[string]int
	onGet func(url string) // called at the start of each fetch, if set
}

func newFetcher(w web) *fetcher { return &fetcher{web: w, count: map[string]int{}} }

func (f *fetcher) Fetch(ctx context.Context, url string) ([]string, error) {
	f.mu.Lock()
	f.count[url]++
	on := f.onGet
	f.mu.Unlock()
	if on != nil {
		on(url)
	}
	links, ok := f.web[url]
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

// urls lists the keys of a crawl's result, sorted.
func urls(m map[string]error) []string {
	out := []string{}
	for u := range m {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// crawl calls Crawl and waits for it at most a few seconds (real time), so
// that a crawl that never ends fails the test instead of hanging it.
func crawl(t *testing.T, ctx context.Context, depth, limit int, f wc.Fetcher) map[string]error {
	t.Helper()
	done := make(chan map[string]error, 1)
	go func() { done <- wc.Crawl(ctx, "/", depth, limit, f) }()
	select {
	case got := <-done:
		return got
	case <-time.After(5 * time.Second):
		t.Fatalf("Crawl(maxDepth %d, limit %d) did not return within 5s, for a handful of pages that are served at once.\n"+
			"Is it stuck? A goroutine that holds a slot of the limit while it waits for pages that need a slot\n"+
			"too waits forever once all slots are taken.", depth, limit)
		return nil
	}
}

// site has cycles (pages link back), pages linked from several places, a
// page whose fetch fails and a link to a page that does not exist.
var site = web{
	"/":         {"/a", "/b", "/c"},
	"/a":        {"/", "/a/1", "/a/2", "/shared"},
	"/b":        {"/", "/a", "/shared", "/b/1", "/missing"},
	"/c":        {"/c/1", "/", "/c"},
	"/a/1":      {"/a", "/", "/a/2"},
	"/a/2":      {"/a/1", "/shared"},
	"/shared":   {"/", "/shared/1"},
	"/b/1":      {"/b", "/shared"},
	"/c/1":      {"/c", "/shared"},
	"/shared/1": {"/shared", "/a", "/b", "/c"},
}

// TestFetchesEachURLOnce: every page reachable within the depth is fetched,
// each exactly once, with its error in the result.
func TestFetchesEachURLOnce(t *testing.T) {
	check.Seal(t)
	f := newFetcher(site)
	got := crawl(t, context.Background(), 10, 4, f)
	if twice := f.twice(); len(twice) > 0 {
		t.Errorf("these pages were fetched more than once: %s.\n"+
			"Pages link back to each other: remember which URLs you have already fetched (or started\n"+
			"to fetch), and skip them.", strings.Join(twice, ", "))
	}
	want := []string{"/", "/a", "/a/1", "/a/2", "/b", "/b/1", "/c", "/c/1", "/missing", "/shared", "/shared/1"}
	require.Equal(t, want, urls(got), "Crawl should return every page it fetched, and nothing else")
	assert.ErrorIs(t, got["/missing"], errNotFound, "the result should carry the error that Fetch returned for /missing")
	for _, u := range want {
		if u != "/missing" {
			assert.NoError(t, got[u], "%s was fetched without an error", u)
		}
	}
}

// TestStopsAtMaxDepth: pages more than maxDepth links away are not fetched.
func TestStopsAtMaxDepth(t *testing.T) {
	check.Seal(t)
	tree := web{
		"/":      {"/1", "/2"},
		"/1":     {"/1/1"},
		"/2":     {"/2/1"},
		"/1/1":   {"/1/1/1"},
		"/2/1":   {},
		"/1/1/1": {"/1/1/1/1"},
	}
	run := func(t *testing.T, depth int, want []string) {
		f := newFetcher(tree)
		got := crawl(t, context.Background(), depth, 2, f)
		assert.Equal(t, want, urls(got),
			"with maxDepth %d, Crawl should fetch the start page (depth 0) and the pages up to %d links away, no further", depth, depth)
	}
	t.Run("depth 0", func(t *testing.T) { run(t, 0, []string{"/"}) })
	t.Run("depth 1", func(t *testing.T) { run(t, 1, []string{"/", "/1", "/2"}) })
	t.Run("depth 2", func(t *testing.T) { run(t, 2, []string{"/", "/1", "/1/1", "/2", "/2/1"}) })
}

// TestStopsWhenCancelled: once ctx is done, Crawl starts no new fetch.
func TestStopsWhenCancelled(t *testing.T) {
	check.Seal(t)
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
}

// TestNoGoroutineLeft: when Crawl returns, every goroutine it started has
// ended.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	f := newFetcher(site)
	crawl(t, context.Background(), 10, 3, f)
	crawl(t, context.Background(), 1, 1, f)
	check.NoLeaks(t)
}

// The tests below run on fake time (testing/synctest). A goroutine left
// blocked when such a test ends stops the whole test binary, so they come
// last.

// gated is a fetcher whose fetches all wait until the test lets them go, so
// the test can count how many are in flight at once.
type gated struct {
	web      web
	mu       sync.Mutex
	inFlight []chan struct{}
	count    map[string]int
}

func (g *gated) Fetch(ctx context.Context, url string) ([]string, error) {
	release := make(chan struct{})
	g.mu.Lock()
	g.count[url]++
	g.inFlight = append(g.inFlight, release)
	g.mu.Unlock()
	<-release
	links, ok := g.web[url]
	if !ok {
		return nil, errNotFound
	}
	return links, nil
}

// crawlInSteps runs Crawl and, each time every goroutine waits, notes how
// many fetches are in flight, then lets them all finish. It returns the
// result and the most fetches that were ever in flight at once.
func crawlInSteps(t *testing.T, w web, depth, limit int) (map[string]error, int) {
	g := &gated{web: w, count: map[string]int{}}
	done := make(chan map[string]error, 1)
	go func() { done <- wc.Crawl(context.Background(), "/", depth, limit, g) }()
	peak := 0
	for {
		synctest.Wait() // every goroutine of the crawl is blocked now
		select {
		case got := <-done:
			return got, peak
		default:
		}
		g.mu.Lock()
		waiting := g.inFlight
		g.inFlight = nil
		g.mu.Unlock()
		if len(waiting) == 0 {
			t.Fatal("Crawl is stuck: it has not returned, and no fetch is in flight, so nothing can happen any more.\n" +
				"Is a goroutine holding a slot of the limit while it waits for others that need one?")
		}
		peak = max(peak, len(waiting))
		for _, r := range waiting {
			close(r)
		}
	}
}

// TestAtMostLimitFetchesAtOnce: with many pages to fetch, exactly limit
// fetches run at the same time: more than one, never more than limit.
func TestAtMostLimitFetchesAtOnce(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
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
		assert.Greater(t, peak, 1, "there were never two fetches in flight at the same time: with 10 pages to fetch\n"+
			"and a limit of 3, Crawl should fetch 3 at a time. Fetch in goroutines.")
	})
}

// TestLimitOfOne: with a limit of 1, pages are fetched one at a time, and
// the crawl still gets to the end of a long chain.
func TestLimitOfOne(t *testing.T) {
	check.Seal(t)
	synctest.Test(t, func(t *testing.T) {
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
