package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

func init() { register("text", WriteText) }

type palette struct{ green, red, yellow, dim, bold, reset string }

func colours(on bool) palette {
	if !on {
		return palette{}
	}
	return palette{"\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[2m", "\x1b[1m", "\x1b[0m"}
}

var marks = map[verdict.Status]string{verdict.Pass: "✓", verdict.Fail: "✗", verdict.Error: "!", verdict.Skip: "·"}

func (p palette) status(s verdict.Status) string {
	switch s {
	case verdict.Pass:
		return p.green + marks[s] + p.reset
	case verdict.Fail:
		return p.red + marks[s] + p.reset
	case verdict.Error:
		return p.yellow + marks[s] + p.reset
	}
	return p.dim + marks[s] + p.reset
}

// WriteText writes what a student reads in a terminal: the first exercise
// that does not pass in full, the others one line each, then the score and
// the next thing to do.
func WriteText(w io.Writer, r *Report, o Options) error {
	t := NewTextStream(w, o)
	for i := range r.Exercises {
		if err := t.Exercise(r.Exercises[i]); err != nil {
			return err
		}
	}
	return t.Summary(r)
}

// TextStream writes the text report as the exercises are graded: one line
// per exercise as soon as it is known (the first one to fix in full), then,
// once every exercise is in, the summary. WriteText is a TextStream fed all
// at once.
type TextStream struct {
	w        io.Writer
	o        Options
	p        palette
	first    string // the first exercise that does not pass, expanded
	printed  []verdict.Result
	expanded bool
}

// NewTextStream starts a text report on w.
func NewTextStream(w io.Writer, o Options) *TextStream {
	return &TextStream{w: w, o: o, p: colours(o.Color)}
}

// Exercise writes the line of one graded exercise.
func (t *TextStream) Exercise(e verdict.Result) error {
	var b strings.Builder
	t.printed = append(t.printed, e)
	t.writeExercise(&b, &e)
	_, err := io.WriteString(t.w, b.String())
	return err
}

func (t *TextStream) writeExercise(b *strings.Builder, e *verdict.Result) {
	p := t.p
	if PassesHere(e) {
		// Everything that could run passed; only the race detector is
		// missing. Not a pass, and nothing to fix either.
		fmt.Fprintf(b, "%s %-26s %-34s %3d/%-3d\n", p.status(verdict.Pass), e.Exercise, e.Title, e.Score, e.MaxScore)
		if c := e.Check("race"); c != nil {
			writeRaceNotChecked(b, c, p)
		}
		return
	}
	fmt.Fprintf(b, "%s %-26s %-34s %3d/%-3d\n", p.status(shownStatus(e)), e.Exercise, e.Title, e.Score, e.MaxScore)
	if e.Status == verdict.Pass || t.expanded {
		return
	}
	t.expanded, t.first = true, e.Exercise
	writeDiagnosis(b, p, e, t.o)
}

// raceNotChecked reports whether c is a race check that could not run:
// verdict makes it an error when, and only when, the detector is missing
// (an exercise that could not be graded at all has every check an error,
// and is not shown this way: see shownStatus).
func raceNotChecked(c verdict.Check) bool {
	return c.Name == "race" && c.Status == verdict.Error && strings.HasPrefix(c.Message, "Not checked:")
}

func writeRaceNotChecked(b *strings.Builder, c *verdict.Check, p palette) {
	fmt.Fprintf(b, "    %s %-10s -/%d  not checked here (it will run in the classroom's grader)\n", p.status(verdict.Skip), c.Name, c.MaxScore)
}

// shownStatus is the exercise's status for its line: an error only for the
// missing race detector is not the student's to fix, so the line shows what
// the other checks say.
func shownStatus(e *verdict.Result) verdict.Status {
	if e.Status != verdict.Error {
		return e.Status
	}
	for _, c := range e.Checks {
		if c.Status == verdict.Error && !raceNotChecked(c) {
			return verdict.Error
		}
	}
	return verdict.Fail
}

// PassesHere reports whether an exercise passed every check that could run
// and failed only for want of the race detector: verdict makes the race
// check an error when, and only when, the detector could not run, and an
// exercise that could not be graded at all has every check an error.
func PassesHere(e *verdict.Result) bool {
	if e.Status == verdict.Pass {
		return false
	}
	missing := false
	for _, c := range e.Checks {
		switch {
		case c.Name == "race" && c.Status == verdict.Error:
			missing = true
		case c.Status != verdict.Pass:
			return false
		}
	}
	return missing
}

