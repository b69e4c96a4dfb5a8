// Package verdict folds the events of `go test -json` into a graded result
// per exercise: a status, and the checks that make it up, each with its
// points and a message for the student.
//
// It trusts nothing that it did not see: a check passes only when each of
// its hidden tests reported pass together with a valid seal (see
// check.Seal). A test that never ran, one whose binary died while it ran,
// and output that imitates a result all count as failures.
package verdict

import (
	"crypto/hmac"
	"fmt"
	"strings"
	"sync"

	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/rules"
	"github.com/go-concurrency-lab/course/grader/internal/seal"
	"github.com/go-concurrency-lab/course/grader/internal/testjson"
	"github.com/go-concurrency-lab/course/grader/internal/traceback"
)

// Status is a grading outcome. It is not a test2json Action.
type Status string

// The outcomes of a check or an exercise.
const (
	Pass  Status = "pass"
	Fail  Status = "fail"
	Error Status = "error" // the code did not build, or the grader could not tell
	Skip  Status = "skip"  // not checked, or not scored yet; never a pass
)

// Check is one check of an exercise.
type Check struct {
	Name     catalog.Check `json:"name"`
	Status   Status        `json:"status"`
	Score    int           `json:"score"`
	MaxScore int           `json:"max_score"`
	Message  string        `json:"message,omitempty"`
	// Detail is what the message was made from, in full: the tests' own
	// output, race reports, goroutine dumps. The text report saves it in
	// the exercise's log file; -v prints it.
	Detail string `json:"detail,omitempty"`
}

// Result is one graded exercise.
type Result struct {
	Exercise string   `json:"name"`
	Title    string   `json:"title"`
	Status   Status   `json:"status"`
	Score    int      `json:"score"`
	MaxScore int      `json:"max_score"`
	Checks   []Check  `json:"checks"`
	Notices  []string `json:"notices,omitempty"`
	// Vet lists what go vet's analyzers found in the student's code, one
	// line each at its file:line: often the real cause of a failure.
	Vet []string `json:"vet,omitempty"`
	// Seconds is the wall time of the exercise's test binary.
	Seconds float64 `json:"seconds"`
	// Log is the full detail of every check that did not pass, for the
	// exercise's log file (report.SaveLogs).
	Log string `json:"-"`
}

// Check returns the named check, or nil.
func (r *Result) Check(name catalog.Check) *Check {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			return &r.Checks[i]
		}
	}
	return nil
}

// Input is what the grader knows of one package before its tests run.
type Input struct {
	Exercise   *catalog.Exercise
	ImportPath string
	Label      string           // the package folder's name, which seals carry
	Files      traceback.Filter // the student's files
	Violations []rules.Violation
	// Sources are the student's files, named as messages name them
	// (exercises/05-racy-counter/counter.go); advice reads them so as not
	// to suggest what the code already does. Nil reads them from Files.Dir.
	Sources []rules.Source
	// Vet is what go vet's analyzers said about the student's files.
	Vet     []VetFinding
	Notices []string
	Race    bool   // built with -race
	RaceWhy string // why not, when Race is false
	Missing string // when set, the package could not be graded at all: why
}

// Folder folds a stream of events into results. Feed it with Event, and
// with Stopped when the grader stops a test process from outside; the two
// may be called from different goroutines.
type Folder struct {
	mu   sync.Mutex
	key  []byte
	pkgs map[string]*pkg
	list []*pkg
	// other holds the build output of packages that are not graded, by
	// import path.
	other map[string]*strings.Builder
}

// Stop is the grader stopping a package's test process from outside.
type Stop struct {
	Memory    int64 // the process's resident memory, in bytes, when it passed MaxMemory
	MaxMemory int64
	Time      bool  // it ran past the exercise's time limit (its own -timeout did not stop it)
	Output    int64 // what its tests printed, in bytes, when it passed MaxOutput
	MaxOutput int64
}

// Stopped records that the grader stopped the package's test process. Call
// it before the stream ends; a time stop expects the goroutine dump of
// SIGQUIT to follow in the stream.
func (f *Folder) Stopped(importPath string, s Stop) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.pkgs[importPath]
	if p == nil {
		return
	}
	if s.Memory > 0 && p.stop.Memory == 0 {
		p.stop.Memory, p.stop.MaxMemory = s.Memory, s.MaxMemory
	}
	if s.Output > 0 && p.stop.Output == 0 {
		p.stop.Output, p.stop.MaxOutput = s.Output, s.MaxOutput
	}
	if s.Time && !p.stop.Time {
		p.stop.Time = true
		p.timedOut, p.dumping = true, true
		p.dump = tailBuffer{}
	}
}

// NewFolder returns a Folder for the packages of one go test invocation,
// whose binaries got key as their seal key.
func NewFolder(key []byte, inputs []Input) *Folder {
	f := &Folder{key: key, pkgs: map[string]*pkg{}}
	for _, in := range inputs {
		p := &pkg{Input: in, tests: map[string]*test{}}
		if p.Files.Source == nil {
			p.Files.Source = p.source
		}
		f.pkgs[in.ImportPath] = p
		f.list = append(f.list, p)
	}
	return f
}

type pkg struct {
	Input
	buildOut  strings.Builder
	failed    bool // build failed
	started   bool
	done      bool
	action    testjson.Action
	elapsed   float64
	out       tailBuffer // output outside any test
	tests     map[string]*test
	order     []string
	raceText  tailBuffer
	raceSeen  bool
	inRace    bool
	timedOut  bool
	timeoutIn string // the test in which the time-out was seen
	dumping   bool   // after a test time-out: the goroutine dump follows
	dump      tailBuffer
	stop      Stop // set when the grader stopped the test process
	keyGone   bool // check found the seal key gone: something read it first
}

