// Package catalog reads the hidden archives: one txtar file per exercise
// that holds everything the grader knows about it.
//
// An archive has these sections:
//
//	exercise.json      title, the student's file, time limit, points per check,
//	                   the hidden tests behind each check, static rules
//	*_test.go          hidden tests, laid into the package while it is graded
//	hints/N.md         progressive hints, 1 first
//	mutants/NAME.go    known wrong answers: each replaces the student's file
//	stub/FILE          the stub as students get it, for reset
package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// Checks lists every check the grader knows, in the order reports show them.
var Checks = []string{"build", "behaviour", "ordering", "race", "leaks", "rules", "time"}

// testedChecks are the checks proved by hidden tests named in exercise.json.
var testedChecks = []string{"behaviour", "ordering", "race", "leaks"}

// Exercise is one exercise of the course.
type Exercise struct {
	Name    string // "01-wait-for-hello": the folder under exercises/ and solutions/
	Title   string
	File    string        // the file the student edits, e.g. "main.go"
	Timeout time.Duration // for all of the exercise's hidden tests together
	// Points per check name. A check with no points is still run, but it
	// is not scored (build, for one, is a precondition, not an achievement).
	Points map[string]int
	// Tests names, per check, the hidden tests that must pass for it.
	Tests map[string][]string
	Rules []Rule
	// Imports lists the standard packages that the student's code may
	// import besides rules.DefaultImports (exercise.json's "imports").
	Imports []string
	Hidden  []File // the hidden test files
	Hints   []string
	Mutants []File // Name is the mutant's name, without .go
	Stub    []byte
}

// File is a named file of an archive.
type File struct {
	Name string
	Data []byte
}

// Rule is a static rule about the student's code.
type Rule struct {
	// Forbid names a package-level identifier the code must not use, as
	// "import/path.Name" (time.Sleep, sync.Mutex).
	Forbid string `json:"forbid,omitempty"`
	// Require names one it must use.
	Require string `json:"require,omitempty"`
	// InGoroutine names a function of the package that may only run in a
	// goroutine of its own: every use of it must be inside a go statement
	// or handed to a Go method (sync.WaitGroup.Go).
	InGoroutine string `json:"in_goroutine,omitempty"`
	// Why explains the rule to a student who broke it.
	Why string `json:"why"`
}

// Number is the exercise's number prefix: "01".
func (e *Exercise) Number() string {
	n, _, _ := strings.Cut(e.Name, "-")
	return n
}

// MaxScore is the sum of the exercise's points.
func (e *Exercise) MaxScore() int {
	total := 0
	for _, p := range e.Points {
		total += p
	}
	return total
}

// AllTests lists every hidden test the exercise expects to run, sorted.
func (e *Exercise) AllTests() []string {
	var all []string
	for _, names := range e.Tests {
		all = append(all, names...)
	}
	sort.Strings(all)
	return slices.Compact(all)
}

type meta struct {
	Title   string              `json:"title"`
	File    string              `json:"file"`
	Timeout string              `json:"timeout"`
	Points  map[string]int      `json:"points"`
	Tests   map[string][]string `json:"tests"`
	Rules   []Rule              `json:"rules"`
	Imports []string            `json:"imports"`
}

