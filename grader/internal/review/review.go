// Package review grades a folder of student checkouts the instructor's
// way: with the instructor's hidden tests, the course's go.mod and go.sum,
// and pristine copies of the packages the hidden tests import, laid over
// each checkout, so nothing a student changed outside their exercises
// counts. What they changed is flagged instead, and submissions that are
// the same code under other names are reported side by side.
//
// The result is a Gradebook, written as CSV, Markdown or JSON; JSON
// gradebooks of parts of a class merge into one.
package review

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/grade"
	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

// Gradebook is the review of a class.
type Gradebook struct {
	Exercises []Column  `json:"exercises"`
	Students  []Student `json:"students"`
	// Similar lists groups of students whose code for an exercise is the
	// same once names and formatting are set aside.
	Similar []Similar `json:"similar,omitempty"`
	// Reference holds the fingerprints of each exercise's stub and
	// reference solution, for Similar (and for merging gradebooks).
	Reference map[string]Prints `json:"reference,omitempty"`
	// Sandbox says whether each student's tests ran in the sandbox; if
	// not, NoSandbox says why.
	Sandbox   bool   `json:"sandbox"`
	NoSandbox string `json:"no_sandbox,omitempty"`
}

// Column is one exercise of the gradebook.
type Column struct {
	Name     string `json:"name"`
	MaxScore int    `json:"max_score"`
}

// Prints are the fingerprints of an exercise's stub and solution.
type Prints struct {
	Stub     string `json:"stub,omitempty"`
	Solution string `json:"solution,omitempty"`
}

// Student is one graded checkout.
type Student struct {
	Name     string  `json:"student"`
	Dir      string  `json:"dir"`
	Commit   string  `json:"commit,omitempty"` // the checkout's git HEAD, when it is a git checkout
	Score    int     `json:"score"`
	MaxScore int     `json:"max_score"`
	Flags    []Flag  `json:"flags,omitempty"`
	Grades   []Grade `json:"exercises"`
	// Error says why the student could not be graded at all (the score
	// is then 0): a folder that is not there, a run that would not end.
	Error   string  `json:"error,omitempty"`
	Seconds float64 `json:"seconds"`
}

// Grade is one exercise of one student.
type Grade struct {
	Name     string         `json:"name"`
	Status   verdict.Status `json:"status"`
	Score    int            `json:"score"`
	MaxScore int            `json:"max_score"`
	Failures []Failure      `json:"failures,omitempty"`
	// Fingerprint identifies the code once names, comments and formatting
	// are set aside; "" when there is no code or it does not parse.
	Fingerprint string `json:"fingerprint,omitempty"`
}

// Failure is a check that did not pass, with the grader's message.
type Failure struct {
	Check   string         `json:"check"`
	Status  verdict.Status `json:"status"`
	Message string         `json:"message,omitempty"`
}

// Flag is something the instructor should look at. Flags never change a
// score.
type Flag struct {
	Kind     string `json:"kind"`
	Exercise string `json:"exercise,omitempty"`
	Detail   string `json:"detail,omitempty"`
}

// The kinds of flags.
const (
	FlagChanged    = "changed"         // files outside exercises/ differ from the course's
	FlagAdded      = "added"           // files outside exercises/ the course does not have
	FlagDeleted    = "deleted"         // files of the course the checkout lacks
	FlagNotModule  = "not-module"      // no go.mod
	FlagMissing    = "missing"         // an exercise folder is missing
	FlagTestFile   = "test-file"       // a _test.go file in an exercise folder
	FlagBuildTag   = "build-tag"       // a file built only with some tags or systems
	FlagUnreadable = "unreadable"      // the checkout could not be read
	FlagIrregular  = "irregular"       // an exercise's Go file is a link, device or pipe: not graded
	FlagNotGraded  = "not-graded"      // the grading failed or did not end
	FlagSolution   = "solution"        // the code is the reference solution's
	FlagSimilar    = "similar"         // the code is another student's
	FlagNotAllowed = "not-allowed"     // the code imports or uses what its exercise does not allow: not built
	FlagReaches    = "reaches-grading" // the code names the grading's secrets: not built
	FlagKeyTaken   = "key-taken"       // something in the test binary took the seal key first
)

