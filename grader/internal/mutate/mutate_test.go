package mutate

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the expected mutants in testdata/*.txtar")

// Each testdata/NAME.txtar is a table row: the first line of its comment
// names the operators to apply, section x.go is the source, and every other section
// is a mutant the operators must make, named as Generate names it, with
// its source; the operators must make no other mutant.
func TestOperators(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.txtar: %v", err)
	}
	covered := map[string]bool{}
	run := func(t *testing.T, file string) {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if len(ar.Files) == 0 || ar.Files[0].Name != "x.go" {
			t.Fatalf("the first section must be x.go, the source")
		}
		src := ar.Files[0].Data
		var ops []Operator
		opsLine, _, _ := strings.Cut(string(ar.Comment), "\n")
		for _, name := range strings.Fields(opsLine) {
			op := Lookup(name)
			if op == nil {
				t.Fatalf("no operator %q", name)
			}
			ops = append(ops, *op)
			covered[name] = true
		}
		got, err := GenerateWith(ops, "x.go", src)
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			ar.Files = ar.Files[:1]
			for _, m := range got {
				ar.Files = append(ar.Files, txtar.File{Name: m.Name, Data: m.Src})
			}
			if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		want := ar.Files[1:]
		for i := range max(len(got), len(want)) {
			switch {
			case i >= len(got):
				t.Errorf("mutant %s was not made", want[i].Name)
			case i >= len(want):
				t.Errorf("unexpected mutant %s:\n%s", got[i].Name, Diff("x.go", src, got[i]))
			case got[i].Name != want[i].Name || !bytes.Equal(got[i].Src, want[i].Data):
				t.Errorf("mutant %d: got %s, want %s; from the expected to what was made:\n%s", i+1, got[i].Name, want[i].Name,
					Diff("x.go", want[i].Data, got[i]))
			}
		}
		// Every mutant must parse and differ from the source.
		for _, m := range got {
			if bytes.Equal(m.Src, src) {
				t.Errorf("%s: same as the source", m.Name)
			}
		}
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txtar"), func(t *testing.T) { run(t, f) })
	}
	for _, op := range Operators {
		if !covered[op.Name] {
			t.Errorf("operator %s has no case in testdata/*.txtar", op.Name)
		}
	}
}

// Names are operator:function#ordinal, and the same from run to run.
func TestNamesStable(t *testing.T) {
	src, err := os.ReadFile("testdata/locks.txtar")
	if err != nil {
		t.Fatal(err)
	}
	ar := txtar.Parse(src)
	var first []string
	for i := range 2 {
		ms, err := Generate("x.go", ar.Files[0].Data)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range ms {
			names = append(names, m.Name)
			if !strings.Contains(m.Name, ":Add#") {
				t.Errorf("name %q: want operator:Add#n", m.Name)
			}
		}
		if i == 1 && !slices.Equal(names, first) {
			t.Errorf("names changed between runs:\n%v\n%v", first, names)
		}
		first = names
	}
}

// A mutation that leaves a variable or an import unused is repaired so
// that the mutant still builds.
func TestRepair(t *testing.T) {
	src := []byte("package p\n\nimport \"sync\"\n\nfunc F(f func()) {\n\tvar once sync.Once\n\tonce.Do(f)\n}\n")
	ms, err := GenerateWith([]Operator{*Lookup("remove-once")}, "x.go", src)
	if err != nil || len(ms) != 1 {
		t.Fatalf("%v %v", ms, err)
	}
	want := "package p\n\nimport \"sync\"\n\nfunc F(f func()) {\n\tvar once sync.Once\n\t_ = &once\n\tf()\n}\n"
	if string(ms[0].Src) != want {
		t.Errorf("got\n%s\nwant\n%s", ms[0].Src, want)
	}
}

// Every reference solution of the course can be mutated.
func TestSolutions(t *testing.T) {
	files, _ := filepath.Glob("../../../solutions/*/*.go")
	if len(files) == 0 {
		t.Skip("no solutions (a template checkout)")
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Generate(filepath.Base(f), src); err != nil {
				t.Error(err)
			}
		})
	}
}

// The grader's manual (its package comment) lists every operator with its
// Doc, so that an author can read a mutant's name.
func TestManualListsOperators(t *testing.T) {
	doc, err := os.ReadFile("../../doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range Operators {
		line := fmt.Sprintf("//\t%-17s %s\n", op.Name, op.Doc)
		if !strings.Contains(string(doc), line) {
			t.Errorf("grader/doc.go does not have the line\n%s", line)
		}
	}
}
