package main

import (
	"bytes"
	"context"
	"fmt"
	"github.com/go-concurrency-lab/course/grader/internal/module"
	"os"
	"path/filepath"
	"strings"
	"time"

	course "github.com/go-concurrency-lab/course"
	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/grade"
	"github.com/go-concurrency-lab/course/grader/internal/report"
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
	var notices []string
	plan.ModFile, plan.SumFile, notices = pristineModule(root)
	for _, ex := range exercises {
		plan.Targets = append(plan.Targets, grade.Target{Exercise: ex, Dir: filepath.Join(base, ex.Name)})
	}
	if *format == "text" {
		fmt.Fprintf(e.stderr, "Grading %d exercise(s)...\n", len(exercises))
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
	if len(notices) > 0 {
		for i := range out.Results {
			out.Results[i].Notices = append(notices, out.Results[i].Notices...)
		}
	}
	if !platformFormat(*format) {
		// A grading platform's run is not the student's own progress.
		recordProgress(root, base, out.Results)
	}
	rep := report.New(out.Results, out.Race, out.RaceWhy)
	if os.Getenv("GRADER_VIA_MAKE") == "1" {
		rep.Command = "make test"
	}
	opts := report.Options{Color: useColor(e.stdout), Files: map[string]string{}}
	for _, ex := range cat.Exercises {
		opts.Exercises = append(opts.Exercises, ex.Name)
	}
	for _, ex := range exercises {
		if rel, err := filepath.Rel(root, filepath.Join(base, ex.Name, ex.File)); err == nil {
			opts.Files[ex.Name] = filepath.ToSlash(rel)
		}
	}
	if err := write(e.stdout, rep, opts); err != nil {
		return exitFor(e, err)
	}
	if rep.AllPass() || *format == "classroom50" {
		// Classroom 50 records a non-zero exit as an error with no grade:
		// once result.json is written, the grade is in it.
		return exitPass
	}
	return exitFail
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
