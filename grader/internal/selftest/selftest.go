// Package selftest proves an exercise's hidden tests: graded again and
// again, the reference solution passes every time, and the stub and every
// known wrong answer (mutant) fail every time.
package selftest

import (
	"bytes"
	"context"
	"fmt"
	"github.com/go-concurrency-lab/course/grader/internal/module"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/grade"
	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

// Config says what to prove.
type Config struct {
	Root      string // the course's checkout: solutions/ and exercises/ are read from it
	Exercises []*catalog.Exercise
	Runs      int
	// Procs lists GOMAXPROCS values for the test binaries; run i uses
	// Procs[i % len(Procs)], so the tests are proved on one core and many.
	Procs    []int
	Progress io.Writer // one line per run; nil for none
	// RequireContracts makes a missing contract table a failure for every
	// exercise, not only for those whose README numbers its requirements.
	RequireContracts bool
	// Only, for Mutate, keeps the generated mutants named here, by full
	// name (drop-defer:Stop#1) or by operator (drop-defer); none: all.
	Only []string
}

// Variant is one version of an exercise's code that selftest grades.
type Variant struct {
	Exercise string
	Name     string // "solution", "stub" or "mutant:NAME"
	WantPass bool
	Matched  int       // runs whose outcome was the wanted one
	Runs     int       // runs graded
	Scores   []int     // the score of each run
	Max      int       // the exercise's maximum score
	Wrong    []string  // what a run that went the wrong way reported
	Problem  string    // a variant that could not even be set up
	Seconds  []float64 // the wall time of the variant's test binary, per run
	// Slow is set on a stub or mutant that takes more than SlowFactor
	// times its solution's mean time (and a second more) to fail: a wrong
	// answer should fail about as fast as the right one passes.
	Slow bool
	dir  string
	ex   *catalog.Exercise
}

// SlowFactor is how many times its solution's time a wrong answer may take
// to fail before selftest flags it as slow.
const SlowFactor = 3

// Mean is the mean wall time of the variant's test binary, in seconds.
func (v *Variant) Mean() float64 {
	if len(v.Seconds) == 0 {
		return 0
	}
	total := 0.0
	for _, s := range v.Seconds {
		total += s
	}
	return total / float64(len(v.Seconds))
}

// Flakes counts the runs that went the wrong way.
func (v *Variant) Flakes() int { return v.Runs - v.Matched }

// Result is the whole proof.
type Result struct {
	Variants []*Variant
	Runs     int
	Elapsed  []time.Duration // wall time of each run
}

// OK reports whether every variant went the wanted way in every run.
func (r *Result) OK() bool {
	for _, v := range r.Variants {
		if v.Problem != "" || v.Matched != v.Runs {
			return false
		}
	}
	return true
}

// Run grades every variant of every exercise cfg.Runs times, all variants
// in one go test invocation per run.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	tmp, err := os.MkdirTemp("", "grader-selftest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := writeModule(cfg.Root, tmp); err != nil {
		return nil, err
	}
	res := &Result{Runs: cfg.Runs}
	var targets []grade.Target
	for _, e := range cfg.Exercises {
		vs, err := variants(cfg.Root, tmp, e)
		if err != nil {
			return nil, err
		}
		if problems := Contract(cfg.Root, e, cfg.RequireContracts); len(problems) > 0 {
			vs = append(vs, &Variant{Exercise: e.Name, Name: "contract", Problem: strings.Join(problems, "; ")})
		}
		for _, v := range vs {
			res.Variants = append(res.Variants, v)
			if v.Problem == "" {
				targets = append(targets, grade.Target{Exercise: e, Dir: v.dir})
			}
		}
	}
	byDir := map[string]*Variant{}
	for _, v := range res.Variants {
		byDir[filepath.Base(v.dir)] = v
	}
	for i := range cfg.Runs {
		procs := 0
		if len(cfg.Procs) > 0 {
			procs = cfg.Procs[i%len(cfg.Procs)]
		}
		start := time.Now()
		out, err := grade.Run(ctx, grade.Plan{Root: tmp, Targets: targets, Procs: procs})
		if err != nil {
			return nil, fmt.Errorf("run %d: %w", i+1, err)
		}
		res.Elapsed = append(res.Elapsed, time.Since(start))
		bad := 0
		for j, r := range out.Results {
			v := byDir[filepath.Base(targets[j].Dir)]
			v.Runs++
			v.Scores = append(v.Scores, r.Score)
			v.Seconds = append(v.Seconds, r.Seconds)
			v.Max = r.MaxScore
			// A wrong answer that does not build with the hidden tests
			// proves nothing about them: it fails, but not for its mistake.
			unbuilt := !v.WantPass && (r.Check(catalog.Build) == nil || r.Check(catalog.Build).Status != verdict.Pass)
			switch {
			case unbuilt:
				bad++
				v.Wrong = append(v.Wrong, fmt.Sprintf("run %d (GOMAXPROCS=%d): it does not build with the hidden tests, so its failure proves nothing: %s", i+1, procs, summary(r)))
			case (r.Status == verdict.Pass) == v.WantPass:
				v.Matched++
			default:
				bad++
				v.Wrong = append(v.Wrong, fmt.Sprintf("run %d (GOMAXPROCS=%d): %s", i+1, procs, summary(r)))
			}
		}
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "selftest: run %d/%d (GOMAXPROCS=%d): %d variants, %d went the wrong way, %v\n",
				i+1, cfg.Runs, procs, len(targets), bad, time.Since(start).Round(100*time.Millisecond))
		}
	}
	markSlow(res.Variants)
	return res, nil
}

