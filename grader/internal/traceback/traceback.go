// Package traceback reads what the Go runtime prints about goroutines — a
// goroutine dump after a panic, a deadlock, SIGQUIT or a test timeout, and the
// race detector's reports — and cuts it down to the frames in a student's
// own files.
package traceback

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Frame is one call in a goroutine's stack.
type Frame struct {
	Func string // e.g. main.worker
	File string // as printed, usually absolute
	Line int
}

// Short returns the function name without its package path: "worker".
func (f Frame) Short() string {
	// A generic function's type arguments ("Map[go.shape.int]",
	// "(*Broker[...]).Close") are the compiler's business.
	name := typeArgs.ReplaceAllString(f.Func, "")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.Index(name, "."); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.Index(name, "("); i >= 0 && i > 0 {
		name = name[:i]
	}
	// A function literal is named after the function it is in:
	// Run.func2, Run.func1.3, Add.gowrap1.
	return closureSuffix.ReplaceAllString(name, "")
}

var typeArgs = regexp.MustCompile(`\[[^\]]*\]`)

var closureSuffix = regexp.MustCompile(`(\.(func|gowrap)\d+)(\.(func|gowrap)?\d+)*$`)

// Goroutine is one goroutine of a dump.
type Goroutine struct {
	ID      int
	State   string // "chan receive", "running", "semacquire", ...
	Frames  []Frame
	Created *Frame // where the go statement that started it is, if printed
	Bubble  bool   // it ran in a testing/synctest bubble
}

// state is the wait reason of a header, without what follows it: the wait's
// length ("chan receive, 2 minutes"), synctest's "(durable)" and bubble.
func state(s string) string {
	s, _, _ = strings.Cut(s, ",")
	return strings.TrimSuffix(strings.TrimSpace(s), " (durable)")
}

var (
	// A dump at GOTRACEBACK=system or above (SIGQUIT, a crash) adds
	// "gp=... m=... mp=..." to the header (mp only for a goroutine on an M)
	// and "fp=... sp=... pc=..." to each file line.
	// The runtime's header, or goleak's: "[Goroutine 7 in state chan send,
	// with main.f on top of the stack:". In a synctest bubble the state
	// goes on: "chan send (durable), synctest bubble 7" (runtime/traceback.go).
	headerRE  = regexp.MustCompile(`^(?:goroutine (\d+) (?:gp=\S+ m=\S+ (?:mp=\S+ )?)?\[([^\]]*)\]:|[[ ]?Goroutine (\d+) in state (.+?), with \S+ on top of the stack:)$`)
	fileRE    = regexp.MustCompile(`^\t(.+\.(?:go|s)):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=\S+ sp=\S+ pc=\S+)?$`)
	createdRE = regexp.MustCompile(`^created by (\S+)`)
)

// Goroutines parses every goroutine dump in text. Lines that are not part of
// a dump are skipped, so text may hold other output too.
func Goroutines(text string) []Goroutine {
	var out []Goroutine
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		m := headerRE.FindStringSubmatch(strings.TrimRight(lines[i], "\r"))
		if m == nil {
			continue
		}
		if m[1] == "" {
			m[1], m[2] = m[3], m[4]
		}
		id, _ := strconv.Atoi(m[1])
		g := Goroutine{ID: id, State: state(m[2]), Bubble: strings.Contains(m[2], "synctest bubble")}
		for i+1 < len(lines) {
			fn := strings.TrimRight(lines[i+1], "\r")
			if fn == "" || headerRE.MatchString(fn) || !isFuncLine(fn) {
				break
			}
			i++
			var loc Frame
			if i+1 < len(lines) {
				if fm := fileRE.FindStringSubmatch(strings.TrimRight(lines[i+1], "\r")); fm != nil {
					loc.File = fm[1]
					loc.Line, _ = strconv.Atoi(fm[2])
					i++
				}
			}
			if cm := createdRE.FindStringSubmatch(fn); cm != nil {
				loc.Func = cm[1]
				g.Created = &loc
				continue
			}
			loc.Func = funcName(fn)
			g.Frames = append(g.Frames, loc)
		}
		out = append(out, g)
	}
	return out
}

