package catalog_test

import (
	"flag"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/catalog"
)

// update is accepted so that `go test ./grader/... -update` runs here too;
// this package has no golden files.
var _ = flag.Bool("update", false, "rewrite golden files (none here)")

const good = `Comment.
-- exercise.json --
{
  "title": "Count",
  "file": "count.go",
  "timeout": "5s",
  "points": {"behaviour": 4, "race": 2, "leaks": 1},
  "tests": {"behaviour": ["TestCount", "TestZero"], "race": ["TestCount"], "leaks": ["TestNoLeaks"]},
  "rules": [{"forbid": "time.Sleep", "why": "no."}]
}
-- count_test.go --
package count
-- more_test.go --
package count
-- hints/2.md --
second
-- hints/1.md --
  first
-- mutants/lost.go --
package count
-- stub/count.go --
package count
`

func TestParse(t *testing.T) {
	e, err := catalog.Parse("02-count", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if e.Title != "Count" || e.File != "count.go" || e.Timeout != 5*time.Second || e.Number() != "02" || e.MaxScore() != 7 {
		t.Errorf("got %+v", e)
	}
	if want := []string{"TestCount", "TestNoLeaks", "TestZero"}; !reflect.DeepEqual(e.AllTests(), want) {
		t.Errorf("AllTests = %q, want %q", e.AllTests(), want)
	}
	if len(e.Hidden) != 2 || e.Hidden[0].Name != "count_test.go" || e.Hidden[1].Name != "more_test.go" {
		t.Errorf("hidden files %+v", e.Hidden)
	}
	if want := []string{"first", "second"}; !reflect.DeepEqual(e.Hints, want) {
		t.Errorf("hints %q, want %q (in number order, trimmed)", e.Hints, want)
	}
	if len(e.Mutants) != 1 || e.Mutants[0].Name != "lost" || string(e.Stub) != "package count\n" {
		t.Errorf("mutants %+v, stub %q", e.Mutants, e.Stub)
	}
	if len(e.Rules) != 1 || e.Rules[0].Forbid != "time.Sleep" {
		t.Errorf("rules %+v", e.Rules)
	}
}

func TestParseErrors(t *testing.T) {
	type testCase struct {
		name    string
		archive string
		want    string // in the error
	}
	run := func(t *testing.T, tc testCase) {
		_, err := catalog.Parse("02-count", []byte(tc.archive))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "02-count: ") {
			t.Errorf("error %v, want one that starts with the exercise and holds %q", err, tc.want)
		}
	}
	meta := func(json string) string {
		return "-- exercise.json --\n" + json + "\n-- count_test.go --\npackage count\n"
	}
	for _, tc := range []testCase{
		{"no metadata", "-- count_test.go --\npackage count\n", "no exercise.json"},
		{"bad json", meta(`{"title": "x",`), "exercise.json"},
		{"unknown field", meta(`{"title":"x","file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"]},"colour":"red"}`), `unknown field "colour"`},
		{"no title", meta(`{"file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"]}}`), "field title: required"},
		{"bad timeout", meta(`{"title":"x","file":"a.go","timeout":"soon","points":{"behaviour":1},"tests":{"behaviour":["T"]}}`), `field timeout: "soon"`},
		{"no timeout", meta(`{"title":"x","file":"a.go","points":{"behaviour":1},"tests":{"behaviour":["T"]}}`), `field timeout: ""`},
		{"unknown check", meta(`{"title":"x","file":"a.go","timeout":"1s","points":{"speed":1},"points":{"behaviour":1},"tests":{"behaviour":["T"]}}`), "field points.speed: unknown check"},
		{"tests for an untested check", meta(`{"title":"x","file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"],"rules":["T"]}}`), "field tests.rules: only"},
		{"empty test list", meta(`{"title":"x","file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"],"race":[]}}`), "field tests.race: empty list"},
		{"no behaviour", meta(`{"title":"x","file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"race":["T"]}}`), "field tests.behaviour: needs at least one hidden test"},
		{"rule with two kinds", meta(`{"title":"x","file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"]},"rules":[{"forbid":"a.B","require":"c.D","why":"w"}]}`), "set exactly one of"},
		{"rule without why", meta(`{"title":"x","file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"]},"rules":[{"forbid":"a.B"}]}`), "set exactly one of"},
		{"unknown section", meta(`{"title":"x","file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"]}}`) + "-- notes.txt --\nhi\n", `unknown file "notes.txt"`},
		{"hint name", meta(`{"title":"x","file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"]}}`) + "-- hints/first.md --\nhi\n", `hint "hints/first.md"`},
		{"hint gap", meta(`{"title":"x","file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"]}}`) + "-- hints/1.md --\na\n-- hints/3.md --\nc\n", "without gaps"},
		{"no behaviour points", meta(`{"title":"x","file":"a.go","timeout":"1s","points":{"race":1},"tests":{"behaviour":["T"]}}`), "field points.behaviour: required"},
		{"file not go", meta(`{"title":"x","file":"a.txt","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"]}}`), `field file: "a.txt"`},
		{"contract names an unknown test", meta(`{"title":"x","file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"]},"contract":[{"id":"1","says":"s","tests":["TestNope"]}]}`), `field contract[0] (requirement "1"): test TestNope`},
		{"contract names an unknown mutant", meta(`{"title":"x","file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"]},"contract":[{"id":"1","says":"s","tests":["T"],"mutants":["gone"]}]}`), `no mutant "gone"`},
		{"mutant with the wrong file", meta(`{"title":"x","file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"]}}`) + "-- mutants/m/b.go --\npackage a\n", "mutants/m/b.go: name the file a.go"},
		{"no hidden tests", "-- exercise.json --\n" + `{"title":"x","file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"]}}` + "\n", "no hidden tests"},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestLoadAndSelect(t *testing.T) {
	arch := func(title string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("-- exercise.json --\n" +
			`{"title":"` + title + `","file":"a.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"]}}` + "\n-- a_test.go --\npackage a\n")}
	}
	c, err := catalog.Load(fstest.MapFS{
		"10-ten.txtar":   arch("Ten"),
		"02-two.txtar":   arch("Two"),
		"01-one.txtar":   arch("One"),
		"README.md":      &fstest.MapFile{Data: []byte("not an archive")},
		"sub/03.txtar":   arch("Nested, not read"),
		"hidden.go":      &fstest.MapFile{Data: []byte("package hidden")},
		"03-three.txtar": arch("Three"),
	})
	if err != nil {
		t.Fatal(err)
	}
	names := func(es []*catalog.Exercise) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Name)
		}
		return out
	}
	if got, want := names(c.Exercises), []string{"01-one", "02-two", "03-three", "10-ten"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("exercises %q, want %q", got, want)
	}

	type testCase struct {
		args []string
		want []string
		err  string
	}
	run := func(t *testing.T, tc testCase) {
		got, err := c.Select(tc.args)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Select(%q): error %v, want %q", tc.args, err, tc.err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(names(got), tc.want) {
			t.Errorf("Select(%q) = %q, want %q", tc.args, names(got), tc.want)
		}
	}
	for _, tc := range []testCase{
		{nil, []string{"01-one", "02-two", "03-three", "10-ten"}, ""},
		{[]string{"02"}, []string{"02-two"}, ""},
		{[]string{"2"}, []string{"02-two"}, ""},
		{[]string{"10", "1"}, []string{"01-one", "10-ten"}, ""}, // course order
		{[]string{"03-three"}, []string{"03-three"}, ""},
		{[]string{"exercises/03-three/"}, []string{"03-three"}, ""},
		{[]string{`exercises\01-one`}, []string{"01-one"}, ""},
		{[]string{"02", "2", "02-two"}, []string{"02-two"}, ""},
		{[]string{"99"}, nil, `no exercise "99"; the exercises are 01-one, 02-two, 03-three, 10-ten`},
		{[]string{"two"}, nil, `no exercise "two"`},
	} {
		t.Run(strings.Join(tc.args, ","), func(t *testing.T) { run(t, tc) })
	}

	if _, err := catalog.Load(fstest.MapFS{"README.md": &fstest.MapFile{}}); err == nil {
		t.Error("Load of a folder without archives: no error")
	}
	_, err = catalog.Load(fstest.MapFS{"01-one.txtar": arch("One"), "02-bad.txtar": &fstest.MapFile{Data: []byte("-- a_test.go --\n")}})
	if err == nil || !strings.HasPrefix(err.Error(), "02-bad: ") {
		t.Errorf("Load with a broken archive: %v, want an error naming it", err)
	}
}

