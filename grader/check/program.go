package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/seal"
	"github.com/go-concurrency-lab/course/grader/internal/traceback"
)

// hungBefore is set once a run of the program has hung in this test binary.
var hungBefore atomic.Bool

// mainEnv switches a re-executed test binary into running the exercise's
// main function instead of its tests; reportEnv names the descriptor on
// which ServeMain reports to RunMain.
const (
	mainEnv   = "GCL_CHECK_RUN_MAIN"
	reportEnv = "GCL_CHECK_REPORT_FD"
)

// What ServeMain reports to RunMain, on a descriptor of its own that the
// student's code cannot write to without the packages it may not import:
// that main was called, that it returned, and then the goroutines of the
// student's code still running.
const (
	reportStarted  = "started\n"
	reportReturned = "returned\n"
)

// ServeMain lets RunMain run an exercise's main function as a real process.
// A hidden test file of a package main registers it with
//
//	func init() { check.ServeMain(main) }
//
// In the test binary that the grader runs it does nothing. In a copy of that
// binary started by RunMain it runs main, reports the goroutines main left
// behind, and exits the way a program does when main returns.
func ServeMain(main func()) {
	if os.Getenv(mainEnv) != "1" {
		return
	}
	report := io.Discard
	if fd, err := strconv.Atoi(os.Getenv(reportEnv)); err == nil && fd > 2 {
		if f := os.NewFile(uintptr(fd), "check-report"); f != nil {
			report = f
		}
	}
	os.Unsetenv(reportEnv)
	io.WriteString(report, reportStarted)
	main()
	silenceStdout()
	// A real program ends when main returns, whatever its goroutines are
	// doing. Look, briefly, for goroutines still in the student's code: they
	// are work that main did not wait for. goleak.Find would wait up to half
	// a second for them on every run; a program that exits does not wait.
	mine := student()
	left := ""
	for wait := time.Millisecond; ; wait *= 2 {
		if left = ownGoroutines(mine); left == "" || wait > 16*time.Millisecond {
			break
		}
		time.Sleep(wait)
	}
	io.WriteString(report, reportReturned+left)
	os.Exit(0)
}

// ownGoroutines dumps the goroutines other than the caller's that are in the
// student's code, or returns "" when there are none.
func ownGoroutines(mine traceback.Filter) string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	gs := traceback.Goroutines(string(buf))
	if len(gs) > 0 {
		gs = gs[1:] // the first is the caller's own
	}
	return traceback.DescribeBlocked(gs, mine)
}

// Options say how RunMain runs a program.
type Options struct {
	// Procs lists the GOMAXPROCS values to run under; default 1, 2 and 8.
	Procs []int
	// Runs is how many times to run under each GOMAXPROCS; default 8.
	Runs int
	// Timeout bounds one run; default 5s. A run that exceeds it is stopped
	// with a goroutine dump, so the test can say where the program hung.
	Timeout time.Duration
	// MaxOutput bounds what one run may print; default 1 MiB.
	MaxOutput int
}

