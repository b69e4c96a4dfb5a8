//go:build gclhidden

// Package atomiccounter is the counter of exercise 05 once more, this time
// without a lock.
package atomiccounter

import "sync"

// A Counter counts events, under a lock.
type Counter struct {
	mu sync.Mutex
	n  int64
}

// Inc adds one to the count.
func (c *Counter) Inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
}

// Add adds delta to the count.
func (c *Counter) Add(delta int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += delta
}

// Value returns the count.
func (c *Counter) Value() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
