package verdict

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/rules"
	"github.com/go-concurrency-lab/course/grader/internal/seal"
	"github.com/go-concurrency-lab/course/grader/internal/testjson"
	"github.com/go-concurrency-lab/course/grader/internal/traceback"
)

// kind is a kind of trouble a test's output shows. Each is charged to one
// check (kindOwner).
type kind int

const (
	kindAssert kind = iota // a message the test wrote: a wrong result
	kindRace               // the race detector, or check's race marker
	kindLeak               // goroutines left behind (check.NoLeaks, goleak)
	kindTime               // check's time marker: something hung
	kindSeal               // the seal of a pass
)

// entry is one message a test logged (t.Error, t.Log, testify), with the
// testing framework's file:line prefix and testify's layout taken off.
type entry struct {
	kind kind
	text string
}

// crash is a panic or fatal error that ended the test program in a test.
type crash struct {
	traceback.Crash
	leak     bool // synctest: the test's function returned with goroutines blocked forever
	deadlock bool // every goroutine (of the bubble) was blocked
}

func (t *test) passed() bool {
	return t.action == testjson.Pass && t.sealed && t.results == 1
}

// has reports whether the test, or one of its subtests, logged trouble of
// kind k.
func (t *test) has(k kind) bool {
	for _, e := range append(t.entries, t.sub...) {
		if e.kind == k {
			return true
		}
	}
	return false
}

// classify reads what each test logged, once the stream has ended.
func (p *pkg) classify() {
	for _, name := range p.order {
		t := p.tests[name]
		out := t.out.String()
		t.entries = entries(out)
		if top, _, ok := strings.Cut(name, "/"); ok && p.tests[top] != nil && t.action == testjson.Fail {
			p.tests[top].sub = append(p.tests[top].sub, t.entries...)
		}
		raw := rawLines(out)
		if !crashLine.MatchString(raw) || strings.Contains(raw, "panic: test timed out after") {
			continue
		}
		// A test's own panic, recovered by testify's NotPanics, is a
		// message of the test; one that testing re-panicked ends it all.
		if strings.Contains(raw, "[recovered]") && !strings.Contains(raw, "repanicked") && !strings.Contains(raw, "\ngoroutine ") {
			continue
		}
		c, ok := traceback.ParseCrash(raw, p.Files)
		if !ok {
			continue
		}
		t.crash = &crash{Crash: c}
		switch {
		case strings.Contains(c.Message, "main bubble goroutine has exited but blocked goroutines remain"):
			t.crash.leak = true
		case strings.Contains(c.Message, "all goroutines are asleep"), strings.Contains(c.Message, "all goroutines in bubble are blocked"):
			t.crash.deadlock = true
		}
	}
}

var (
	// logLine starts a message the testing package logged for a test:
	// four spaces per level of subtest, then file:line.
	logLine = regexp.MustCompile(`^((?:    )+)[\w.-]+\.go:\d+: ?(.*)$`)
	// testify's fields: "\tError Trace:\t...", "\t            \t..." for more.
	testifyField = regexp.MustCompile(`^\t([A-Z][\w ]*):\s*\t(.*)$`)
	testifyMore  = regexp.MustCompile(`^\t\s+\t(.*)$`)
)

// entries splits a test's output into the messages it logged. Lines that
// are no message (what the program printed, race reports, panics) are left
// out: rawLines has them.
func entries(out string) []entry {
	var es []entry
	var cur []string
	depth := ""
	flush := func() {
		if cur == nil {
			return
		}
		es = append(es, makeEntry(cur))
		cur = nil
	}
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimRight(l, "\r")
		if framework.MatchString(l) {
			flush()
			continue
		}
		if m := logLine.FindStringSubmatch(l); m != nil {
			flush()
			depth = m[1] + "    "
			cur = []string{m[2]}
			continue
		}
		if cur != nil && (strings.HasPrefix(l, depth) || l == "") {
			cur = append(cur, strings.TrimPrefix(l, depth))
			continue
		}
		flush()
	}
	flush()
	return es
}

