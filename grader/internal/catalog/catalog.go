// Package catalog reads the hidden tests of the course: one folder per
// exercise that holds everything the grader knows about it.
//
// A folder (grader/hidden/NN-slug/) holds real files:
//
//	exercise.json             title, the student's file, time limit, points per
//	                          check, the hidden tests behind each check, static
//	                          rules, the contract table
//	*_test.go                 hidden tests, laid into the package while it is graded
//	hints/N.md                progressive hints, 1 first
//	mutants/NAME/FILE.go      known wrong answers: each replaces the student's file
//	stub/FILE                 the stub as students get it, for reset
//	README.md                 notes for course authors (not read)
//
// The Go files of a folder carry the build constraint "//go:build gclhidden"
// (see [BuildTag]) so that ordinary builds of the module leave them out;
// the catalog blanks that line, keeping line numbers, before the grader
// lays a file into a package.
//
// A txtar archive (NN-slug.txtar) with the same paths as sections is read
// the same way: it is the exchange format for a folder of hidden tests kept
// elsewhere (grader -hidden DIR). There a mutant may also be a section
// mutants/NAME.go.
package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing/fstest"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// BuildTag is the build tag that keeps hidden tests and mutants out of the
// module's ordinary builds.
const BuildTag = "gclhidden"

// Check names one check of a grade.
type Check string

// The checks, as reports name them.
const (
	Build     Check = "build"
	Behaviour Check = "behaviour"
	Ordering  Check = "ordering"
	Race      Check = "race"
	Leaks     Check = "leaks"
	Rules     Check = "rules"
	Time      Check = "time"
)

// Checks lists every check the grader knows, in the order reports show them.
var Checks = []Check{Build, Behaviour, Ordering, Race, Leaks, Rules, Time}

// testedChecks are the checks proved by hidden tests named in exercise.json.
var testedChecks = []Check{Behaviour, Ordering, Race, Leaks}

// Exercise is one exercise of the course.
type Exercise struct {
	Name    string // "01-wait-for-hello": the folder under exercises/ and solutions/
	Title   string
	File    string        // the file the student edits, e.g. "main.go"
	Timeout time.Duration // for all of the exercise's hidden tests together
	// Points per check. A check with no points is still run, but it is
	// not scored (build, for one, is a precondition, not an achievement).
	Points map[Check]int
	// Tests names, per check, the hidden tests that must pass for it.
	Tests map[Check][]string
	Rules []Rule
	// Imports lists the standard packages the student's code may import
	// on top of the course's default list (see the rules package).
	Imports []string
	// Contract is the exercise's README, requirement by requirement, with
	// the tests that enforce each and the mutants that break it.
	Contract []Requirement
	// Equivalent lists generated mutants (selftest -mutate) that behave
	// as the solution does, each with the reason.
	Equivalent []Equivalent
	Hidden     []File // the hidden test files
	Hints      []string
	Mutants    []File // Name is the mutant's name (its folder)
	Stub       []byte
}

// Requirement is one row of an exercise's contract table.
type Requirement struct {
	ID      string   `json:"id"`   // as the README numbers it: "1", "2" ...
	Says    string   `json:"says"` // the README's promise, in a sentence
	Tests   []string `json:"tests"`
	Mutants []string `json:"mutants"`
}

// Equivalent is a generated mutant that no test can tell from the
// solution, and why. With NotEquivalent set it is a real bug that no
// hidden test can force into view (a critical section split where nothing
// blocks between the halves, say): listed so that it is known and counted
// apart, never mistaken for a harmless change.
type Equivalent struct {
	Mutant        string `json:"mutant"`
	Why           string `json:"why"`
	NotEquivalent bool   `json:"not_equivalent,omitempty"`
}

// File is a named file of an exercise.
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

// Mutant returns the mutant called name, or nil.
func (e *Exercise) Mutant(name string) *File {
	for i := range e.Mutants {
		if e.Mutants[i].Name == name {
			return &e.Mutants[i]
		}
	}
	return nil
}

type meta struct {
	Title      string             `json:"title"`
	File       string             `json:"file"`
	Timeout    string             `json:"timeout"`
	Points     map[Check]int      `json:"points"`
	Tests      map[Check][]string `json:"tests"`
	Rules      []Rule             `json:"rules"`
	Imports    []string           `json:"imports"`
	Contract   []Requirement      `json:"contract"`
	Equivalent []Equivalent       `json:"equivalent"`
}

