//go:build gclhidden

//lint:mistake copylocks the value receivers that copy the Counter are the mistake

// Package atomiccounter is the counter of exercise 05 once more, this time
// without a lock.
package atomiccounter

import "sync/atomic"

// A Counter counts events.
type Counter struct {
	n atomic.Int64
}

// Inc adds one to a copy of the Counter.
func (c Counter) Inc() {
	c.n.Add(1)
}

// Add adds delta to a copy of the Counter.
func (c Counter) Add(delta int64) {
	c.n.Add(delta)
}

// Value returns the count.
func (c *Counter) Value() int64 {
	return c.n.Load()
}
