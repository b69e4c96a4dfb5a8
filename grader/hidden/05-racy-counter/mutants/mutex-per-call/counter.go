//go:build gclhidden

// Package racycounter is a counter that many goroutines use at once.
package racycounter

import "sync"

// A Counter counts events.
type Counter struct {
	n int
}

// Inc adds one to the count, under a brand-new mutex of its own.
func (c *Counter) Inc() {
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
	c.n++
}

// Add adds delta to the count.
func (c *Counter) Add(delta int) {
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
	c.n += delta
}

// Value returns the count.
func (c *Counter) Value() int {
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
	return c.n
}