func (o Options) withDefaults() Options {
	if len(o.Procs) == 0 {
		o.Procs = []int{1, 2, 8}
	}
	if o.Runs <= 0 {
		o.Runs = 8
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.MaxOutput <= 0 {
		o.MaxOutput = 1 << 20
	}
	return o
}

// Run is one run of a program.
type Run struct {
	N        int // 1-based, in the order RunMain started the runs
	Procs    int // GOMAXPROCS
	Stdout   string
	Stderr   string // without ServeMain's leak report
	Lines    []string
	ExitCode int
	TimedOut bool
	TooLoud  bool   // printed more than Options.MaxOutput
	Leaks    string // goroutines still running when main returned
	// Signal names the signal that ended the run ("killed"), when one did.
	Signal string
	// StartErr says why the process could not be started, when it could not.
	StartErr string
	// Started and Returned: main was called, and main returned. A run
	// whose main did not return did not happen as a program run does.
	Started, Returned bool

	skipped bool
}

// Ended reports whether the run happened to its end: the process started,
// main was called and returned. Otherwise it says what happened instead.
func (r Run) Ended() (bool, string) {
	switch {
	case r.StartErr != "":
		return false, "could not be started: " + r.StartErr
	case r.TimedOut:
		return false, "did not finish in time"
	case r.TooLoud:
		return false, "printed too much and was stopped"
	case r.Signal != "":
		return false, "was ended by a signal (" + r.Signal + ")"
	case !r.Started:
		return false, fmt.Sprintf("ended (exit status %d) before main was called: something in an init function ended the program", r.ExitCode)
	case !r.Returned && r.ExitCode == 0:
		return false, "ended with exit status 0 before main returned: os.Exit (or runtime.Goexit) cut it short"
	case !r.Returned:
		return false, fmt.Sprintf("ended with exit status %d before main returned", r.ExitCode)
	}
	return true, ""
}

// runT is the part of *testing.T that RunMain and the checks of its runs
// use, so that their own tests can hand them a fake one (see TB).
type runT interface {
	TB
	Error(args ...any)
	Fatalf(format string, args ...any)
	Log(args ...any)
}

// String names the run for a student: "run 3 (GOMAXPROCS=1)".
func (r Run) String() string { return fmt.Sprintf("Run %d (GOMAXPROCS=%d)", r.N, r.Procs) }

// RunMain runs the package's main function (registered with ServeMain) as a
// separate process, Runs times under each of Procs, and returns every run.
//
// The runs are real processes of the test binary itself, so the race
// detector watches them as it watches the tests. RunMain fails t when runs
// crashed, hung or printed too much, and logs data races for the grader's
// race check, once for each kind of trouble, with a message that points at
// the student's code; the caller checks what the runs printed.
func RunMain(t *testing.T, opts Options) []Run {
	t.Helper()
	return runMain(t, opts)
}

func runMain(t runT, opts Options) []Run {
	t.Helper()
	opts = opts.withDefaults()
	if hungBefore.Load() {
		// Waiting out the same hang again would only make the student wait.
		t.Errorf("The program was not run again: it hung in an earlier test (see the time check).\n%s", TimeMarker)
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("check: cannot find the test binary: %v", err)
	}
	var (
		runs    []*Run
		mu      sync.Mutex
		stopped bool // a run hung or flooded: starting more would only repeat it
		wg      sync.WaitGroup
		sem     = make(chan struct{}, runtime.NumCPU())
	)
	n := 0
	for range opts.Runs {
		for _, p := range opts.Procs {
			n++
			r := &Run{N: n, Procs: p}
			runs = append(runs, r)
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				mu.Lock()
				skip := stopped
				mu.Unlock()
				if skip {
					r.ExitCode, r.skipped = -1, true
					return
				}
				runOnce(exe, r, opts)
				if r.TimedOut || r.TooLoud {
					mu.Lock()
					stopped = true
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	var out []Run
	for _, r := range runs {
		if r.skipped {
			continue // not started: an earlier run hung or flooded
		}
		out = append(out, *r)
	}
	reportRuns(t, out, opts)
	return out
}

// runOnce runs the test binary as the program and fills in r.
func runOnce(exe string, r *Run, opts Options) {
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$", "-test.count=1")
	cmd.Env = childEnv(r.Procs)
	cmd.Cancel = func() error { return interrupt(cmd.Process) }
	cmd.WaitDelay = 2 * time.Second
	stdout := &limitedBuffer{limit: opts.MaxOutput, over: cancel}
	stderr := &limitedBuffer{limit: opts.MaxOutput, over: cancel}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	report := &limitedBuffer{limit: opts.MaxOutput, over: func() {}}
	rd, wr, err := os.Pipe()
	if err != nil {
		r.ExitCode, r.StartErr = -1, err.Error()
		return
	}
	defer rd.Close()
	cmd.ExtraFiles = []*os.File{wr}
	err = cmd.Start()
	wr.Close()
	if err != nil {
		r.ExitCode, r.StartErr = -1, err.Error()
		return
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		io.Copy(report, rd)
	}()
	err = cmd.Wait()
	// The report ends when the program does, unless something it started
	// holds the descriptor open: then what came so far is the report.
	rd.SetReadDeadline(time.Now().Add(time.Second))
	<-copied
	r.TooLoud = stdout.overflow || stderr.overflow
	r.TimedOut = !r.TooLoud && errors.Is(ctx.Err(), context.DeadlineExceeded)
	r.Stdout = stdout.String()
	r.Stderr = stderr.String()
	rep := report.String()
	r.Started = strings.HasPrefix(rep, reportStarted)
	if r.Started {
		r.Leaks, r.Returned = strings.CutPrefix(rep[len(reportStarted):], reportReturned)
		if !r.Returned {
			r.Leaks = ""
		}
	}
	r.Lines = lines(r.Stdout)
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.ExitCode = exit.ExitCode()
		r.Signal = signalOf(exit.ProcessState)
	case err != nil:
		r.ExitCode = -1
		r.Stderr += "\n" + err.Error()
	}
}

// childEnv is the environment of a run: the test's own, with GOMAXPROCS set,
// and the race detector told not to sleep a second before exiting.
func childEnv(procs int) []string {
	var env []string
	gorace := "atexit_sleep_ms=0"
	for _, kv := range os.Environ() {
		switch k, v, _ := strings.Cut(kv, "="); k {
		case "GOMAXPROCS", mainEnv, reportEnv, seal.KeyFDEnv, seal.KeyEnv:
			continue
		case "GORACE":
			gorace = v + " " + gorace
			continue
		}
		env = append(env, kv)
	}
	return append(env, mainEnv+"=1", reportEnv+"=3", fmt.Sprintf("GOMAXPROCS=%d", procs), "GORACE="+gorace)
}

// lines splits output into lines without their line endings.
func lines(s string) []string {
	s = strings.TrimSuffix(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// limitedBuffer keeps what a process writes, up to limit bytes; past that it
// drops the rest and calls over, which stops the process.
type limitedBuffer struct {
	mu       sync.Mutex
	buf      bytes.Buffer
	limit    int
	overflow bool
	over     func()
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.limit - b.buf.Len(); len(p) > room {
		b.buf.Write(p[:max(room, 0)])
		if !b.overflow {
			b.overflow = true
			b.over()
		}
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *limitedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// student returns the filter for the exercise's own files: the non-test
// files of the package under test, named relative to the module root.
func student() traceback.Filter {
	dir, _ := os.Getwd()
	root := dir
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			root = d
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return traceback.Filter{Dir: dir, Root: root}
}

// Markers that the grader looks for in a test's output. They only ever make
// a check fail, so code that prints them fools nobody but itself.
const (
	TimeMarker = seal.TimeMarker
	RaceMarker = seal.RaceMarker
)

// reportRuns explains what went wrong in the runs, once for each kind of
// trouble, with how many runs had it. A data race is logged, with the
// marker that fails the race check, but does not fail t: whether the output
// was right is the test's question, whether it raced is the race check's.
func reportRuns(t runT, runs []Run, opts Options) {
	t.Helper()
	if len(runs) == 0 {
		t.Error("The program was not run at all, so nothing of what it does could be checked.")
		return
	}
	mine := student()
	type trouble struct {
		first Run
		count int
		msg   string
	}
	var kinds []string
	seen := map[string]*trouble{}
	note := func(kind string, r Run, msg func() string) {
		if tr := seen[kind]; tr != nil {
			tr.count++
			return
		}
		seen[kind] = &trouble{first: r, count: 1, msg: msg()}
		kinds = append(kinds, kind)
	}
	for _, r := range runs {
		races := traceback.Races(r.Stderr)
		if len(races) > 0 {
			note("race", r, func() string {
				return fmt.Sprintf("had a data race:\n%s%s", traceback.DescribeRaces(races, mine, 1), races[0].Explain(mine))
			})
		}
		switch {
		case r.TimedOut:
			note("time", r, func() string {
				blocked := traceback.DescribeBlocked(traceback.Goroutines(r.Stderr), mine)
				if blocked == "" {
					blocked = "  (none of them was in your code)\n"
				}
				return fmt.Sprintf("did not finish within %v, so the grader stopped it. Its goroutines were:\n%s"+
					"A program that never ends is usually waiting for something that never happens:\n"+
					"a WaitGroup whose counter never gets back to zero, a channel nobody sends on or closes,\n"+
					"or a lock nobody unlocks.", opts.Timeout, blocked)
			})
		case r.TooLoud:
			note("loud", r, func() string {
				return fmt.Sprintf("printed more than %d bytes, so the grader stopped it. Is a loop printing without end?", opts.MaxOutput)
			})
		case strings.Contains(r.Stderr, "all goroutines are asleep - deadlock!"):
			note("deadlock", r, func() string {
				return "stopped with \"fatal error: all goroutines are asleep - deadlock!\":\n" +
					"every goroutine was waiting for another one, so none could go on. They were:\n" +
					traceback.DescribeBlocked(traceback.Goroutines(r.Stderr), mine) +
					"Look for a Wait, a receive or a send that nothing will ever answer."
			})
		case strings.Contains(r.Stderr, "panic: ") || strings.Contains(r.Stderr, "fatal error: "):
			note("crash", r, func() string { return "crashed:\n" + DescribeCrash(r.Stderr, mine) })
		case r.ExitCode == 66 && len(races) > 0:
			// The race detector's exit status: reported as a race above.
		case r.StartErr != "":
			note("start", r, func() string {
				return "could not be started: " + r.StartErr
			})
		case r.Signal != "":
			note("signal", r, func() string {
				return fmt.Sprintf("was ended by a signal (%s) before it finished: a run that does not end on its own is not a run that worked.\n%s",
					r.Signal, indent(tail(r.Stderr, 20)))
			})
		case r.ExitCode != 0:
			note("exit", r, func() string {
				return fmt.Sprintf("exited with status %d. A program that finishes its work exits with status 0:\n"+
					"does your code call os.Exit or log.Fatal?\n%s", r.ExitCode, indent(tail(r.Stderr, 20)))
			})
		case strings.Contains(r.Stdout, "testing: warning: no tests to run"):
			t.Fatalf("hidden test bug: the package's hidden tests do not call check.ServeMain(main) in an init function")
		default:
			if ok, why := r.Ended(); !ok {
				note("ended", r, func() string { return why + "." })
			}
		}
	}
	for _, kind := range kinds {
		tr := seen[kind]
		how := fmt.Sprintf("%s %s", tr.first, tr.msg)
		if tr.count > 1 {
			how = fmt.Sprintf("%d of %d runs went wrong this way. %s", tr.count, len(runs), how)
		}
		switch kind {
		case "race":
			t.Log(how + "\n" + RaceMarker)
		case "time":
			hungBefore.Store(true)
			t.Error(how + "\n" + TimeMarker)
		default:
			t.Error(how)
		}
	}
}

// DescribeCrash explains a panic or fatal error: its first line, then where
// in the student's code each goroutine of the dump was.
func DescribeCrash(stderr string, mine traceback.Filter) string {
	return traceback.DescribeCrash(stderr, mine)
}

func indent(s string) string {
	if s == "" {
		return ""
	}
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}

func tail(s string, n int) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.Join(ls, "\n")
}