// markSlow flags the wrong answers that take much longer to fail than
// their solution takes to pass.
func markSlow(vs []*Variant) {
	solution := map[string]float64{}
	for _, v := range vs {
		if v.Name == "solution" && len(v.Seconds) > 0 {
			solution[v.Exercise] = v.Mean()
		}
	}
	for _, v := range vs {
		sol, ok := solution[v.Exercise]
		if m := v.Mean(); ok && !v.WantPass && len(v.Seconds) > 0 && m > SlowFactor*sol && m > sol+1 {
			v.Slow = true
		}
	}
}

// numbered finds a README's numbered list: "1. ..." at the start of a line.
var numbered = regexp.MustCompile(`(?m)^\s{0,3}1[.)]\s`)

// Contract checks an exercise's contract table: every requirement has a
// test and a mutant. A missing table is a problem when required, or when
// the exercise's README numbers its requirements (a list "1. ...") so
// that the table has something to follow; exercises whose READMEs are not
// numbered yet are let through, which keeps the catalog's selftest green
// while the tables are being written.
func Contract(root string, e *catalog.Exercise, required bool) []string {
	var problems []string
	if len(e.Contract) == 0 {
		readme, _ := os.ReadFile(filepath.Join(root, "exercises", e.Name, "README.md"))
		switch {
		case required:
			problems = append(problems, "exercise.json has no contract table")
		case numbered.Match(readme):
			problems = append(problems, "exercise.json has no contract table, and the README numbers its requirements")
		}
	}
	for _, r := range e.Contract {
		if len(r.Tests) == 0 {
			problems = append(problems, fmt.Sprintf("requirement %s has no test", r.ID))
		}
		if len(r.Mutants) == 0 {
			problems = append(problems, fmt.Sprintf("requirement %s has no mutant", r.ID))
		}
	}
	return problems
}

