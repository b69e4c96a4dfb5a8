package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	course "github.com/go-concurrency-lab/course"
	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/grade"
	"github.com/go-concurrency-lab/course/grader/internal/module"
	"github.com/go-concurrency-lab/course/grader/internal/report"
	gotest "github.com/go-concurrency-lab/course/grader/internal/run"
	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

func init() {
	commands["test"] = command{"grade exercises (the default)", runTest}
}

func runTest(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "test")
	format := fs.String("format", "text", "write the report as `format`: "+joinFormats())
	dir := fs.String("dir", "exercises", "grade the exercise folders under `dir`")
	hiddenDir := fs.String("hidden", "", "read the hidden tests from `dir` (a folder per exercise, or *.txtar archives) instead of the grader's own")
	race := fs.Bool("race", true, "look for data races (needs cgo); -race=false says so in the report")
	sandbox := fs.Bool("sandbox", false, "run the tests in a sandbox (Linux, bubblewrap), as Classroom 50's autograder does; where none can be had, a notice says so")
	verbose := fs.Bool("v", false, "print the full log of each exercise that does not pass (text format)")
	deadline := fs.Duration("deadline", 0, "stop grading after `duration` and report what did not finish as errors (0: no limit; classroom formats)")
	names, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage
	}
	write, err := report.Lookup(*format)
	if err != nil {
		return exitFor(e, usageError{err.Error()})
	}
	cat, err := loadCatalog(*hiddenDir)
	if err != nil {
		return exitFor(e, err)
	}
	exercises, err := cat.Select(names)
	if err != nil {
		return exitFor(e, usageError{err.Error()})
	}
	root, err := moduleRoot(*dir)
	if err != nil {
		return exitFor(e, usageError{err.Error()})
	}
	base, err := filepath.Abs(*dir)
	if err != nil {
		return exitFor(e, err)
	}

	plan := grade.Plan{Root: root, NoRace: !*race}
	if *sandbox {
		ok, why := gotest.SandboxAvailable(ctx)
		plan.Sandbox, plan.Hide = ok, sandboxHide(root, *hiddenDir)
		if !ok {
			fmt.Fprintf(e.stderr, "grader: notice: no sandbox: %s.\n", why)
		}
	}
	var notices []string
	plan.ModFile, plan.SumFile, notices = pristineModule(root)
	for _, ex := range exercises {
		plan.Targets = append(plan.Targets, grade.Target{Exercise: ex, Dir: filepath.Join(base, ex.Name)})
	}
	command := "go run ./grader"
	if viaMake() {
		command = "make test"
	}
	opts := report.Options{Color: useColor(e.stdout), Files: map[string]string{}, Edit: map[string]string{}, Verbose: *verbose}
	if !platformFormat(*format) {
		opts.LogDir = report.LogDir // the full detail behind each message
	}
	for _, ex := range cat.Exercises {
		opts.Exercises = append(opts.Exercises, ex.Name)
	}
	for _, ex := range exercises {
		file := filepath.Join(base, ex.Name, ex.File)
		if rel, err := filepath.Rel(root, file); err == nil {
			opts.Files[ex.Name] = filepath.ToSlash(rel)
		}
	}
	var lv *live
	if *format == "text" {
		if len(exercises) == 1 {
			fmt.Fprintf(e.stderr, "Grading %s...\n", exercises[0].Name)
		} else {
			fmt.Fprintf(e.stderr, "Grading %d exercises...\n", len(exercises))
		}
		var names []string
		for _, ex := range exercises {
			names = append(names, ex.Name)
		}
		lv = newLive(e.stdout, e.stderr, names, isTerminal(e.stdout), opts, notices)
		defer lv.stop()
		plan.Graded = lv.graded
		go lv.warnColdCache(ctx, root, *race)
	}
	gctx := ctx
	if *deadline > 0 {
		var cancel context.CancelFunc
		gctx, cancel = context.WithTimeout(ctx, *deadline)
		defer cancel()
	}
	out, err := grade.Run(gctx, plan)
	if err != nil {
		// A platform's report must still be written when grading was cut
		// short (the -deadline, or the runner's interrupt at a step's time
		// limit): a submission that hangs gets a grade and a reason.
		stopped := gctx.Err() != nil && platformFormat(*format)
		if !stopped {
			return exitFor(e, err)
		}
		out = stoppedOutcome(exercises, *deadline, ctx.Err() != nil)
	}
	// Nothing the student's code started may outlive the grading and
	// change a result once it is written (report, result.json,
	// $GITHUB_OUTPUT, the progress file).
	gotest.KillDescendants()
	if len(notices) > 0 {
		for i := range out.Results {
			out.Results[i].Notices = append(notices, out.Results[i].Notices...)
		}
	}
	if !platformFormat(*format) {
		// A grading platform's run is not the student's own progress.
		recordProgress(root, base, out.Results)
	}
	for i, ex := range exercises {
		if i < len(out.Results) {
			opts.Edit[ex.Name] = editAt(root, filepath.Join(base, ex.Name), ex, &out.Results[i])
		}
	}
	rep := report.New(out.Results, out.Race, out.RaceWhy)
	rep.Command = command
	if opts.LogDir != "" {
		if err := report.SaveLogs(root, rep); err != nil {
			fmt.Fprintln(e.stderr, err)
		}
	}
	if lv != nil {
		err = lv.finish(rep)
	} else {
		err = write(e.stdout, rep, opts)
	}
	if err != nil {
		return exitFor(e, err)
	}
	if rep.AllPass() || *format == "classroom50" {
		// Classroom 50 records a non-zero exit as an error with no grade:
		// once result.json is written, the grade is in it.
		return exitPass
	}
	return exitFail
}

