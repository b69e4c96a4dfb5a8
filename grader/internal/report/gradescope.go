package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

func init() { register("gradescope", writeGradescope) }

// Gradescope's autograder results.json: a run_autograder script runs
// `go run ./grader test -format gradescope > /autograder/results/results.json`.
// One test per check of each exercise, with its points; the top-level score
// is the sum of the tests' (Gradescope would otherwise add them up itself).

type gradescopeResults struct {
	Score         int              `json:"score"`
	ExecutionTime int              `json:"execution_time"` // seconds
	Output        string           `json:"output"`
	Visibility    string           `json:"visibility"`
	Tests         []gradescopeTest `json:"tests"`
}

type gradescopeTest struct {
	Name       string `json:"name"`
	Number     string `json:"number"`
	Score      int    `json:"score"`
	MaxScore   int    `json:"max_score"`
	Status     string `json:"status"` // passed or failed
	Output     string `json:"output"`
	Visibility string `json:"visibility"`
}

func writeGradescope(w io.Writer, r *Report, _ Options) error {
	res := gradescopeResults{Score: r.Score, Visibility: "visible", Tests: []gradescopeTest{}}
	var out strings.Builder
	fmt.Fprintf(&out, "%d of %d exercises pass · %d/%d points\n", r.Passed, len(r.Exercises), r.Score, r.MaxScore)
	if !r.Race && r.RaceWhy != "" {
		fmt.Fprintf(&out, "The race detector could not run: %s.\n", r.RaceWhy)
	}
	res.Output = out.String()
	total := 0.0
	for _, e := range r.Exercises {
		total += e.Seconds
		for i, c := range e.Checks {
			t := gradescopeTest{
				Name:       fmt.Sprintf("%s: %s", e.Exercise, c.Name),
				Number:     fmt.Sprintf("%s.%d", number(e.Exercise), i+1),
				Score:      c.Score,
				MaxScore:   c.MaxScore,
				Status:     "failed",
				Visibility: "visible",
			}
			if c.Status == verdict.Pass {
				t.Status = "passed"
			} else {
				t.Output = fmt.Sprintf("%s: %s\n%s", c.Name, checkWords[c.Status], c.Message)
			}
			res.Tests = append(res.Tests, t)
		}
	}
	res.ExecutionTime = int(math.Ceil(total))
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}
