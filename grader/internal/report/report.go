// Package report renders graded results. One model, Report; each output
// format is a small file with one function that writes it.
package report

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

// Report is everything a writer needs.
type Report struct {
	Exercises []verdict.Result `json:"exercises"`
	Score     int              `json:"score"`
	MaxScore  int              `json:"max_score"`
	Passed    int              `json:"passed"`
	Race      bool             `json:"race"`
	RaceWhy   string           `json:"race_unavailable,omitempty"`
	// Command is how the student re-runs the grader: "make test" or
	// "go run ./grader"; text output suggests next steps with it.
	Command string `json:"-"`
}

// New totals the results into a report.
func New(results []verdict.Result, race bool, raceWhy string) *Report {
	r := &Report{Exercises: results, Race: race, RaceWhy: raceWhy, Command: "go run ./grader"}
	for _, e := range results {
		r.Score += e.Score
		r.MaxScore += e.MaxScore
		if e.Status == verdict.Pass {
			r.Passed++
		}
	}
	return r
}

// AllPass reports whether every exercise passed.
func (r *Report) AllPass() bool { return r.Passed == len(r.Exercises) }

// Writer renders a report in one format.
type Writer func(w io.Writer, r *Report, opts Options) error

// Options are what some formats need beyond the report.
type Options struct {
	Color bool // text: ANSI colours
	// Verbose makes the text format print each failing exercise's full log
	// in place of naming its file.
	Verbose bool
	// LogDir, when set, is where SaveLogs writes the full logs (relative
	// to the repository's root): the text format names each exercise's.
	LogDir string
	// Files names each exercise's file that students edit, by exercise
	// name, relative to the repository's root with forward slashes
	// (exercises/01-wait-for-hello/main.go). Classroom annotations point
	// there when a message names no line of its own.
	Files map[string]string
	// Edit names, by exercise name, where the student should start editing
	// as path:line (exercises/01-wait-for-hello/main.go:12), for the text
	// report's next step; terminals and editors open that form.
	Edit map[string]string
	// Exercises names every exercise of the course, graded in this run or
	// not: the classroom format gives each its runner. Nil means the
	// report's own.
	Exercises []string
	// Getenv reads the environment the platform set: GITHUB_OUTPUT,
	// GITHUB_STEP_SUMMARY, Classroom 50's CLASSROOM, ASSIGNMENT, ...
	// Nil means os.Getenv.
	Getenv func(string) string
	// OutDir is where formats that write files of their own (classroom50's
	// result.json and release-body.md) put them; "" is the current folder.
	OutDir string
	// Now is the time a report is stamped with; nil means time.Now.
	Now func() time.Time
}

func (o Options) getenv(key string) string {
	if o.Getenv == nil {
		return os.Getenv(key)
	}
	return o.Getenv(key)
}

func (o Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

var writers = map[string]Writer{}

// register adds a format; each format's file registers itself.
func register(name string, w Writer) { writers[name] = w }

// Lookup returns the writer for a format, or an error that lists them all.
func Lookup(format string) (Writer, error) {
	if w, ok := writers[format]; ok {
		return w, nil
	}
	return nil, fmt.Errorf("unknown format %q (formats: %s)", format, strings.Join(Formats(), ", "))
}

// Formats lists the format names, sorted.
func Formats() []string {
	var names []string
	for n := range writers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
