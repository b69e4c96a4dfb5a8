//go:build gclhidden

// Package webcrawler crawls the pages reachable from a start page.
package webcrawler

import (
	"context"
	"sync"
)

// A Fetcher fetches a page and returns the URLs it links to. It is safe to
// call from many goroutines at once.
type Fetcher interface {
	Fetch(ctx context.Context, url string) (links []string, err error)
}

// Crawl, recursively: each page holds its slot until its whole subtree is
// crawled, so the children wait for slots their parents never free.
func Crawl(ctx context.Context, start string, maxDepth, limit int, f Fetcher) map[string]error {
	var mu sync.Mutex
	seen := map[string]bool{}
	fetched := map[string]error{}
	slots := make(chan struct{}, limit)
	var crawl func(url string, depth int)
	crawl = func(url string, depth int) {
		mu.Lock()
		if depth > maxDepth || seen[url] || ctx.Err() != nil {
			mu.Unlock()
			return
		}
		seen[url] = true
		mu.Unlock()
		slots <- struct{}{}
		defer func() { <-slots }()
		links, err := f.Fetch(ctx, url)
		mu.Lock()
		fetched[url] = err
		mu.Unlock()
		if err != nil {
			return
		}
		var wg sync.WaitGroup
		for _, link := range links {
			wg.Go(func() { crawl(link, depth+1) })
		}
		wg.Wait()
	}
	crawl(start, 0)
	return fetched
}
