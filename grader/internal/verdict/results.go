package verdict

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/seal"
	"github.com/go-concurrency-lab/course/grader/internal/testjson"
	"github.com/go-concurrency-lab/course/grader/internal/traceback"
)

// Results returns one result per package, in the order of the inputs. Call
// it once the stream has ended; stopped says why it ended early (the
// grader's own deadline, say), or is "" when it ran to its end.
func (f *Folder) Results(stopped string) []Result {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Result, 0, len(f.list))
	for _, p := range f.list {
		out = append(out, p.result(stopped))
	}
	return out
}

// Result returns the result of one package as soon as it is known: once
// the package's own pass, fail or skip event has arrived (nothing of it
// follows that), or at once for a package that could not be graded. It is
// what Results will say of it, unless the whole run is redone.
func (f *Folder) Result(importPath string) (Result, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.pkgs[importPath]
	if p == nil || !p.done && p.Missing == "" {
		return Result{}, false
	}
	return p.result(""), true
}

func (p *pkg) result(stopped string) Result {
	e := p.Exercise
	r := Result{Exercise: e.Name, Title: e.Title, MaxScore: e.MaxScore(), Notices: p.Notices, Seconds: p.elapsed}
	checks := []catalog.Check{catalog.Build}
	for _, c := range catalog.Checks[1:] {
		if _, ok := e.Points[c]; ok {
			checks = append(checks, c)
		}
	}
	for _, c := range checks {
		r.Checks = append(r.Checks, Check{Name: c, MaxScore: e.Points[c]})
	}

	switch {
	case p.Missing != "":
		r.skipAll(Error, p.Missing)
	case p.keyGone:
		r.skipAll(Error, KeyGone)
	case p.failed:
		r.skipAll(Skip, "Not checked: the code does not build yet.")
		b := r.Check(catalog.Build)
		b.Status, b.Message = Error, p.buildMessage()
	case !p.done && stopped != "":
		r.skipAll(Skip, "Not checked: the tests were stopped before they finished.")
		r.set(catalog.Build, Pass, "")
		msg := stopped
		if where := p.blocked(); where != "" {
			msg += "\nYour goroutines were:\n" + where
		}
		if r.Check(catalog.Time) != nil {
			r.set(catalog.Time, Fail, msg)
		} else {
			r.Check(catalog.Build).Message = msg
			r.Check(catalog.Build).Status = Error
		}
	case !p.done && len(p.tests) == 0:
		// (With tests seen, the package's own result can still be missing:
		// test2json gives the "ok" of a binary that exited mid-test to the
		// test that was running. Grade what was seen.)
		r.skipAll(Error, "The grader got no result for this exercise: the go command ended before testing it.")
	default:
		p.grade(&r)
	}
	r.total()
	return r
}

// KeyGone is the message of an exercise whose test binary lost its seal
// key to something that read it before the hidden tests could.
const KeyGone = "The grader's key for this exercise's test binary was gone before the hidden tests could read it: " +
	"something in the binary read it first. Nothing of this run is graded."

// skipAll gives every check the status and message.
func (r *Result) skipAll(s Status, msg string) {
	for i := range r.Checks {
		r.Checks[i].Status, r.Checks[i].Message = s, msg
	}
}

func (r *Result) set(name catalog.Check, s Status, msg string) {
	if c := r.Check(name); c != nil {
		c.Status, c.Message = s, msg
	}
}

// GatedPrefix starts the message of a check that found nothing wrong but is
// not scored because behaviour or the rules do not pass yet.
const GatedPrefix = "not scored until behaviour and rules pass:"

