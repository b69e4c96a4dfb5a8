package check

import (
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/go-concurrency-lab/course/grader/internal/traceback"
)

// NoLeaks fails t if goroutines of the student's code are still running
// after the test's work is done. It waits a little for goroutines that are
// about to end (goleak's retries), then names each one left: what it waits
// on and where it was started. Use it as
//
//	defer check.NoLeaks(t)
//
// or call it after the code under test has returned.
func NoLeaks(t *testing.T, opts ...goleak.Option) {
	t.Helper()
	// Inside a synctest bubble, the bubble's own goroutines are not leaks.
	opts = append([]goleak.Option{
		goleak.IgnoreTopFunction("internal/synctest.Run"),
		goleak.IgnoreTopFunction("testing/synctest.testingSynctestTest"),
		goleak.IgnoreAnyFunction("testing/synctest.Test"),
	}, opts...)
	err := goleak.Find(opts...)
	if err == nil {
		return
	}
	where := traceback.DescribeBlocked(traceback.Goroutines(err.Error()), student())
	if where == "" {
		where = indent(err.Error()) + "\n"
	}
	t.Errorf("goroutines were still running after the work was done:\n%s"+
		"A goroutine that is never going to finish is a leak: it holds its memory forever.\n"+
		"Make sure every goroutine you start can end: close the channel it ranges over,\n"+
		"give a channel room for a reply nobody waits for, or watch ctx.Done() in a select.", where)
}

// NoLeaksInRuns fails t for every run of a program that ended main while
// goroutines of the student's code were still running, and when a run
// (or every run) did not get as far as main's return, where the leak
// check looks.
func NoLeaksInRuns(t *testing.T, runs []Run) {
	t.Helper()
	noLeaksInRuns(t, runs)
}

func noLeaksInRuns(t runT, runs []Run) {
	t.Helper()
	if len(runs) == 0 {
		t.Error("The program was not run at all, so whether it leaves goroutines running could not be checked.")
		return
	}
	for _, r := range runs {
		if ok, why := r.Ended(); !ok {
			t.Errorf("%s %s, so the grader could not see what was still running when main returned.", r, why)
			return
		}
		if r.Leaks == "" {
			continue
		}
		t.Errorf("in %s, main returned while these goroutines were still working:\n%s"+
			"When main returns the program ends and they are cut off mid-work.\n"+
			"Make main wait for every goroutine it starts.", r, strings.TrimRight(r.Leaks, "\n")+"\n")
		return
	}
}
