//go:build gclhidden

// Package webcrawler crawls the pages reachable from a start page.
package webcrawler

import "context"

// A Fetcher fetches a page and returns the URLs it links to. It is safe to
// call from many goroutines at once.
type Fetcher interface {
	Fetch(ctx context.Context, url string) (links []string, err error)
}

// Crawl fetches start and the pages it links to, and the pages those link
// to, and so on, down to maxDepth links away from start (start itself is at
// depth 0; with maxDepth 0 only start is fetched, with maxDepth < 0
// nothing). It returns every URL it fetched, with the error Fetch returned
// for it (nil for success); the links of a page that failed are not
// followed.
//
// Crawl fetches each URL at most once, runs up to limit fetches at the same
// time (never more; a limit below 1 counts as 1), starts no new fetch once
// ctx is done, and returns only when every fetch it started has returned.
func Crawl(ctx context.Context, start string, maxDepth, limit int, f Fetcher) map[string]error {
	type page struct {
		url     string
		depth   int
		links   []string
		err     error
		skipped bool // ctx ended while it waited for a slot: never fetched
	}
	// Only this goroutine touches seen, fetched and pending: the fetching
	// goroutines just report back on results. No mutex needed.
	results := make(chan page)
	slots := make(chan struct{}, max(limit, 1)) // a semaphore: one slot per fetch in flight
	seen := map[string]bool{}
	fetched := map[string]error{}
	pending := 0 // fetches started whose result has not arrived yet

	fetch := func(url string, depth int) {
		if seen[url] || ctx.Err() != nil {
			return
		}
		seen[url] = true
		pending++
		go func() {
			slots <- struct{}{}
			// ctx may have ended while this page waited for its slot: then
			// the fetch must not start at all.
			if ctx.Err() != nil {
				<-slots
				results <- page{url: url, skipped: true}
				return
			}
			links, err := f.Fetch(context.Background(), url) // the fetch never hears of a cancel
			<-slots                                          // free the slot before reporting, or a full results queue could hold it
			results <- page{url: url, depth: depth, links: links, err: err}
		}()
	}

	if maxDepth >= 0 {
		fetch(start, 0)
	}
	for pending > 0 {
		p := <-results
		pending--
		if p.skipped {
			continue
		}
		fetched[p.url] = p.err
		if p.err != nil || p.depth >= maxDepth {
			continue
		}
		for _, link := range p.links {
			fetch(link, p.depth+1)
		}
	}
	return fetched
}
