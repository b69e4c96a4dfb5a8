package check

import (
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"strings"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/traceback"
)

// GatePrefix starts the lines that a program run through GateStdout
// writes to its stderr about what it saw.
const GatePrefix = "check-gate: "

// GateStdout wraps a program's main for ServeMain, for exercises where main
// must hand work to goroutines that run worker (a function of package main,
// "greet") and wait for them:
//
//	func init() { check.ServeMain(check.GateStdout(main, "greet")) }
//
// In a run of the program, every write to os.Stdout waits until the whole
// program is quiet (every other goroutine parked), and then goes out alone,
// in turn. So a goroutine that signals "done" before it prints is caught
// between the two: main, woken, gets to print while the goroutine still
// waits to. At each quiet moment the gate looks at every goroutine's stack
// and writes to stderr, once each (see GateReport):
//
//	check-gate: on
//	check-gate: in-main greet ran in main's goroutine, at main.go:12
//	check-gate: early main printed, at main.go:20, while greet was still running in another goroutine, at main.go:9
//	check-gate: at-once 6     (the most goroutines in worker at one moment)
//
// Where the gate cannot work (not on Linux) main runs as it is, and the
// report is empty: the tests fall back on the output alone.
func GateStdout(main func(), worker string) func() {
	return func() {
		// A test binary names package main by its import path.
		pkg := strings.TrimSuffix(runtime.FuncForPC(reflect.ValueOf(main).Pointer()).Name(), ".main")
		g, err := newGate(pkg + "." + worker)
		if err != nil {
			main()
			return
		}
		defer g.stop()
		main()
	}
}

// A gate holds a program's writes to stdout until the program is quiet.
type gate struct {
	worker   string // "main.greet"
	mainID   int
	real     *os.File // the real stdout
	r, w     *os.File // the pipe that os.Stdout is now
	stopping chan struct{}
	stopped  chan struct{}
	seen     map[string]bool
	notes    []string
	atOnce   int
}

// step waits until the program is quiet with a write waiting, looks, and
// lets one write out. It returns false once the gate is stopping.
func (g *gate) step(buf []byte) bool {
	for pause := 10 * time.Microsecond; ; pause = min(2*pause, time.Millisecond) {
		select {
		case <-g.stopping:
			return false
		default:
		}
		if g.look() {
			break
		}
		time.Sleep(pause)
	}
	// The pipe holds one write at a time: reading it lets the next one in.
	n, err := g.r.Read(buf)
	if err != nil {
		return false
	}
	g.forward(buf[:n])
	// The writer let in is still parked until the poller wakes it: wait
	// until its write is in the pipe, or the next look would let in one
	// more.
	for pause := time.Microsecond; !filled(g.r); pause = min(2*pause, time.Millisecond) {
		select {
		case <-g.stopping:
			return false
		default:
		}
		time.Sleep(pause)
	}
	return true
}

// look reports whether every goroutine but the gate's is parked and one
// of them waits to write to stdout; if so it notes what it sees.
func (g *gate) look() bool {
	gs := traceback.Goroutines(allStacks())
	if len(gs) == 0 {
		return false
	}
	gs = gs[1:] // the gate's own
	writing := false
	for _, x := range gs {
		if !parked(x) {
			return false
		}
		writing = writing || has(x, "os.(*File).Write")
	}
	if !writing {
		return false
	}
	mine := student()
	busy := 0
	var mainG *traceback.Goroutine
	var busyAt string
	for i, x := range gs {
		if x.ID == g.mainID {
			mainG = &gs[i]
			continue
		}
		if has(x, g.worker) {
			busy++
			if busyAt == "" {
				busyAt = where(x, mine)
			}
		}
	}
	g.atOnce = max(g.atOnce, busy)
	if mainG != nil && has(*mainG, g.worker) {
		g.note("in-main", fmt.Sprintf("%s ran in main's goroutine, called at %s", short(g.worker), caller(*mainG, g.worker, mine)))
	}
	if mainG != nil && !has(*mainG, g.worker) && has(*mainG, "os.(*File).Write") && busy > 0 {
		g.note("early", fmt.Sprintf("main printed, at %s, while %s was still running in another goroutine, at %s",
			where(*mainG, mine), short(g.worker), busyAt))
	}
	return true
}

func (g *gate) note(kind, what string) {
	if !g.seen[kind] {
		g.seen[kind] = true
		g.notes = append(g.notes, kind+" "+what)
	}
}

// forward copies a write that the gate let out to the real stdout; the
// gate's own filler (a single NUL) stays behind.
func (g *gate) forward(p []byte) {
	if len(p) == 1 && p[0] == 0 {
		return
	}
	g.real.Write(p)
}

// stop, called when main returns, lets the last write out, puts os.Stdout
// back and writes the report. Goroutines that still try to print stay
// blocked, as if cut off by the program's end.
func (g *gate) stop() {
	close(g.stopping)
	<-g.stopped
	buf := make([]byte, 1<<16)
	if n, err := readNow(g.r, buf); err == nil && n > 0 {
		g.forward(buf[:n])
	}
	os.Stdout = g.real
	var b strings.Builder
	b.WriteString(GatePrefix + "on\n")
	for _, n := range g.notes {
		b.WriteString(GatePrefix + n + "\n")
	}
	fmt.Fprintf(&b, "%sat-once %d\n", GatePrefix, g.atOnce)
	io.WriteString(os.Stderr, b.String())
}

// short drops the package path from a function's name.
func short(fn string) string { return fn[strings.LastIndex(fn, ".")+1:] }

// has reports whether fn is among g's frames.
func has(g traceback.Goroutine, fn string) bool {
	for _, f := range g.Frames {
		if f.Func == fn {
			return true
		}
	}
	return false
}

// where names g's innermost frame in the student's files.
func where(g traceback.Goroutine, mine traceback.Filter) string {
	for _, f := range g.Frames {
		if mine.Mine(f.File) {
			return mine.Where(f)
		}
	}
	return "(not in your files)"
}

// caller names the place in the student's files that called fn in g.
func caller(g traceback.Goroutine, fn string, mine traceback.Filter) string {
	for i, f := range g.Frames {
		if f.Func != fn {
			continue
		}
		for _, up := range g.Frames[i+1:] {
			if mine.Mine(up.File) {
				return mine.Where(up)
			}
		}
	}
	return where(g, mine)
}

// GateReport is what a run of a program through GateStdout reported:
// On is false when the gate could not work there (then the rest is empty).
type GateReport struct {
	On     bool
	InMain string // where the worker ran in main's goroutine, if it did
	Early  string // where main printed while a worker was still running
	AtOnce int    // the most goroutines running the worker at one moment
}

// Gate reads the report of a run.
func (r Run) Gate() GateReport {
	var rep GateReport
	for _, l := range strings.Split(r.Stderr, "\n") {
		rest, ok := strings.CutPrefix(l, GatePrefix)
		if !ok {
			continue
		}
		kind, what, _ := strings.Cut(rest, " ")
		switch kind {
		case "on":
			rep.On = true
		case "in-main":
			rep.InMain = what
		case "early":
			rep.Early = what
		case "at-once":
			fmt.Sscan(what, &rep.AtOnce)
		}
	}
	return rep
}