// Tampering reports whether the flag is about a change to the course
// rather than about the code.
func (f Flag) Tampering() bool {
	switch f.Kind {
	case FlagChanged, FlagAdded, FlagDeleted, FlagTestFile, FlagBuildTag, FlagNotAllowed, FlagReaches, FlagKeyTaken:
		return true
	}
	return false
}

// Similar is a group of students with the same code for an exercise.
type Similar struct {
	Exercise string   `json:"exercise"`
	Students []string `json:"students"`
	// Solution: their code is also the reference solution's.
	Solution bool `json:"solution,omitempty"`
}

// Config is a review.
type Config struct {
	Exercises []*catalog.Exercise
	Reference *Reference
	// Overlay holds pristine files laid over every checkout, by path
	// relative to the checkout's root, slash-separated: the packages the
	// hidden tests import.
	Overlay map[string][]byte
	// Clear lists folders, relative to the checkout's root, whose other Go
	// files the build leaves out (the student's additions to those
	// packages).
	Clear            []string
	ModFile, SumFile []byte
	// Solutions is the folder of the reference solutions; Stubs that of
	// the untouched exercises (the instructor's exercises/).
	Solutions, Stubs string
	Jobs             int
	Timeout          time.Duration // per student; 0 for none
	NoRace           bool
	// Sandbox runs each student's tests in the sandbox; when false,
	// NoSandbox says why, for the gradebook.
	Sandbox   bool
	NoSandbox string
	// Hide lists folders the sandbox shows empty: the instructor's hidden
	// tests and solutions (see run.Request).
	Hide []string
	// Progress receives a line per student as they finish.
	Progress io.Writer
	// Graded, when set, sees each student as soon as they are graded
	// (the review writes their side-by-side page with it).
	Graded func(Student)
}

