package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	course "github.com/go-concurrency-lab/course"
	"github.com/go-concurrency-lab/course/grader/internal/grade"
	"github.com/go-concurrency-lab/course/grader/internal/report"
)

func init() {
	commands["test"] = command{"grade exercises (the default)", runTest}
}

func runTest(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "test")
	format := fs.String("format", "text", "write the report as `format`: "+joinFormats())
	dir := fs.String("dir", "exercises", "grade the exercise folders under `dir`")
	hiddenDir := fs.String("hidden", "", "read the hidden tests from the *.txtar files in `dir` instead of the grader's own")
	race := fs.Bool("race", true, "look for data races (needs cgo); -race=false says so in the report")
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
	out, err := grade.Run(ctx, plan)
	if err != nil {
		return exitFor(e, err)
	}
	if len(notices) > 0 {
		for i := range out.Results {
			out.Results[i].Notices = append(notices, out.Results[i].Notices...)
		}
	}
	recordProgress(root, base, out.Results)
	rep := report.New(out.Results, out.Race, out.RaceWhy)
	if os.Getenv("GRADER_VIA_MAKE") == "1" {
		rep.Command = "make test"
	}
	if err := write(e.stdout, rep, report.Options{Color: useColor(e.stdout)}); err != nil {
		return exitFor(e, err)
	}
	if rep.AllPass() {
		return exitPass
	}
	return exitFail
}

// pristineModule returns the course's own go.mod and go.sum, as the grader
// was built with them, when root is a checkout of the course: a student's
// edits to those files must not change what their code is graded against.
func pristineModule(root string) (mod, sum []byte, notices []string) {
	tree, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || modulePathOf(tree) != modulePathOf(course.ModFile) {
		return nil, nil, nil // another module: grade it with its own files
	}
	treeSum, _ := os.ReadFile(filepath.Join(root, "go.sum"))
	if !bytes.Equal(tree, course.ModFile) || !bytes.Equal(treeSum, course.SumFile) {
		notices = append(notices, "go.mod or go.sum differs from the course's: your code was built with the course's module files, as it will be by the classroom's grader.")
	}
	return course.ModFile, course.SumFile, notices
}

func modulePathOf(mod []byte) string {
	for _, line := range bytes.Split(mod, []byte("\n")) {
		if f := bytes.Fields(line); len(f) == 2 && string(f[0]) == "module" {
			return string(bytes.Trim(f[1], `"`))
		}
	}
	return ""
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