type test struct {
	entries []entry // what the test logged, by kind (see classify)
	sub     []entry // what its failed subtests logged
	crash   *crash  // the test crashed the program
	name    string
	action  testjson.Action // run, then pass, fail or skip
	sealed  bool
	results int // result events seen: a real test sends one
	out     tailBuffer
	elapsed float64
}

// importPathOf reads a build event's ImportPath: "p [p.test]" or "p".
func importPathOf(ip string) string {
	p, _, _ := strings.Cut(ip, " ")
	return strings.TrimSuffix(p, ".test")
}

// Event takes the next event of the stream.
func (f *Folder) Event(ev testjson.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ev.Action == testjson.BuildOutput || ev.Action == testjson.BuildFail {
		ip := importPathOf(ev.ImportPath)
		p := f.pkgs[ip]
		if p == nil {
			// The build of something a graded package needs: an import
			// that does not resolve, a package of the student's own. Its
			// words go to the package that names it in FailedBuild.
			if ev.Action == testjson.BuildOutput && len(f.other) < 64 {
				if f.other == nil {
					f.other = map[string]*strings.Builder{}
				}
				b := f.other[ip]
				if b == nil {
					b = new(strings.Builder)
					f.other[ip] = b
				}
				if b.Len() < 64<<10 {
					b.WriteString(ev.Output)
				}
			}
			return
		}
		if ev.Action == testjson.BuildFail {
			p.failed = true
		} else if p.buildOut.Len() < 64<<10 {
			p.buildOut.WriteString(ev.Output)
		}
		return
	}
	p := f.pkgs[ev.Package]
	if p == nil {
		return
	}
	if ev.Test == "" {
		switch ev.Action {
		case testjson.Start:
			p.started = true
		case testjson.Output:
			p.output(ev.Output, "")
		case testjson.Pass, testjson.Fail, testjson.Skip:
			p.done, p.action, p.elapsed = true, ev.Action, ev.Elapsed
			if ev.FailedBuild != "" {
				p.failed = true
				if b := f.other[importPathOf(ev.FailedBuild)]; b != nil && p.buildOut.Len() == 0 {
					p.buildOut.WriteString(b.String())
				}
			}
		}
		return
	}
	t := p.tests[ev.Test]
	if t == nil {
		t = &test{name: ev.Test}
		p.tests[ev.Test] = t
		p.order = append(p.order, ev.Test)
	}
	switch ev.Action {
	case testjson.Run:
		t.action = testjson.Run
	case testjson.Output:
		if strings.Contains(ev.Output, seal.Prefix) && !strings.Contains(ev.Test, "/") {
			t.sealed = t.sealed || f.validSeal(p, ev.Test, ev.Output)
		}
		p.output(ev.Output, ev.Test)
		t.out.WriteString(ev.Output)
	case testjson.Pass, testjson.Fail, testjson.Skip:
		// A test reports one result. More than one means that the code
		// under test printed framing lines of its own (the framing byte
		// is no secret): a fail stays a fail, and a pass is not trusted.
		t.results++
		if t.action != testjson.Fail {
			t.action = ev.Action
		}
		t.elapsed = ev.Elapsed
	}
}

func (f *Folder) validSeal(p *pkg, name, line string) bool {
	_, got, _ := strings.Cut(line, seal.Prefix)
	got = strings.TrimSpace(got)
	want := seal.Of(f.key, p.Label+"/"+name)
	return len(f.key) > 0 && hmac.Equal([]byte(got), []byte(want))
}

// output watches every line a package prints for the signs of a race or a
// time-out, wherever in the stream they are.
func (p *pkg) output(line, testName string) {
	switch {
	case strings.Contains(line, "WARNING: DATA RACE"):
		p.raceSeen, p.inRace = true, true
	case p.inRace && strings.HasPrefix(line, "=================="):
		p.inRace = false
	case strings.Contains(line, seal.RaceMarker):
		p.raceSeen = true
	case strings.HasPrefix(line, "panic: test timed out after"):
		p.timedOut = true
		p.timeoutIn = testName
		p.dumping = true
	case strings.Contains(line, seal.KeyGoneMarker):
		p.keyGone = true
	case strings.Contains(line, seal.TimeMarker):
		p.timedOut = true
		if p.timeoutIn == "" {
			p.timeoutIn = testName
		}
	}
	if p.inRace {
		p.raceText.WriteString(line)
	}
	if p.dumping {
		p.dump.WriteString(line)
	}
	if testName == "" {
		p.out.WriteString(line)
	}
}

// tailBuffer keeps the head and the tail of what is written to it, so that
// a test that prints gigabytes costs the grader a few hundred kilobytes.
type tailBuffer struct {
	head    strings.Builder
	tail    []byte
	dropped int
}

const (
	headSize = 32 << 10
	tailSize = 160 << 10
)

func (b *tailBuffer) WriteString(s string) {
	if room := headSize - b.head.Len(); room > 0 {
		n := min(room, len(s))
		b.head.WriteString(s[:n])
		s = s[n:]
	}
	b.tail = append(b.tail, s...)
	if over := len(b.tail) - tailSize; over > 0 {
		b.dropped += over
		b.tail = append(b.tail[:0], b.tail[over:]...)
	}
}

func (b *tailBuffer) String() string {
	if b.dropped == 0 {
		return b.head.String() + string(b.tail)
	}
	return fmt.Sprintf("%s\n... (%d bytes left out) ...\n%s", b.head.String(), b.dropped, b.tail)
}