// summary says in one line how a result came out.
func summary(r verdict.Result) string {
	var parts []string
	for _, c := range r.Checks {
		if c.Status != verdict.Pass {
			msg := c.Message
			if i := strings.IndexByte(msg, '\n'); i >= 0 {
				msg = msg[:i]
			}
			parts = append(parts, fmt.Sprintf("%s %s: %s", c.Name, c.Status, msg))
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%s, %d/%d, every check passed", r.Status, r.Score, r.MaxScore)
	}
	return fmt.Sprintf("%s, %d/%d; %s", r.Status, r.Score, r.MaxScore, strings.Join(parts, "; "))
}

// variants writes the solution, the stub and each mutant of e into folders
// of the temporary module.
func variants(root, tmp string, e *catalog.Exercise) ([]*Variant, error) {
	sol, err := readGo(filepath.Join(root, "solutions", e.Name))
	if err != nil {
		return []*Variant{{Exercise: e.Name, Name: "solution", WantPass: true, Problem: err.Error()}}, nil
	}
	stub, err := readGo(filepath.Join(root, "exercises", e.Name))
	if err != nil {
		return []*Variant{{Exercise: e.Name, Name: "stub", Problem: err.Error()}}, nil
	}
	var out []*Variant
	add := func(name string, want bool, files map[string][]byte, problem string) error {
		v := &Variant{Exercise: e.Name, Name: name, WantPass: want, Problem: problem, ex: e}
		v.dir = filepath.Join(tmp, e.Name+"."+strings.ReplaceAll(name, ":", "-"))
		out = append(out, v)
		if problem != "" {
			return nil
		}
		if err := os.MkdirAll(v.dir, 0o755); err != nil {
			return err
		}
		for n, data := range files {
			if err := os.WriteFile(filepath.Join(v.dir, n), data, 0o644); err != nil {
				return err
			}
		}
		return nil
	}
	problem := ""
	if _, ok := sol[e.File]; !ok {
		problem = fmt.Sprintf("solutions/%s has no %s, the file exercise.json names", e.Name, e.File)
	}
	if err := add("solution", true, sol, problem); err != nil {
		return nil, err
	}
	problem = ""
	if e.Stub != nil && !bytes.Equal(e.Stub, stub[e.File]) {
		problem = fmt.Sprintf("the archive's stub/%s differs from exercises/%s/%s: reset would restore the wrong file", e.File, e.Name, e.File)
	}
	if err := add("stub", false, stub, problem); err != nil {
		return nil, err
	}
	for _, m := range e.Mutants {
		files := map[string][]byte{}
		for n, d := range sol {
			files[n] = d
		}
		files[e.File] = m.Data
		if err := add("mutant:"+m.Name, false, files, ""); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func readGo(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, de := range entries {
		if de.IsDir() || !strings.HasSuffix(de.Name(), ".go") || strings.HasSuffix(de.Name(), "_test.go") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, de.Name()))
		if err != nil {
			return nil, err
		}
		files[de.Name()] = data
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s has no .go files", dir)
	}
	return files, nil
}

// writeModule makes tmp a module whose packages can import the course's
// (grader/check) from root, with the course's requirements and sums.
func writeModule(root, tmp string) error {
	return module.WriteScratch(tmp, "gcl.selftest", root)
}

// Print writes the table of variants and the flake count.
func (r *Result) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "exercise\tvariant\twant\tas wanted\tscores\tmean s")
	flakes, problems, slow := 0, 0, 0
	for _, v := range r.Variants {
		want := "fail"
		switch {
		case v.WantPass:
			want = "pass"
		case v.Name == "contract":
			want = "-" // not graded: the contract table's rows
		}
		if v.Problem != "" {
			problems++
			fmt.Fprintf(tw, "%s\t%s\t%s\tPROBLEM\t%s\n", v.Exercise, v.Name, want, v.Problem)
			continue
		}
		mark := ""
		if v.Flakes() > 0 {
			mark = "  <-- WRONG"
		}
		if v.Slow {
			mark += fmt.Sprintf("  <-- SLOW: over %d× the solution's time to fail", SlowFactor)
			slow++
		}
		flakes += v.Flakes()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%s\t%.2f%s\n", v.Exercise, v.Name, want, v.Matched, v.Runs, scoreRange(v), v.Mean(), mark)
	}
	tw.Flush()
	for _, v := range r.Variants {
		for i, msg := range v.Wrong {
			if i == 3 {
				fmt.Fprintf(w, "  %s %s: ... %d more\n", v.Exercise, v.Name, len(v.Wrong)-3)
				break
			}
			fmt.Fprintf(w, "  %s %s went the wrong way in %s\n", v.Exercise, v.Name, msg)
		}
	}
	var total time.Duration
	for _, d := range r.Elapsed {
		total += d
	}
	fmt.Fprintf(w, "%d variants × %d runs: %d flakes, %d problems, %d slow to fail", len(r.Variants), r.Runs, flakes, problems, slow)
	if len(r.Elapsed) > 0 {
		fmt.Fprintf(w, "; mean run %v", (total / time.Duration(len(r.Elapsed))).Round(100*time.Millisecond))
	}
	fmt.Fprintln(w)
	// The closing line CI tools read: graded variant runs as wanted or not.
	passed := 0
	for _, v := range r.Variants {
		passed += v.Matched
	}
	fmt.Fprintf(w, "selftest: %d passed, %d failed\n", passed, flakes+problems)
}

func scoreRange(v *Variant) string {
	if len(v.Scores) == 0 {
		return "-"
	}
	lo, hi := v.Scores[0], v.Scores[0]
	for _, s := range v.Scores {
		lo, hi = min(lo, s), max(hi, s)
	}
	if lo == hi {
		return fmt.Sprintf("%d/%d", lo, v.Max)
	}
	return fmt.Sprintf("%d-%d/%d", lo, hi, v.Max)
}
