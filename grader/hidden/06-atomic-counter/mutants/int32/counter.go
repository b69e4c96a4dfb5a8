//go:build gclhidden

// Package atomiccounter is the counter of exercise 05 once more, this time
// without a lock.
package atomiccounter

import "sync/atomic"

// A Counter counts events.
//
// The mistake: the count is an atomic.Int32, so Add cuts a delta to its low
// 32 bits and the count wraps round past 2147483647 (README requirement 1).
type Counter struct {
	n atomic.Int32
}

// Inc adds one to the count.
func (c *Counter) Inc() { c.n.Add(1) }

// Add adds delta, cut to an int32, to the count.
func (c *Counter) Add(delta int64) { c.n.Add(int32(delta)) }

// Value returns the count.
func (c *Counter) Value() int64 { return int64(c.n.Load()) }
