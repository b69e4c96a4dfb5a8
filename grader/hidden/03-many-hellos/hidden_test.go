//go:build gclhidden

package main

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
)

func init() { check.ServeMain(main) }

var wantGreetings = []string{
	"hello, Ada", "hello, Grace", "hello, Ken", "hello, Barbara", "hello, Rob", "hello, Frances",
}

// TestGreetsEveryone: every greeting is printed exactly once, in any order.
func TestGreetsEveryone(t *testing.T) {
	check.Seal(t)
	runs := check.RunMain(t, check.Options{Procs: []int{1, 4}, Runs: 2})
	check.EveryRun(t, runs, check.EachOnce(wantGreetings, "Start", "End"),
		"The program must print a greeting for each of the six names, each once, in any order.\n"+
			"A greeting that is missing was cut off: main returned before that goroutine printed.\n"+
			"Make main wait until every greet goroutine has finished, e.g. with one sync.WaitGroup for all of them.")
}

// TestStartFirstEndLast: Start first, End last, the greetings in between,
// on every run, on one core and many.
func TestStartFirstEndLast(t *testing.T) {
	check.Seal(t)
	runs := check.RunMain(t, check.Options{})
	check.EveryRun(t, runs, check.All(
		check.First("Start"),
		check.Last("End"),
		check.EachOnce(wantGreetings, "Start", "End"),
	),
		"Start must come first and End last, with all six greetings in between (their order may vary),\n"+
			"on every run, under GOMAXPROCS=1, 2 and 8. If End comes too early, main did not wait for every\n"+
			"goroutine before printing it: count each goroutine in (wg.Add(1) before the go statement,\n"+
			"or wg.Go), count it out when it is done, and print End after wg.Wait().")
}

// TestNothingLeftRunning: when main returns, every greeting goroutine is done.
func TestNothingLeftRunning(t *testing.T) {
	check.Seal(t)
	runs := check.RunMain(t, check.Options{Procs: []int{1, 8}, Runs: 3})
	check.NoLeaksInRuns(t, runs)
}
