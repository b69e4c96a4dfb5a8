package verdict

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/testjson"
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
		b := r.Check("build")
		b.Status, b.Message = Error, p.buildMessage()
		b.Detail = strings.TrimSpace(p.buildOut.String())
	case !p.done && stopped != "":
		r.skipAll(Skip, "Not checked: the tests were stopped before they finished.")
		r.set("build", Pass, "")
		msg := stopped
		if where := p.blocked(); where != "" {
			msg += "\nYour goroutines were:\n" + where
		}
		if r.Check("time") != nil {
			r.set("time", Fail, msg)
		} else {
			r.Check("build").Message = msg
			r.Check("build").Status = Error
		}
	case !p.done && len(p.tests) == 0:
		// (With tests seen, the package's own result can still be missing:
		// test2json gives the "ok" of a binary that exited mid-test to the
		// test that was running. Grade what was seen.)
		r.skipAll(Error, "The grader got no result for this exercise: the go command ended before testing it.")
	default:
		p.grade(&r)
	}
	r.Vet = p.vetLines()
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

// grade decides each check of a package whose tests ran. Each check fails
// for its own kind of trouble only: race when the race detector reported a
// race, leaks when goroutines were left behind, time when the tests ran out
// of time, and behaviour (or ordering) for everything else, whichever check
// the test that showed it is listed under. A check whose tests did not pass
// for another check's reason is not checked, and says where to look.
func (p *pkg) grade(r *Result) {
	r.set("build", Pass, "")
	p.classify()
	for _, c := range []catalog.Check{catalog.Behaviour, catalog.Ordering, catalog.Leaks, catalog.Race} {
		if cc := r.Check(c); cc != nil {
			cc.Status, cc.Message, cc.Detail = p.judge(c)
		}
	}
	if c := r.Check("race"); c != nil && !p.Race {
		c.Status, c.Message = Error, "Not checked: "+p.RaceWhy+". Data races could not be looked for, so this exercise cannot pass here; the classroom's grader will check it."
	}
	if r.Check("rules") != nil {
		if len(p.Violations) == 0 {
			r.set("rules", Pass, "")
		} else {
			var lines []string
			for _, v := range p.Violations {
				lines = append(lines, v.String())
			}
			r.set("rules", Fail, strings.Join(lines, "\n"))
		}
	}
	if c := r.Check("time"); c != nil {
		if p.hung() {
			c.Status, c.Message, c.Detail = Fail, p.fitCode(p.timeMessage()), p.dump.String()
		} else {
			r.set("time", Pass, "")
		}
	}
	if c := r.Check("behaviour"); (p.stop.Memory > 0 || p.stop.Output > 0) && !strings.Contains(c.Message, "grader allows") {
		c.Status = Fail
		c.Message = strings.TrimSpace("The grader stopped the tests: " + p.stopMessage() + "\n\n" + c.Message)
	}
	if p.hung() && r.Check("time") == nil {
		r.Notices = append(r.Notices, p.timeMessage())
	}
	r.dedupeGoroutines()

	// Points are earned by code that does the job the exercise asks for,
	// the way it asks: a stub that does nothing earns nothing, however
	// clean, race-free and quick it is.
	gate := r.Check("behaviour").Status == Pass
	if c := r.Check("rules"); c != nil && c.Status != Pass {
		gate = false
	}
	if !gate {
		for i := range r.Checks {
			c := &r.Checks[i]
			if c.Name == "behaviour" || c.Status != Pass || c.MaxScore == 0 {
				continue
			}
			c.Status = Skip
			c.Message = GatedPrefix + " code that does not do the job yet earns no points."
		}
	}
	r.Log = r.log()
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

// hung reports whether the tests ran out of time.
func (p *pkg) hung() bool {
	if p.timedOut {
		return true
	}
	for _, t := range p.tests {
		if t.has(kindTime) {
			return true
		}
	}
	return false
}

// kindOwner is the check that a kind of trouble is charged to in this
// exercise: its own check when the exercise has it, behaviour otherwise.
func (p *pkg) kindOwner(k kind) catalog.Check {
	own := map[kind]catalog.Check{kindRace: catalog.Race, kindLeak: catalog.Leaks, kindTime: catalog.Time}[k]
	if _, ok := p.Exercise.Points[own]; own == "" || !ok || (k == kindRace && !p.Race) {
		return "behaviour"
	}
	return own
}

// judge decides a check proved by hidden tests: its status, the diagnosis
// for the student and the full detail.
func (p *pkg) judge(check catalog.Check) (Status, string, string) {
	names := p.Exercise.Tests[check]
	switch check {
	case "race":
		if p.Race && p.raceSeen {
			msg, detail := p.raceMessage()
			return Fail, msg, detail
		}
	case "leaks":
		// A leak found by any test is a leak, whichever check lists it.
		if t := p.firstWith(kindLeak, p.order); t != nil {
			return Fail, p.leakMessage(t), t.out.String()
		}
	}
	if check == "behaviour" || check == "ordering" {
		candidates := names
		if check == "behaviour" {
			candidates = append(append([]string{}, names...), p.unlisted()...)
		}
		if msg, detail, failed := p.behaviourFailure(check, candidates); failed {
			return Fail, msg, detail
		}
	}
	// Nothing of this check's own kind went wrong. It passes if all its
	// tests passed; if not, another check explains why.
	var reasons []string
	for _, name := range names {
		t := p.tests[name]
		if t != nil && t.passed() {
			continue
		}
		reasons = append(reasons, p.elsewhere(name))
	}
	switch {
	case len(reasons) > 0:
		return Skip, "Not checked: " + joinReasons(reasons), ""
	case check == "race" && !p.expectedRan():
		return Skip, "Not checked: the race detector only sees races in code that ran, and not all the tests ran to the end.", ""
	}
	return Pass, "", ""
}

// unlisted names the hidden tests that neither behaviour nor ordering
// lists: a wrong result they find is still behaviour's to report.
func (p *pkg) unlisted() []string {
	listed := map[string]bool{}
	for _, c := range []catalog.Check{catalog.Behaviour, catalog.Ordering} {
		for _, n := range p.Exercise.Tests[c] {
			listed[n] = true
		}
	}
	var out []string
	for _, n := range p.Exercise.AllTests() {
		if !listed[n] {
			out = append(out, n)
		}
	}
	return out
}

// behaviourFailure explains the first test of names that failed in a way
// that is behaviour's (or ordering's) to report, if any did.
func (p *pkg) behaviourFailure(check catalog.Check, names []string) (msg, detail string, failed bool) {
	var first *test
	var firstName string
	var others []string
	for _, name := range names {
		t := p.tests[name]
		if t != nil && t.passed() {
			continue
		}
		if !p.behaviourKind(name) {
			continue
		}
		if first == nil && firstName == "" {
			first, firstName = t, name
			continue
		}
		others = append(others, name)
	}
	// A crash ends the test program: it is behaviour's, whichever check
	// lists the test that crashed.
	if check == "behaviour" && first == nil && firstName == "" {
		for _, name := range p.order {
			if t := p.tests[name]; !strings.Contains(name, "/") && t.crash != nil {
				first, firstName = t, name
				break
			}
		}
	}
	if first == nil && firstName == "" {
		return "", "", false
	}
	if first == nil {
		msg = p.notRun(firstName)
	} else {
		msg = p.explain(first)
		detail = first.out.String()
	}
	msg = clip(p.fitCode(msg), maxDiagnosis)
	if first != nil && first.crash == nil && !p.namesLine(msg) {
		if at := p.lookAt(msg); at != "" {
			if i := strings.LastIndex(msg, "\n"+saidMore); i >= 0 {
				msg = msg[:i] + "\n" + at + msg[i:]
			} else {
				msg += "\n" + at
			}
		}
	}
	// The log has what every one of them printed.
	for _, name := range others {
		if t := p.tests[name]; t != nil {
			detail += "\n" + t.out.String()
		} else {
			detail += "\n=== " + name + ": did not run\n"
		}
	}
	if len(others) > 0 {
		if i := strings.LastIndex(msg, "\n"+saidMore); i >= 0 && !strings.Contains(msg[i+1:], "\n") {
			// One line for both: "(It said 2 things more, and TestB failed too: ...)".
			msg = msg[:i] + "\n" + strings.TrimSuffix(msg[i+1:], ": see the full log.)") +
				", and " + p.others(others) + ": see the full log.)"
		} else {
			msg += "\n" + p.othersLine(others)
		}
	}
	return msg, detail, true
}

// behaviourKind reports whether a test that did not pass did so for a
// reason behaviour reports: a wrong result, a crash, a result that cannot be
// trusted, a test that never ran for no reason another check gives; or a
// race, a leak or a hang in an exercise without a check for it.
func (p *pkg) behaviourKind(name string) bool {
	t := p.tests[name]
	if t == nil {
		cause := p.cause()
		return cause == nil || cause.crash != nil || p.kindOwner(kindTime) == "behaviour"
	}
	switch {
	case t.crash != nil, t.action == testjson.Skip, t.results > 1, t.action == testjson.Pass:
		return true
	case t.has(kindAssert):
		return true
	case t.action == testjson.Run || t.action == "":
		// Started and never finished: a hang is time's; a binary that
		// just ended (os.Exit) is behaviour's.
		return !p.timedOut || p.kindOwner(kindTime) == "behaviour"
	}
	for _, k := range []kind{kindRace, kindLeak, kindTime} {
		if t.has(k) && p.kindOwner(k) == "behaviour" {
			return true
		}
	}
	return false
}

// elsewhere says, in a few words, which other check explains why the named
// test did not pass.
func (p *pkg) elsewhere(name string) string {
	t := p.tests[name]
	if t == nil {
		if c := p.cause(); c != nil {
			return fmt.Sprintf("%s did not run, because %s %s and the tests stopped there (see %s)", name, c.name, c.how(), p.causeCheck(c))
		}
		return name + " never ran (see behaviour)"
	}
	switch {
	case t.crash != nil:
		return fmt.Sprintf("%s %s (see %s)", name, t.how(), p.causeCheck(t))
	case t.has(kindRace) && !t.has(kindAssert):
		return fmt.Sprintf("%s failed only through the data race it ran into (see %s)", name, p.kindOwner(kindRace))
	case t.has(kindLeak) && !t.has(kindAssert):
		return fmt.Sprintf("%s failed only through the goroutines it found left behind (see %s)", name, p.kindOwner(kindLeak))
	case t.has(kindTime), t.action == testjson.Run, t.action == "":
		return fmt.Sprintf("%s did not finish (see %s)", name, p.kindOwner(kindTime))
	}
	return fmt.Sprintf("%s did not pass (see behaviour)", name)
}

func joinReasons(rs []string) string {
	if len(rs) > 3 {
		rs = append(rs[:3], fmt.Sprintf("and %d more", len(rs)-3))
	}
	return strings.Join(rs, "; ") + "."
}

// causeCheck is the check that explains why a test ended the program.
func (p *pkg) causeCheck(c *test) catalog.Check {
	if c.crash != nil {
		if c.crash.leak {
			return p.kindOwner(kindLeak)
		}
		return "behaviour"
	}
	return p.kindOwner(kindTime)
}

// cause is the test that ended the test program: the last one that started
// and crashed or never finished. Nil when every test that started finished.
func (p *pkg) cause() *test {
	for i := len(p.order) - 1; i >= 0; i-- {
		t := p.tests[p.order[i]]
		if strings.Contains(t.name, "/") {
			continue
		}
		if t.crash != nil || t.action == testjson.Run || t.action == "" || (p.timedOut && p.timeoutIn == t.name) {
			return t
		}
	}
	return nil
}

// firstWith returns the first test of names whose output shows trouble of
// kind k.
func (p *pkg) firstWith(k kind, names []string) *test {
	for _, name := range names {
		if t := p.tests[name]; t != nil && !strings.Contains(name, "/") && (t.has(k) || (k == kindLeak && t.crash != nil && t.crash.leak)) {
			return t
		}
	}
	return nil
}

func (p *pkg) othersLine(names []string) string {
	return fmt.Sprintf("(%s: see the full log.)", p.others(names))
}

// others says what became of the other tests: "TestB failed too, and
// TestC did not run".
func (p *pkg) others(names []string) string {
	var failed, notRun []string
	for _, n := range names {
		if p.tests[n] == nil {
			notRun = append(notRun, n)
		} else {
			failed = append(failed, n)
		}
	}
	var parts []string
	if len(failed) > 0 {
		parts = append(parts, list(failed)+" failed too")
	}
	if len(notRun) > 0 {
		parts = append(parts, list(notRun)+" did not run")
	}
	return strings.Join(parts, ", and ")
}

// list names tests in a sentence: "TestA", "TestA and TestB", "TestA, TestB and 3 more".
func list(names []string) string {
	switch n := len(names); {
	case n == 1:
		return names[0]
	case n == 2:
		return names[0] + " and " + names[1]
	case n > 3:
		return fmt.Sprintf("%s, %s and %d more", names[0], names[1], n-2)
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// notRun explains a hidden test that never started.
func (p *pkg) notRun(name string) string {
	if c := p.cause(); c != nil {
		return fmt.Sprintf("%s did not run: %s %s, and that ended the tests.\n%s",
			name, c.name, c.how(), p.explain(c))
	}
	msg := fmt.Sprintf("The hidden test %s never ran.", name)
	out := strings.TrimSpace(p.out.String())
	switch {
	case p.stop.Memory > 0 || p.stop.Output > 0:
		msg += " The program was stopped before the tests started: " + p.stopMessage()
	case crashLine.MatchString(out):
		msg += " The program crashed before the tests started:\n" + p.crashText(out)
	case len(p.order) > 0:
		msg += " The test program ended after " + p.order[len(p.order)-1] + " without running it:\n" +
			"does your code call os.Exit or log.Fatal, or change the test flags?"
	default:
		msg += " Something ended the program before the tests could start:\n" +
			"look for os.Exit, log.Fatal or a panic in an init function, or for code that changes the test flags."
		if tail := plain(lastLines(out, 6)); tail != "" {
			msg += "\nIt printed:\n" + indent(tail)
		}
	}
	return msg
}

// how says in a few words how a test ended the program.
func (t *test) how() string {
	switch {
	case t.crash != nil && t.crash.leak:
		return "left goroutines blocked"
	case t.crash != nil && t.crash.deadlock:
		return "deadlocked"
	case t.crash != nil:
		return "crashed"
	}
	return "hung"
}

// explain is the diagnosis of one test that did not pass, in the student's
// terms.
func (p *pkg) explain(t *test) string {
	switch {
	case p.stop.Memory > 0 || p.stop.Output > 0:
		return fmt.Sprintf("%s was stopped: %s", t.name, p.stopMessage())
	case t.action == testjson.Pass && t.results > 1:
		return fmt.Sprintf("%s reported %d results: something printed test results that the hidden test did not write.\n"+
			"Only the grader's own tests count; code that prints imitations of them fails.", t.name, t.results)
	case t.action == testjson.Pass:
		return fmt.Sprintf("%s reported a pass that the grader cannot confirm: the hidden test's seal is missing.\n"+
			"Something printed test results that the hidden test did not write. Only the grader's own tests count.", t.name)
	case t.action == testjson.Skip:
		return fmt.Sprintf("%s was skipped, and a skipped test proves nothing.", t.name)
	case t.crash != nil:
		return p.crashMessage(t)
	case t.action == testjson.Fail && t.results > 1:
		return fmt.Sprintf("%s failed, and something printed test results that the hidden test did not write,\n"+
			"so the test's own words may be mixed up with them:\n%s", t.name, indent(clip(p.failure(t), maxDiagnosis-2)))
	case t.action == testjson.Fail:
		return p.failure(t)
	case p.timedOut && (p.timeoutIn == t.name || p.timeoutIn == ""):
		return fmt.Sprintf("%s did not finish in time (see time).", t.name)
	}
	return fmt.Sprintf("%s started but never finished: the program ended in the middle of it.\n"+
		"Does your code call os.Exit, log.Fatal or runtime.Goexit?", t.name)
}

// failure explains a test that failed, from the messages it logged that
// are behaviour's: not the race detector's, not a leak report, not the
// time marker. What the test wrote for the student is the diagnosis.
func (p *pkg) failure(t *test) string {
	var parts []string
	for _, en := range t.entries {
		if en.kind == kindAssert || (en.kind != kindSeal && p.kindOwner(en.kind) == "behaviour") {
			parts = append(parts, en.text)
		}
	}
	// A test that failed through its subtests says little itself: their
	// messages are the explanation.
	for _, name := range p.order {
		if sub := p.tests[name]; strings.HasPrefix(name, t.name+"/") && sub.action == testjson.Fail {
			for _, en := range sub.entries {
				if en.kind == kindAssert {
					parts = append(parts, name[len(t.name)+1:]+": "+en.text)
				}
			}
		}
	}
	if len(parts) == 0 {
		return t.name + " failed without saying why."
	}
	// The first message is the diagnosis; the others are in the log.
	msg := clip(parts[0], maxDiagnosis-1)
	if n := len(parts) - 1; n == 1 {
		msg += "\n" + saidMore + "one thing more: see the full log.)"
	} else if n > 1 {
		msg += fmt.Sprintf("\n"+saidMore+"%d things more: see the full log.)", n)
	}
	return msg
}

// plain is output without the testing framework's lines.
func plain(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if !framework.MatchString(l) && strings.TrimSpace(l) != "" {
			keep = append(keep, strings.TrimRight(l, "\r"))
		}
	}
	return strings.Join(keep, "\n")
}

var (
	crashLine = regexp.MustCompile(`(?m)^(panic: |fatal error: )`)
	framework = regexp.MustCompile(`^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (FAIL|PASS|SKIP):)`)
)

// hiddenPos is the place of a compiler error: "exercises/05-x/hidden_test.go:12:5: msg".
var hiddenPos = regexp.MustCompile(`^(?:.*[/\\])?([\w.-]+_test\.go):\d+(?::\d+)?: (.*)$`)

// buildMessage is the compiler's words, at the student's lines.
func (p *pkg) buildMessage() string {
	var keep []string
	hidden := false
	seen := map[string]bool{}
	for _, l := range strings.Split(p.buildOut.String(), "\n") {
		l = strings.TrimRight(l, "\r")
		if l == "" || strings.HasPrefix(l, "# ") {
			continue
		}
		for _, h := range p.Exercise.Hidden {
			// A line in a hidden test is one the student cannot open:
			// say what it lacks without its place.
			if m := hiddenPos.FindStringSubmatch(l); m != nil && m[1] == h.Name {
				hidden = true
				l = "the hidden tests: " + m[2]
			}
		}
		if seen[l] {
			continue
		}
		seen[l] = true
		keep = append(keep, l)
		if len(keep) == 10 {
			keep = append(keep, "...")
			break
		}
	}
	msg := "Your code does not compile:\n" + indent(strings.Join(keep, "\n"))
	if hidden {
		msg += "\nWhere the error is in the hidden tests, they call something your code no longer has:\n" +
			"keep the names and signatures the stub gave you."
		if !p.namesLine(msg) {
			if at := p.lookAt(msg); at != "" {
				msg += "\n" + at
			}
		}
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

// saidMore starts the line that counts a test's other messages.
const saidMore = "(It said "

// maxDiagnosis bounds the lines of one check's diagnosis; the full log has
// the rest.
const maxDiagnosis = 10

// clip keeps a message to at most n lines: its head and its tail, where
// the hidden tests put what happened and what to do.
func clip(msg string, n int) string {
	lines := strings.Split(strings.TrimRight(msg, "\n"), "\n")
	if len(lines) <= n {
		return strings.Join(lines, "\n")
	}
	head := n / 2
	tail := n - head - 1
	out := append([]string{}, lines[:head]...)
	out = append(out, fmt.Sprintf("  ... (%d more lines in the full log)", len(lines)-head-tail))
	out = append(out, lines[len(lines)-tail:]...)
	return strings.Join(out, "\n")
}