// Summary writes the score and the next thing to do. r holds the final
// results; if grading replaced some after their lines were written (code
// under test changed the grader's files), every line is written again.
func (t *TextStream) Summary(r *Report) error {
	var b strings.Builder
	p := t.p
	if !t.same(r.Exercises) {
		b.WriteString("\nThe results above do not count: the grading was redone.\n\n")
		t.printed, t.first, t.expanded = nil, "", false
		for _, e := range r.Exercises {
			t.printed = append(t.printed, e)
			t.writeExercise(&b, &e)
		}
	}
	here := 0
	for i := range t.printed {
		if PassesHere(&t.printed[i]) {
			here++
		}
	}
	if !r.Race && r.RaceWhy != "" {
		fmt.Fprintf(&b, "\n%sThe race detector could not run: %s.%s\n", p.yellow, r.RaceWhy, p.reset)
		if here > 0 {
			b.WriteString("Every other check was run and scored; the race checks will run in the classroom's grader.\n")
		}
		if strings.Contains(r.RaceWhy, "cgo") {
			b.WriteString("To look for data races here too, install a C compiler: see \"You need\" in README.md.\n")
		}
	}
	switch {
	case here > 0:
		fmt.Fprintf(&b, "\n%s%d of %d exercises pass every check that could run here · %d/%d points%s\n",
			p.bold, r.Passed+here, len(r.Exercises), r.Score, r.MaxScore, p.reset)
	default:
		fmt.Fprintf(&b, "\n%s%d of %d exercises pass · %d/%d points%s\n", p.bold, r.Passed, len(r.Exercises), r.Score, r.MaxScore, p.reset)
	}
	b.WriteString(t.next(r, here))
	_, err := io.WriteString(t.w, b.String())
	return err
}

// next is the closing line: what to do now.
func (t *TextStream) next(r *Report, here int) string {
	first := t.first
	switch {
	case first != "" && r.Command == "watch":
		return fmt.Sprintf("Next: fix %s and save; it is graded again at once. Stuck? Press h for a hint.\n", t.edit(first))
	case first != "":
		return fmt.Sprintf("Next: fix %s, then run `%s`. Stuck? `%s`\n", t.edit(first), r.rerun(first), r.hint(first))
	case len(r.Exercises) == 0:
		return ""
	case here > 0 && len(r.Exercises) == 1:
		return fmt.Sprintf("%s passes every check that could run here; the race check will run in the classroom's grader.\n", r.Exercises[0].Exercise)
	case here > 0:
		return "Nothing to fix that could be checked here; the race checks will run in the classroom's grader.\n"
	case len(r.Exercises) == 1:
		return fmt.Sprintf("%s passes.\n", r.Exercises[0].Exercise)
	case len(t.o.Exercises) == 0 || len(r.Exercises) == len(t.o.Exercises):
		return "Every exercise passes. Well done!\n"
	}
	return fmt.Sprintf("All %d graded exercises pass.\n", len(r.Exercises))
}

// edit names where to work on an exercise: path:line when known, so that
// terminals and editors can open it.
func (t *TextStream) edit(exercise string) string {
	if at := t.o.Edit[exercise]; at != "" {
		return at
	}
	if f := t.o.Files[exercise]; f != "" {
		return f
	}
	return "exercises/" + exercise
}

// same reports whether results are those already written, in status and score.
func (t *TextStream) same(results []verdict.Result) bool {
	if len(results) != len(t.printed) {
		return false
	}
	for i, e := range results {
		if e.Exercise != t.printed[i].Exercise || e.Status != t.printed[i].Status || e.Score != t.printed[i].Score {
			return false
		}
	}
	return true
}

func (r *Report) rerun(exercise string) string { return r.suggest("test", exercise) }

func (r *Report) hint(exercise string) string { return r.suggest("hint", exercise) }

// suggest is a command for the student, in the form they used: make's or
// the go command's (both work in PowerShell as in a Unix shell).
func (r *Report) suggest(cmd, exercise string) string {
	if r.Command == "make test" {
		return "make " + cmd + " EX=" + number(exercise)
	}
	return r.Command + " " + cmd + " " + number(exercise)
}

func number(exercise string) string {
	n, _, _ := strings.Cut(exercise, "-")
	return n
}

func indentText(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix) + "\n"
}

// diagnosisBudget bounds the lines under an exercise's header, so that the
// exercise's whole report (header and next step included) fits in 25 lines,
// a terminal's screen with the watch header: longer messages are cut to
// their head and tail, and the full log has the rest.
const diagnosisBudget = 21

