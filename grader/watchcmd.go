package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/grade"
	"github.com/go-concurrency-lab/course/grader/internal/progress"
	"github.com/go-concurrency-lab/course/grader/internal/report"
	"github.com/go-concurrency-lab/course/grader/internal/verdict"
	"github.com/go-concurrency-lab/course/grader/internal/watch"
)

func init() {
	commands["watch"] = command{"re-grade the exercise you work on at every save; keys: h hint, n next, l list, r re-run, q quit", runWatch}
}

func runWatch(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "watch")
	dir := fs.String("dir", "exercises", "the exercise folders are under `dir`")
	hiddenDir := fs.String("hidden", "", "read the hidden archives from `dir`")
	poll := fs.Bool("poll", false, "watch by polling instead of file events (for drives where events do not arrive)")
	interval := fs.Duration("interval", 500*time.Millisecond, "polling `interval`")
	untilPass := fs.Bool("until-pass", false, "exit 0 as soon as the watched exercise passes (for scripts)")
	names, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage
	}
	w, err := openWorkspace(*dir, *hiddenDir)
	if err != nil {
		return exitFor(e, err)
	}
	focus, err := w.pick(names)
	if err != nil {
		return exitFor(e, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	screen := isTerminal(e.stdout)
	color := useColor(e.stdout)
	keys, raw, restore := readKeys(ctx, e.stdin)
	defer restore()
	if raw {
		// Raw mode turns off the terminal's newline translation.
		e = &env{stdout: crlfWriter{e.stdout}, stderr: crlfWriter{e.stderr}, stdin: e.stdin}
	}

	s := &watchSession{e: e, w: w, screen: screen, color: color}
	for {
		fdir := filepath.Join(w.dir, focus.Name)
		wctx, stopWatching := context.WithCancel(ctx)
		watcher := watch.Dir(wctx, fdir, watch.Options{Poll: *poll, Interval: *interval})
		res, err := s.grade(ctx, focus, fdir)
		if err != nil {
			stopWatching()
			return exitFor(e, err)
		}
		if res.Status == verdict.Pass || report.PassesHere(&res) {
			if *untilPass && res.Status == verdict.Pass {
				s.draw(focus, watcher.Mode(), "")
				stopWatching()
				return exitPass
			}
			// Stay: the student may try another way, and every save
			// is graded again. They move on when they ask to.
			s.note = s.passNote(focus)
		}
		s.draw(focus, watcher.Mode(), "")
	wait:
		for {
			select {
			case <-ctx.Done():
				stopWatching()
				return exitPass
			case msg := <-watcher.Notes:
				s.draw(focus, watcher.Mode(), msg)
			case <-watcher.Changes:
				break wait
			case k, ok := <-keys:
				if !ok {
					keys = nil // stdin closed: keep watching
					continue
				}
				switch k {
				case 'q', 3, 4: // q, Ctrl-C, Ctrl-D
					stopWatching()
					fmt.Fprintln(e.stdout)
					return exitPass
				case 'h':
					s.show(hintText(w, focus, false))
					_ = w.state.Save()
				case 'l':
					s.show(listText(w, color))
				case 'n':
					i := indexOf(w.cat.Exercises, focus)
					if i+1 >= len(w.cat.Exercises) {
						s.draw(focus, watcher.Mode(), focus.Name+" is the last exercise of the course.")
						continue
					}
					focus = w.cat.Exercises[i+1]
					break wait
				case 'r':
					break wait
				}
			}
		}
		stopWatching()
	}
}

// watchSession draws the watch screen.
type watchSession struct {
	e      *env
	w      *workspace
	screen bool // a terminal: clear it before each draw
	color  bool
	note   string
	last   string         // the report of the last grade
	res    verdict.Result // the last grade
	at     time.Time      // when it was graded
}

// passNote is what the success screen says: the exercise passes, and the
// student moves on when they want to.
func (s *watchSession) passNote(ex *catalog.Exercise) string {
	note := "Well done! Try another way if you like: every save grades " + ex.Name + " again."
	if i := indexOf(s.w.cat.Exercises, ex); i+1 < len(s.w.cat.Exercises) {
		note += "\nPress n for the next exercise, " + s.w.cat.Exercises[i+1].Name + "."
	} else {
		note += "\nThat was the last exercise of the course."
	}
	return note
}

func (s *watchSession) grade(ctx context.Context, ex *catalog.Exercise, dir string) (verdict.Result, error) {
	if s.screen {
		fmt.Fprintf(s.e.stdout, "\r\x1b[KGrading %s ...", ex.Name)
	}
	mod, sum, notices := pristineModule(s.w.root)
	out, err := grade.Run(ctx, grade.Plan{Root: s.w.root, ModFile: mod, SumFile: sum,
		Targets: []grade.Target{{Exercise: ex, Dir: dir}}})
	if err != nil {
		return verdict.Result{}, err
	}
	res := out.Results[0]
	res.Notices = append(notices, res.Notices...)
	recordProgress(s.w.root, s.w.dir, out.Results)
	s.w.state = progress.Load(s.w.root)
	var b strings.Builder
	rep := report.New([]verdict.Result{res}, out.Race, out.RaceWhy)
	rep.Command = "watch"
	o := report.Options{Color: s.color, Edit: map[string]string{ex.Name: editAt(s.w.root, dir, ex, &res)}, LogDir: report.LogDir}
	report.SaveLogs(s.w.root, rep)
	if err := report.WriteText(&b, rep, o); err != nil {
		return res, err
	}
	s.last, s.res, s.at = b.String(), res, time.Now()
	return res, nil
}

// draw shows one grade on one screen: the header, the file to edit as
// path:line, the whole diagnosis, then the keys. On a terminal the screen
// is cleared first, and a report taller than the terminal is cut in the
// middle so that the header and the keys stay in sight.
func (s *watchSession) draw(ex *catalog.Exercise, mode, msg string) {
	var head, foot strings.Builder
	passed := 0
	for _, e := range s.w.cat.Exercises {
		if st := s.w.state.Exercises[e.Name]; st != nil && st.Status == verdict.Pass {
			passed++
		}
	}
	fmt.Fprintf(&head, "Go Concurrency Lab %s %d/%d exercises\n", bar(passed, len(s.w.cat.Exercises), 32, s.color), passed, len(s.w.cat.Exercises))
	fmt.Fprintf(&head, "Watching exercises/%s (graded %s, %s)\n", ex.Name, s.at.Format("15:04:05"), mode)
	fmt.Fprintf(&head, "Edit %s\n\n", editAt(s.w.root, filepath.Join(s.w.dir, ex.Name), ex, &s.res))
	if s.note != "" {
		fmt.Fprintf(&foot, "\n%s\n", s.note)
		s.note = ""
	}
	if msg != "" {
		fmt.Fprintf(&foot, "\n%s\n", msg)
	}
	foot.WriteString("\n[h] hint  [n] next exercise  [l] list  [r] re-run  [q] quit — save your file to re-grade\n")
	body := s.last
	var b strings.Builder
	if s.screen {
		b.WriteString("\x1b[H\x1b[2J")
		if cols, rows := terminalSize(s.e.stdout); rows > 0 {
			room := rows - rowsOf(head.String(), cols) - rowsOf(foot.String(), cols) - 1
			body = fitLines(body, room, cols, suggest("test", ex.Number()))
		}
	} else {
		b.WriteString("\n")
	}
	b.WriteString(head.String())
	b.WriteString(body)
	b.WriteString(foot.String())
	io.WriteString(s.e.stdout, b.String())
}

// fitLines cuts text to what n rows of a terminal cols wide can show
// (long lines wrap), keeping its head and its last lines (the score and the
// next step), and says how to see all of it.
func fitLines(text string, n, cols int, all string) string {
	lines := strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n")
	if rowsOf(text, cols) <= n || n < 8 {
		return text
	}
	const tail = 3
	if len(lines) <= tail {
		return text
	}
	budget := n - 1 - rowsOf(strings.Join(lines[len(lines)-tail:], ""), cols)
	var keep []string
	used := 0
	for _, l := range lines[:len(lines)-tail] {
		h := rowsOf(l, cols)
		if used+h > budget {
			break
		}
		keep = append(keep, l)
		used += h
	}
	cut := len(lines) - tail - len(keep)
	keep = append(keep, fmt.Sprintf("        ... %d more lines: `%s` shows them all ...\n", cut, all))
	keep = append(keep, lines[len(lines)-tail:]...)
	return strings.Join(keep, "") + "\n"
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")

// rowsOf is how many rows text takes on a terminal cols wide.
func rowsOf(text string, cols int) int {
	rows := 0
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		w := utf8.RuneCountInString(ansi.ReplaceAllString(strings.ReplaceAll(l, "\t", "        "), ""))
		if cols <= 0 || w <= cols {
			rows++
		} else {
			rows += (w + cols - 1) / cols
		}
	}
	return rows
}

// terminalSize is the size of the terminal w writes to, or 0, 0.
func terminalSize(w io.Writer) (cols, rows int) {
	if c, ok := w.(crlfWriter); ok {
		w = c.w
	}
	f, ok := w.(*os.File)
	if !ok {
		return 0, 0
	}
	cols, rows, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0, 0
	}
	return cols, rows
}