// grade decides each check of a package whose tests ran.
func (p *pkg) grade(r *Result) {
	e := p.Exercise
	r.set(catalog.Build, Pass, "")
	for _, c := range []catalog.Check{catalog.Behaviour, catalog.Ordering, catalog.Leaks} {
		if r.Check(c) == nil {
			continue
		}
		ok, msg := p.testsPass(e.Tests[c])
		if ok {
			r.set(c, Pass, "")
		} else {
			r.set(c, Fail, msg)
		}
	}
	if r.Check(catalog.Race) != nil {
		ok, msg := p.testsPass(e.Tests[catalog.Race])
		switch {
		case !p.Race:
			r.set(catalog.Race, Error, "Not checked: "+p.RaceWhy+". Data races could not be looked for, so this exercise cannot pass here; the classroom's grader will check it.")
		case p.raceSeen:
			r.set(catalog.Race, Fail, p.raceMessage())
		case !ok:
			r.set(catalog.Race, Fail, msg)
		case !p.expectedRan():
			r.set(catalog.Race, Skip, "Not checked: the race detector only sees races in code that ran, and not all the tests ran to the end.")
		default:
			r.set(catalog.Race, Pass, "")
		}
	}
	if r.Check(catalog.Rules) != nil {
		if len(p.Violations) == 0 {
			r.set(catalog.Rules, Pass, "")
		} else {
			var lines []string
			for _, v := range p.Violations {
				lines = append(lines, v.String())
			}
			r.set(catalog.Rules, Fail, strings.Join(lines, "\n"))
		}
	}
	if r.Check(catalog.Time) != nil {
		if p.timedOut {
			r.set(catalog.Time, Fail, p.timeMessage())
		} else {
			r.set(catalog.Time, Pass, "")
		}
	}
	if c := r.Check(catalog.Behaviour); (p.stop.Memory > 0 || p.stop.Output > 0) && !strings.Contains(c.Message, "grader allows") {
		c.Status = Fail
		c.Message = strings.TrimSpace("The grader stopped the tests: " + p.stopMessage() + "\n\n" + c.Message)
	}
	if p.timedOut && r.Check(catalog.Time) == nil {
		r.Notices = append(r.Notices, p.timeMessage())
	}

	// Points are earned by code that does the job the exercise asks for,
	// the way it asks: a stub that does nothing earns nothing, however
	// clean, race-free and quick it is.
	gate := r.Check(catalog.Behaviour).Status == Pass
	if c := r.Check(catalog.Rules); c != nil && c.Status != Pass {
		gate = false
	}
	if !gate {
		for i := range r.Checks {
			c := &r.Checks[i]
			if c.Name == catalog.Behaviour || c.Status != Pass || c.MaxScore == 0 {
				continue
			}
			c.Status = Skip
			c.Message = GatedPrefix + " code that does not do the job yet earns no points."
		}
	}
}

// total sets the score and the status of the result from its checks.
func (r *Result) total() {
	r.Score, r.Status = 0, Pass
	for i := range r.Checks {
		c := &r.Checks[i]
		c.Score = 0
		if c.Status == Pass {
			c.Score = c.MaxScore
		}
		r.Score += c.Score
		switch {
		case c.Status == Error:
			r.Status = Error
		case c.Status != Pass && r.Status == Pass:
			r.Status = Fail
		}
	}
}

// expectedRan reports whether every hidden test of the exercise finished.
func (p *pkg) expectedRan() bool {
	for _, name := range p.Exercise.AllTests() {
		t := p.tests[name]
		if t == nil || t.action == testjson.Run || t.action == "" {
			return false
		}
	}
	return true
}

// testsPass reports whether every named test passed with a valid seal, and
// if not, explains the first that did not.
func (p *pkg) testsPass(names []string) (bool, string) {
	var msgs []string
	for _, name := range names {
		t := p.tests[name]
		switch {
		case t == nil:
			msgs = append(msgs, p.notRun(name))
		case t.action == testjson.Pass && t.sealed && t.results == 1:
			continue
		case t.action == testjson.Pass && t.results > 1:
			msgs = append(msgs, fmt.Sprintf("%s reported %d results: something printed test results that the hidden test did not write.\n"+
				"Only the grader's own tests count; code that prints imitations of them fails.", name, t.results))
		case t.action == testjson.Pass:
			msgs = append(msgs, fmt.Sprintf("%s reported a pass that the grader cannot confirm: the hidden test's seal is missing.\n"+
				"Something printed test results that the hidden test did not write. Only the grader's own tests count.", name))
		case t.action == testjson.Fail && t.results > 1:
			msgs = append(msgs, fmt.Sprintf("%s failed, and something printed test results that the hidden test did not write,\n"+
				"so the test's own words may be mixed up with them:\n%s", name, indent(p.failure(t))))
		case t.action == testjson.Fail:
			msgs = append(msgs, p.failure(t))
		case t.action == testjson.Skip:
			msgs = append(msgs, fmt.Sprintf("%s was skipped, and a skipped test proves nothing.", name))
		default:
			msgs = append(msgs, p.crashed(t))
		}
	}
	if len(msgs) == 0 {
		return true, ""
	}
	return false, strings.Join(msgs, "\n\n")
}

// notRun explains a hidden test that never started.
func (p *pkg) notRun(name string) string {
	msg := fmt.Sprintf("The hidden test %s never ran.", name)
	out := strings.TrimSpace(p.out.String())
	switch {
	case p.stop.Memory > 0 || p.stop.Output > 0:
		msg += " The program was stopped before the tests started: " + p.stopMessage()
	case crashLine.MatchString(out):
		msg += " The program crashed before the tests started:\n" + traceback.DescribeCrash(out, p.Files)
	default:
		msg += " Something ended the program before the tests could start:\n" +
			"look for os.Exit, log.Fatal or a panic in an init function, or for code that changes the test flags."
		if tail := tidy(lastLines(out, 8)); tail != "" {
			msg += "\nIt printed:\n" + indent(tail)
		}
	}
	return msg
}

