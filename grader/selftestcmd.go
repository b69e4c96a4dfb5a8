package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/selftest"
)

func init() {
	commands["selftest"] = command{"prove the hidden tests: solutions pass, stubs and mutants fail, -runs N times", runSelftest}
}

func runSelftest(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "selftest")
	runs := fs.Int("runs", 3, "grade every variant `n` times")
	hiddenDir := fs.String("hidden", "", "read the hidden tests from `dir` (a folder per exercise, or *.txtar archives) instead of the grader's own")
	names, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage
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
	res, err := selftest.Run(ctx, selftest.Config{
		Root:      root,
		Exercises: exercises,
		Runs:      *runs,
		Procs:     []int{1, runtime.NumCPU()},
		Progress:  e.stderr,
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
