//go:build gclhidden

package main

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
)

func init() { check.ServeMain(main) }

var want = []string{"Start", "hello world", "End"}

// TestPrintsEveryLine: each of the three lines appears exactly once.
func TestPrintsEveryLine(t *testing.T) {
	check.Seal(t)
	runs := check.RunMain(t, check.Options{Procs: []int{1, 4}, Runs: 2})
	check.EveryRun(t, runs, check.EachOnce(want),
		"The program must print Start, hello world and End, each once. If hello world is missing,\n"+
			"main returned before the hello goroutine printed: when main returns, the program ends,\n"+
			"and goroutines still running are cut off. Make main wait for hello, e.g. with a sync.WaitGroup.")
}

// TestOrderEveryRun: the order is the same on every run, on one core and many.
func TestOrderEveryRun(t *testing.T) {
	check.Seal(t)
	runs := check.RunMain(t, check.Options{})
	check.EveryRun(t, runs, check.Exactly(want...),
		"The order must be Start, hello world, End on every run, under GOMAXPROCS=1, 2 and 8.\n"+
			"An order that is right only most of the time means main does not really wait for hello.")
}

// TestNothingLeftRunning: when main returns, hello's goroutine is done.
func TestNothingLeftRunning(t *testing.T) {
	check.Seal(t)
	runs := check.RunMain(t, check.Options{Procs: []int{1, 8}, Runs: 3})
	check.NoLeaksInRuns(t, runs)
}
