//go:build gclhidden

package main

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
)

// Every print of the program waits until the program is quiet, then goes
// out alone (check.GateStdout): a goroutine that signals before it greets
// is held between the two while main, woken, gets to print End.
func init() { check.ServeMain(check.GateStdout(main, "greet")) }

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

// TestGreetInGoroutines: greet runs in goroutines other than main's, all
// six of them at once: main starts every goroutine before it waits. (Seen
// at run time, in the goroutines' stacks: a named helper started with go
// counts, a go statement that never runs does not.)
func TestGreetInGoroutines(t *testing.T) {
	check.Seal(t)
	runs := check.RunMain(t, check.Options{Procs: []int{1, 4}, Runs: 2})
	for _, r := range runs {
		g := r.Gate()
		if !g.On {
			return // no gate on this system: TestGreetsEveryone and the order are all there is
		}
		if g.InMain != "" {
			t.Fatalf("%s: %s.\n"+
				"Each name must be greeted in a goroutine of its own: start greet with go (go greet(name),\n"+
				"or wg.Go(func() { greet(name) })), and let main only start them and wait.", r, g.InMain)
		}
		if g.AtOnce < len(wantGreetings) {
			t.Fatalf("%s: at most %d greet goroutines were running at the same time; all %d should be.\n"+
				"Start every goroutine first, then wait for all of them once: waiting inside the loop makes\n"+
				"them greet one after the other, and a goroutine that does not call greet does not count.",
				r, g.AtOnce, len(wantGreetings))
		}
	}
}

// TestStartFirstEndLast: Start first, End last, the greetings in between,
// on every run, on one core and many; and End only once every greet call
// has returned.
func TestStartFirstEndLast(t *testing.T) {
	check.Seal(t)
	runs := check.RunMain(t, check.Options{})
	if !check.EveryRun(t, runs, check.All(
		check.First("Start"),
		check.Last("End"),
		check.EachOnce(wantGreetings, "Start", "End"),
	),
		"Start must come first and End last, with all six greetings in between (their order may vary),\n"+
			"on every run, under GOMAXPROCS=1, 2 and 8. If End comes too early, main did not wait for every\n"+
			"goroutine before printing it: count each goroutine in (wg.Add(1) before the go statement,\n"+
			"or wg.Go), count it out when it is done, and print End after wg.Wait().") {
		return
	}
	for _, r := range runs {
		if early := r.Gate().Early; early != "" {
			t.Fatalf("%s: %s.\n"+
				"main went on before that greeting was printed: it was told the goroutine was done too soon.\n"+
				"A goroutine must say it is done (wg.Done, a send on a channel) after its work, as its very\n"+
				"last step: defer wg.Done() at the top of the goroutine does that.", r, early)
		}
	}
}

// TestNothingLeftRunning: when main returns, every greeting goroutine is done.
func TestNothingLeftRunning(t *testing.T) {
	check.Seal(t)
	runs := check.RunMain(t, check.Options{Procs: []int{1, 8}, Runs: 3})
	check.NoLeaksInRuns(t, runs)
}
