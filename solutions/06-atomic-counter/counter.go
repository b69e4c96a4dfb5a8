// Package atomiccounter is the counter of exercise 05 once more, this time
// without a lock.
package atomiccounter

import "sync/atomic"

// A Counter counts events. Its zero value is ready to use, and many
// goroutines may call its methods at the same time.
type Counter struct {
	// n is only ever used through its atomic methods: each Add is one
	// indivisible read-modify-write, so no increment can be lost.
	n atomic.Int64
}

// Inc adds one to the count.
func (c *Counter) Inc() {
	c.n.Add(1)
}

// Add adds delta, which may be negative, to the count.
func (c *Counter) Add(delta int64) {
	c.n.Add(delta)
}

// Value returns the count.
func (c *Counter) Value() int64 {
	return c.n.Load()
}
