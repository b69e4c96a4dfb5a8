//go:build gclhidden

// Package racycounter is a counter that many goroutines use at once.
package racycounter

import "sync/atomic"

// A Counter counts events, with an atomic integer instead of a lock.
type Counter struct {
	n atomic.Int64
}

// Inc adds one to the count.
func (c *Counter) Inc() { c.n.Add(1) }

// Add adds delta to the count.
func (c *Counter) Add(delta int) { c.n.Add(int64(delta)) }

// Value returns the count.
func (c *Counter) Value() int { return int(c.n.Load()) }