// Run grades every checkout, Jobs at a time.
func Run(ctx context.Context, cfg Config, dirs []string) (*Gradebook, error) {
	gb := &Gradebook{Reference: map[string]Prints{}, Sandbox: cfg.Sandbox, NoSandbox: cfg.NoSandbox}
	for _, e := range cfg.Exercises {
		gb.Exercises = append(gb.Exercises, Column{e.Name, e.MaxScore()})
		gb.Reference[e.Name] = Prints{
			Stub:     FingerprintDir(filepath.Join(cfg.Stubs, e.Name)),
			Solution: FingerprintDir(filepath.Join(cfg.Solutions, e.Name)),
		}
	}
	names := studentNames(dirs)
	gb.Students = make([]Student, len(dirs))
	jobs := max(cfg.Jobs, 1)
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for i, dir := range dirs {
		sem <- struct{}{}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			s := cfg.grade(ctx, names[i], dir)
			gb.Students[i] = s
			mu.Lock()
			defer mu.Unlock()
			done++
			if cfg.Progress != nil {
				fmt.Fprintf(cfg.Progress, "[%d/%d] %s: %d/%d%s (%.1fs)\n", done, len(dirs), s.Name, s.Score, s.MaxScore, progressNote(s), s.Seconds)
			}
			if cfg.Graded != nil {
				cfg.Graded(s)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	gb.finish()
	return gb, nil
}

func progressNote(s Student) string {
	var kinds []string
	for _, f := range s.Flags {
		if !contains(kinds, f.Kind) {
			kinds = append(kinds, f.Kind)
		}
	}
	if len(kinds) == 0 {
		return ""
	}
	return ", flagged: " + strings.Join(kinds, ", ")
}

// studentNames names each checkout by its folder; where two folders share
// a name, by more of their path.
func studentNames(dirs []string) []string {
	names := make([]string, len(dirs))
	count := map[string]int{}
	for i, d := range dirs {
		names[i] = filepath.Base(filepath.Clean(d))
		count[names[i]]++
	}
	for i, d := range dirs {
		if count[names[i]] > 1 {
			names[i] = filepath.ToSlash(filepath.Clean(d))
		}
	}
	return names
}

// grade grades one checkout. Whatever goes wrong costs this student the
// points, never the review.
func (cfg *Config) grade(ctx context.Context, name, dir string) (s Student) {
	start := time.Now()
	s = Student{Name: name, Dir: dir}
	for _, e := range cfg.Exercises {
		s.MaxScore += e.MaxScore()
	}
	defer func() { s.Seconds = time.Since(start).Seconds() }()
	abs, err := filepath.Abs(dir)
	if err == nil {
		var st os.FileInfo
		if st, err = os.Stat(abs); err == nil && !st.IsDir() {
			err = errors.New("not a folder")
		}
	}
	if err != nil {
		s.fail(cfg.Exercises, fmt.Sprintf("%s cannot be graded: %v", dir, err))
		s.Flags = append(s.Flags, Flag{Kind: FlagNotGraded, Detail: err.Error()})
		return s
	}
	s.Flags = cfg.Reference.tampering(abs, cfg.Exercises)
	s.Commit = gitCommit(ctx, abs)

	plan := grade.Plan{Root: abs, ModFile: cfg.ModFile, SumFile: cfg.SumFile, NoRace: cfg.NoRace, Overlay: cfg.overlay(abs), Sandbox: cfg.Sandbox, Hide: cfg.Hide}
	refused := map[string]Grade{}
	for _, e := range cfg.Exercises {
		dir := filepath.Join(abs, "exercises", e.Name)
		if odd := irregular(dir); len(odd) > 0 {
			// The grader reads the exercise's files itself (its static
			// rules): a link to /dev/zero or a named pipe would stall it.
			msg := fmt.Sprintf("Not graded: %s is not a regular file (a symbolic link, a device or a pipe); hand in plain files.", strings.Join(odd, ", "))
			refused[e.Name] = Grade{Name: e.Name, Status: verdict.Error, MaxScore: e.MaxScore(),
				Failures: []Failure{{Check: "build", Status: verdict.Error, Message: msg}}}
			s.Flags = append(s.Flags, Flag{Kind: FlagIrregular, Exercise: e.Name, Detail: strings.Join(odd, ", ")})
			continue
		}
		plan.Targets = append(plan.Targets, grade.Target{Exercise: e, Dir: dir})
	}
	var stderr tail
	plan.Stderr = &stderr
	gctx := ctx
	if cfg.Timeout > 0 {
		var cancel context.CancelFunc
		gctx, cancel = context.WithTimeout(ctx, cfg.Timeout)
		defer cancel()
	}
	out, err := grade.Run(gctx, plan)
	switch {
	case ctx.Err() != nil:
		s.fail(cfg.Exercises, "the review was interrupted")
	case err != nil:
		msg := err.Error()
		if errors.Is(err, context.DeadlineExceeded) {
			msg = fmt.Sprintf("grading took longer than %v and was stopped", cfg.Timeout)
		}
		if t := strings.TrimSpace(stderr.String()); t != "" {
			msg += "\n" + t
		}
		s.fail(cfg.Exercises, msg)
		s.Flags = append(s.Flags, Flag{Kind: FlagNotGraded, Detail: firstLine(msg)})
	default:
		graded := map[string]Grade{}
		for _, r := range out.Results {
			graded[r.Exercise] = gradeOf(r)
			if f, ok := attackFlag(r); ok {
				s.Flags = append(s.Flags, f)
			}
		}
		for _, e := range cfg.Exercises {
			g, ok := graded[e.Name]
			if !ok {
				g = refused[e.Name]
			}
			s.Grades = append(s.Grades, g)
			s.Score += g.Score
		}
	}
	for i, e := range cfg.Exercises {
		if i < len(s.Grades) {
			s.Grades[i].Fingerprint = FingerprintDir(filepath.Join(abs, "exercises", e.Name))
		}
	}
	return s
}

// overlay lays the pristine packages over a checkout, and leaves out any
// other Go file the student put in their folders.
func (cfg *Config) overlay(root string) map[string][]byte {
	ov := map[string][]byte{}
	for rel, data := range cfg.Overlay {
		ov[filepath.Join(root, filepath.FromSlash(rel))] = data
	}
	for _, rel := range cfg.Clear {
		dir := filepath.Join(root, filepath.FromSlash(rel))
		entries, _ := os.ReadDir(dir)
		for _, de := range entries {
			p := filepath.Join(dir, de.Name())
			if _, ok := ov[p]; !ok && strings.HasSuffix(de.Name(), ".go") {
				ov[p] = nil
			}
		}
	}
	// Without a go.mod the go command finds no module: lay the course's in
	// (the build reads ModFile; this one only marks the root).
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		ov[filepath.Join(root, "go.mod")] = cfg.ModFile
	}
	return ov
}

// gitCommit returns the commit a git checkout is at, or "". Nothing of
// the checkout's own git configuration that could run a program is used.
func gitCommit(ctx context.Context, dir string) string {
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
		"-C", dir, "rev-parse", "--verify", "--quiet", "HEAD")
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// irregular lists the Go files of an exercise folder that are not regular
// files.
func irregular(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var odd []string
	for _, de := range entries {
		if strings.HasSuffix(de.Name(), ".go") && !de.Type().IsRegular() && !de.IsDir() {
			odd = append(odd, "exercises/"+filepath.Base(dir)+"/"+de.Name())
		}
	}
	return odd
}

// attackFlag flags an exercise that was not graded because its code went
// for the grading itself, with the first line that says how.
func attackFlag(r verdict.Result) (Flag, bool) {
	for _, c := range r.Checks {
		for _, k := range []struct{ kind, prefix string }{
			{FlagNotAllowed, grade.NotAllowed}, {FlagReaches, grade.ReachesIntoGrading}, {FlagKeyTaken, verdict.KeyGone},
		} {
			if rest, ok := strings.CutPrefix(c.Message, k.prefix); ok {
				return Flag{Kind: k.kind, Exercise: r.Exercise, Detail: strings.TrimSpace(firstLine(strings.TrimSpace(rest)))}, true
			}
		}
	}
	return Flag{}, false
}

// maxMessage bounds each failure's message in the gradebook.
const maxMessage = 2000

func gradeOf(r verdict.Result) Grade {
	g := Grade{Name: r.Exercise, Status: r.Status, Score: r.Score, MaxScore: r.MaxScore}
	for _, c := range r.Checks {
		if c.Status == verdict.Pass {
			continue
		}
		msg := c.Message
		if len(msg) > maxMessage {
			msg = msg[:maxMessage] + "\n[...]"
		}
		g.Failures = append(g.Failures, Failure{Check: string(c.Name), Status: c.Status, Message: msg})
	}
	return g
}

// fail records a student who could not be graded: every exercise errs.
func (s *Student) fail(exercises []*catalog.Exercise, msg string) {
	s.Error = msg
	s.Score = 0
	s.Grades = nil
	for _, e := range exercises {
		s.Grades = append(s.Grades, Grade{Name: e.Name, Status: verdict.Error, MaxScore: e.MaxScore(),
			Failures: []Failure{{Check: "build", Status: verdict.Error, Message: firstLine(msg)}}})
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// tail keeps the end of what the go command printed, within bounds.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailSize = 4 << 10

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailSize {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailSize:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// finish totals the gradebook: students in name order, and the groups of
// similar code.
func (gb *Gradebook) finish() {
	sort.SliceStable(gb.Students, func(i, j int) bool { return gb.Students[i].Name < gb.Students[j].Name })
	gb.Similar = similar(gb)
}