// crashed explains a test that started and never reported a result: the
// test binary died under it.
func (p *pkg) crashed(t *test) string {
	out := t.out.String() + p.out.String()
	switch {
	case p.stop.Memory > 0 || p.stop.Output > 0:
		return fmt.Sprintf("%s was stopped: %s", t.name, p.stopMessage())
	case p.timedOut && (p.timeoutIn == t.name || p.timeoutIn == ""):
		return fmt.Sprintf("%s did not finish in time; see the time check.", t.name)
	case crashLine.MatchString(out):
		return fmt.Sprintf("%s crashed:\n%s", t.name, traceback.DescribeCrash(out, p.Files))
	}
	return fmt.Sprintf("%s started but never finished: the program ended in the middle of it.\n"+
		"Does your code call os.Exit, log.Fatal or runtime.Goexit?", t.name)
}

// failure explains a test that failed, from what it logged.
func (p *pkg) failure(t *test) string {
	out := t.out.String()
	// Only the runtime writes "panic: " at the start of a line; a test's own
	// messages are indented, even when they quote a program's panic.
	if crashLine.MatchString(out) && !strings.Contains(out, "[recovered]") {
		return fmt.Sprintf("%s crashed:\n%s", t.name, traceback.DescribeCrash(out, p.Files))
	}
	if _, timed := p.Exercise.Points[catalog.Time]; timed && strings.Contains(out, seal.TimeMarker) {
		// The time check shows where the program hung; saying it again
		// under every check would bury the rest.
		return fmt.Sprintf("%s: the program did not finish in time, see the time check.", t.name)
	}
	// A race fails the test it happens in (testing.go: "race detected
	// during execution of test"); the race check explains it.
	raced := strings.Contains(out, "race detected during execution of test")
	if raced {
		out = raceBlock.ReplaceAllString(out, "")
		out = raceFailLine.ReplaceAllString(out, "")
	}
	msg := tidy(p.cutPanicStacks(out))
	// A test that failed through its subtests says little itself: their
	// messages are the explanation.
	for _, name := range p.order {
		if sub := p.tests[name]; strings.HasPrefix(name, t.name+"/") && sub.action == testjson.Fail {
			if m := tidy(sub.out.String()); m != "" {
				msg = strings.TrimSpace(msg + "\n" + name[len(t.name)+1:] + ": " + m)
			}
		}
	}
	switch {
	case raced && msg == "":
		return fmt.Sprintf("%s failed because the race detector found a data race while it ran: see the race check.", t.name)
	case raced:
		msg += "\n(The race detector found a data race in it too: see the race check.)"
	case msg == "":
		msg = "it failed without saying why"
	}
	return msg
}

var (
	raceBlock     = regexp.MustCompile(`(?s)==================\nWARNING: DATA RACE\n.*?==================\n`)
	raceFailLine  = regexp.MustCompile(`(?m)^.*testing\.go:\d+: race detected during execution of test\n?`)
	crashLine     = regexp.MustCompile(`(?m)^(panic: |fatal error: )`)
	framework     = regexp.MustCompile(`^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (FAIL|PASS|SKIP):)`)
	testifyIndent = regexp.MustCompile(`^\s*\t {12}\t`)
	logPrefix     = regexp.MustCompile(`^    [\w.-]+\.go:\d+: `)
	testify       = regexp.MustCompile(`^\s*(Error Trace:|Test:|Error:\s*$)`)
)

