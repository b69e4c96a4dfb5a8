package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

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
	keys, raw, restore := readKeys(ctx)
	defer restore()
	if raw {
		// Raw mode turns off the terminal's newline translation.
		e = &env{stdout: crlfWriter{e.stdout}, stderr: crlfWriter{e.stderr}}
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
		s.draw(focus, res, watcher.Mode(), "")
		if res.Status == verdict.Pass {
			if *untilPass {
				stopWatching()
				return exitPass
			}
			if next := w.firstUnsolved(); next != focus {
				s.note = fmt.Sprintf("%s passes. On to %s!", focus.Name, next.Name)
				focus = next
				stopWatching()
				continue
			}
		}
	wait:
		for {
			select {
			case <-ctx.Done():
				stopWatching()
				return exitPass
			case msg := <-watcher.Notes:
				s.draw(focus, res, watcher.Mode(), msg)
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
					if i := indexOf(w.cat.Exercises, focus); i+1 < len(w.cat.Exercises) {
						focus = w.cat.Exercises[i+1]
					}
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
	last   string
}

func (s *watchSession) grade(ctx context.Context, ex *catalog.Exercise, dir string) (verdict.Result, error) {
	if s.screen {
		fmt.Fprintf(s.e.stdout, "\rGrading %s ...", ex.Name)
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
	report.SaveLogs(s.w.root, rep)
	if err := report.WriteText(&b, rep, report.Options{Color: s.color}); err != nil {
		return res, err
	}
	s.last = b.String()
	return res, nil
}

func (s *watchSession) draw(ex *catalog.Exercise, res verdict.Result, mode, msg string) {
	var b strings.Builder
	if s.screen {
		b.WriteString("\x1b[H\x1b[2J")
	} else {
		b.WriteString("\n")
	}
	passed := 0
	for _, e := range s.w.cat.Exercises {
		if st := s.w.state.Exercises[e.Name]; st != nil && st.Status == verdict.Pass {
			passed++
		}
	}
	fmt.Fprintf(&b, "Go Concurrency Lab %s %d/%d exercises\n", bar(passed, len(s.w.cat.Exercises), 32, s.color), passed, len(s.w.cat.Exercises))
	if s.note != "" {
		fmt.Fprintf(&b, "%s\n", s.note)
		s.note = ""
	}
	fmt.Fprintf(&b, "\nWatching exercises/%s (%s), %s\n\n", ex.Name, time.Now().Format("15:04:05"), mode)
	b.WriteString(s.last)
	if msg != "" {
		fmt.Fprintf(&b, "\n%s\n", msg)
	}
	b.WriteString("\n[h] hint  [n] next exercise  [l] list  [r] re-run  [q] quit — save your file to re-grade\n")
	io.WriteString(s.e.stdout, b.String())
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
func readKeys(ctx context.Context) (<-chan rune, bool, func()) {
	keys := make(chan rune)
	restore := func() {}
	fd := int(os.Stdin.Fd())
	raw := false
	if term.IsTerminal(fd) {
		if old, err := term.MakeRaw(fd); err == nil {
			raw = true
			restore = func() { term.Restore(fd, old) }
		}
	}
	go func() {
		defer close(keys)
		r := bufio.NewReader(os.Stdin)
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