func (s *watchSession) show(text string) {
	io.WriteString(s.e.stdout, "\n"+text)
}

func indexOf(es []*catalog.Exercise, e *catalog.Exercise) int {
	for i, x := range es {
		if x == e {
			return i
		}
	}
	return -1
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// readKeys delivers what the student types: single keys when stdin is a
// terminal (raw mode), else the first character of each line. restore puts
// the terminal back.
func readKeys(ctx context.Context, in io.Reader) (<-chan rune, bool, func()) {
	keys := make(chan rune)
	restore := func() {}
	raw := false
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fd := int(f.Fd())
		if old, err := term.MakeRaw(fd); err == nil {
			raw = true
			restore = func() { term.Restore(fd, old) }
		}
	}
	go func() {
		defer close(keys)
		r := bufio.NewReader(in)
		for {
			var k rune
			if raw {
				c, _, err := r.ReadRune()
				if err != nil {
					return
				}
				k = c
			} else {
				line, err := r.ReadString('\n')
				if line = strings.TrimSpace(line); line != "" {
					k = rune(line[0])
				}
				if err != nil && k == 0 {
					return
				}
				if k == 0 {
					continue
				}
			}
			select {
			case keys <- k:
			case <-ctx.Done():
				return
			}
		}
	}()
	return keys, raw, restore
}

// crlfWriter ends lines with CR LF, for a terminal in raw mode.
type crlfWriter struct{ w io.Writer }

func (c crlfWriter) Write(p []byte) (int, error) {
	_, err := c.w.Write([]byte(strings.ReplaceAll(string(p), "\n", "\r\n")))
	return len(p), err
}
