package selftest

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/grade"
	"github.com/go-concurrency-lab/course/grader/internal/mutate"
	"github.com/go-concurrency-lab/course/grader/internal/testjson"
	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

// MutantReport is what mutation testing found for one exercise.
type MutantReport struct {
	Exercise string
	// Problem is set when the exercise's mutants could not be judged:
	// the solution did not pass, or its file could not be mutated.
	Problem    string
	Generated  int
	NoCompile  []string // mutants that did not build with the hidden tests
	Killed     []string // rejected by the hidden tests in every run
	Equivalent []string // survived, and exercise.json lists them as equivalent
	Why        []string // the reason exercise.json gives, for each of Equivalent
	// Uncaught are the survivors exercise.json lists as real bugs that no
	// test can force (not_equivalent), with their reasons in UncaughtWhy.
	Uncaught    []string
	UncaughtWhy []string
	Survived    []Survivor
	// Stale lists the equivalents exercise.json names that are no longer
	// generated, or that the tests now kill: "name: why".
	Stale []string
	// Seconds sums the wall time of the mutants' test binaries, and
	// Slowest is the longest one; Generate is the time taken to make the
	// mutants. (The binaries of every exercise run in one go test
	// invocation, side by side: the catalog's wall time is the figure
	// that counts.)
	Seconds, Slowest float64
	Slowname         string
	Generate         time.Duration
	SolutionSeconds  float64 // the solution's mean test time
	// Slow lists the killed mutants that took over SlowFactor times the
	// solution's time (and a second more) to fail, slowest first, with
	// their mean time: wrong answers should fail fast.
	Slow []string
}

// Survivor is a mutant that the hidden tests accepted in some run.
type Survivor struct {
	Name   string
	Passed int // runs in which it passed
	Runs   int
	Diff   string // unified diff from the solution's file to the mutant
}

// MutateResult is mutation testing over a set of exercises.
type MutateResult struct {
	Exercises []*MutantReport
	Runs      int
	Elapsed   time.Duration
}

// OK reports whether every mutant was killed in every run, or is listed
// as equivalent, and every exercise could be judged.
func (r *MutateResult) OK() bool {
	for _, e := range r.Exercises {
		if e.Problem != "" || len(e.Survived) > 0 {
			return false
		}
	}
	return true
}

// mutantVariant is one generated mutant laid out for grading.
type mutantVariant struct {
	report  *MutantReport
	mutant  mutate.Mutant
	target  grade.Target
	passed  int
	runs    int
	noBuild bool
	seconds float64 // summed over the runs
}

