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

// ID returns the goroutine's number, as GoroutineID returns it inside.
func (g *Goroutine) ID() int { return g.id }

// GoroutineID returns the calling goroutine's number: a fake that the code
// under test calls can tell its callers apart with it.
func GoroutineID() int { return goroutineID() }

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

// states maps the id of every goroutine in dump to its state; a goroutine
// that only looks parked (see parked) is "runnable".
func states(dump string) map[int]string {
	out := map[int]string{}
	for _, g := range traceback.Goroutines(dump) {
		out[g.ID] = strings.TrimSuffix(g.State, " (durable)")
		if !parked(g) && Parked(out[g.ID]) {
			out[g.ID] = "runnable"
		}
	}
	return out
}

// parked reports whether g is parked. A goroutine that is starting a
// garbage collection while the test's goroutine dump stops the world waits
// for the dump in state "semacquire", with its own code on top of the
// stack (the runtime's frames are not shown): it is not parked, it goes on
// as soon as the dump is done. A real semacquire has the sync package's
// runtime_Semacquire on top.
func parked(g traceback.Goroutine) bool {
	if !Parked(g.State) {
		return false
	}
	if strings.TrimSuffix(g.State, " (durable)") == "semacquire" {
		return len(g.Frames) > 0 && strings.Contains(g.Frames[0].Func, "runtime_Semacquire")
	}
	return true
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
		if !parked(g) {
			return false
		}
	}
	return true
}

// Quiet waits until every goroutine of the process but the caller's is
// parked or gone, for at most d of real time, and reports whether they
// were: the real-time twin of synctest.Wait, for code that waits on
// mutexes (which a synctest bubble does not count as blocked). Once it
// returns true, the goroutines of the code under test have gone as far as
// they can go without the test: "4 reads in flight now" is a fact, not a
// guess. A goroutine in time.Sleep counts as parked.
func Quiet(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for pause := 10 * time.Microsecond; ; pause = min(2*pause, time.Millisecond) {
		if allParked() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pause)
	}
}

// Finished is called, outside a synctest bubble, right after a call that
// promises that the goroutines it started have ended when it returns (Sum,
// Run, Stop ...); what names the moment, e.g. "Sum returned". It waits
// until the process is Quiet (at most a second) and fails t when a
// goroutine is still in the student's code, parked or running: a goroutine
// that ends "a little later" is caught, unlike with goleak's retries, since
// nothing the test does lets it go on.
func Finished(t TB, what string) bool {
	t.Helper()
	// A goroutine on its way out is done within microseconds; one that
	// still runs after a second is going on (a loop).
	Quiet(time.Second)
	gs := traceback.Goroutines(allStacks())
	left := describeGrouped(gs[min(1, len(gs)):], student())
	if left == "" {
		return true
	}
	t.Errorf("%s, but goroutines of yours were still there:\n%s"+
		"When the call returns, the goroutines it started must have ended: it must wait for every\n"+
		"one of them (a sync.WaitGroup's Wait, or one receive per goroutine) before it returns.", what, left)
	return false
}
