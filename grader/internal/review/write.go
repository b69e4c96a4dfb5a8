package review

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

// Writer renders a gradebook in one format.
type Writer func(w io.Writer, gb *Gradebook) error

var writers = map[string]Writer{
	"csv":      WriteCSV,
	"markdown": WriteMarkdown,
	"json":     WriteJSON,
}

// Formats lists the gradebook formats.
func Formats() []string { return []string{"csv", "markdown", "json"} }

// Lookup returns the writer of a format.
func Lookup(format string) (Writer, error) {
	w, ok := writers[format]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (formats: %s)", format, strings.Join(Formats(), ", "))
	}
	return w, nil
}

// WriteCSV writes one row per student: student,score,max_score,flags and
// then each exercise's score.
func WriteCSV(w io.Writer, gb *Gradebook) error {
	cw := csv.NewWriter(w)
	header := []string{"student", "score", "max_score", "flags"}
	for _, c := range gb.Exercises {
		header = append(header, c.Name)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, s := range gb.Students {
		row := []string{s.Name, strconv.Itoa(s.Score), strconv.Itoa(s.MaxScore), flagSummary(gb.AllFlags(s))}
		scores := map[string]Grade{}
		for _, g := range s.Grades {
			scores[g.Name] = g
		}
		for _, c := range gb.Exercises {
			if g, ok := scores[c.Name]; ok {
				row = append(row, strconv.Itoa(g.Score))
			} else {
				row = append(row, "")
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// flagSummary is the flags column: each kind once, with the exercises it
// concerns: "changed; similar(01-wait-for-hello)".
func flagSummary(flags []Flag) string {
	var kinds []string
	exs := map[string][]string{}
	for _, f := range flags {
		if _, ok := exs[f.Kind]; !ok {
			kinds = append(kinds, f.Kind)
			exs[f.Kind] = nil
		}
		if f.Exercise != "" && !contains(exs[f.Kind], f.Exercise) {
			exs[f.Kind] = append(exs[f.Kind], f.Exercise)
		}
	}
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = k
		if len(exs[k]) > 0 {
			parts[i] += "(" + strings.Join(exs[k], " ") + ")"
		}
	}
	return strings.Join(parts, "; ")
}

// WriteJSON writes the gradebook as one JSON document.
func WriteJSON(w io.Writer, gb *Gradebook) error {
	type student struct {
		Student
		Flags []Flag `json:"flags,omitempty"`
	}
	doc := struct {
		*Gradebook
		Students []student `json:"students"`
	}{Gradebook: gb}
	for _, s := range gb.Students {
		doc.Students = append(doc.Students, student{s, gb.AllFlags(s)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// WriteMarkdown writes the gradebook for reading: the table, then the
// flags, the similar submissions, and each student's failures.
func WriteMarkdown(w io.Writer, gb *Gradebook) error {
	p := &mdWriter{w: w}
	p.f("# Gradebook\n\n")
	if gb.Sandbox {
		p.f("Each student's tests ran in a sandbox (bubblewrap): the file system read-only but for a private /tmp, no network, their own processes only.\n\n")
	} else {
		why := gb.NoSandbox
		if why == "" {
			why = "not recorded"
		}
		p.f("**No sandbox:** %s. Each student's code ran with the access of the account that ran the review, and could reach other students' checkouts: the import allowlist kept it to what the exercises allow.\n\n", why)
	}
	p.f("| student | score | flags |")
	for _, c := range gb.Exercises {
		p.f(" %s (%d) |", c.Name, c.MaxScore)
	}
	p.f("\n|---|---:|---|")
	for range gb.Exercises {
		p.f("---:|")
	}
	p.f("\n")
	for _, s := range gb.Students {
		p.f("| %s | %d/%d | %s |", cell(s.Name), s.Score, s.MaxScore, cell(flagSummary(gb.AllFlags(s))))
		scores := map[string]Grade{}
		for _, g := range s.Grades {
			scores[g.Name] = g
		}
		for _, c := range gb.Exercises {
			g, ok := scores[c.Name]
			switch {
			case !ok:
				p.f(" |")
			case g.Status == verdict.Error:
				p.f(" %d (error) |", g.Score)
			default:
				p.f(" %d |", g.Score)
			}
		}
		p.f("\n")
	}
	if len(gb.Similar) > 0 {
		p.f("\n## Similar submissions\n\nThe same code once names, comments and formatting are set aside. Reported, not penalised: look before you conclude.\n\n")
		for _, g := range gb.Similar {
			note := ""
			if g.Solution {
				note = " — the reference solution's code"
			}
			p.f("- %s: %s%s\n", g.Exercise, strings.Join(g.Students, ", "), note)
		}
	}
	p.f("\n## Students\n")
	for _, s := range gb.Students {
		p.f("\n### %s — %d/%d\n\n", s.Name, s.Score, s.MaxScore)
		if s.Commit != "" {
			p.f("Graded at commit `%s`.\n\n", s.Commit)
		}
		if s.Error != "" {
			p.f("Not graded:\n\n%s\n", fence(s.Error))
		}
		flags := gb.AllFlags(s)
		if len(flags) > 0 {
			p.f("Flags:\n\n")
			for _, f := range flags {
				where := ""
				if f.Exercise != "" {
					where = " (" + f.Exercise + ")"
				}
				p.f("- **%s**%s: %s\n", f.Kind, where, f.Detail)
			}
			p.f("\n")
		}
		if s.Error != "" {
			continue
		}
		for _, g := range s.Grades {
			p.f("- %s: %d/%d, %s\n", g.Name, g.Score, g.MaxScore, g.Status)
			for _, fl := range g.Failures {
				if fl.Status == verdict.Skip {
					continue // gated behind another failure, said there
				}
				p.f("  - %s: %s\n", fl.Check, fl.Status)
				if fl.Message != "" {
					p.f("%s", indent(fence(fl.Message), "    "))
				}
			}
		}
	}
	return p.err
}

type mdWriter struct {
	w   io.Writer
	err error
}

func (p *mdWriter) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// fence puts text in a fenced block long enough not to be closed by it.
func fence(s string) string {
	ticks := "```"
	for strings.Contains(s, ticks) {
		ticks += "`"
	}
	return ticks + "text\n" + strings.TrimRight(s, "\n") + "\n" + ticks + "\n"
}

func indent(s, by string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" && l != "\n" {
			lines[i] = by + l
		}
	}
	return strings.Join(lines, "")
}

// ReadJSON reads a gradebook written by WriteJSON.
func ReadJSON(r io.Reader) (*Gradebook, error) {
	var gb Gradebook
	dec := json.NewDecoder(r)
	if err := dec.Decode(&gb); err != nil {
		return nil, err
	}
	// Flags of Similar were written beside the student's own: drop them,
	// Merge works them out again over the whole class.
	for i := range gb.Students {
		s := &gb.Students[i]
		kept := s.Flags[:0]
		for _, f := range s.Flags {
			if f.Kind != FlagSimilar && f.Kind != FlagSolution {
				kept = append(kept, f)
			}
		}
		s.Flags = kept
	}
	return &gb, nil
}

// Merge joins the gradebooks of parts of a class (a matrix of jobs, say)
// into one, and finds similar code across all of them.
func Merge(files []string) (*Gradebook, error) {
	out := &Gradebook{Reference: map[string]Prints{}, Sandbox: true}
	cols := map[string]bool{}
	names := map[string]int{}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		gb, err := ReadJSON(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", file, err)
		}
		for _, c := range gb.Exercises {
			if !cols[c.Name] {
				cols[c.Name] = true
				out.Exercises = append(out.Exercises, c)
			}
		}
		for k, v := range gb.Reference {
			out.Reference[k] = v
		}
		if !gb.Sandbox && out.Sandbox {
			out.Sandbox, out.NoSandbox = false, fmt.Sprintf("%s (in %s)", gb.NoSandbox, filepath.Base(file))
		}
		for _, s := range gb.Students {
			names[s.Name]++
			if n := names[s.Name]; n > 1 {
				s.Name = fmt.Sprintf("%s (%d)", s.Name, n)
			}
			out.Students = append(out.Students, s)
		}
	}
	sort.Slice(out.Exercises, func(i, j int) bool { return out.Exercises[i].Name < out.Exercises[j].Name })
	out.finish()
	return out, nil
}
