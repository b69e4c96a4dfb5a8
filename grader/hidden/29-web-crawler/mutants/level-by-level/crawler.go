//go:build gclhidden

// MUTANT (requirement 4: "When limit or more pages are waiting to be fetched, limit
// fetches are in flight"): the crawl goes level by level: it fetches every
// page of one depth (up to limit at a time), waits for the whole level, then
// starts the next. While the last slow page of a level is in flight, the
// pages of the next level wait although slots are free.
package webcrawler

import (
	"context"
	"sync"
)

type Fetcher interface {
	Fetch(ctx context.Context, url string) (links []string, err error)
}

func Crawl(ctx context.Context, start string, maxDepth, limit int, f Fetcher) map[string]error {
	results := map[string]error{}
	seen := map[string]bool{start: true}
	level := []string{start}
	sem := make(chan struct{}, max(limit, 1))
	for depth := 0; depth <= maxDepth && len(level) > 0 && ctx.Err() == nil; depth++ {
		var mu sync.Mutex
		var wg sync.WaitGroup
		var next []string
		for _, u := range level {
			wg.Add(1)
			go func() {
				defer wg.Done()
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return
				}
				defer func() { <-sem }()
				if ctx.Err() != nil {
					return
				}
				links, err := f.Fetch(ctx, u)
				mu.Lock()
				defer mu.Unlock()
				results[u] = err
				if err == nil {
					next = append(next, links...)
				}
			}()
		}
		wg.Wait()
		level = level[:0:0]
		for _, l := range next {
			if !seen[l] {
				seen[l] = true
				level = append(level, l)
			}
		}
	}
	return results
}
