// Package racycounter is a counter that many goroutines use at once: page
// views, requests served, jobs done.
package racycounter

import "sync"

// A Counter counts events. Its zero value is ready to use, and many
// goroutines may call its methods at the same time.
type Counter struct {
	mu sync.Mutex // guards n
	n  int
}

// Inc adds one to the count.
func (c *Counter) Increment() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
}

// Add adds delta, which may be negative, to the count.
func (c *Counter) Add(delta int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += delta
}

// Value returns the count. Reading needs the lock too: without it, a read
// may run at the same time as a write, which is a data race as much as two
// writes are.
func (c *Counter) Value() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
