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
	p := colours(o.Color)
	var b strings.Builder
	expanded := false
	var first *verdict.Result
	for i := range r.Exercises {
		e := &r.Exercises[i]
		fmt.Fprintf(&b, "%s %-26s %-34s %3d/%-3d\n", p.status(e.Status), e.Exercise, e.Title, e.Score, e.MaxScore)
		if e.Status == verdict.Pass || expanded {
			continue
		}
		expanded, first = true, e
		writeDiagnosis(&b, p, e, o)
	}
	if !r.Race && r.RaceWhy != "" {
		fmt.Fprintf(&b, "\n%sThe race detector could not run: %s.%s\n", p.yellow, r.RaceWhy, p.reset)
	}
	fmt.Fprintf(&b, "\n%s%d of %d exercises pass · %d/%d points%s\n", p.bold, r.Passed, len(r.Exercises), r.Score, r.MaxScore, p.reset)
	switch {
	case first != nil && r.Command == "watch":
		fmt.Fprintf(&b, "Next: fix exercises/%s and save; it is graded again at once. Stuck? Press h for a hint.\n", first.Exercise)
	case first != nil:
		fmt.Fprintf(&b, "Next: fix %s/%s, then run `%s`. Stuck? `%s`\n",
			"exercises", first.Exercise, r.rerun(first.Exercise), r.hint(first.Exercise))
	case len(r.Exercises) > 1:
		b.WriteString("Everything passes. Well done!\n")
	case len(r.Exercises) == 1:
		fmt.Fprintf(&b, "%s passes. Well done!\n", r.Exercises[0].Exercise)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) rerun(exercise string) string {
	if r.Command == "make test" {
		return "make test EX=" + number(exercise)
	}
	return r.Command + " test " + number(exercise)
}

func (r *Report) hint(exercise string) string {
	if r.Command == "make test" {
		return "make hint EX=" + number(exercise)
	}
	return r.Command + " hint " + number(exercise)
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
	for _, c := range e.Checks {
		if c.Name == "build" && c.Status == verdict.Pass {
			continue // never scored, and said by every other line
		}
		line := fmt.Sprintf("    %s %-10s %d/%d", p.status(c.Status), c.Name, c.Score, c.MaxScore)
		if c.Status == verdict.Skip && strings.HasPrefix(c.Message, verdict.GatedPrefix) {
			// Said once below, not once per check.
			gated = append(gated, c.Name)
			lines = append(lines, line+"  looks fine, not scored yet")
			continue
		}
		lines = append(lines, line)
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
	case e.LogFile != "":
		tail = append(tail, fmt.Sprintf("    %sFull log: %s (-v prints it)%s", p.dim, e.LogFile, p.reset))
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
