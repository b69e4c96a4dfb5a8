//go:build gclhidden

//lint:mistake waitgroup wg.Add inside the goroutine is the mistake
//lint:mistake SA2000 wg.Add inside the goroutine is the mistake

// Package orderedresults: (go vet reports this mutant: its very mistake is the vet finding
// "WaitGroup.Add called from inside new goroutine".) wg.Add inside the goroutine: Wait may come before any Add, and Map returns while the calls run.
package orderedresults

import "sync"

func Map[T, R any](items []T, fn func(T) R) []R {
	results := make([]R, len(items))
	var wg sync.WaitGroup
	for i, item := range items {
		go func() {
			wg.Add(1)
			defer wg.Done()
			results[i] = fn(item)
		}()
	}
	wg.Wait()
	return results
}