// live writes the text report while grading runs: each exercise's line as
// soon as it and those before it are graded (the catalog's order, so that
// the first exercise to fix is the one shown in full), and on a terminal a
// progress line below them ("12 of 32 graded") that the next lines replace.
type live struct {
	mu      sync.Mutex
	out     io.Writer
	stderr  io.Writer
	stream  *report.TextStream
	notices []string          // added to every result, as to the final ones
	names   []string          // the targets' exercises
	results []*verdict.Result // by target, nil until graded
	next    int               // the first target whose line is not written
	count   int
	tty     bool
	shown   bool // the progress line is on the screen
	start   time.Time
	done    chan struct{}
	err     error
}

func newLive(stdout, stderr io.Writer, names []string, tty bool, o report.Options, notices []string) *live {
	l := &live{out: stdout, stderr: stderr, stream: report.NewTextStream(stdout, o), notices: notices, names: names,
		results: make([]*verdict.Result, len(names)), tty: tty, start: time.Now(), done: make(chan struct{})}
	if tty {
		go l.ticking()
	}
	return l
}

// graded takes the result of target i (plan.Graded).
func (l *live) graded(i int, r verdict.Result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i < 0 || i >= len(l.results) || l.results[i] != nil {
		return
	}
	if len(l.notices) > 0 {
		r.Notices = append(append([]string(nil), l.notices...), r.Notices...)
	}
	l.results[i] = &r
	l.count++
	l.clear()
	for l.next < len(l.results) && l.results[l.next] != nil && l.err == nil {
		l.err = l.stream.Exercise(*l.results[l.next])
		l.next++
	}
	l.draw()
}

// ticking redraws the progress line every second, so that a long build
// still shows the time going by.
func (l *live) ticking() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-l.done:
			return
		case <-t.C:
			l.mu.Lock()
			l.clear()
			l.draw()
			l.mu.Unlock()
		}
	}
}

// clear takes the progress line off the screen; draw puts it back. Both
// with l.mu held.
func (l *live) clear() {
	if l.shown {
		io.WriteString(l.out, "\r\x1b[K")
		l.shown = false
	}
}

func (l *live) draw() {
	if !l.tty || l.count == len(l.results) || l.done == nil {
		return
	}
	waiting := ""
	if l.next < len(l.results) && l.count > l.next {
		waiting = ", waiting for " + l.names[l.next]
	}
	fmt.Fprintf(l.out, "%d of %d graded%s · %ds", l.count, len(l.results), waiting, int(time.Since(l.start).Seconds()))
	l.shown = true
}

// say writes a line of the grader's own (to stderr) between the results.
func (l *live) say(msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clear()
	fmt.Fprintln(l.stderr, msg)
	l.draw()
}

