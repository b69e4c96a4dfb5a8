//go:build gclhidden

// Package atomiccounter is the counter of exercise 05 once more, this time
// without a lock.
package atomiccounter

import "sync/atomic"

// A Counter counts events.
type Counter struct {
	n atomic.Int64
}

// Inc loads, adds one, and stores: two atomic steps, not one.
func (c *Counter) Inc() {
	c.n.Store(c.n.Load() + 1)
}

// Add loads, adds, and stores.
func (c *Counter) Add(delta int64) {
	c.n.Store(c.n.Load() + delta)
}

// Value returns the count.
func (c *Counter) Value() int64 {
	return c.n.Load()
}
