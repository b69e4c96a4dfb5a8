// Package racycounter is a counter that many goroutines use at once: page
// views, requests served, jobs done.
package racycounter

// A Counter counts events. Its zero value is ready to use, and many
// goroutines may call its methods at the same time.
//
// TODO: as it stands, it is not safe for that: two goroutines that run
// c.n++ at the same moment both read the old value, and one of the two
// increments is lost. The race detector (go test -race) calls this a data
// race. Protect n with a sync.Mutex.
type Counter struct {
	n int
}

// Inc adds one to the count.
func (c *Counter) Inc() {
	c.n++
}

// Add adds delta, which may be negative, to the count.
func (c *Counter) Add(delta int) {
	c.n += delta
}

// Value returns the count.
func (c *Counter) Value() int {
	return c.n
}