// stop ends the progress line.
func (l *live) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done != nil {
		close(l.done)
		l.done = nil
	}
	l.clear()
}

// finish writes what is not written yet, then the summary of the final
// results.
func (l *live) finish(r *report.Report) error {
	l.stop()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return l.err
	}
	for l.next < len(r.Exercises) {
		if err := l.stream.Exercise(r.Exercises[l.next]); err != nil {
			return err
		}
		l.next++
	}
	return l.stream.Summary(r)
}

// warnColdCache says, on a first run, why it is slow: the go command then
// compiles the standard library (with the race detector's instrumentation)
// before any test can run, and keeps it in its build cache for every later
// run. (Measured on 2 cores: 2 min 39 s for the first run, 20 s after.)
func (l *live) warnColdCache(ctx context.Context, root string, race bool) {
	args := []string{"list", "-f", "{{.Stale}}"}
	if race {
		if ok, _ := gotest.RaceSupported(ctx, root); ok {
			args = append(args, "-race")
		}
	}
	cmd := exec.CommandContext(ctx, "go", append(args, "testing")...)
	cmd.Dir = root
	cmd.Env = gotest.Env()
	out, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(out)) != "true" {
		return
	}
	what := "the standard library"
	if slices.Contains(args, "-race") {
		what = "the standard library with the race detector"
	}
	l.say("This is the first run here, so Go first compiles " + what + ": a minute or two.\n" +
		"It happens once: Go keeps it in its build cache, and later runs take seconds.")
}

// platformFormat reports whether a format is read by a grading platform
// rather than a person: those get a report even when grading is cut short.
func platformFormat(format string) bool {
	switch format {
	case "classroom", "classroom50", "junit", "gradescope":
		return true
	}
	return false
}

// stoppedOutcome is the result of a grading run that was stopped before
// it ended: every check of every exercise is an error that says why.
func stoppedOutcome(exercises []*catalog.Exercise, deadline time.Duration, interrupted bool) grade.Outcome {
	msg := fmt.Sprintf("The grader stopped after %v, the time this classroom allows, before the tests ended. "+
		"Code that never finishes is usually waiting for something that never happens: a WaitGroup that never "+
		"gets back to zero, a channel nobody sends on or closes, a lock nobody unlocks. Run the grader on your machine to see where.", deadline)
	if interrupted {
		msg = "The grading was interrupted (the job's time limit, or a cancelled run) before the tests ended. " +
			"If your code can hang, run the grader on your machine to see where."
	}
	var out grade.Outcome
	for _, ex := range exercises {
		r := verdict.Result{Exercise: ex.Name, Title: ex.Title, Status: verdict.Error, MaxScore: ex.MaxScore()}
		for _, c := range catalog.Checks {
			if p, ok := ex.Points[c]; ok || c == "build" {
				r.Checks = append(r.Checks, verdict.Check{Name: c, Status: verdict.Error, MaxScore: p, Message: msg})
			}
		}
		out.Results = append(out.Results, r)
	}
	return out
}

// pristineModule returns the course's own go.mod and go.sum, as the grader
// was built with them, when root is a checkout of the course: a student's
// edits to those files must not change what their code is graded against.
func pristineModule(root string) (mod, sum []byte, notices []string) {
	tree, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || module.Path(tree) != module.Path(course.ModFile) {
		return nil, nil, nil // another module: grade it with its own files
	}
	treeSum, _ := os.ReadFile(filepath.Join(root, "go.sum"))
	if !bytes.Equal(tree, course.ModFile) || !bytes.Equal(treeSum, course.SumFile) {
		what := "go.mod or go.sum differs from the course's"
		if changes := grade.ModuleChanges(tree, course.ModFile); len(changes) > 0 {
			what = strings.Join(changes, ", ")
		}
		notices = append(notices, what+": your code was built with the course's module files, as it will be by the classroom's grader.")
	}
	return course.ModFile, course.SumFile, notices
}

// useColor: colour only on a terminal, and never with NO_COLOR.
func useColor(w any) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func joinFormats() string {
	s := ""
	for i, f := range report.Formats() {
		if i > 0 {
			s += "|"
		}
		s += f
	}
	return s
}
