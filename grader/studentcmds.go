package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/progress"
	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

func init() {
	commands["hint"] = command{"show the next hint for an exercise (-all: every hint seen so far)", runHint}
	commands["list"] = command{"list the exercises with your progress", runList}
	commands["reset"] = command{"restore an exercise's stub, after asking", runReset}
}

// workspace is what the student commands share: the catalog, the checkout
// and its remembered progress.
type workspace struct {
	cat   *catalog.Catalog
	root  string // module root
	dir   string // the exercises folder, absolute
	state *progress.State
}

func openWorkspace(dir, hiddenDir string) (*workspace, error) {
	cat, err := loadCatalog(hiddenDir)
	if err != nil {
		return nil, err
	}
	root, err := moduleRoot(dir)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return &workspace{cat: cat, root: root, dir: abs, state: progress.Load(root)}, nil
}

// pick returns the exercise named by args, or the first one not yet passed.
func (w *workspace) pick(args []string) (*catalog.Exercise, error) {
	if len(args) > 1 {
		return nil, usageError{"name one exercise"}
	}
	if len(args) == 1 {
		es, err := w.cat.Select(args)
		if err != nil {
			return nil, usageError{err.Error()}
		}
		return es[0], nil
	}
	return w.firstUnsolved(), nil
}

// firstUnsolved is the first exercise whose last grade was not a pass (or
// the last exercise when all pass).
func (w *workspace) firstUnsolved() *catalog.Exercise {
	for _, e := range w.cat.Exercises {
		if s := w.state.Exercises[e.Name]; s == nil || s.Status != verdict.Pass {
			return e
		}
	}
	return w.cat.Exercises[len(w.cat.Exercises)-1]
}

func runHint(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "hint")
	all := fs.Bool("all", false, "show again every hint seen so far, without a new one")
	dir := fs.String("dir", "exercises", "the exercise folders are under `dir`")
	hiddenDir := fs.String("hidden", "", "read the hidden archives from `dir`")
	names, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage
	}
	w, err := openWorkspace(*dir, *hiddenDir)
	if err != nil {
		return exitFor(e, err)
	}
	ex, err := w.pick(names)
	if err != nil {
		return exitFor(e, err)
	}
	fmt.Fprint(e.stdout, hintText(w, ex, *all))
	if err := w.state.Save(); err != nil {
		fmt.Fprintf(e.stderr, "grader: could not remember the hints you saw: %v\n", err)
	}
	return exitPass
}

// hintText returns the next hint (or every one seen with all) and records it.
func hintText(w *workspace, ex *catalog.Exercise, all bool) string {
	var b strings.Builder
	st := w.state.Get(ex.Name)
	n := len(ex.Hints)
	if n == 0 {
		return fmt.Sprintf("%s has no hints. Read exercises/%s/README.md again, and the grader's messages.\n", ex.Name, ex.Name)
	}
	show := []int{}
	switch {
	case all && st.HintsSeen == 0:
		fmt.Fprintf(&b, "You have not asked for a hint for %s yet. `%s` shows the first.\n", ex.Name, suggest("hint", ex.Number()))
		return b.String()
	case all:
		for i := range st.HintsSeen {
			show = append(show, i)
		}
	case st.HintsSeen < n:
		st.HintsSeen++
		show = append(show, st.HintsSeen-1)
	default:
		for i := range n {
			show = append(show, i)
		}
		fmt.Fprintf(&b, "That was the last hint for %s; here they all are again.\n\n", ex.Name)
	}
	for _, i := range show {
		fmt.Fprintf(&b, "Hint %d of %d for %s (%s):\n\n%s\n\n", i+1, n, ex.Name, ex.Title, indentBlock(ex.Hints[i]))
	}
	if !all && st.HintsSeen < n {
		fmt.Fprintf(&b, "Still stuck? Ask again for hint %d. `-all` shows the ones you have seen.\n", st.HintsSeen+1)
	}
	return b.String()
}

func indentBlock(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

func runList(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "list")
	dir := fs.String("dir", "exercises", "the exercise folders are under `dir`")
	hiddenDir := fs.String("hidden", "", "read the hidden archives from `dir`")
	if _, err := parseFlags(fs, args); err != nil {
		return exitUsage
	}
	w, err := openWorkspace(*dir, *hiddenDir)
	if err != nil {
		return exitFor(e, err)
	}
	fmt.Fprint(e.stdout, listText(w, useColor(e.stdout)))
	return exitPass
}