// writeDiagnosis writes the checks of an exercise that does not pass, each
// with its diagnosis: what go vet found first, then one message per check
// that did not pass, and the file that holds the full detail.
func writeDiagnosis(b *strings.Builder, p palette, e *verdict.Result, o Options) {
	var lines []string
	if len(e.Vet) > 0 {
		lines = append(lines, "    go vet:")
		for _, v := range e.Vet {
			lines = append(lines, "        "+v)
		}
	}
	type shown struct {
		at  int // index in lines of the check's line
		msg []string
	}
	var msgs []shown
	var gated []string
	said := map[string]bool{}
	for _, c := range e.Checks {
		if c.Name == "build" && c.Status == verdict.Pass {
			continue // never scored, and said by every other line
		}
		if raceNotChecked(c) {
			var rb strings.Builder
			writeRaceNotChecked(&rb, &c, p)
			lines = append(lines, strings.TrimRight(rb.String(), "\n"))
			continue
		}
		line := fmt.Sprintf("    %s %-10s %d/%d", p.status(c.Status), c.Name, c.Score, c.MaxScore)
		if c.Status == verdict.Skip && strings.HasPrefix(c.Message, verdict.GatedPrefix) {
			// Said once below, not once per check.
			gated = append(gated, string(c.Name))
			lines = append(lines, line+"  looks fine, not scored yet")
			continue
		}
		lines = append(lines, line)
		if said[c.Message] {
			// ("Not checked: the code does not build yet" for four of them.)
			continue
		}
		said[c.Message] = true
		if c.Message != "" && c.Status != verdict.Pass {
			m := strings.Split(strings.TrimRight(c.Message, "\n"), "\n")
			msgs = append(msgs, shown{len(lines) - 1, m})
		}
	}
	if len(gated) > 0 {
		lines = append(lines, fmt.Sprintf("    %s(%s: %s; code that does not do the job yet earns no points)%s",
			p.dim, strings.Join(gated, ", "), strings.TrimSuffix(verdict.GatedPrefix, ":"), p.reset))
	}
	for _, n := range e.Notices {
		lines = append(lines, strings.Split(strings.TrimRight(indentText("Note: "+n, "    "), "\n"), "\n")...)
	}
	var tail []string
	switch {
	case o.Verbose && e.Log != "":
		tail = append(tail, fmt.Sprintf("    %s--- full log%s", p.dim, p.reset), strings.TrimRight(indentText(e.Log, "    "), "\n"))
	case o.LogDir != "" && e.Log != "":
		tail = append(tail, fmt.Sprintf("    %sFull log: %s/%s.txt (-v prints it)%s", p.dim, o.LogDir, e.Exercise, p.reset))
	}

	// Fit the messages into what the budget leaves them: first the lines
	// they quote (a program's output, a list of goroutines), then their
	// middles.
	room := diagnosisBudget - len(lines) - len(tail)
	count := func() int {
		n := 0
		for _, m := range msgs {
			n += len(m.msg)
		}
		return n
	}
	// The first failing check is the one to fix first: the others give up
	// their lines first.
	for i := len(msgs) - 1; i >= 0 && count() > room; i-- {
		keep := max(3, len(msgs[i].msg)-(count()-room))
		if i == 0 {
			keep = max(4, keep)
		}
		msgs[i].msg = fit(msgs[i].msg, keep)
	}
	// Still too long (lines at the student's code are kept above): the
	// checks after the first keep their first line only.
	for i := len(msgs) - 1; i > 0 && count() > room; i-- {
		if len(msgs[i].msg) > 2 {
			msgs[i].msg = []string{msgs[i].msg[0], "  ... (the rest is in the full log)"}
		}
	}
	next := 0
	for i, l := range lines {
		b.WriteString(l + "\n")
		if next < len(msgs) && msgs[next].at == i {
			for _, m := range msgs[next].msg {
				b.WriteString("        " + m + "\n")
			}
			next++
		}
	}
	for _, l := range tail {
		b.WriteString(l + "\n")
	}
}

// fit cuts a message to n lines, keeping what matters most: its first
// line (what happened), the lines at the student's code, "The problem: ..."
// and its last lines (what to do). What it quotes (a program's output)
// goes first, then the middle. One line says how many were left out.
func fit(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	rank := make([]int, len(lines)) // 0 keep, 1 prose, 2 quoted
	for i, l := range lines {
		switch {
		case i == 0, i == len(lines)-1, strings.Contains(l, "exercises/"), strings.HasPrefix(l, "The problem:"):
			rank[i] = 0
		case strings.HasPrefix(l, "  "):
			rank[i] = 2
		default:
			rank[i] = 1
		}
	}
	drop := make([]bool, len(lines))
	left := len(lines) + 1 // the line that counts what was left out
	for r := 2; r >= 1 && left > n; r-- {
		// Quoted lines from the end, prose from the middle out.
		for i := len(lines) - 1; i >= 0 && left > n; i-- {
			if rank[i] == r {
				drop[i] = true
				left--
			}
		}
	}
	var out []string
	said, dropped := false, 0
	for _, d := range drop {
		if d {
			dropped++
		}
	}
	for i, l := range lines {
		if !drop[i] || dropped == 1 {
			// (A line that would say one line was left out might as
			// well be that line.)
			out = append(out, l)
			continue
		}
		if !said {
			out = append(out, fmt.Sprintf("  ... (%d more lines in the full log)", dropped))
			said = true
		}
	}
	// What is left is what matters most: better a line too many than a
	// location lost.
	return out
}
