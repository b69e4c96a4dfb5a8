//go:build gclhidden

// Package atomiccounter is the counter of exercise 05 once more, this time
// without a lock.
package atomiccounter

import (
	"runtime"
	"sync/atomic"
)

// No sync.Mutex, but a lock all the same: a flag taken with CompareAndSwap
// guards a plain count. It counts right and has no data race, but a
// goroutine stopped while it holds the flag stops every other.
type Counter struct {
	locked atomic.Bool
	n      int64
}

func (c *Counter) lock() {
	for !c.locked.CompareAndSwap(false, true) {
		runtime.Gosched()
	}
}

func (c *Counter) unlock() { c.locked.Store(false) }

func (c *Counter) Inc() {
	c.lock()
	c.n++
	c.unlock()
}

func (c *Counter) Add(delta int64) {
	c.lock()
	c.n += delta
	c.unlock()
}

func (c *Counter) Value() int64 {
	c.lock()
	defer c.unlock()
	return c.n
}
