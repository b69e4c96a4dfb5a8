//go:build gclhidden

//lint:mistake copylocks the value receivers that copy the Counter are the mistake

// Package racycounter is a counter that many goroutines use at once.
package racycounter

import "sync"

// A Counter counts events.
type Counter struct {
	mu sync.Mutex
	n  int
}

// Inc adds one to a copy of the Counter.
func (c Counter) Inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
}

// Add adds delta to a copy of the Counter.
func (c Counter) Add(delta int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += delta
}

// Value returns the count.
func (c *Counter) Value() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
