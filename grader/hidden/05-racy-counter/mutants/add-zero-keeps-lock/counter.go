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

// Add adds delta to the count; adding nothing is a shortcut, which returns
// with the mutex still locked.
func (c *Counter) Add(delta int) {
	c.mu.Lock()
	if delta == 0 {
		return
	}
	c.n += delta
	c.mu.Unlock()
}

// Value returns the count.
func (c *Counter) Value() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
