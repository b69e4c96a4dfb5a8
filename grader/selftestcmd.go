package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/mutate"
	"github.com/go-concurrency-lab/course/grader/internal/selftest"
)

func init() {
	commands["selftest"] = command{"prove the hidden tests: solutions pass, stubs and mutants fail, -runs N times", runSelftest}
}

func runSelftest(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "selftest")
	runs := fs.Int("runs", 3, "grade every variant `n` times (default 1 with -mutate)")
	mutateFlag := fs.Bool("mutate", false, "mutation testing: grade the concurrency mutants generated from each reference solution instead, and fail on a survivor that exercise.json does not list as equivalent")
	contracts := fs.Bool("contracts", false, "fail on every exercise without a contract table (by default only those whose README numbers its requirements)")
	only := fs.String("mutants", "", "with -mutate, grade only the mutants in `list` (comma-separated: names such as drop-defer:Stop#1, or operators such as drop-defer)")
	hiddenDir := fs.String("hidden", "", "read the hidden tests from `dir` (a folder per exercise, or *.txtar archives) instead of the grader's own")
	names, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage
	}
	if *only != "" && !*mutateFlag {
		return exitFor(e, usageError{"-mutants needs -mutate"})
	}
	for _, name := range splitList(*only) {
		if !strings.Contains(name, ":") && mutate.Lookup(name) == nil {
			var ops []string
			for _, op := range mutate.Operators {
				ops = append(ops, op.Name)
			}
			return exitFor(e, usageError{fmt.Sprintf("-mutants: no operator %q (operators: %s; or name a mutant, operator:function#n)", name, strings.Join(ops, ", "))})
		}
	}
	if *mutateFlag && !flagSet(fs, "runs") {
		*runs = 1
	}
	if *runs < 1 {
		return exitFor(e, usageError{"-runs must be at least 1"})
	}
	cat, err := loadCatalog(*hiddenDir)
	if err != nil {
		return exitFor(e, err)
	}
	exercises, err := cat.Select(names)
	if err != nil {
		return exitFor(e, usageError{err.Error()})
	}
	wd, _ := os.Getwd()
	root, err := moduleRoot(wd)
	if err != nil {
		return exitFor(e, usageError{err.Error()})
	}
	start := time.Now()
	if *mutateFlag {
		res, err := selftest.Mutate(ctx, selftest.Config{
			Root:      root,
			Exercises: exercises,
			Runs:      *runs,
			// All cores first: with one run, the mutants meet the
			// parallel schedule that students' machines have.
			Procs:    []int{runtime.NumCPU(), 1},
			Progress: e.stderr,
			Only:     splitList(*only),
		})
		if err != nil {
			return exitFor(e, err)
		}
		res.Print(e.stdout)
		if !res.OK() {
			return exitFail
		}
		return exitPass
	}
	res, err := selftest.Run(ctx, selftest.Config{
		Root:      root,
		Exercises: exercises,
		Runs:      *runs,
		Procs:     []int{1, runtime.NumCPU()},
		Progress:  e.stderr,

		RequireContracts: *contracts,
	})
	if err != nil {
		return exitFor(e, err)
	}
	res.Print(e.stdout)
	fmt.Fprintf(e.stdout, "wall time %v\n", time.Since(start).Round(100*time.Millisecond))
	if !res.OK() {
		return exitFail
	}
	return exitPass
}

// flagSet reports whether the command line set the flag called name.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