// listText renders the catalog with the remembered progress.
func listText(w *workspace, color bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Your progress, as last graded (`%s` grades every exercise again):\n\n", suggest("test", ""))
	passed, score, max := 0, 0, 0
	for _, ex := range w.cat.Exercises {
		st := w.state.Exercises[ex.Name]
		mark, points, hints := "·", fmt.Sprintf("  -/%-3d", ex.MaxScore()), ""
		if st != nil && st.Status != "" {
			mark = map[verdict.Status]string{verdict.Pass: "✓", verdict.Fail: "✗", verdict.Error: "!"}[st.Status]
			points = fmt.Sprintf("%3d/%-3d", st.Score, ex.MaxScore())
			score += st.Score
			if st.Status == verdict.Pass {
				passed++
			}
		}
		if st != nil && st.HintsSeen > 0 {
			hints = fmt.Sprintf("  hints %d/%d", st.HintsSeen, len(ex.Hints))
		}
		max += ex.MaxScore()
		fmt.Fprintf(&b, "%s %-26s %-34s %s%s\n", mark, ex.Name, ex.Title, points, hints)
	}
	fmt.Fprintf(&b, "\n%s %d/%d exercises · %d/%d points\n", bar(passed, len(w.cat.Exercises), 30, color), passed, len(w.cat.Exercises), score, max)
	if passed < len(w.cat.Exercises) {
		next := w.firstUnsolved()
		fmt.Fprintf(&b, "Next: exercises/%s (%s) — `%s`, or `%s`.\n", next.Name, next.Title, suggest("test", next.Number()), suggest("watch", next.Number()))
	}
	b.WriteString("(✓ passed, ✗ failed, ! did not build, · not graded yet — each as last graded)\n")
	return b.String()
}

// bar draws a progress bar of width cells.
func bar(done, total, width int, color bool) string {
	if total == 0 {
		return ""
	}
	full := done * width / total
	s := "[" + strings.Repeat("#", full) + strings.Repeat("-", width-full) + "]"
	if color {
		s = "[\x1b[32m" + strings.Repeat("#", full) + "\x1b[0m" + strings.Repeat("-", width-full) + "]"
	}
	return s
}

func runReset(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "reset")
	yes := fs.Bool("y", false, "do not ask for confirmation")
	dir := fs.String("dir", "exercises", "the exercise folders are under `dir`")
	hiddenDir := fs.String("hidden", "", "read the hidden archives from `dir`")
	names, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(names) != 1 {
		return exitFor(e, usageError{"name the exercise to reset, e.g. `" + suggest("reset", "01") + "`"})
	}
	w, err := openWorkspace(*dir, *hiddenDir)
	if err != nil {
		return exitFor(e, err)
	}
	ex, err := w.pick(names)
	if err != nil {
		return exitFor(e, err)
	}
	if ex.Stub == nil {
		return exitFor(e, fmt.Errorf("the grader has no copy of %s's stub", ex.Name))
	}
	file := filepath.Join(w.dir, ex.Name, ex.File)
	rel, _ := filepath.Rel(w.root, file)
	if cur, err := os.ReadFile(file); err == nil && string(cur) == string(ex.Stub) {
		fmt.Fprintf(e.stdout, "%s is already the untouched stub.\n", filepath.ToSlash(rel))
		return exitPass
	}
	if !*yes {
		fmt.Fprintf(e.stdout, "Restore %s to the stub? Your changes to it will be lost. [y/N] ", filepath.ToSlash(rel))
		answer, _ := bufio.NewReader(e.stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(e.stdout, "Nothing changed.")
			return exitPass
		}
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return exitFor(e, err)
	}
	if err := os.WriteFile(file, ex.Stub, 0o644); err != nil {
		return exitFor(e, err)
	}
	st := w.state.Get(ex.Name)
	st.Status, st.Score = "", 0
	_ = w.state.Save()
	fmt.Fprintf(e.stdout, "Restored %s. Other files in that folder were left as they are.\n", filepath.ToSlash(rel))
	return exitPass
}

// editAt names the place to work on an exercise as path:line (relative to
// the module root), a form that terminals and editors open: the first line
// of the exercise's file that the last grade's messages name, else its
// first TODO, else its first line.
func editAt(root, dir string, ex *catalog.Exercise, r *verdict.Result) string {
	file := filepath.Join(dir, ex.File)
	rel, err := filepath.Rel(root, file)
	if err != nil {
		rel = file
	}
	rel = filepath.ToSlash(rel)
	if r != nil {
		at := regexp.MustCompile(regexp.QuoteMeta(rel) + `:(\d+)`)
		for _, c := range r.Checks {
			if m := at.FindStringSubmatch(c.Message); m != nil && c.Status != verdict.Pass {
				return rel + ":" + m[1]
			}
		}
	}
	return fmt.Sprintf("%s:%d", rel, todoLine(file))
}

// todoLine is the line of the first TODO in file, where the work starts, or 1.
func todoLine(file string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		return 1
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, "TODO") {
			return i + 1
		}
	}
	return 1
}

// viaMake reports whether the student runs the grader through the
// Makefile, which says so in GRADER_VIA_MAKE.
func viaMake() bool { return os.Getenv("GRADER_VIA_MAKE") == "1" }

// suggest is a grader command for the student to run, in the form they
// use: make's, or the go command's (which works as it is in PowerShell, cmd
// and Unix shells alike). ex is an exercise's number, or "".
func suggest(cmd, ex string) string {
	if viaMake() {
		if ex != "" {
			return "make " + cmd + " EX=" + ex
		}
		return "make " + cmd
	}
	if ex != "" {
		return "go run ./grader " + cmd + " " + ex
	}
	return "go run ./grader " + cmd
}

// recordProgress remembers the grades of the student's own exercises (not
// of solutions/ or another tree graded with -dir) for list, hint and watch.
func recordProgress(root, base string, results []verdict.Result) {
	if filepath.Clean(base) != filepath.Join(root, "exercises") {
		return
	}
	st := progress.Load(root)
	st.Record(results)
	_ = st.Save()
}
