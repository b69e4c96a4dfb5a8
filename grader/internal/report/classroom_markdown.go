package report

import (
	"fmt"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

// maxMarkdown keeps a Markdown summary under GitHub's 1 MiB per step
// summary, with room to spare for what else the step writes.
const maxMarkdown = 900 << 10

// maxLog bounds the full log of one exercise in a summary.
const maxLog = 32 << 10

var markdownMarks = map[verdict.Status]string{
	verdict.Pass:  "✅",
	verdict.Fail:  "❌",
	verdict.Error: "⚠️",
	verdict.Skip:  "⏸️",
}

var checkWords = map[verdict.Status]string{
	verdict.Pass:  "pass",
	verdict.Fail:  "fail",
	verdict.Error: "error",
	verdict.Skip:  "not scored yet", // or "not checked": see markdownSummary
}

// markdownSummary renders the report for a student reading it on GitHub
// (the job summary, a release body): a table of the exercises, then each
// exercise that does not pass with its checks and their messages.
func markdownSummary(r *Report, title string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", title)
	fmt.Fprintf(&b, "**%d/%d points** · %d of %d exercises pass\n\n", r.Score, r.MaxScore, r.Passed, len(r.Exercises))
	if !r.Race && r.RaceWhy != "" {
		fmt.Fprintf(&b, "> [!WARNING]\n> The race detector could not run: %s. No exercise with a race check can pass without it.\n\n", cell(r.RaceWhy))
	}
	b.WriteString("| | exercise | points |\n|---|---|---:|\n")
	for _, e := range r.Exercises {
		fmt.Fprintf(&b, "| %s | %s — %s | %d/%d |\n", markdownMarks[e.Status], e.Exercise, cell(e.Title), e.Score, e.MaxScore)
	}
	b.WriteString("\n")

	left := 0
	for _, e := range r.Exercises {
		if e.Status == verdict.Pass {
			continue
		}
		if b.Len() > maxMarkdown {
			left++
			continue
		}
		fmt.Fprintf(&b, "### %s %s: %d/%d\n\n", markdownMarks[e.Status], e.Exercise, e.Score, e.MaxScore)
		b.WriteString("| check | result | points |\n|---|---|---:|\n")
		var gated []string
		for _, c := range e.Checks {
			word := checkWords[c.Status]
			if c.Status == verdict.Skip {
				if strings.HasPrefix(c.Message, verdict.GatedPrefix) {
					gated = append(gated, string(c.Name))
				} else {
					word = "not checked"
				}
			}
			fmt.Fprintf(&b, "| %s | %s %s | %d/%d |\n", c.Name, markdownMarks[c.Status], word, c.Score, c.MaxScore)
		}
		b.WriteString("\n")
		// Each message once, under the names of the checks that share it
		// ("Not checked: the code does not build yet" for five of them).
		var order []string
		names := map[string][]string{}
		for _, c := range e.Checks {
			if c.Status == verdict.Pass || c.Message == "" || strings.HasPrefix(c.Message, verdict.GatedPrefix) {
				continue
			}
			if names[c.Message] == nil {
				order = append(order, c.Message)
			}
			names[c.Message] = append(names[c.Message], string(c.Name))
		}
		for _, msg := range order {
			fmt.Fprintf(&b, "**%s**\n\n%s\n", strings.Join(names[msg], ", "), fence(clip(msg, maxMessage)))
		}
		if len(gated) > 0 {
			fmt.Fprintf(&b, "%s: nothing wrong found, but not scored until behaviour and rules pass. Code that does not do the job yet earns no points.\n\n", strings.Join(gated, ", "))
		}
		for _, n := range e.Notices {
			fmt.Fprintf(&b, "> %s\n\n", strings.ReplaceAll(strings.TrimSpace(n), "\n", "\n> "))
		}
		if e.Log != "" {
			// A summary page has room for the detail, folded away.
			fmt.Fprintf(&b, "<details><summary>Full log</summary>\n\n%s\n</details>\n\n", fence(clip(e.Log, maxLog)))
		}
		fmt.Fprintf(&b, "Run `go run ./grader test %s` (or `make test EX=%s`) to see this on your machine.\n\n", number(e.Exercise), number(e.Exercise))
	}
	if left > 0 {
		fmt.Fprintf(&b, "*%d more exercises do not pass yet; they were left out to keep this page short.*\n", left)
	}
	return b.String()
}

// fence puts text in a code block whose fence no line of the text can close.
func fence(text string) string {
	f := "```"
	for strings.Contains(text, f) {
		f += "`"
	}
	return f + "text\n" + strings.TrimRight(text, "\n") + "\n" + f + "\n"
}

// cell makes text safe inside one cell of a Markdown table.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\r", " ", "\n", " ").Replace(s)
}

func stepSummary(r *Report, _ Options) string {
	return markdownSummary(r, "Go Concurrency Lab: autograding")
}
