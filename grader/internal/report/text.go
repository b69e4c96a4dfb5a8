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
		var gated []string
		for _, c := range e.Checks {
			fmt.Fprintf(&b, "    %s %-10s %d/%d", p.status(c.Status), c.Name, c.Score, c.MaxScore)
			if c.Status == verdict.Skip && strings.HasPrefix(c.Message, verdict.GatedPrefix) {
				// Said once below, not once per check.
				gated = append(gated, string(c.Name))
				b.WriteString("  looks fine, not scored yet\n")
				continue
			}
			b.WriteString("\n")
			if c.Message != "" && c.Status != verdict.Pass {
				b.WriteString(indentText(c.Message, "        "))
			}
		}
		if len(gated) > 0 {
			fmt.Fprintf(&b, "    %s(%s: %s; code that does not do the job yet earns no points)%s\n",
				p.dim, strings.Join(gated, ", "), strings.TrimSuffix(verdict.GatedPrefix, ":"), p.reset)
		}
		for _, n := range e.Notices {
			b.WriteString(indentText("Note: "+n, "    "))
		}
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
	case len(r.Exercises) > 0:
		b.WriteString("Everything passes. Well done!\n")
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
