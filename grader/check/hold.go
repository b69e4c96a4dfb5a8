package check

import (
	"context"
	"sync"
	"time"
)

// Hold is an instrumented fake for a dependency of the student's code (a
// service, a fetch, a job): it counts the calls in flight, records the
// peak, and holds each call until the test lets it go. With it a test
// forces the interleaving it needs ("three calls are in flight now";
// "the first call ends before the second") instead of hoping a timing
// works out.
//
// A Hold works in real time and inside a synctest bubble (create it inside
// the bubble then: a call held by it is durably blocked).
type Hold struct {
	mu      sync.Mutex
	in      int
	peak    int
	entered int
	left    int
	tokens  int  // releases granted and not yet used
	open    bool // every call goes through
	changed chan struct{}
}

// NewHold returns a Hold that holds every call until Release or Open.
func NewHold() *Hold {
	return &Hold{changed: make(chan struct{})}
}

// notify wakes everyone waiting for a change. Call it with h.mu held.
func (h *Hold) notify() {
	close(h.changed)
	h.changed = make(chan struct{})
}

// Enter counts a call in and blocks until the test lets it through
// (Release, Open) or ctx ends; then it returns ctx's error. Either way the
// call stays counted in flight until leave is called. A nil ctx never ends.
func (h *Hold) Enter(ctx context.Context) (leave func(), err error) {
	if ctx == nil {
		ctx = context.Background()
	}
	h.mu.Lock()
	h.in++
	h.entered++
	h.peak = max(h.peak, h.in)
	h.notify()
	for !h.open && h.tokens == 0 && err == nil {
		ch := h.changed
		h.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			err = ctx.Err()
		}
		h.mu.Lock()
	}
	if err == nil && !h.open {
		h.tokens--
	}
	h.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.in--
			h.left++
			h.notify()
		})
	}, err
}

// Release lets n calls through: held ones first, then the next to come.
func (h *Hold) Release(n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.tokens += n
	h.notify()
}

// Open lets every call through, the held ones and all to come.
func (h *Hold) Open() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.open = true
	h.notify()
}

// WaitInFlight waits until at least n calls are in flight at once, for at
// most d (fake time inside a bubble), and reports whether they were.
func (h *Hold) WaitInFlight(n int, d time.Duration) bool {
	return h.waitFor(d, func() bool { return h.in >= n })
}

// WaitEntered waits until at least n calls have entered, for at most d,
// and reports whether they had.
func (h *Hold) WaitEntered(n int, d time.Duration) bool {
	return h.waitFor(d, func() bool { return h.entered >= n })
}

func (h *Hold) waitFor(d time.Duration, ok func() bool) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	h.mu.Lock()
	defer h.mu.Unlock()
	for !ok() {
		ch := h.changed
		h.mu.Unlock()
		select {
		case <-ch:
			h.mu.Lock()
		case <-timer.C:
			h.mu.Lock()
			return ok()
		}
	}
	return true
}

// InFlight returns the number of calls in flight now.
func (h *Hold) InFlight() int { return h.read(&h.in) }

// Peak returns the most calls that were ever in flight at once.
func (h *Hold) Peak() int { return h.read(&h.peak) }

// Entered returns the number of calls that ever entered.
func (h *Hold) Entered() int { return h.read(&h.entered) }

// Left returns the number of calls that left.
func (h *Hold) Left() int { return h.read(&h.left) }

func (h *Hold) read(p *int) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return *p
}
