package check

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// runsT records what a check reports, in place of a *testing.T.
type runsT struct {
	errors []string
	fatal  bool
}

func (f *runsT) Helper()           {}
func (f *runsT) Error(args ...any) { f.errors = append(f.errors, fmt.Sprint(args...)) }
func (f *runsT) Errorf(format string, a ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, a...))
}
func (f *runsT) Fatalf(format string, a ...any) {
	f.fatal = true
	f.errors = append(f.errors, fmt.Sprintf(format, a...))
}
func (f *runsT) Log(args ...any) {}

func (f *runsT) failedWith(t *testing.T, want string) {
	t.Helper()
	if len(f.errors) == 0 {
		t.Fatalf("the check passed; want a failure saying %q", want)
	}
	if all := strings.Join(f.errors, "\n"); !strings.Contains(all, want) {
		t.Fatalf("the check said:\n%s\nwant it to say %q", all, want)
	}
}

// The test binary serves as the program of RunMain's tests: what its main
// does depends on CHECK_TEST_MAIN.
const modeEnv = "CHECK_TEST_MAIN"

func init() { ServeMain(fakeMain) }

func fakeMain() {
	switch os.Getenv(modeEnv) {
	case "kill":
		fmt.Println("hello")
		killSelf()
		time.Sleep(time.Minute)
	case "exit":
		fmt.Println("hello")
		os.Exit(0)
	default:
		fmt.Println("hello")
	}
}

func runFake(t *testing.T, mode string) ([]Run, *runsT) {
	t.Setenv(modeEnv, mode)
	ft := &runsT{}
	runs := runMain(ft, Options{Procs: []int{1}, Runs: 2, Timeout: 20 * time.Second})
	return runs, ft
}

func TestRunMainHappened(t *testing.T) {
	runs, ft := runFake(t, "ok")
	if len(ft.errors) > 0 {
		t.Fatalf("RunMain failed a program that ran: %q", ft.errors)
	}
	if len(runs) != 2 {
		t.Fatalf("%d runs, want 2", len(runs))
	}
	for _, r := range runs {
		if ok, why := r.Ended(); !ok || !r.Started || !r.Returned {
			t.Fatalf("%s did not end: %s", r, why)
		}
	}
	ft = &runsT{}
	if !everyRun(ft, runs, Exactly("hello"), "") || len(ft.errors) > 0 {
		t.Fatalf("EveryRun failed good runs: %q", ft.errors)
	}
	noLeaksInRuns(ft, runs)
	if len(ft.errors) > 0 {
		t.Fatalf("NoLeaksInRuns failed runs without leaks: %q", ft.errors)
	}
}

func TestRunMainKilledBySignal(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no signals on Windows")
	}
	runs, ft := runFake(t, "kill")
	ft.failedWith(t, "was ended by a signal (killed)")
	if len(runs) != 2 || runs[0].Signal != "killed" {
		t.Fatalf("runs %+v, want 2 killed ones", runs)
	}
	// The lines it printed before it died keep the rule; the run still
	// does not count.
	ft = &runsT{}
	if everyRun(ft, runs, Exactly("hello"), "") {
		t.Fatal("EveryRun passed runs killed by a signal")
	}
	ft.failedWith(t, "did not run to the end")
	ft = &runsT{}
	noLeaksInRuns(ft, runs)
	ft.failedWith(t, "could not see what was still running")
}

func TestRunMainExitBeforeReturn(t *testing.T) {
	runs, ft := runFake(t, "exit")
	ft.failedWith(t, "before main returned")
	ft = &runsT{}
	if everyRun(ft, runs, Exactly("hello"), "") {
		t.Fatal("EveryRun passed runs whose main never returned")
	}
}

func TestLeakInARun(t *testing.T) {
	runs := []Run{{N: 1, Procs: 1, Started: true, Returned: true, Leaks: "goroutine 7 [chan receive]:\n"}}
	ft := &runsT{}
	noLeaksInRuns(ft, runs)
	ft.failedWith(t, "main returned while these goroutines were still working")
}

func TestNoRunsIsAFailure(t *testing.T) {
	ft := &runsT{}
	if everyRun(ft, nil, Exactly("hello"), "") {
		t.Fatal("EveryRun passed over zero runs")
	}
	ft.failedWith(t, "not run at all")
	ft = &runsT{}
	noLeaksInRuns(ft, nil)
	ft.failedWith(t, "not run at all")
	ft = &runsT{}
	reportRuns(ft, nil, Options{}.withDefaults())
	ft.failedWith(t, "not run at all")
}

func TestRunsThatDidNotHappen(t *testing.T) {
	ok := Run{N: 1, Procs: 1, Started: true, Returned: true, Lines: []string{"hello"}}
	for _, tc := range []struct {
		name string
		run  Run
		want string
	}{
		{"never started", Run{N: 2, Procs: 1, ExitCode: -1, StartErr: "exec: no such file"}, "could not be started: exec: no such file"},
		{"killed", Run{N: 2, Procs: 1, ExitCode: -1, Signal: "killed", Started: true}, "was ended by a signal (killed)"},
		{"exit in init", Run{N: 2, Procs: 1}, "before main was called"},
		{"exit in main", Run{N: 2, Procs: 1, Started: true, Lines: []string{"hello"}}, "before main returned"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runs := []Run{ok, tc.run}
			ft := &runsT{}
			reportRuns(ft, runs, Options{}.withDefaults())
			ft.failedWith(t, tc.want)
			ft = &runsT{}
			if everyRun(ft, runs, Exactly("hello"), "") {
				t.Fatal("EveryRun passed")
			}
			ft.failedWith(t, tc.want)
			ft = &runsT{}
			noLeaksInRuns(ft, runs)
			ft.failedWith(t, tc.want)
		})
	}
}
