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
	// TODO: this crawls one page at a time, and fetches a page again each
	// time it meets a link to it (forever, if pages link to each other, but
	// for the depth limit). Fetch each URL once, up to limit at a time, and
	// stop starting fetches when ctx is done.
	fetched := map[string]error{}
	crawl(ctx, start, maxDepth, f, fetched)
	return fetched
}

func crawl(ctx context.Context, url string, depth int, f Fetcher, fetched map[string]error) {
	if depth < 0 {
		return
	}
	links, err := f.Fetch(ctx, url)
	fetched[url] = err
	if err != nil {
		return
	}
	for _, link := range links {
		crawl(ctx, link, depth-1, f, fetched)
	}
}
