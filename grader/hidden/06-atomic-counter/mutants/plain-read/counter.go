//go:build gclhidden

// Package atomiccounter is the counter of exercise 05 once more, this time
// without a lock.
package atomiccounter

import "sync/atomic"

// A Counter counts events.
type Counter struct {
	n int64
}

// Inc adds one to the count, atomically.
func (c *Counter) Inc() {
	atomic.AddInt64(&c.n, 1)
}

// Add adds delta to the count, atomically.
func (c *Counter) Add(delta int64) {
	atomic.AddInt64(&c.n, delta)
}

// Value reads the count plainly: "reading is harmless".
func (c *Counter) Value() int64 {
	return c.n
}
