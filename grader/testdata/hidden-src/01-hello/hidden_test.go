package main

import (
	"testing"
	"time"

	"github.com/go-concurrency-lab/course/grader/check"
)

func init() { check.ServeMain(main) }

var (
	want = []string{"Start", "hello world", "End"}
	opts = check.Options{Procs: []int{1, 2}, Runs: 2, Timeout: 5 * time.Second}
)

func TestPrints(t *testing.T) {
	check.Seal(t)
	check.EveryRun(t, check.RunMain(t, opts), check.EachOnce(want), "Print Start, hello world and End, each once.")
}

func TestOrder(t *testing.T) {
	check.Seal(t)
	check.EveryRun(t, check.RunMain(t, opts), check.Exactly(want...), "Print Start, hello world, End in this order.")
}

func TestNothingLeft(t *testing.T) {
	check.Seal(t)
	check.NoLeaksInRuns(t, check.RunMain(t, opts))
}