// Mutate generates the concurrency mutants of each exercise's reference
// solution (package mutate) and grades them with the hidden tests:
// cfg.Runs times, first the solutions (one go test invocation for all),
// then every mutant of every exercise whose solution passed (one more).
// A mutant's time limit is a few times its solution's time, so that a
// mutant that hangs costs seconds, not the exercise's whole limit.
func Mutate(ctx context.Context, cfg Config) (*MutateResult, error) {
	start := time.Now()
	tmp, err := os.MkdirTemp("", "grader-mutate-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := writeModule(cfg.Root, tmp); err != nil {
		return nil, err
	}
	res := &MutateResult{Runs: cfg.Runs}
	var solutions []grade.Target
	reports := map[string]*MutantReport{}
	var all []*mutantVariant
	srcs := map[string][]byte{}
	for _, e := range cfg.Exercises {
		rep := &MutantReport{Exercise: e.Name}
		res.Exercises = append(res.Exercises, rep)
		reports[e.Name] = rep
		sol, err := readGo(filepath.Join(cfg.Root, "solutions", e.Name))
		if err != nil {
			rep.Problem = err.Error()
			continue
		}
		src, ok := sol[e.File]
		if !ok {
			rep.Problem = fmt.Sprintf("solutions/%s has no %s, the file exercise.json names", e.Name, e.File)
			continue
		}
		srcs[e.Name] = src
		t := time.Now()
		mutants, err := mutate.Generate(e.File, src)
		rep.Generate = time.Since(t)
		if err != nil {
			rep.Problem = fmt.Sprintf("generating mutants of solutions/%s/%s: %v", e.Name, e.File, err)
			continue
		}
		if len(cfg.Only) > 0 {
			mutants = slices.DeleteFunc(mutants, func(m mutate.Mutant) bool {
				return !slices.Contains(cfg.Only, m.Name) && !slices.Contains(cfg.Only, m.Operator)
			})
		}
		rep.Generated = len(mutants)
		dir := filepath.Join(tmp, e.Name+".solution")
		if err := writeFiles(dir, sol); err != nil {
			return nil, err
		}
		solutions = append(solutions, grade.Target{Exercise: e, Dir: dir})
		for i, m := range mutants {
			files := maps(sol)
			files[e.File] = m.Src
			dir := filepath.Join(tmp, fmt.Sprintf("%s.m%03d", e.Name, i+1))
			if err := writeFiles(dir, files); err != nil {
				return nil, err
			}
			// A mutant with a type error is known not to build: it is
			// counted without spending a build on it.
			all = append(all, &mutantVariant{report: rep, mutant: m, target: grade.Target{Exercise: e, Dir: dir}, noBuild: m.Broken != ""})
		}
	}

	// The solutions first: their time sets the mutants' limits, and a
	// solution that fails makes its mutants' verdicts meaningless.
	solTime := map[string]float64{}
	solFailed := map[string]string{}
	for i := range cfg.Runs {
		procs := cfg.procs(i)
		t := time.Now()
		out, err := grade.Run(ctx, grade.Plan{Root: tmp, Targets: solutions, Procs: procs})
		if err != nil {
			return nil, fmt.Errorf("grading the solutions, run %d: %w", i+1, err)
		}
		progress(cfg, "mutate: run %d/%d (GOMAXPROCS=%d): %d solutions, %v", i+1, cfg.Runs, procs, len(solutions), time.Since(t).Round(100*time.Millisecond))
		for j, r := range out.Results {
			name := solutions[j].Exercise.Name
			solTime[name] += r.Seconds / float64(cfg.Runs)
			if r.Status != verdict.Pass && solFailed[name] == "" {
				solFailed[name] = fmt.Sprintf("the solution does not pass (run %d, GOMAXPROCS=%d): %s", i+1, procs, summary(r))
			}
		}
	}
	var targets []grade.Target
	var graded []*mutantVariant
	for _, v := range all {
		name := v.target.Exercise.Name
		v.report.SolutionSeconds = solTime[name]
		if why := solFailed[name]; why != "" {
			v.report.Problem = why
			continue
		}
		e := *v.target.Exercise
		e.Timeout = mutantTimeout(e.Timeout, solTime[name])
		v.target.Exercise = &e
		targets = append(targets, v.target)
		graded = append(graded, v)
	}
	for i := range cfg.Runs {
		var ts []grade.Target
		var vs []*mutantVariant
		for j, v := range graded {
			if !v.noBuild {
				ts, vs = append(ts, targets[j]), append(vs, v)
			}
		}
		if len(ts) == 0 {
			break
		}
		procs := cfg.procs(i)
		t := time.Now()
		// A line every tenth of the mutants: a catalog's run is long.
		finished, step := 0, max(len(ts)/10, 10)
		event := func(ev testjson.Event) {
			if ev.Test == "" && ev.Package != "" && (ev.Action == testjson.Pass || ev.Action == testjson.Fail || ev.Action == testjson.Skip) {
				if finished++; finished%step == 0 && finished < len(ts) {
					progress(cfg, "mutate: run %d/%d: %d of %d mutants graded, %v", i+1, cfg.Runs, finished, len(ts), time.Since(t).Round(time.Second))
				}
			}
		}
		out, err := grade.Run(ctx, grade.Plan{Root: tmp, Targets: ts, Procs: procs, Event: event})
		if err != nil {
			return nil, fmt.Errorf("grading the mutants, run %d: %w", i+1, err)
		}
		survived := 0
		for j, r := range out.Results {
			v := vs[j]
			if notBuilt(r) {
				v.noBuild = true
				continue
			}
			v.runs++
			v.seconds += r.Seconds
			v.report.Seconds += r.Seconds
			if r.Seconds > v.report.Slowest {
				v.report.Slowest, v.report.Slowname = r.Seconds, v.mutant.Name
			}
			if r.Status == verdict.Pass {
				v.passed++
				survived++
			}
		}
		progress(cfg, "mutate: run %d/%d (GOMAXPROCS=%d): %d mutants, %d survived, %v", i+1, cfg.Runs, procs, len(ts), survived, time.Since(t).Round(100*time.Millisecond))
	}
	type slowMutant struct {
		rep  *MutantReport
		name string
		mean float64
	}
	var slow []slowMutant
	for _, v := range graded {
		rep, name := v.report, v.mutant.Name
		equivalent := slices.ContainsFunc(v.target.Exercise.Equivalent, func(q catalog.Equivalent) bool { return q.Mutant == name })
		switch {
		case v.noBuild:
			rep.NoCompile = append(rep.NoCompile, name)
		case v.passed == 0:
			rep.Killed = append(rep.Killed, name)
			sol, mean := rep.SolutionSeconds, v.seconds/float64(max(v.runs, 1))
			if mean > SlowFactor*sol && mean > sol+1 {
				slow = append(slow, slowMutant{rep, name, mean})
			}
			// A real bug listed as uncaught may be caught by chance in a
			// run; an equivalent that is killed is listed wrongly.
			if equivalent && !slices.ContainsFunc(v.target.Exercise.Equivalent, func(q catalog.Equivalent) bool { return q.Mutant == name && q.NotEquivalent }) {
				rep.Stale = append(rep.Stale, name+": listed as equivalent, but the tests kill it")
			}
		case equivalent:
			for _, q := range v.target.Exercise.Equivalent {
				if q.Mutant != name {
					continue
				}
				if q.NotEquivalent {
					rep.Uncaught = append(rep.Uncaught, name)
					rep.UncaughtWhy = append(rep.UncaughtWhy, q.Why)
				} else {
					rep.Equivalent = append(rep.Equivalent, name)
					rep.Why = append(rep.Why, q.Why)
				}
				break
			}
		default:
			rep.Survived = append(rep.Survived, Survivor{Name: name, Passed: v.passed, Runs: v.runs,
				Diff: mutate.Diff("solutions/"+v.target.Exercise.Name+"/"+v.target.Exercise.File, srcs[v.target.Exercise.Name], v.mutant)})
		}
	}
	slices.SortStableFunc(slow, func(a, b slowMutant) int { return cmp.Compare(b.mean, a.mean) })
	for _, s := range slow {
		s.rep.Slow = append(s.rep.Slow, fmt.Sprintf("%s %.1fs", s.name, s.mean))
	}
	for _, e := range cfg.Exercises {
		rep := reports[e.Name]
		if rep.Problem != "" {
			continue
		}
		for _, q := range e.Equivalent {
			op, _, _ := strings.Cut(q.Mutant, ":")
			if len(cfg.Only) > 0 && !slices.Contains(cfg.Only, q.Mutant) && !slices.Contains(cfg.Only, op) {
				continue // not asked for
			}
			if !slices.Contains(rep.Equivalent, q.Mutant) && !slices.Contains(rep.Uncaught, q.Mutant) && !slices.Contains(rep.Killed, q.Mutant) {
				rep.Stale = append(rep.Stale, q.Mutant+": listed as equivalent, but no longer generated (or it does not build)")
			}
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// mutantTimeout bounds a mutant's test binary: ten times its solution's
// time, at least 10 s (the binaries of many mutants share the cores, and
// a loaded machine must not turn a mutant that would pass into a kill),
// at most the exercise's own limit.
func mutantTimeout(limit time.Duration, solution float64) time.Duration {
	d := max(10*time.Second, time.Duration(10*solution*float64(time.Second)))
	return min(limit, d)
}

// notBuilt reports whether a result is that of a package that did not
// build (as opposed to one whose tests failed or hung).
func notBuilt(r verdict.Result) bool {
	b := r.Check(catalog.Build)
	if b == nil || b.Status == verdict.Pass {
		return false
	}
	for _, c := range r.Checks {
		if c.Name != catalog.Build && (c.Status != verdict.Skip || !strings.Contains(c.Message, "does not build")) {
			return false
		}
	}
	return true
}

func (cfg Config) procs(run int) int {
	if len(cfg.Procs) == 0 {
		return 0
	}
	return cfg.Procs[run%len(cfg.Procs)]
}

func progress(cfg Config, format string, args ...any) {
	if cfg.Progress != nil {
		fmt.Fprintf(cfg.Progress, format+"\n", args...)
	}
}

func maps(m map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func writeFiles(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for n, data := range files {
		if err := os.WriteFile(filepath.Join(dir, n), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Print writes a table of the exercises, then each survivor with its
// diff, then what exercise.json lists that no longer holds.
func (r *MutateResult) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "exercise\tgenerated\tno build\tkilled\tequivalent\tuncaught\tsurvived\tsolution s\tmutants s\tslowest s\t\tslowest")
	var gen, nob, killed, eq, unc, surv int
	for _, e := range r.Exercises {
		if e.Problem != "" {
			fmt.Fprintf(tw, "%s\t%d\t-\t-\t-\t-\t-\t-\t-\t-\t\n", e.Exercise, e.Generated)
			continue
		}
		gen, nob, killed, eq, unc, surv = gen+e.Generated, nob+len(e.NoCompile), killed+len(e.Killed), eq+len(e.Equivalent), unc+len(e.Uncaught), surv+len(e.Survived)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f\t\t%s\n", e.Exercise, e.Generated, len(e.NoCompile), len(e.Killed),
			len(e.Equivalent), len(e.Uncaught), len(e.Survived), e.SolutionSeconds, e.Seconds, e.Slowest, e.Slowname)
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%d\t%d\t%d\t%d\t\t\t\t\n", gen, nob, killed, eq, unc, surv)
	tw.Flush()
	for _, e := range r.Exercises {
		if e.Problem != "" {
			fmt.Fprintf(w, "\n%s: PROBLEM: %s\n", e.Exercise, e.Problem)
		}
		for _, s := range e.Survived {
			fmt.Fprintf(w, "\n%s: SURVIVED %s (passed %d of %d runs)\n%s", e.Exercise, s.Name, s.Passed, s.Runs, s.Diff)
		}
		for i, name := range e.Equivalent {
			fmt.Fprintf(w, "\n%s: equivalent %s: %s\n", e.Exercise, name, e.Why[i])
		}
		for i, name := range e.Uncaught {
			fmt.Fprintf(w, "\n%s: UNCAUGHT %s (a real bug no test forces): %s\n", e.Exercise, name, e.UncaughtWhy[i])
		}
		for _, s := range e.Stale {
			fmt.Fprintf(w, "\n%s: equivalent %s\n", e.Exercise, s)
		}
		if len(e.Slow) > 0 {
			fmt.Fprintf(w, "\n%s: slow to fail (over %d× the solution's %.1fs): %s\n", e.Exercise, SlowFactor, e.SolutionSeconds, strings.Join(e.Slow, ", "))
		}
		if len(e.NoCompile) > 0 {
			fmt.Fprintf(w, "\n%s: did not build (left out): %s\n", e.Exercise, strings.Join(e.NoCompile, ", "))
		}
	}
	fmt.Fprintf(w, "\nmutate: %d exercises, %d mutants (%d did not build), %d killed, %d equivalent, %d uncaught (real bugs listed as such), %d survived; %d run(s), wall time %v\n",
		len(r.Exercises), gen, nob, killed, eq, unc, surv, r.Runs, r.Elapsed.Round(100*time.Millisecond))
}
