//go:build gclhidden

package main

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
)

// Every print of the program waits until the program is quiet, then goes
// out alone (check.GateStdout): a goroutine that signals before it prints
// is held between the two while main, woken, gets to print End.
func init() { check.ServeMain(check.GateStdout(main, "hello")) }

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

// TestHelloInAGoroutine: hello runs in a goroutine other than main's (seen
// at run time, in the goroutines' stacks: however it is started).
func TestHelloInAGoroutine(t *testing.T) {
	check.Seal(t)
	runs := check.RunMain(t, check.Options{Procs: []int{1, 4}, Runs: 2})
	for _, r := range runs {
		g := r.Gate()
		if !g.On {
			return // no gate on this system: the output is all there is
		}
		if g.InMain != "" || g.AtOnce < 1 {
			where := g.InMain
			if where == "" {
				where = "hello never ran in a goroutine of its own"
			}
			t.Fatalf("%s: %s.\n"+
				"The exercise is to wait for a goroutine, so hello must keep running in one: go hello(),\n"+
				"or wg.Go(hello); then make main wait for it.", r, where)
		}
	}
}

// TestOrderEveryRun: the order is the same on every run, on one core and
// many; End only once hello has returned.
func TestOrderEveryRun(t *testing.T) {
	check.Seal(t)
	runs := check.RunMain(t, check.Options{})
	if !check.EveryRun(t, runs, check.Exactly(want...),
		"The order must be Start, hello world, End on every run, under GOMAXPROCS=1, 2 and 8.\n"+
			"An order that is right only most of the time means main does not really wait for hello.") {
		return
	}
	for _, r := range runs {
		if early := r.Gate().Early; early != "" {
			t.Fatalf("%s: %s.\n"+
				"main went on before hello world was printed: it was told hello was done too soon. Say that\n"+
				"the goroutine is done (wg.Done, a send on a channel) after hello has returned, as its last step.", r, early)
		}
	}
}

// TestNothingLeftRunning: when main returns, hello's goroutine is done.
func TestNothingLeftRunning(t *testing.T) {
	check.Seal(t)
	runs := check.RunMain(t, check.Options{Procs: []int{1, 8}, Runs: 3})
	check.NoLeaksInRuns(t, runs)
}
