package selftest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

func TestContract(t *testing.T) {
	type testCase struct {
		name     string
		readme   string
		contract []catalog.Requirement
		required bool
		want     []string
	}
	run := func(t *testing.T, tc testCase) {
		root := t.TempDir()
		dir := filepath.Join(root, "exercises", "01-x")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(tc.readme), 0o644); err != nil {
			t.Fatal(err)
		}
		got := Contract(root, &catalog.Exercise{Name: "01-x", Contract: tc.contract}, tc.required)
		if !slices.Equal(got, tc.want) {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	full := []catalog.Requirement{{ID: "1", Says: "s", Tests: []string{"TestA"}, Mutants: []string{"m"}}}
	for _, tc := range []testCase{
		{name: "no table, README not numbered", readme: "# 01\n\nDo it.\n"},
		{name: "no table, numbered README", readme: "# 01\n\n## What it must do\n\n1. Print.\n2. End.\n",
			want: []string{"exercise.json has no contract table, and the README numbers its requirements"}},
		{name: "no table, required", readme: "# 01\n", required: true, want: []string{"exercise.json has no contract table"}},
		{name: "complete table", readme: "1. Print.\n", contract: full, required: true},
		{name: "rows without test or mutant", readme: "1. Print.\n",
			contract: []catalog.Requirement{{ID: "1", Says: "s", Mutants: []string{"m"}}, {ID: "2", Says: "s", Tests: []string{"TestA"}}},
			want:     []string{"requirement 1 has no test", "requirement 2 has no mutant"}},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestMarkSlow(t *testing.T) {
	sol := &Variant{Exercise: "01", Name: "solution", WantPass: true, Seconds: []float64{1, 1}}
	fast := &Variant{Exercise: "01", Name: "stub", Seconds: []float64{1.5, 2.5}}
	slow := &Variant{Exercise: "01", Name: "mutant:wait", Seconds: []float64{3, 4}}
	tiny := &Variant{Exercise: "02", Name: "mutant:x", Seconds: []float64{0.5}} // 5× a 0.1 s solution, but under a second more
	tinySol := &Variant{Exercise: "02", Name: "solution", WantPass: true, Seconds: []float64{0.1}}
	markSlow([]*Variant{sol, fast, slow, tinySol, tiny})
	if sol.Slow || fast.Slow || !slow.Slow || tiny.Slow {
		t.Errorf("slow: solution %v, stub %v (mean 2 s), mutant %v (mean 3.5 s), tiny %v; want only the 3.5 s mutant",
			sol.Slow, fast.Slow, slow.Slow, tiny.Slow)
	}
}

func TestMutantTimeout(t *testing.T) {
	for _, tc := range []struct {
		limit    time.Duration
		solution float64
		want     time.Duration
	}{
		{60 * time.Second, 0.1, 10 * time.Second},
		{60 * time.Second, 3, 30 * time.Second},
		{20 * time.Second, 3, 20 * time.Second},
		{5 * time.Second, 0.1, 5 * time.Second},
	} {
		if got := mutantTimeout(tc.limit, tc.solution); got != tc.want {
			t.Errorf("mutantTimeout(%v, %v) = %v, want %v", tc.limit, tc.solution, got, tc.want)
		}
	}
}

func TestNotBuilt(t *testing.T) {
	built := verdict.Result{Checks: []verdict.Check{{Name: catalog.Build, Status: verdict.Pass}, {Name: catalog.Behaviour, Status: verdict.Fail}}}
	broken := verdict.Result{Checks: []verdict.Check{{Name: catalog.Build, Status: verdict.Error},
		{Name: catalog.Behaviour, Status: verdict.Skip, Message: "Not checked: the code does not build yet."}}}
	hung := verdict.Result{Checks: []verdict.Check{{Name: catalog.Build, Status: verdict.Error, Message: "The grader stopped the tests"},
		{Name: catalog.Behaviour, Status: verdict.Skip, Message: "Not checked: the tests were stopped before they finished."}}}
	if notBuilt(built) || !notBuilt(broken) || notBuilt(hung) {
		t.Errorf("notBuilt: built %v, broken %v, hung %v; want false, true, false", notBuilt(built), notBuilt(broken), notBuilt(hung))
	}
}