// tidy turns a test's output into the message it wrote for the student:
// without the testing framework's lines, the hidden test's file:line
// prefixes, testify's trace lines, and the seal.
func tidy(out string) string {
	var keep []string
	skipTrace := false
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimRight(l, "\r")
		switch {
		case framework.MatchString(l), strings.Contains(l, seal.Prefix),
			strings.TrimSpace(l) == seal.RaceMarker, strings.TrimSpace(l) == seal.TimeMarker:
			continue
		case testify.MatchString(l):
			skipTrace = strings.Contains(l, "Error Trace:")
			continue
		case skipTrace && strings.HasPrefix(strings.TrimSpace(l), "/"):
			continue
		}
		skipTrace = false
		l = logPrefix.ReplaceAllString(l, "")
		l = strings.TrimPrefix(l, "        ")
		l = strings.Replace(l, "Error:      \t", "", 1)
		l = strings.Replace(l, "Messages:   \t", "", 1)
		// testify's continuation lines, and its stock words before a message
		// the hidden test wrote itself.
		l = testifyIndent.ReplaceAllString(l, "")
		if t := strings.TrimSpace(l); t == "Should be true" || t == "Should be false" {
			continue
		}
		if strings.TrimSpace(l) == "" && (len(keep) == 0 || keep[len(keep)-1] == "") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

var stackLine = regexp.MustCompile(`^(\S.*\.go:\d+( \+0x[0-9a-f]+)?|\S+\(.*\)|created by .*|goroutine \d+ \[.*\]:)$`)

// cutPanicStacks replaces the stack that testify's NotPanics prints with the
// student's line it passed through.
func (p *pkg) cutPanicStacks(out string) string {
	lines := strings.Split(out, "\n")
	var keep []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		j := strings.Index(l, "Panic stack:")
		if j < 0 {
			keep = append(keep, l)
			continue
		}
		where := ""
		for i+1 < len(lines) && stackLine.MatchString(strings.TrimSpace(lines[i+1])) {
			i++
			f := strings.TrimSpace(lines[i])
			if k := strings.LastIndex(f, ".go:"); k > 0 && where == "" {
				file := f[:k+3]
				line := strings.Fields(f[k+4:])[0]
				if p.Files.Mine(file) {
					where = p.Files.Rel(file) + ":" + line
				}
			}
		}
		if where != "" {
			keep = append(keep, l[:j]+"Panicked at "+where)
		}
	}
	return strings.Join(keep, "\n")
}

// buildMessage is the compiler's words, at the student's lines.
func (p *pkg) buildMessage() string {
	var keep []string
	hidden := false
	for _, l := range strings.Split(p.buildOut.String(), "\n") {
		l = strings.TrimRight(l, "\r")
		if l == "" || strings.HasPrefix(l, "# ") {
			continue
		}
		for _, h := range p.Exercise.Hidden {
			if strings.Contains(l, h.Name) {
				hidden = true
			}
		}
		keep = append(keep, l)
		if len(keep) == 12 {
			keep = append(keep, "...")
			break
		}
	}
	msg := "Your code does not compile:\n" + indent(strings.Join(keep, "\n"))
	if hidden {
		msg += "\nWhere an error is in a file of the grader's (*_test.go), the hidden tests call something your code no longer\n" +
			"has: keep the names and signatures the stub gave you."
	}
	return msg
}

// stopMessage says why the grader stopped the test process.
func (p *pkg) stopMessage() string {
	if p.stop.Memory > 0 {
		return fmt.Sprintf("the test process used %s of memory, more than the %s the grader allows.\n"+
			"Look for code that starts goroutines or grows a slice or a map without end.", mib(p.stop.Memory), mib(p.stop.MaxMemory))
	}
	return fmt.Sprintf("the tests printed more than the %s of output the grader allows (%s by then).\n"+
		"Look for a loop that prints without end.", mib(p.stop.MaxOutput), mib(p.stop.Output))
}

func mib(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }

func (p *pkg) raceMessage() string {
	races := traceback.Races(p.raceText.String())
	var b strings.Builder
	b.WriteString("The race detector found a data race:\n")
	for i, r := range races {
		if i == 3 {
			fmt.Fprintf(&b, "  ... and %d more\n", len(races)-3)
			break
		}
		b.WriteString(traceback.DescribeRace(r, p.Files))
	}
	if len(races) == 0 {
		// Races in a program run by check.RunMain are described in its test.
		for _, t := range p.tests {
			if out := t.out.String(); strings.Contains(out, seal.RaceMarker) {
				return tidy(strings.ReplaceAll(out, seal.RaceMarker, ""))
			}
		}
	}
	b.WriteString("Two goroutines used the same memory at the same time, and at least one of them wrote to it.\n" +
		"Protect it with a sync.Mutex, use sync/atomic, or hand the value over a channel.")
	return b.String()
}

func (p *pkg) timeMessage() string {
	if p.dump.String() == "" {
		// A program run by check.RunMain hung: the first test that saw it
		// says where, in the lines before its marker.
		for _, name := range p.order {
			out := p.tests[name].out.String()
			if i := strings.Index(out, seal.TimeMarker); i >= 0 {
				return tidy(out[:i])
			}
		}
	}
	msg := fmt.Sprintf("The tests did not finish within %v, so they were stopped.", p.Exercise.Timeout)
	if where := p.blocked(); where != "" {
		msg += " Your goroutines were:\n" + where
	}
	return msg + "A program that never ends is usually waiting for something that never happens:\n" +
		"a WaitGroup that never gets back to zero, a channel nobody sends on or closes, a lock nobody unlocks."
}

// blocked describes the student's goroutines in the last goroutine dump.
func (p *pkg) blocked() string {
	return traceback.DescribeBlocked(traceback.Goroutines(p.dump.String()), p.Files)
}

func lastLines(s string, n int) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.Join(ls, "\n")
}

func indent(s string) string {
	if s == "" {
		return ""
	}
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