// isFuncLine reports whether a line after a goroutine header is a function
// line of its stack ("main.worker(0xc000010000)", "created by main.main in
// goroutine 1") rather than what follows the dump ("FAIL\tpkg 0.1s",
// "exit status 2").
func isFuncLine(l string) bool {
	if l == "" || l[0] == ' ' || l[0] == '\t' {
		return false
	}
	for _, p := range []string{"FAIL", "ok ", "PASS", "exit status", "panic:", "fatal error:", "goroutine ", "===", "---", "[", "]"} {
		if strings.HasPrefix(l, p) {
			return false
		}
	}
	return strings.HasPrefix(l, "created by ") || !strings.Contains(l, " ") || strings.HasSuffix(l, ")")
}

// funcName turns "main.worker(0xc000010000, 0x3)" into "main.worker".
func funcName(line string) string {
	line = strings.TrimSpace(line)
	if i := strings.LastIndex(line, "("); i > 0 && strings.HasSuffix(line, ")") {
		line = line[:i]
	}
	return line
}

// Access is one side of a data race.
type Access struct {
	Kind      string // "Write", "Read", "Previous write", ...
	Goroutine int
	Frames    []Frame
}

// Race is one report of the race detector.
type Race struct {
	Accesses []Access
	// Created maps a goroutine of the report to where it was started.
	Created map[int][]Frame
}

var (
	accessRE  = regexp.MustCompile(`^((?:Previous )?(?:[Ww]rite|[Rr]ead|atomic write|atomic read)) at 0x[0-9a-f]+ by (?:goroutine (\d+)|main goroutine):$`)
	createdAt = regexp.MustCompile(`^Goroutine (\d+) \([^)]*\) created at:$`)
	raceFunc  = regexp.MustCompile(`^  (\S.*)$`)
	raceFile  = regexp.MustCompile(`^      (.+\.go):(\d+)(?: \+0x[0-9a-f]+)?$`)
)

