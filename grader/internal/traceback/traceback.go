// Package traceback reads what the Go runtime prints about goroutines — a
// goroutine dump after a panic, a deadlock, SIGQUIT or a test timeout, and the
// race detector's reports — and cuts it down to the frames in a student's
// own files.
package traceback

import (
	"fmt"
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
	name := f.Func
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.Index(name, "."); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.Index(name, "("); i >= 0 && i > 0 {
		name = name[:i]
	}
	return strings.TrimSuffix(name, ".func1")
}

// Goroutine is one goroutine of a dump.
type Goroutine struct {
	ID      int
	State   string // "chan receive", "running", "semacquire", ...
	Frames  []Frame
	Created *Frame // where the go statement that started it is, if printed
}

var (
	// A dump at GOTRACEBACK=system or above (SIGQUIT, a crash) adds
	// "gp=... m=... mp=..." to the header (mp only for a goroutine on an M)
	// and "fp=... sp=... pc=..." to each file line.
	// The runtime's header, or goleak's: "[Goroutine 7 in state chan send,
	// with main.f on top of the stack:".
	headerRE  = regexp.MustCompile(`^(?:goroutine (\d+) (?:gp=\S+ m=\S+ (?:mp=\S+ )?)?\[([^\]]*)\]:|[[ ]?Goroutine (\d+) in state ([^,]+), with \S+ on top of the stack:)$`)
	fileRE    = regexp.MustCompile(`^\t(.+\.go):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=\S+ sp=\S+ pc=\S+)?$`)
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
		g := Goroutine{ID: id, State: strings.SplitN(m[2], ",", 2)[0]}
		for i+1 < len(lines) {
			fn := strings.TrimRight(lines[i+1], "\r")
			if fn == "" || headerRE.MatchString(fn) {
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

// DescribeRace explains a race report in the student's terms: the two
// conflicting accesses in their files and where their goroutines started.
func DescribeRace(r Race, mine Filter) string {
	var b strings.Builder
	for _, a := range r.Accesses {
		who := "the main goroutine"
		if a.Goroutine != 0 {
			who = fmt.Sprintf("goroutine %d", a.Goroutine)
		}
		kind := strings.ToLower(a.Kind)
		f, ok := mine.first(a.Frames)
		if !ok {
			if len(a.Frames) == 0 {
				continue
			}
			f = a.Frames[0]
		}
		fmt.Fprintf(&b, "  %s by %s at %s", kind, who, mine.Where(f))
		if c, ok := mine.first(r.Created[a.Goroutine]); ok {
			fmt.Fprintf(&b, ", started at %s", mine.Where(c))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// DescribeBlocked lists the goroutines that are in the student's code: what
// each waits on, where, and where it was started. Goroutines with no frame in
// the student's files are left out.
func DescribeBlocked(gs []Goroutine, mine Filter) string {
	var b strings.Builder
	for _, g := range gs {
		f, ok := mine.first(g.Frames)
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "  goroutine %d is %s at %s", g.ID, stateWords(g.State), mine.Where(f))
		if g.Created != nil && mine.Mine(g.Created.File) {
			fmt.Fprintf(&b, ", started at %s:%d", mine.Rel(g.Created.File), g.Created.Line)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// stateWords turns a runtime wait reason into words a beginner reads.
func stateWords(state string) string {
	switch state {
	case "chan receive", "chan receive (nil chan)":
		return "waiting to receive from a channel (" + state + ")"
	case "chan send", "chan send (nil chan)":
		return "waiting to send on a channel (" + state + ")"
	case "select", "select (no cases)":
		return "waiting in a select"
	case "sync.WaitGroup.Wait":
		return "waiting in WaitGroup.Wait"
	case "sync.Mutex.Lock", "sync.RWMutex.Lock", "sync.RWMutex.RLock":
		return "waiting for a lock (" + state + ")"
	case "sync.Cond.Wait":
		return "waiting in Cond.Wait"
	case "semacquire":
		return "waiting for a lock or a WaitGroup (semacquire)"
	case "sleep":
		return "sleeping"
	case "running", "runnable":
		return "still running (" + state + ")"
	}
	return "blocked (" + state + ")"
}