// rawLines is what a test printed outside its messages.
func rawLines(out string) string {
	var keep []string
	in := false
	depth := ""
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimRight(l, "\r")
		if framework.MatchString(l) {
			in = false
			continue
		}
		if m := logLine.FindStringSubmatch(l); m != nil {
			in, depth = true, m[1]+"    "
			continue
		}
		if in && strings.HasPrefix(l, depth) {
			continue
		}
		in = false
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// makeEntry turns the lines of one logged message into its text and kind.
func makeEntry(lines []string) entry {
	var keep []string
	field := ""
	var messages, errs []string
	testify := false
	for _, l := range lines {
		if m := testifyField.FindStringSubmatch(l); m != nil {
			testify, field = true, m[1]
			l = m[2]
		} else if m := testifyMore.FindStringSubmatch(l); m != nil && testify {
			l = m[1]
		} else if testify {
			field = ""
		}
		switch {
		case !testify || field == "":
			keep = append(keep, l)
		case field == "Messages":
			messages = append(messages, l)
		case field == "Error":
			// testify's stock words before a message the test wrote itself.
			if t := strings.TrimSpace(l); t != "Should be true" && t != "Should be false" && t != "" {
				errs = append(errs, l)
			}
		case field == "Error Trace", field == "Test":
		default:
			errs = append(errs, l)
		}
	}
	keep = append(keep, messages...)
	keep = append(keep, compactTestify(errs)...)
	text := strings.TrimSpace(strings.Join(keep, "\n"))
	k := kindAssert
	switch {
	case strings.Contains(text, seal.Prefix):
		k = kindSeal
	case strings.Contains(text, seal.TimeMarker):
		k = kindTime
		text = strings.TrimSpace(strings.ReplaceAll(text, seal.TimeMarker, ""))
	case strings.Contains(text, seal.RaceMarker):
		k = kindRace
		text = strings.TrimSpace(strings.ReplaceAll(text, seal.RaceMarker, ""))
	case strings.Contains(text, "race detected during execution of test"):
		k = kindRace
	case strings.Contains(text, "goroutines were still running after the work was done"),
		strings.Contains(text, "main returned while these goroutines were still working"),
		strings.Contains(text, "found unexpected goroutines"):
		k = kindLeak
	}
	return entry{kind: k, text: text}
}

// compactTestify shortens testify's error lines: "Not equal:", "expected:
// 3", "actual  : 1" become "(expected 3, got 1)"; a diff is left to the log.
func compactTestify(errs []string) []string {
	var out []string
	var want, got string
	for i := 0; i < len(errs); i++ {
		l := strings.TrimSpace(errs[i])
		switch {
		case l == "Not equal:" || l == "Should be equal:":
		case strings.HasPrefix(l, "expected:"):
			want = strings.TrimSpace(strings.TrimPrefix(l, "expected:"))
		case strings.HasPrefix(l, "actual  :"), strings.HasPrefix(l, "actual:"):
			got = strings.TrimSpace(l[strings.Index(l, ":")+1:])
		case l == "Diff:":
			return appendWant(out, want, got)
		default:
			out = append(out, errs[i])
		}
	}
	return appendWant(out, want, got)
}

func appendWant(out []string, want, got string) []string {
	if want == "" && got == "" {
		return out
	}
	return append(out, fmt.Sprintf("(expected %s, got %s)", want, got))
}

// source returns a student's file by the path a stack names it with.
func (p *pkg) source(file string) []byte {
	rel := p.Files.Rel(file)
	for _, s := range p.Sources {
		if s.Name == rel {
			return s.Data
		}
	}
	if p.Sources == nil && p.Files.Mine(file) {
		data, _ := os.ReadFile(file)
		return data
	}
	return nil
}

// code is all of the student's files, for advice to look at.
func (p *pkg) code() string {
	var b strings.Builder
	for _, s := range p.sources() {
		b.Write(s.Data)
	}
	return b.String()
}

// forbids reports whether the exercise's rules forbid an identifier of pkg
// ("sync/atomic") or the identifier itself ("sync.Mutex").
func (p *pkg) forbids(what string) bool {
	for _, r := range p.Exercise.Rules {
		if r.Forbid == what || r.Forbid == what+".*" {
			return true
		}
	}
	return false
}

// crashText explains a crash found in output outside any test.
func (p *pkg) crashText(out string) string {
	c, ok := traceback.ParseCrash(out, p.Files)
	if !ok {
		return ""
	}
	return p.describeCrash(&crash{Crash: c})
}

func (p *pkg) crashMessage(t *test) string {
	c := t.crash
	switch {
	case c.leak:
		return fmt.Sprintf("%s ended while goroutines of yours were still blocked, with nothing left that could wake them:\n%s"+
			"A goroutine that can never go on is a leak (or half of a deadlock): see what each one waits for.", t.name, p.groups(c.Others))
	case c.deadlock:
		return fmt.Sprintf("%s deadlocked: every goroutine was waiting for another one, so none could go on:\n%s"+
			"Look for a Wait, a receive, a send or a Lock that nothing will ever answer.", t.name, p.groups(c.Others))
	}
	return t.name + " crashed: " + p.describeCrash(c)
}

// describeCrash is the crash's first line, where in the student's code it
// happened, and what usually causes it.
func (p *pkg) describeCrash(c *crash) string {
	var b strings.Builder
	b.WriteString(c.Message + "\n")
	if c.InMine {
		b.WriteString("  at " + p.Files.Where(c.At) + "\n")
	} else {
		b.WriteString("  (in the hidden test's code, with what your code gave it)\n")
	}
	if len(c.Others) > 0 && len(c.Others) <= 3 {
		b.WriteString("Your other goroutines were:\n" + traceback.DescribeGroups(c.Others, p.Files))
	}
	if why := panicAdvice(c.Message); why != "" {
		b.WriteString(why + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func (p *pkg) groups(gs []traceback.Group) string {
	if len(gs) == 0 {
		return "  (none of them in your code)\n"
	}
	return traceback.DescribeGroups(gs, p.Files)
}

// panicAdvice says what usually causes a runtime panic a beginner meets.
func panicAdvice(msg string) string {
	for _, a := range []struct{ has, say string }{
		{"send on closed channel", "A send on a closed channel panics: close a channel only once every send on it is done,\nand only on the side that sends."},
		{"close of closed channel", "A channel can be closed only once: close it in one place, after the last send."},
		{"close of nil channel", "The channel was never made: make(chan T) before closing it."},
		{"negative WaitGroup counter", "Done was called more times than Add: one Add(1) for each goroutine, one Done when it ends."},
		{"unlock of unlocked mutex", "Unlock was called on a mutex that was not locked: pair every Unlock with one Lock."},
		{"assignment to entry in nil map", "The map was never made: make(map[K]V) before writing to it."},
		{"nil pointer dereference", "A nil pointer was used: something was never set, or a nil was returned."},
		{"concurrent map", "Two goroutines used the same map at once: a map needs a lock when goroutines share it."},
		{"index out of range", "An index went past the end of a slice."},
	} {
		if strings.Contains(msg, a.has) {
			return a.say
		}
	}
	return ""
}

// raceMessage is the race check's diagnosis: the races at the student's
// lines, what that kind of race means, and advice that fits the exercise
// and the code.
func (p *pkg) raceMessage() (string, string) {
	races := traceback.Races(p.raceText.String())
	detail := p.raceText.String()
	if len(races) == 0 {
		// Races in a program run by check.RunMain are described in its test.
		for _, name := range p.order {
			for _, e := range p.tests[name].entries {
				if e.kind == kindRace && !strings.Contains(e.text, "race detected during execution of test") {
					return clip(e.text, maxDiagnosis), p.tests[name].out.String()
				}
			}
		}
		return "The race detector found a data race, but its report was lost (see the full log).", detail
	}
	in := ""
	if t := p.firstWith(kindRace, p.order); t != nil {
		in = " in " + t.name
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The race detector found a data race%s:\n", in)
	b.WriteString(traceback.DescribeRaces(races, p.Files, 1))
	b.WriteString(p.raceAdvice(races[0]))
	return b.String(), detail
}

func (p *pkg) raceAdvice(r traceback.Race) string {
	k := r.Kind(p.Files)
	for _, f := range p.Vet {
		if f.Analyzer == "copylocks" && p.Files.Mine(f.File) {
			// The copy is made where the method is called, often in the
			// hidden test: go vet names the student's line that causes it.
			k = traceback.CopyRace
		}
	}
	code := p.code()
	if k != traceback.MemoryRace {
		return traceback.ExplainKind(k)
	}
	var ways []string
	hasMutex := strings.Contains(code, "sync.Mutex") || strings.Contains(code, "sync.RWMutex")
	hasAtomic := strings.Contains(code, "sync/atomic")
	switch {
	case hasAtomic && p.forbids("sync.Mutex"):
		return "Two goroutines used the same memory at the same time, and at least one of them wrote to it.\n" +
			"Every read and every write of it must go through sync/atomic, the reads too."
	case hasMutex:
		return "Two goroutines used the same memory at the same time, and at least one of them wrote to it.\n" +
			"Hold the mutex around every read and every write of it, in every goroutine."
	}
	if !p.forbids("sync.Mutex") {
		ways = append(ways, "protect it with a sync.Mutex")
	}
	if !p.forbids("sync/atomic") {
		ways = append(ways, "use sync/atomic")
	}
	ways = append(ways, "hand the value from one goroutine to the other over a channel")
	w := strings.Join(ways[:len(ways)-1], ", ") + ", or " + ways[len(ways)-1]
	if len(ways) == 2 {
		w = ways[0] + ", or " + ways[1]
	}
	if len(ways) == 1 {
		w = ways[0]
	}
	return "Two goroutines used the same memory at the same time, and at least one of them wrote to it.\n" +
		strings.ToUpper(w[:1]) + w[1:] + "."
}

// leakMessage is the leaks check's diagnosis, from the first test that
// found goroutines left behind.
func (p *pkg) leakMessage(t *test) string {
	if t.crash != nil && t.crash.leak {
		return clip(p.crashMessage(t), maxDiagnosis)
	}
	for _, e := range t.entries {
		if e.kind == kindLeak {
			return clip(t.name+": "+p.regroup(e.text), maxDiagnosis)
		}
	}
	return t.name + " found goroutines left behind."
}

// regroup replaces a goroutine dump that a message quotes in full (goleak's
// words, from a check package that could not read them) by one line per
// group, at the student's lines.
func (p *pkg) regroup(text string) string {
	lines := strings.Split(text, "\n")
	start, end := -1, -1
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case start < 0 && strings.HasPrefix(t, "found unexpected goroutines"):
			start = i
		case start >= 0 && t == "]":
			end = i
		}
		if end >= 0 {
			break
		}
	}
	if start < 0 || end < 0 {
		return text
	}
	gs := traceback.Goroutines(strings.Join(lines[start:end+1], "\n"))
	out := append([]string{}, lines[:start]...)
	out = append(out, strings.TrimRight(p.groups(traceback.Groups(gs, p.Files)), "\n"))
	return strings.Join(append(out, lines[end+1:]...), "\n")
}

func (p *pkg) timeMessage() string {
	if p.dump.String() == "" {
		// A program run by check.RunMain hung, or a test gave up waiting:
		// the first test that saw it says where.
		for _, name := range p.order {
			for _, e := range p.tests[name].entries {
				if e.kind == kindTime {
					return clip(e.text, maxDiagnosis)
				}
			}
		}
	}
	msg := fmt.Sprintf("The tests did not finish within %v, so they were stopped", p.Exercise.Timeout)
	if p.timeoutIn != "" {
		msg += " (" + p.timeoutIn + " was running)"
	}
	if where := p.blocked(); where != "" {
		msg += ". Your goroutines were:\n" + where
	} else {
		msg += ".\n"
	}
	return msg + "A program that never ends is usually waiting for something that never happens: a WaitGroup\n" +
		"that never gets back to zero, a channel nobody sends on or closes, a lock nobody unlocks."
}

// blocked describes the student's goroutines in the last goroutine dump.
func (p *pkg) blocked() string {
	return traceback.DescribeBlocked(traceback.Goroutines(p.dump.String()), p.Files)
}

var groupLine = regexp.MustCompile(`^\s+(\d+ goroutines? |\.\.\. and \d+ goroutines? elsewhere)`)

// lookLine is lookAt's pointer: said once per exercise.
var lookLine = regexp.MustCompile(`^Look at \S+, \S+\.$`)

// dedupeGoroutines says each group of goroutines once per exercise: a
// later check that would list the same ones again points to the first.
func (r *Result) dedupeGoroutines() {
	seen := map[string]string{}
	for i := range r.Checks {
		c := &r.Checks[i]
		if c.Message == "" || c.Status == Pass {
			continue
		}
		lines := strings.Split(c.Message, "\n")
		var keep []string
		dropped, first := false, ""
		for _, l := range lines {
			if lookLine.MatchString(l) {
				if seen[l] != "" {
					continue
				}
				seen[l] = string(c.Name)
			}
			if groupLine.MatchString(l) {
				if where, ok := seen[l]; ok {
					if !dropped {
						first = where
					}
					dropped = true
					continue
				}
				seen[l] = string(c.Name)
			}
			keep = append(keep, l)
		}
		if dropped {
			// Point to the first list in place of the lines left out.
			out := []string{}
			said := false
			for _, l := range keep {
				out = append(out, l)
				if !said && strings.HasSuffix(l, ":") {
					out = append(out, "  (the goroutines listed under "+first+")")
					said = true
				}
			}
			if !said {
				out = append(out, "  (the goroutines listed under "+first+")")
			}
			keep = out
		}
		c.Message = strings.Join(keep, "\n")
	}
}

// log is the full detail of what did not pass, for the exercise's log file.
func (r *Result) log() string {
	var b strings.Builder
	for _, c := range r.Checks {
		if c.Status == Pass || (c.Message == "" && c.Detail == "") || strings.HasPrefix(c.Message, GatedPrefix) {
			continue
		}
		fmt.Fprintf(&b, "=== %s: %s\n%s\n", c.Name, c.Status, c.Message)
		if c.Detail != "" {
			fmt.Fprintf(&b, "\n--- what the tests printed\n%s\n", strings.TrimRight(c.Detail, "\n"))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// VetFinding is one thing go vet's analyzers found in the student's code.
type VetFinding struct {
	File     string // as go vet names it; findings outside the student's files are left out
	Line     int
	Analyzer string // copylocks, lostcancel, ...
	Message  string
}

func (p *pkg) vetLines() []string {
	var out []string
	seen := map[string]bool{}
	fs := append([]VetFinding{}, p.Vet...)
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].File != fs[j].File {
			return fs[i].File < fs[j].File
		}
		return fs[i].Line < fs[j].Line
	})
	for _, f := range fs {
		if !p.Files.Mine(f.File) {
			continue
		}
		// Types are named as the student wrote them, without the
		// package's import path.
		msg := strings.ReplaceAll(f.Message, p.ImportPath+".", "")
		l := fmt.Sprintf("%s:%d: %s", p.Files.Rel(f.File), f.Line, msg)
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	if len(out) > 5 {
		out = append(out[:5], fmt.Sprintf("... and %d more", len(out)-5))
	}
	return out
}

// Vet records what go vet's analyzers found in a package's files. Call it
// before Results.
func (f *Folder) Vet(importPath string, fs []VetFinding) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p := f.pkgs[importPath]; p != nil {
		p.Input.Vet = append(p.Input.Vet, fs...)
	}
}

// mainFile names the file the student edits, as messages name it.
func (p *pkg) mainFile() string {
	return p.Files.Rel(filepath.Join(p.Files.Dir, p.Exercise.File))
}

// namesLine reports whether a message names a line of the student's files.
func (p *pkg) namesLine(msg string) bool {
	for _, s := range p.sources() {
		if strings.Contains(msg, s.Name+":") {
			return true
		}
	}
	return false
}

// sources are the student's files as messages name them.
func (p *pkg) sources() []rules.Source {
	if p.Sources != nil {
		return p.Sources
	}
	var out []rules.Source
	names, _ := filepath.Glob(filepath.Join(p.Files.Dir, "*.go"))
	for _, n := range names {
		if !strings.HasSuffix(n, "_test.go") {
			data, _ := os.ReadFile(n)
			out = append(out, rules.Source{Name: p.Files.Rel(n), Data: data})
		}
	}
	return out
}

// lookAt points a message that names no line of the student's at the
// function of theirs it talks about ("Sum(read, 10, 1) returned ..."): the
// first one it names, or main in a program. "" when it names none.
func (p *pkg) lookAt(msg string) string {
	type fn struct {
		name, where string
	}
	var fns []fn
	for _, s := range p.sources() {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, s.Name, s.Data, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name != "init" {
				// A function still to write is best entered at its TODO.
				line := fset.Position(fd.Pos()).Line
				lines := strings.Split(string(s.Data), "\n")
				for l := line; l <= fset.Position(fd.End()).Line && l <= len(lines); l++ {
					if strings.Contains(lines[l-1], "TODO") {
						line = l
						break
					}
				}
				fns = append(fns, fn{fd.Name.Name, fmt.Sprintf("%s:%d", s.Name, line)})
			}
		}
	}
	best, at := -1, fn{}
	// The function a message says something must do ("Wait must wait")
	// is the one to look at; else the first one it names.
	for _, f := range fns {
		loc := regexp.MustCompile(`\b` + regexp.QuoteMeta(f.name) + `(\(\))? (must|should) `).FindStringIndex(msg)
		if loc != nil && (best < 0 || loc[0] < best) {
			best, at = loc[0], f
		}
	}
	must := best >= 0
	for _, f := range fns {
		if must {
			break
		}
		// An exported name is a name wherever it is; an unexported one
		// only where it is called ("hello world" is no call of hello).
		re := `\b` + regexp.QuoteMeta(f.name) + `\b`
		if !ast.IsExported(f.name) {
			re += `\(`
		}
		loc := regexp.MustCompile(re).FindStringIndex(msg)
		if loc != nil && (best < 0 || loc[0] < best) {
			best, at = loc[0], f
		}
	}
	if best < 0 {
		// The message names none: point at main, or else at the first
		// function of the file the exercise has the student edit.
		for _, f := range fns {
			if f.name == "main" || (at.name == "" && ast.IsExported(f.name) && strings.HasPrefix(f.where, p.mainFile()+":")) {
				at = f
			}
		}
	}
	if at.name == "" {
		return ""
	}
	return fmt.Sprintf("Look at %s, %s.", at.name, at.where)
}

// snippetRE finds code a message tells the student to write: "write defer
// c.mu.Unlock() right after", "call wg.Wait() before".
var snippetRE = regexp.MustCompile(`\b(?:write|add|call|put)\s+((?:defer |go )?[\w.]+\([^()]*\))`)

// toolRE finds a tool a message suggests: "with a sync.WaitGroup",
// "(sync.Once)".
var toolRE = regexp.MustCompile(`(?:(?:with|use|using) (?:a |one )(sync\.(?:WaitGroup|Once|Mutex|RWMutex|Cond))\b|\((sync\.(?:WaitGroup|Once|Mutex|RWMutex|Cond))\))`)

// fitCode drops advice to write code that the student's code already has
// (a hang blamed on a missing Unlock in code that has it, when a copied
// lock is the cause) and says so, pointing at go vet when it found
// something.
func (p *pkg) fitCode(msg string) string {
	lines := strings.Split(msg, "\n")
	var out []string
	code := p.code()
	hasTool := ""
	for _, l := range lines {
		// "e.g. with a sync.WaitGroup" to code that has one: it is there,
		// the question is how it is used.
		if m := toolRE.FindStringSubmatch(l); m != nil && hasTool == "" && strings.Contains(code, m[1]+m[2]) {
			hasTool = m[1] + m[2]
		}
		m := snippetRE.FindStringSubmatch(l)
		if m == nil || !p.hasEverywhere(m[1]) {
			out = append(out, l)
			continue
		}
		note := fmt.Sprintf("(Your code already has %s, so that is not it", m[1])
		if len(p.vetLines()) > 0 {
			note += ": see what go vet found, above.)"
		} else {
			note += ".)"
		}
		out = append(out, note)
	}
	if hasTool != "" {
		out = append(out, fmt.Sprintf("(Your code has a %s already: look at how it is used.)", hasTool))
	}
	return strings.Join(out, "\n")
}

// hasEverywhere reports whether the student's code has the snippet where
// it belongs: "defer c.mu.Unlock()" in every function that calls
// c.mu.Lock(), anything else somewhere.
func (p *pkg) hasEverywhere(snippet string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	snippet = norm(snippet)
	lock := ""
	if strings.HasPrefix(snippet, "defer ") && strings.HasSuffix(snippet, ".Unlock()") {
		lock = strings.TrimSuffix(strings.TrimPrefix(snippet, "defer "), "Unlock()") + "Lock()"
	}
	found := false
	for _, s := range p.sources() {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, s.Name, s.Data, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			body := norm(string(s.Data[fset.Position(fd.Body.Pos()).Offset:fset.Position(fd.Body.End()).Offset]))
			has := strings.Contains(body, snippet)
			found = found || has
			if lock != "" && strings.Contains(body, lock) && !has {
				return false
			}
		}
	}
	return found
}