// Races parses every "WARNING: DATA RACE" report in text.
func Races(text string) []Race {
	var out []Race
	blocks := strings.Split(text, "WARNING: DATA RACE")
	for _, b := range blocks[1:] {
		if end := strings.Index(b, "=================="); end >= 0 {
			b = b[:end]
		}
		r := Race{Created: map[int][]Frame{}}
		var frames *[]Frame
		lines := strings.Split(b, "\n")
		for i := 0; i < len(lines); i++ {
			line := strings.TrimRight(lines[i], "\r")
			if m := accessRE.FindStringSubmatch(line); m != nil {
				id, _ := strconv.Atoi(m[2])
				r.Accesses = append(r.Accesses, Access{Kind: m[1], Goroutine: id})
				frames = &r.Accesses[len(r.Accesses)-1].Frames
				continue
			}
			if m := createdAt.FindStringSubmatch(line); m != nil {
				id, _ := strconv.Atoi(m[1])
				var fs []Frame
				r.Created[id] = fs
				frames = nil
				// Collect frames for this goroutine's creation.
				for i+2 < len(lines) {
					fm := raceFunc.FindStringSubmatch(strings.TrimRight(lines[i+1], "\r"))
					lm := raceFile.FindStringSubmatch(strings.TrimRight(lines[i+2], "\r"))
					if fm == nil || lm == nil {
						break
					}
					n, _ := strconv.Atoi(lm[2])
					fs = append(fs, Frame{Func: funcName(fm[1]), File: lm[1], Line: n})
					i += 2
				}
				r.Created[id] = fs
				continue
			}
			if frames == nil {
				continue
			}
			if fm := raceFunc.FindStringSubmatch(line); fm != nil && i+1 < len(lines) {
				if lm := raceFile.FindStringSubmatch(strings.TrimRight(lines[i+1], "\r")); lm != nil {
					n, _ := strconv.Atoi(lm[2])
					*frames = append(*frames, Frame{Func: funcName(fm[1]), File: lm[1], Line: n})
					i++
				}
			}
		}
		if len(r.Accesses) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// Filter says which files are the student's and how to name them.
type Filter struct {
	Dir  string // the exercise's folder: its non-test .go files are the student's
	Root string // paths are shown relative to this folder (the module root)
	// Source, when set, returns the text of a student's file by its path
	// as a stack names it; descriptions then quote the student's own names
	// ("wg.Add"). Nil reads nothing.
	Source func(file string) []byte
}

// Mine reports whether file is one of the student's files.
func (f Filter) Mine(file string) bool {
	dir := filepath.ToSlash(filepath.Clean(f.Dir)) + "/"
	file = filepath.ToSlash(file)
	return strings.HasPrefix(file, dir) && !strings.HasSuffix(file, "_test.go")
}

// Rel names file relative to the root, with forward slashes.
func (f Filter) Rel(file string) string {
	if f.Root != "" {
		if r, err := filepath.Rel(f.Root, file); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
	}
	return filepath.ToSlash(file)
}

// Where formats a frame for a student: "exercises/05-racy-counter/counter.go:12 (in worker)".
func (f Filter) Where(fr Frame) string {
	return fmt.Sprintf("%s:%d (in %s)", f.Rel(fr.File), fr.Line, fr.Short())
}

// first returns the first frame in the student's files.
func (f Filter) first(frames []Frame) (Frame, bool) {
	for _, fr := range frames {
		if f.Mine(fr.File) {
			return fr, true
		}
	}
	return Frame{}, false
}

// line returns the trimmed text of a line of a student's file, or "".
func (f Filter) line(fr Frame) string {
	if fr.Line < 1 {
		return ""
	}
	lines := f.lines(fr.File)
	if fr.Line > len(lines) {
		return ""
	}
	return strings.TrimSpace(lines[fr.Line-1])
}

// lines returns the lines of a student's file: from Source, or else read
// from disk; nil for a file that is not the student's.
func (f Filter) lines(file string) []string {
	var data []byte
	switch {
	case f.Source != nil:
		data = f.Source(file)
	case f.Mine(file):
		data, _ = os.ReadFile(file)
	}
	if data == nil {
		return nil
	}
	return strings.Split(string(data), "\n")
}

// addInGoroutine looks, in the student's source, for a WaitGroup's Add in
// the goroutine started at the go statement go, and the Wait after it: the
// usual cause of a race inside sync.WaitGroup, whose report names no line
// (the race runtime shows only runtime.racewrite and runtime.raceread).
func (f Filter) addInGoroutine(goStmt Frame) (add, wait Frame, ok bool) {
	lines := f.lines(goStmt.File)
	if goStmt.Line < 1 || goStmt.Line > len(lines) {
		return add, wait, false
	}
	for i := goStmt.Line - 1; i < len(lines) && i < goStmt.Line+8; i++ {
		if strings.Contains(lines[i], ".Add(") && (i > goStmt.Line-1 || strings.Contains(lines[i], "go ")) {
			add = Frame{File: goStmt.File, Line: i + 1}
			for j := i + 1; j < len(lines) && j < i+40; j++ {
				if strings.Contains(lines[j], ".Wait()") {
					return add, Frame{File: goStmt.File, Line: j + 1}, true
				}
			}
			return add, wait, false
		}
	}
	return add, wait, false
}

// raceRuntimeOnly reports whether an access's stack is the race runtime's
// alone: an access that sync annotates for the race detector.
func raceRuntimeOnly(a Access) bool {
	for _, fr := range a.Frames {
		if !strings.HasPrefix(fr.Func, "runtime.race") {
			return false
		}
	}
	return true
}

// syncWaitGroup finds, for a race reported inside sync, the student's Add
// in a goroutine and the Wait it races with.
func (r Race) syncWaitGroup(mine Filter) (add, wait Frame, ok bool) {
	for _, a := range r.Accesses {
		if !raceRuntimeOnly(a) {
			return add, wait, false
		}
	}
	for _, a := range r.Accesses {
		if c, found := mine.first(r.Created[a.Goroutine]); found {
			if add, wait, ok = mine.addInGoroutine(c); ok {
				return add, wait, true
			}
		}
	}
	return add, wait, false
}

// at names a frame of the student's: "exercises/05-racy-counter/counter.go:12 (in Inc)".
func (f Filter) at(fr Frame) string { return f.Where(fr) }

// Group is goroutines of a dump that wait in the same way at the same line
// of the student's code.
type Group struct {
	Count   int
	State   string
	At      Frame  // the first frame in the student's files
	Created *Frame // where they were started, when that is in the student's files
}

// Groups gathers the goroutines that are in the student's code into groups
// of the same state, line and start, in the order of the dump. Goroutines
// with no frame in the student's files are left out.
func Groups(gs []Goroutine, mine Filter) []Group {
	var out []Group
	index := map[string]int{}
	for _, g := range gs {
		f, ok := mine.first(g.Frames)
		if !ok {
			continue
		}
		var created *Frame
		if g.Created != nil && mine.Mine(g.Created.File) {
			c := *g.Created
			created = &c
		}
		key := fmt.Sprintf("%s|%s:%d|%v", g.State, f.File, f.Line, created)
		if created != nil {
			key = fmt.Sprintf("%s|%s:%d|%s:%d", g.State, f.File, f.Line, created.File, created.Line)
		}
		if i, ok := index[key]; ok {
			out[i].Count++
			continue
		}
		index[key] = len(out)
		out = append(out, Group{Count: 1, State: g.State, At: f, Created: created})
	}
	return out
}

// maxGroups bounds the lines of a description of blocked goroutines.
const maxGroups = 5

// DescribeBlocked lists the goroutines that are in the student's code, one
// line per group of the same wait at the same line: how many, what they
// wait on, where, and where they were started. Goroutines with no frame in
// the student's files are left out; "" when none is left.
func DescribeBlocked(gs []Goroutine, mine Filter) string {
	return DescribeGroups(Groups(gs, mine), mine)
}

// DescribeGroups writes groups as DescribeBlocked does.
func DescribeGroups(groups []Group, mine Filter) string {
	var b strings.Builder
	for i, g := range groups {
		if i == maxGroups {
			n := 0
			for _, g := range groups[i:] {
				n += g.Count
			}
			fmt.Fprintf(&b, "  ... and %s elsewhere in your code\n", count(n))
			break
		}
		b.WriteString("  " + g.String(mine) + "\n")
	}
	return b.String()
}

// String says what the group's goroutines do: "100 goroutines wait to
// send on a channel at prodcons.go:24 (in produce), started at prodcons.go:40".
func (g Group) String(mine Filter) string {
	one, many := stateWords(g.State)
	verb := many
	if g.Count == 1 {
		verb = one
	}
	s := fmt.Sprintf("%s %s at %s", count(g.Count), verb, mine.at(g.At))
	if g.Created != nil && (g.Created.File != g.At.File || g.Created.Line != g.At.Line) {
		s += fmt.Sprintf(", started at %s:%d", mine.Rel(g.Created.File), g.Created.Line)
	}
	return s
}

func count(n int) string {
	if n == 1 {
		return "1 goroutine"
	}
	return fmt.Sprintf("%d goroutines", n)
}

// stateWords turns a runtime wait reason into words a beginner reads, for
// one goroutine and for many.
func stateWords(state string) (one, many string) {
	both := func(s string) (string, string) {
		verb, rest, _ := strings.Cut(s, " ")
		return verb + "s " + rest, s
	}
	switch state {
	case "chan receive":
		return both("wait to receive from a channel")
	case "chan receive (nil chan)":
		return both("wait to receive from a nil channel, which never delivers")
	case "chan send":
		return both("wait to send on a channel")
	case "chan send (nil chan)":
		return both("wait to send on a nil channel, which never takes it")
	case "select":
		return both("wait in a select")
	case "select (no cases)":
		return both("wait in an empty select, forever")
	case "sync.WaitGroup.Wait":
		return both("wait in WaitGroup.Wait")
	case "sync.Mutex.Lock", "sync.RWMutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Unlock":
		return both("wait to lock a mutex")
	case "sync.Cond.Wait":
		return both("wait in Cond.Wait")
	case "semacquire":
		return both("wait for a lock or a WaitGroup")
	case "sleep":
		return "sleeps", "sleep"
	case "running", "runnable":
		return "is still running", "are still running"
	case "IO wait", "syscall":
		return both("wait for input or output")
	}
	return "is blocked (" + state + ")", "are blocked (" + state + ")"
}

// RaceKind says what a data race is about.
type RaceKind int

// The kinds of race the descriptions tell apart.
const (
	MemoryRace    RaceKind = iota // two goroutines used the same variable
	WaitGroupRace                 // WaitGroup.Add raced with Wait: Add ran in the goroutine
	SendCloseRace                 // a send on a channel raced with its close
	CopyRace                      // a struct with a lock in it was copied while in use
)

// side is one access of a race in the student's terms.
type side struct {
	kind    string // "write", "previous read", ...
	at      Frame  // the student's frame, if any
	ok      bool   // at is set
	call    string // the library function the student's line called into: "(*WaitGroup).Add"
	started *Frame // where its goroutine started, in the student's files
	main    bool   // the main goroutine (a program's main)
	funcs   map[string]bool
}

func sides(r Race, mine Filter) []side {
	var out []side
	for _, a := range r.Accesses {
		s := side{kind: strings.ToLower(a.Kind), main: a.Goroutine == 0, funcs: map[string]bool{}}
		for _, fr := range a.Frames {
			s.funcs[fr.Func] = true
		}
		for i, fr := range a.Frames {
			if mine.Mine(fr.File) {
				s.at, s.ok = fr, true
				if i > 0 {
					s.call = a.Frames[i-1].Func
				}
				break
			}
		}
		if c, ok := mine.first(r.Created[a.Goroutine]); ok {
			s.started = &c
		}
		out = append(out, s)
	}
	return out
}

// Kind says what the race is about.
func (r Race) Kind(mine Filter) RaceKind {
	ss := sides(r, mine)
	has := func(fn string) bool {
		for _, a := range r.Accesses {
			for _, f := range a.Frames {
				if f.Func == fn {
					return true
				}
			}
		}
		return false
	}
	switch {
	case has("runtime.closechan") && (has("runtime.chansend") || has("runtime.chansend1")):
		return SendCloseRace
	case has("sync.(*WaitGroup).Add") || has("sync.(*WaitGroup).Wait"):
		return WaitGroupRace
	}
	if _, _, ok := r.syncWaitGroup(mine); ok {
		return WaitGroupRace
	}
	for _, s := range ss {
		if strings.HasPrefix(s.call, "sync.(*Mutex)") || strings.HasPrefix(s.call, "sync.(*RWMutex)") {
			return CopyRace
		}
	}
	return MemoryRace
}

// callName names a library call as the student wrote it when the line shows
// it ("wg.Add"), or by its type ("WaitGroup.Add").
func callName(mine Filter, s side, method string) string {
	if l := mine.line(s.at); l != "" {
		if m := regexp.MustCompile(`([\w.\[\]]+)\.` + method + `\(`).FindStringSubmatch(l); m != nil {
			return m[1] + "." + method
		}
	}
	return "WaitGroup." + method
}

// place says where one side of a race happened, in words and lines the
// student can open: never a file outside theirs.
func (s side) place(mine Filter) string {
	switch {
	case s.ok && s.started != nil:
		return fmt.Sprintf("at %s, in a goroutine started at %s:%d", mine.at(s.at), mine.Rel(s.started.File), s.started.Line)
	case s.ok:
		return "at " + mine.at(s.at)
	case s.started != nil:
		return fmt.Sprintf("in a goroutine started at %s:%d", mine.Rel(s.started.File), s.started.Line)
	}
	return "by the hidden test"
}

// DescribeRace explains a race report in the student's terms, one line per
// access: what it did and where, at the student's lines only. A race in
// sync or the runtime is named by the student's call that led there.
func DescribeRace(r Race, mine Filter) string {
	ss := sides(r, mine)
	var b strings.Builder
	switch r.Kind(mine) {
	case WaitGroupRace:
		var add, wait *side
		for i := range ss {
			switch {
			case ss[i].funcs["sync.(*WaitGroup).Add"], ss[i].funcs["sync.(*WaitGroup).Done"]:
				add = &ss[i]
			case ss[i].funcs["sync.(*WaitGroup).Wait"]:
				wait = &ss[i]
			}
		}
		if add != nil && wait != nil && add.ok && wait.ok {
			fmt.Fprintf(&b, "  %s at %s runs in the goroutine, while %s at %s already waits\n",
				callName(mine, *add, "Add"), mine.Rel(add.at.File)+":"+fmt.Sprint(add.at.Line),
				callName(mine, *wait, "Wait"), mine.Rel(wait.at.File)+":"+fmt.Sprint(wait.at.Line))
			return b.String()
		}
		if a, w, ok := r.syncWaitGroup(mine); ok {
			fmt.Fprintf(&b, "  %s at %s runs in the goroutine, while %s at %s already waits\n",
				callName(mine, side{at: a, ok: true}, "Add"), mine.Rel(a.File)+":"+fmt.Sprint(a.Line),
				callName(mine, side{at: w, ok: true}, "Wait"), mine.Rel(w.File)+":"+fmt.Sprint(w.Line))
			return b.String()
		}
	case SendCloseRace:
		var send, cl *side
		for i := range ss {
			switch {
			case ss[i].funcs["runtime.chansend"], ss[i].funcs["runtime.chansend1"]:
				send = &ss[i]
			case ss[i].funcs["runtime.closechan"]:
				cl = &ss[i]
			}
		}
		if send != nil && cl != nil {
			fmt.Fprintf(&b, "  a send on a channel %s\n  races with the close of that channel %s\n", send.place(mine), cl.place(mine))
			return b.String()
		}
	}
	for _, s := range ss {
		what := s.kind
		if strings.HasPrefix(s.call, "sync.") {
			what += " of a " + strings.TrimPrefix(strings.Trim(strings.SplitN(strings.TrimPrefix(s.call, "sync."), ")", 2)[0], "(*"), "(*") + "'s state"
		}
		fmt.Fprintf(&b, "  %s %s\n", what, s.place(mine))
	}
	return b.String()
}

// DescribeRaces describes each distinct race of races once (the same pair
// of lines is reported once per test binary, but a report can name the
// same lines again from another test), at most max of them.
func DescribeRaces(races []Race, mine Filter, max int) string {
	var b strings.Builder
	seen := map[string]bool{}
	n := 0
	for _, r := range races {
		d := DescribeRace(r, mine)
		if seen[d] {
			continue
		}
		seen[d] = true
		if n == max {
			b.WriteString("  (and more races: see the full log)\n")
			break
		}
		n++
		b.WriteString(d)
	}
	return b.String()
}

// Crash is the first panic or fatal error of a text, and where it was.
type Crash struct {
	Message string // "panic: send on closed channel"
	At      Frame  // the student's frame of the goroutine that crashed
	InMine  bool   // At is set
	// Hidden reports a crash in the hidden tests' own frames (a test that
	// failed through a nil value the student's code returned, say).
	Others []Group // the student's other goroutines of the dump
}

// ParseCrash reads the first "panic: " or "fatal error: " line of text and
// the dump after it.
func ParseCrash(text string, mine Filter) (Crash, bool) {
	var c Crash
	i := strings.Index(text, "panic: ")
	for i > 0 && text[i-1] != '\n' {
		j := strings.Index(text[i+1:], "panic: ")
		if j < 0 {
			i = -1
			break
		}
		i += 1 + j
	}
	if k := strings.Index(text, "fatal error: "); k >= 0 && (k == 0 || text[k-1] == '\n') && (i < 0 || k < i) {
		i = k
	}
	if i < 0 {
		return c, false
	}
	rest := text[i:]
	c.Message, _, _ = strings.Cut(rest, "\n")
	c.Message = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(c.Message), "[recovered]"))
	c.Message = strings.TrimSpace(strings.TrimSuffix(c.Message, "[recovered, repanicked]"))
	gs := Goroutines(rest)
	if len(gs) > 0 {
		// The first goroutine of a panic's dump is the one that panicked.
		if f, ok := mine.first(gs[0].Frames); ok {
			c.At, c.InMine = f, true
		}
		c.Others = Groups(gs[1:], mine)
	}
	return c, true
}

// Explain says what a race of this kind means and what usually fixes it,
// in words that fit any exercise (the grader's race check adds advice that
// fits the exercise's rules and the student's code).
func (r Race) Explain(mine Filter) string { return ExplainKind(r.Kind(mine)) }

// ExplainKind is Explain for a race of kind k.
func ExplainKind(k RaceKind) string {
	switch k {
	case WaitGroupRace:
		return "Wait can return before Add has counted the goroutine. Call Add before the go statement,\n" +
			"in the goroutine that later calls Wait."
	case SendCloseRace:
		return "The channel was closed while a goroutine could still send on it. Close a channel only once\n" +
			"every send on it is done: wait for the senders, then close it."
	case CopyRace:
		return "A value with a lock in it was copied while the lock was in use: a method with a value receiver\n" +
			"works on a copy, lock included. Give the methods that lock a pointer receiver (func (c *T))."
	}
	return "Two goroutines used the same memory at the same time, and at least one of them wrote to it.\n" +
		"Protect it with a sync.Mutex, or hand the value from one goroutine to the other over a channel."
}
