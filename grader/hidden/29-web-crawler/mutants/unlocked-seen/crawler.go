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

// Crawl, recursively: a goroutine per page, a shared map for the pages seen,
// and no lock around it.
func Crawl(ctx context.Context, start string, maxDepth, limit int, f Fetcher) map[string]error {
	seen := map[string]bool{}
	fetched := map[string]error{}
	var mu sync.Mutex // guards fetched only
	slots := make(chan struct{}, limit)
	var wg sync.WaitGroup
	var crawl func(url string, depth int)
	crawl = func(url string, depth int) {
		defer wg.Done()
		if depth > maxDepth || seen[url] || ctx.Err() != nil {
			return
		}
		seen[url] = true
		slots <- struct{}{}
		links, err := f.Fetch(ctx, url)
		<-slots
		mu.Lock()
		fetched[url] = err
		mu.Unlock()
		if err != nil {
			return
		}
		for _, link := range links {
			wg.Add(1)
			go crawl(link, depth+1)
		}
	}
	wg.Add(1)
	go crawl(start, 0)
	wg.Wait()
	return fetched
}