// Parse reads one archive. name is the exercise's name.
func Parse(name string, data []byte) (*Exercise, error) {
	ar := txtar.Parse(data)
	e := &Exercise{Name: name}
	var m *meta
	hints := map[int]string{}
	for _, f := range ar.Files {
		switch {
		case f.Name == "exercise.json":
			m = new(meta)
			dec := json.NewDecoder(bytes.NewReader(f.Data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(m); err != nil {
				return nil, fmt.Errorf("%s: exercise.json: %w", name, err)
			}
		case strings.HasSuffix(f.Name, "_test.go") && !strings.Contains(f.Name, "/"):
			e.Hidden = append(e.Hidden, File{f.Name, f.Data})
		case strings.HasPrefix(f.Name, "hints/") && strings.HasSuffix(f.Name, ".md"):
			n, err := strconv.Atoi(strings.TrimSuffix(path.Base(f.Name), ".md"))
			if err != nil || n < 1 {
				return nil, fmt.Errorf("%s: hint %q: name hints 1.md, 2.md, ...", name, f.Name)
			}
			hints[n] = strings.TrimSpace(string(f.Data))
		case strings.HasPrefix(f.Name, "mutants/") && strings.HasSuffix(f.Name, ".go"):
			e.Mutants = append(e.Mutants, File{strings.TrimSuffix(path.Base(f.Name), ".go"), f.Data})
		case strings.HasPrefix(f.Name, "stub/"):
			e.Stub = f.Data
		default:
			return nil, fmt.Errorf("%s: unknown section %q (want exercise.json, *_test.go, hints/N.md, mutants/NAME.go or stub/FILE)", name, f.Name)
		}
	}
	if m == nil {
		return nil, fmt.Errorf("%s: no exercise.json section", name)
	}
	if err := e.apply(m); err != nil {
		return nil, fmt.Errorf("%s: exercise.json: %w", name, err)
	}
	for i := 1; i <= len(hints); i++ {
		h, ok := hints[i]
		if !ok {
			return nil, fmt.Errorf("%s: hints must be numbered 1 to %d without gaps", name, len(hints))
		}
		e.Hints = append(e.Hints, h)
	}
	if len(e.Hidden) == 0 {
		return nil, fmt.Errorf("%s: no hidden tests (*_test.go sections)", name)
	}
	return e, nil
}

func (e *Exercise) apply(m *meta) error {
	e.Title, e.File, e.Points, e.Tests, e.Rules, e.Imports = m.Title, m.File, m.Points, m.Tests, m.Rules, m.Imports
	if e.Title == "" || e.File == "" {
		return fmt.Errorf("title and file are required")
	}
	d, err := time.ParseDuration(m.Timeout)
	if err != nil || d <= 0 {
		return fmt.Errorf("timeout %q: want a duration such as \"30s\"", m.Timeout)
	}
	e.Timeout = d
	for c := range e.Points {
		if !slices.Contains(Checks, c) {
			return fmt.Errorf("points for unknown check %q (checks: %s)", c, strings.Join(Checks, ", "))
		}
	}
	for c, names := range e.Tests {
		if !slices.Contains(testedChecks, c) {
			return fmt.Errorf("tests for %q: only %s are proved by tests", c, strings.Join(testedChecks, ", "))
		}
		if len(names) == 0 {
			return fmt.Errorf("tests for %q: empty list", c)
		}
	}
	if len(e.Tests["behaviour"]) == 0 {
		return fmt.Errorf("tests: behaviour needs at least one hidden test")
	}
	for _, r := range e.Rules {
		n := 0
		for _, s := range []string{r.Forbid, r.Require, r.InGoroutine} {
			if s != "" {
				n++
			}
		}
		if n != 1 || r.Why == "" {
			return fmt.Errorf("rule %+v: set exactly one of forbid, require, in_goroutine, and why", r)
		}
	}
	return nil
}

// Catalog is every exercise, in course order.
type Catalog struct {
	Exercises []*Exercise
}

// Load reads every *.txtar file at the top of fsys.
func Load(fsys fs.FS) (*Catalog, error) {
	names, err := fs.Glob(fsys, "*.txtar")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no hidden archives (*.txtar) found")
	}
	sort.Strings(names)
	c := &Catalog{}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		e, err := Parse(strings.TrimSuffix(n, ".txtar"), data)
		if err != nil {
			return nil, err
		}
		c.Exercises = append(c.Exercises, e)
	}
	return c, nil
}

// Select returns the exercises named by args, each a full name or a number
// prefix ("01", "1"), in course order; no args selects them all.
func (c *Catalog) Select(args []string) ([]*Exercise, error) {
	if len(args) == 0 {
		return c.Exercises, nil
	}
	chosen := map[*Exercise]bool{}
	for _, a := range args {
		e := c.Find(a)
		if e == nil {
			return nil, fmt.Errorf("no exercise %q; the exercises are %s", a, c.names())
		}
		chosen[e] = true
	}
	var out []*Exercise
	for _, e := range c.Exercises {
		if chosen[e] {
			out = append(out, e)
		}
	}
	return out, nil
}

// Find returns the exercise named by a full name or a number, or nil.
func (c *Catalog) Find(arg string) *Exercise {
	arg = strings.TrimSuffix(path.Base(strings.ReplaceAll(arg, `\`, "/")), "/")
	for _, e := range c.Exercises {
		if e.Name == arg {
			return e
		}
	}
	if n, err := strconv.Atoi(arg); err == nil {
		for _, e := range c.Exercises {
			if en, err := strconv.Atoi(e.Number()); err == nil && en == n {
				return e
			}
		}
	}
	return nil
}

func (c *Catalog) names() string {
	var ns []string
	for _, e := range c.Exercises {
		ns = append(ns, e.Name)
	}
	return strings.Join(ns, ", ")
}
