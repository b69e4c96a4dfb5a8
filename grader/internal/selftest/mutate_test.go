package selftest

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-concurrency-lab/course/grader/hidden"
	"github.com/go-concurrency-lab/course/grader/internal/catalog"
)

// Mutation testing end to end on a real exercise, two of its mutants: one
// the tests kill, one listed as equivalent (which it is not: it is killed,
// so the listing is reported), and a listing of a mutant that is not
// generated at all.
func TestMutate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and grades mutants (about 15 s)")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(hidden.FS)
	if err != nil {
		t.Fatal(err)
	}
	e := cat.Find("06")
	if e == nil {
		t.Fatal("no exercise 06")
	}
	ex := *e
	ex.Equivalent = []catalog.Equivalent{
		{Mutant: "value-receiver:Inc#1", Why: "for the test"},
		{Mutant: "drop-defer:Nothing#1", Why: "for the test"},
		{Mutant: "remove-lock:Other#1", Why: "not asked for"},
	}
	res, err := Mutate(context.Background(), Config{
		Root: root, Exercises: []*catalog.Exercise{&ex}, Runs: 1, Procs: []int{2},
		Only: []string{"atomic-plain", "value-receiver:Inc#1", "drop-defer"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	res.Print(&out)
	t.Log(out.String())
	rep := res.Exercises[0]
	if rep.Problem != "" || rep.Generated != 2 || len(rep.Killed) != 2 || len(rep.Survived) != 0 || !res.OK() {
		t.Errorf("got problem %q, %d generated, killed %v, survived %v; want 2 generated, 2 killed", rep.Problem, rep.Generated, rep.Killed, rep.Survived)
	}
	// A listed equivalent that is killed, or not generated, is reported;
	// with -mutants, only those asked for.
	want := []string{
		"value-receiver:Inc#1: listed as equivalent, but the tests kill it",
		"drop-defer:Nothing#1: listed as equivalent, but no longer generated (or it does not build)",
	}
	if !slices.Equal(rep.Stale, want) {
		t.Errorf("stale:\n%q\nwant\n%q", rep.Stale, want)
	}
}
