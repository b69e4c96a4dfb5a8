//go:build gclhidden

// The mistake: one mutex per method "so that Inc and Add do not slow each
// other down": an Inc and an Add at the same time race on n.
package racycounter

import "sync"

type Counter struct {
	incMu, addMu sync.Mutex
	n            int
}

func (c *Counter) Inc() {
	c.incMu.Lock()
	defer c.incMu.Unlock()
	c.n++
}

func (c *Counter) Add(delta int) {
	c.addMu.Lock()
	defer c.addMu.Unlock()
	c.n += delta
}

func (c *Counter) Value() int {
	c.addMu.Lock()
	defer c.addMu.Unlock()
	return c.n
}
