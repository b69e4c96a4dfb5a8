package check

import (
	"strconv"
	"strings"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/traceback"
)

// A Goroutine is one goroutine that a test started with Go, so that the
// test can ask what it is doing: running, parked (waiting on a lock, a
// channel, a WaitGroup, a Cond ...) or ended.
//
// With it a test tells "this call is stuck on something" from "this call is
// slow" without a timeout: a Get that waits for another key's load, a Get
// that waits for an init to finish, a method that finds the mutex locked.
// The runtime parks a goroutine that waits for another one; a goroutine
// that only computes is never parked.
//
// Do not use it inside a synctest bubble: WaitParked sleeps in real time
// while goroutines block on mutexes, which stops a bubble's clock.
type Goroutine struct {
	id   int
	done chan struct{}
}

// Go runs f in a new goroutine that the test can watch.
func Go(f func()) *Goroutine {
	g := &Goroutine{done: make(chan struct{})}
	ids := make(chan int, 1)
	go func() {
		defer close(g.done)
		ids <- goroutineID()
		f()
	}()
	g.id = <-ids
	return g
}

// Done is closed when the goroutine's function has returned.
func (g *Goroutine) Done() <-chan struct{} { return g.done }

// Ended reports whether the goroutine's function has returned.
func (g *Goroutine) Ended() bool {
	select {
	case <-g.done:
		return true
	default:
		return false
	}
}

// State returns what the goroutine does now, as the runtime says it:
// "running", "runnable", or what it waits for ("sync.Mutex.Lock",
// "chan receive" ...); "" once it has ended.
func (g *Goroutine) State() string {
	return states(allStacks())[g.id]
}

// WaitParked waits until every goroutine of gs has ended or is parked, for
// at most d of real time (a bound for broken code, not a timing: a
// goroutine that waits for another is parked within microseconds), and
// reports whether they all were.
func WaitParked(d time.Duration, gs ...*Goroutine) bool {
	deadline := time.Now().Add(d)
	for pause := time.Microsecond; ; pause = min(2*pause, time.Millisecond) {
		st := states(allStacks())
		all := true
		for _, g := range gs {
			if g.Ended() {
				continue
			}
			if s, ok := st[g.id]; ok && !Parked(s) {
				all = false
				break
			}
		}
		if all {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pause)
	}
}

// Parked reports whether a goroutine in state (a goroutine dump's wait
// reason) is parked: waiting for another goroutine (a lock, a channel, a
// WaitGroup, a Cond, a select), for I/O or for a timer, rather than
// running, ready to run, in a system call or held up by the garbage
// collector for a moment.
func Parked(state string) bool {
	state = strings.TrimSuffix(state, " (durable)")
	switch {
	case state == "", state == "running", state == "runnable", state == "syscall",
		state == "preempted", state == "copystack",
		strings.HasPrefix(state, "GC "), strings.HasPrefix(state, "garbage collection"),
		strings.HasPrefix(state, "stopping the world"):
		return false
	}
	return true
}

// states maps the id of every goroutine in dump to its state.
func states(dump string) map[int]string {
	out := map[int]string{}
	for _, g := range traceback.Goroutines(dump) {
		out[g.ID] = strings.TrimSuffix(g.State, " (durable)")
	}
	return out
}

// goroutineID returns the calling goroutine's number.
func goroutineID() int {
	s := strings.TrimPrefix(currentStack(), "goroutine ")
	id, _, _ := strings.Cut(s, " ")
	n, _ := strconv.Atoi(id)
	return n
}

// WaitEnded waits until every goroutine of gs has ended, for at most d of
// real time, and reports whether they all did. It gives up early when
// those still there are stuck: they and every other goroutine of the
// process (but the caller's) are parked, on several looks over 50 ms, so
// nothing is left running that could wake them. Code that deadlocks thus
// fails in a fraction of a second, not after d.
func WaitEnded(d time.Duration, gs ...*Goroutine) bool {
	deadline := time.Now().Add(d)
	var quiet time.Time // since when everyone left has been parked
	looks := 0          // how many looks found them all parked since then
	timer := time.NewTimer(0)
	defer timer.Stop()
	for pause := 100 * time.Microsecond; ; pause = min(2*pause, 5*time.Millisecond) {
		var first *Goroutine
		for _, g := range gs {
			if !g.Ended() {
				first = g
				break
			}
		}
		if first == nil {
			return true
		}
		// Wait for the first one left to end, a while; a goroutine dump
		// stops the world, so do not take one more often than this.
		timer.Reset(pause)
		select {
		case <-first.done:
			continue
		case <-timer.C:
		}
		now := time.Now()
		switch {
		case now.After(deadline):
			return false
		case !allParked():
			quiet, looks = time.Time{}, 0
		case quiet.IsZero():
			quiet, looks = now, 1
		default:
			if looks++; looks >= 3 && now.Sub(quiet) > 50*time.Millisecond {
				return false
			}
		}
	}
}

// allParked reports whether every goroutine but the caller's is parked.
func allParked() bool {
	gs := traceback.Goroutines(allStacks())
	for _, g := range gs[min(1, len(gs)):] { // the first is the caller's
		if !Parked(g.State) {
			return false
		}
	}
	return true
}
