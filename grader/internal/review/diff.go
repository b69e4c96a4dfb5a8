package review

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/handout"
)

// WriteSideBySide writes a Markdown page of one student: for each
// exercise, the grade, what failed, and the student's code beside the
// reference solution's, with a diff between them.
func WriteSideBySide(w io.Writer, s Student, studentDir, solutions string) error {
	p := &mdWriter{w: w}
	p.f("# %s — %d/%d\n", s.Name, s.Score, s.MaxScore)
	if s.Commit != "" {
		p.f("\nGraded at commit `%s`.\n", s.Commit)
	}
	if s.Error != "" {
		p.f("\nNot graded:\n\n%s", fence(s.Error))
	}
	for _, g := range s.Grades {
		p.f("\n## %s — %d/%d (%s)\n\n", g.Name, g.Score, g.MaxScore, g.Status)
		for _, fl := range g.Failures {
			if fl.Status != "skip" {
				p.f("- %s: %s\n", fl.Check, fl.Status)
				if fl.Message != "" {
					p.f("%s", indent(fence(fl.Message), "  "))
				}
			}
		}
		mine := goFiles(filepath.Join(studentDir, "exercises", g.Name))
		ref := goFiles(filepath.Join(solutions, g.Name))
		names := map[string]bool{}
		for n := range mine {
			names[n] = true
		}
		for n := range ref {
			names[n] = true
		}
		var sorted []string
		for n := range names {
			sorted = append(sorted, n)
		}
		sort.Strings(sorted)
		if len(sorted) == 0 {
			p.f("\nNo code in exercises/%s.\n", g.Name)
		}
		for _, n := range sorted {
			a, b := ref[n], mine[n]
			p.f("\n### %s\n\n", n)
			switch {
			case a == "" && ref != nil:
				p.f("Only in the student's folder.\n\n")
			case b == "":
				p.f("Missing from the student's folder.\n\n")
			case a == b:
				p.f("Identical to the reference solution.\n\n")
			}
			p.f("<table><tr><th>student</th><th>reference solution</th></tr><tr><td>\n\n%s\n</td><td>\n\n%s\n</td></tr></table>\n\n",
				goFence(b), goFence(a))
			if a != "" && b != "" && a != b {
				p.f("<details><summary>diff (reference → student)</summary>\n\n%s\n</details>\n",
					diffFence(unified("solution/"+n, "student/"+n, a, b)))
			}
		}
	}
	return p.err
}

// WriteSideBySideFile writes the page into dir/<student>.md.
func WriteSideBySideFile(dir string, s Student, solutions string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	name := strings.NewReplacer("/", "_", `\`, "_", " ", "_").Replace(s.Name) + ".md"
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	werr := WriteSideBySide(f, s, s.Dir, solutions)
	if err := f.Close(); werr == nil {
		werr = err
	}
	return werr
}

// maxSourceSize bounds a file shown on a page.
const maxSourceSize = 256 << 10

func goFiles(dir string) map[string]string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, de := range entries {
		n := de.Name()
		if de.IsDir() || !strings.HasSuffix(n, ".go") {
			continue
		}
		data, err := handout.ReadRegular(filepath.Join(dir, n), maxSourceSize)
		if err != nil {
			out[n] = "// (not shown: " + err.Error() + ")\n"
			continue
		}
		out[n] = strings.ReplaceAll(string(data), "\r\n", "\n")
	}
	return out
}

func goFence(src string) string {
	if src == "" {
		return "(none)"
	}
	return strings.Replace(fence(src), "```text", "```go", 1)
}

func diffFence(d string) string {
	return strings.Replace(fence(d), "```text", "```diff", 1)
}

// maxDiffCells bounds the work of the line diff (lines × lines).
const maxDiffCells = 4 << 20

// unified is a unified diff of two texts, by lines, with three lines of
// context: a longest-common-subsequence diff, which is plenty for files of
// one exercise.
func unified(nameA, nameB, a, b string) string {
	la, lb := splitLines(a), splitLines(b)
	if len(la)*len(lb) > maxDiffCells {
		return "(the files are too long to compare)\n"
	}
	// lcs[i][j]: length of the LCS of la[i:] and lb[j:].
	lcs := make([][]int32, len(la)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(lb)+1)
	}
	for i := len(la) - 1; i >= 0; i-- {
		for j := len(lb) - 1; j >= 0; j-- {
			if la[i] == lb[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		kind byte // ' ', '-', '+'
		text string
		i, j int // line numbers (0-based) in a and b before this op
	}
	var ops []op
	i, j := 0, 0
	for i < len(la) || j < len(lb) {
		switch {
		case i < len(la) && j < len(lb) && la[i] == lb[j]:
			ops = append(ops, op{' ', la[i], i, j})
			i, j = i+1, j+1
		case i < len(la) && (j == len(lb) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', la[i], i, j})
			i++
		default:
			ops = append(ops, op{'+', lb[j], i, j})
			j++
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", nameA, nameB)
	const ctx = 3
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		start := max(k-ctx, 0)
		end := k
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run-end > 2*ctx || run == len(ops) {
				end = min(end+ctx, len(ops))
				break
			}
			end = run
		}
		na, nb := 0, 0
		for _, o := range ops[start:end] {
			if o.kind != '+' {
				na++
			}
			if o.kind != '-' {
				nb++
			}
		}
		fmt.Fprintf(&sb, "@@ -%d,%d +%d,%d @@\n", ops[start].i+1, na, ops[start].j+1, nb)
		for _, o := range ops[start:end] {
			sb.WriteByte(o.kind)
			sb.WriteString(o.text)
			sb.WriteByte('\n')
		}
		k = end
	}
	return sb.String()
}

func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