// Parse reads one txtar archive. name is the exercise's name.
func Parse(name string, data []byte) (*Exercise, error) {
	ar := txtar.Parse(data)
	fsys := fstest.MapFS{}
	for _, f := range ar.Files {
		n := f.Name
		// The archive's short form of a mutant: mutants/NAME.go.
		if strings.HasPrefix(n, "mutants/") && strings.Count(n, "/") == 1 && strings.HasSuffix(n, ".go") {
			n = strings.TrimSuffix(n, ".go") + "/" + mutantFile
		}
		if !fs.ValidPath(n) {
			return nil, fmt.Errorf("%s: section %q: not a valid file name", name, f.Name)
		}
		fsys[n] = &fstest.MapFile{Data: f.Data}
	}
	return ParseDir(name, fsys)
}

// mutantFile stands for the student's file in an archive's short-form
// mutant until exercise.json says which file that is.
const mutantFile = "\x00file"

// ParseDir reads one exercise's folder, fsys. name is the exercise's name.
func ParseDir(name string, fsys fs.FS) (*Exercise, error) {
	e, err := parseDir(name, fsys)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return e, nil
}

func parseDir(name string, fsys fs.FS) (*Exercise, error) {
	e := &Exercise{Name: name}
	var m *meta
	hints := map[int]string{}
	mutantFiles := map[string]string{} // mutant -> the file name it has
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		parts := strings.Split(p, "/")
		switch {
		case p == "exercise.json":
			m = new(meta)
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(m); err != nil {
				return fmt.Errorf("exercise.json: %w", err)
			}
		case p == "README.md":
			// Notes for course authors.
		case len(parts) == 1 && strings.HasSuffix(p, "_test.go"):
			e.Hidden = append(e.Hidden, File{p, Unconstrained(data)})
		case len(parts) == 2 && parts[0] == "hints" && strings.HasSuffix(p, ".md"):
			n, err := strconv.Atoi(strings.TrimSuffix(parts[1], ".md"))
			if err != nil || n < 1 {
				return fmt.Errorf("hint %q: name the hints 1.md, 2.md and so on", p)
			}
			hints[n] = strings.TrimSpace(string(data))
		case len(parts) == 3 && parts[0] == "mutants" && (strings.HasSuffix(p, ".go") || parts[2] == mutantFile):
			if _, dup := mutantFiles[parts[1]]; dup {
				return fmt.Errorf("mutants/%s has more than one file: a mutant replaces the student's file, nothing else", parts[1])
			}
			mutantFiles[parts[1]] = parts[2]
			e.Mutants = append(e.Mutants, File{parts[1], Unconstrained(data)})
		case len(parts) == 2 && parts[0] == "stub":
			e.Stub = data
		default:
			return fmt.Errorf("unknown file %q (want exercise.json, README.md, *_test.go, hints/N.md, mutants/NAME/FILE.go or stub/FILE)", p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("no exercise.json")
	}
	if err := e.apply(m); err != nil {
		return nil, fmt.Errorf("exercise.json: %w", err)
	}
	for mu, f := range mutantFiles {
		if f != e.File && f != mutantFile {
			return nil, fmt.Errorf("mutants/%s/%s: name the file %s, the file it replaces (exercise.json's file)", mu, f, e.File)
		}
	}
	for i := 1; i <= len(hints); i++ {
		h, ok := hints[i]
		if !ok {
			return nil, fmt.Errorf("hints must be numbered 1 to %d without gaps", len(hints))
		}
		e.Hints = append(e.Hints, h)
	}
	if len(e.Hidden) == 0 {
		return nil, fmt.Errorf("no hidden tests (*_test.go files)")
	}
	if err := e.checkContract(); err != nil {
		return nil, fmt.Errorf("exercise.json: %w", err)
	}
	return e, nil
}

// constraint is the build constraint line of a hidden Go file.
var constraint = regexp.MustCompile(`(?m)^//go:build ` + BuildTag + `[ \t]*$`)

// Unconstrained returns data with the hidden files' build constraint line
// blanked, so that the file builds without the tag and its lines keep
// their numbers. Only a constraint above the package clause counts.
func Unconstrained(data []byte) []byte {
	loc := constraint.FindIndex(data)
	if loc == nil || bytes.HasPrefix(data, []byte("package ")) || bytes.Contains(data[:loc[0]], []byte("\npackage ")) {
		return data
	}
	return slices.Delete(slices.Clone(data), loc[0], loc[1])
}

func (e *Exercise) apply(m *meta) error {
	e.Title, e.File, e.Points, e.Tests, e.Rules = m.Title, m.File, m.Points, m.Tests, m.Rules
	e.Imports, e.Contract, e.Equivalent = m.Imports, m.Contract, m.Equivalent
	if e.Title == "" {
		return fmt.Errorf("field title: required")
	}
	if e.File == "" || path.Base(e.File) != e.File || !strings.HasSuffix(e.File, ".go") || strings.HasSuffix(e.File, "_test.go") {
		return fmt.Errorf("field file: %q: want the name of the student's .go file, such as \"main.go\"", e.File)
	}
	d, err := time.ParseDuration(m.Timeout)
	if err != nil || d <= 0 {
		return fmt.Errorf("field timeout: %q: want a duration such as \"30s\"", m.Timeout)
	}
	e.Timeout = d
	if _, ok := e.Points[Behaviour]; !ok {
		return fmt.Errorf("field points.behaviour: required (points per check, e.g. {\"behaviour\": 4, \"race\": 2}): every other check is gated on it")
	}
	for c, p := range e.Points {
		if !slices.Contains(Checks, c) {
			return fmt.Errorf("field points.%s: unknown check (checks: %s)", c, checkList(Checks))
		}
		if p < 0 {
			return fmt.Errorf("field points.%s: %d: points cannot be negative", c, p)
		}
	}
	for c, names := range e.Tests {
		if !slices.Contains(testedChecks, c) {
			return fmt.Errorf("field tests.%s: only %s are proved by tests", c, checkList(testedChecks))
		}
		if len(names) == 0 {
			return fmt.Errorf("field tests.%s: empty list", c)
		}
	}
	if len(e.Tests[Behaviour]) == 0 {
		return fmt.Errorf("field tests.behaviour: needs at least one hidden test")
	}
	for i, r := range e.Rules {
		n := 0
		for _, s := range []string{r.Forbid, r.Require, r.InGoroutine} {
			if s != "" {
				n++
			}
		}
		if n != 1 || r.Why == "" {
			return fmt.Errorf("field rules[%d]: set exactly one of forbid, require, in_goroutine, and why", i)
		}
	}
	for i, q := range e.Equivalent {
		if q.Mutant == "" || q.Why == "" {
			return fmt.Errorf("field equivalent[%d]: set mutant and why", i)
		}
	}
	return nil
}

// checkContract checks that every requirement of the contract table names
// tests the exercise runs and mutants it has.
func (e *Exercise) checkContract() error {
	seen := map[string]bool{}
	all := e.AllTests()
	for i, r := range e.Contract {
		where := fmt.Sprintf("field contract[%d] (requirement %q)", i, r.ID)
		switch {
		case r.ID == "" || r.Says == "":
			return fmt.Errorf("%s: set id and says", where)
		case seen[r.ID]:
			return fmt.Errorf("%s: id used twice", where)
		}
		seen[r.ID] = true
		for _, t := range r.Tests {
			if !slices.Contains(all, t) {
				return fmt.Errorf("%s: test %s is not among the tests of any check", where, t)
			}
		}
		for _, mu := range r.Mutants {
			if e.Mutant(mu) == nil {
				return fmt.Errorf("%s: no mutant %q (mutants/%s/%s)", where, mu, mu, e.File)
			}
		}
	}
	return nil
}

func checkList(cs []Check) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// Catalog is every exercise, in course order.
type Catalog struct {
	Exercises []*Exercise
}

// Load reads every exercise of fsys: each folder at its top that holds an
// exercise.json, and each *.txtar archive there.
func Load(fsys fs.FS) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	c := &Catalog{}
	seen := map[string]bool{}
	for _, de := range entries {
		var e *Exercise
		switch n := de.Name(); {
		case de.IsDir():
			if _, err := fs.Stat(fsys, n+"/exercise.json"); err != nil {
				continue
			}
			sub, err := fs.Sub(fsys, n)
			if err != nil {
				return nil, err
			}
			if e, err = ParseDir(n, sub); err != nil {
				return nil, err
			}
		case strings.HasSuffix(n, ".txtar"):
			data, err := fs.ReadFile(fsys, n)
			if err != nil {
				return nil, err
			}
			if e, err = Parse(strings.TrimSuffix(n, ".txtar"), data); err != nil {
				return nil, err
			}
		default:
			continue
		}
		if seen[e.Name] {
			return nil, fmt.Errorf("%s: both a folder and an archive", e.Name)
		}
		seen[e.Name] = true
		c.Exercises = append(c.Exercises, e)
	}
	if len(c.Exercises) == 0 {
		return nil, fmt.Errorf("no exercises found (folders with an exercise.json, or *.txtar archives)")
	}
	sort.Slice(c.Exercises, func(i, j int) bool { return c.Exercises[i].Name < c.Exercises[j].Name })
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