func TestParseDir(t *testing.T) {
	fsys := fstest.MapFS{
		"05-count/exercise.json": {Data: []byte(`{"title":"Count","file":"count.go","timeout":"5s","points":{"behaviour":1},` +
			`"tests":{"behaviour":["TestCount"]},"contract":[{"id":"1","says":"counts","tests":["TestCount"],"mutants":["lost"]}]}`)},
		"05-count/count_test.go":         {Data: []byte("//go:build gclhidden\n\npackage count\n")},
		"05-count/mutants/lost/count.go": {Data: []byte("// A comment.\n//go:build gclhidden\n\npackage count\n")},
		"05-count/stub/count.go":         {Data: []byte("package count\n")},
		"05-count/README.md":             {Data: []byte("notes")},
		"06-other.txtar":                 {Data: []byte("-- exercise.json --\n" + `{"title":"O","file":"o.go","timeout":"1s","points":{"behaviour":1},"tests":{"behaviour":["T"]}}` + "\n-- o_test.go --\npackage o\n-- mutants/m.go --\npackage o\n")},
		"hidden.go":                      {Data: []byte("package hidden")},
		"notes/README.md":                {Data: []byte("a folder without exercise.json is not an exercise")},
	}
	c, err := catalog.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Exercises) != 2 {
		t.Fatalf("%d exercises, want 2", len(c.Exercises))
	}
	e := c.Exercises[0]
	if got := string(e.Hidden[0].Data); got != "\n\npackage count\n" {
		t.Errorf("hidden test %q: want the build constraint blanked, lines kept", got)
	}
	if got := string(e.Mutant("lost").Data); got != "// A comment.\n\n\npackage count\n" {
		t.Errorf("mutant %q: want the build constraint blanked, lines kept", got)
	}
	if len(e.Contract) != 1 || e.Contract[0].Mutants[0] != "lost" || string(e.Stub) != "package count\n" {
		t.Errorf("contract %+v, stub %q", e.Contract, e.Stub)
	}
	if m := c.Exercises[1].Mutant("m"); m == nil || string(m.Data) != "package o\n" {
		t.Errorf("an archive's mutants/m.go: got %+v", c.Exercises[1].Mutants)
	}
}

func TestUnconstrained(t *testing.T) {
	for in, want := range map[string]string{
		"//go:build gclhidden\n\npackage a\n":          "\n\npackage a\n",
		"//go:build gclhidden   \npackage a\n":         "\npackage a\n",
		"//go:build other\n\npackage a\n":              "//go:build other\n\npackage a\n",
		"package a\n\n//go:build gclhidden\n":          "package a\n\n//go:build gclhidden\n",
		"// x\npackage a\n//go:build gclhidden\n":      "// x\npackage a\n//go:build gclhidden\n",
		"//go:build gclhidden && linux\n\npackage a\n": "//go:build gclhidden && linux\n\npackage a\n",
	} {
		if got := string(catalog.Unconstrained([]byte(in))); got != want {
			t.Errorf("Unconstrained(%q) = %q, want %q", in, got, want)
		}
	}
}
