//go:build gclhidden

// Package racycounter is a counter that many goroutines use at once.
package racycounter

import "sync"

// A Counter counts events.
type Counter struct {
	mu sync.Mutex
	n  int
}

// Inc adds one to the count.
func (c *Counter) Inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
}

// Add adds delta to the count.
func (c *Counter) Add(delta int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += delta
}

// Value returns the count, and forgets to unlock.
func (c *Counter) Value() int {
	c.mu.Lock()
	return c.n
}
