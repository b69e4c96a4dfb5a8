package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

func init() { register("classroom50", writeClassroom50) }

// Classroom 50 runs the bundle's autograder.py (classroom50/autograder.py),
// which runs this format. It writes ./result.json, valid against the
// classroom50/result/v1 schema, and ./release-body.md for the student; the
// text report goes to stdout, into the job's log.

// classroom50Result is result.json. The schema allows no other top-level
// key, and wants integers for every score.
type classroom50Result struct {
	Schema         string             `json:"schema"`
	Classroom      string             `json:"classroom"`
	Assignment     string             `json:"assignment"`
	AssignmentType string             `json:"assignment_type"`
	Owner          string             `json:"owner"`
	Submission     string             `json:"submission"`
	Commit         string             `json:"commit"`
	Release        string             `json:"release"`
	Review         string             `json:"review"`
	Datetime       string             `json:"datetime"`
	GradedAt       string             `json:"graded_at"`
	Score          int                `json:"score"`
	MaxScore       int                `json:"max-score"`
	Tests          []classroom50Test  `json:"tests"`
	SubmittedBy    *classroom50Person `json:"submitted_by,omitempty"`
}

type classroom50Test struct {
	Name     string `json:"test-name"`
	Passed   bool   `json:"passed"`
	Score    int    `json:"score"`
	MaxScore int    `json:"max-score"`
	// Beyond the schema's required fields (a test may carry more):
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
}

type classroom50Person struct {
	Username string `json:"username"`
}

// classroom50Identity fills the fields Classroom 50 checks against the
// submission from the environment it sets. Outside Classroom 50 (a local
// try-out) the values are those of its local mode, so that the file is
// still valid.
func classroom50Identity(o Options, now time.Time) classroom50Result {
	env := func(key, fallback string) string {
		if v := strings.TrimSpace(o.getenv(key)); v != "" {
			return v
		}
		return fallback
	}
	kind := "individual"
	for _, key := range []string{"ASSIGNMENT_TYPE", "MODE"} {
		if v := strings.ToLower(o.getenv(key)); v == "individual" || v == "group" {
			kind = v
			break
		}
	}
	submission := env("SUBMISSION_TAG", "submit/local")
	if !strings.HasPrefix(submission, "submit/") {
		submission = "submit/" + submission
	}
	stamp := now.UTC().Format("2006-01-02T15:04:05Z")
	res := classroom50Result{
		Schema:         "classroom50/result/v1",
		Classroom:      env("CLASSROOM", "local"),
		Assignment:     env("ASSIGNMENT", "local"),
		AssignmentType: kind,
		Owner:          env("OWNER", env("USERNAME", "local")),
		Submission:     submission,
		Commit:         env("COMMIT_URL", "local://commit"),
		Release:        env("RELEASE_URL", "local://release"),
		Review:         env("REVIEW_URL", "local://review"),
		Datetime:       stamp,
		GradedAt:       stamp,
		Tests:          []classroom50Test{},
	}
	if u := strings.TrimSpace(o.getenv("USERNAME")); u != "" {
		res.SubmittedBy = &classroom50Person{Username: u}
	}
	return res
}

// classroom50Of builds result.json: one test per check of each exercise.
func classroom50Of(r *Report, o Options) classroom50Result {
	res := classroom50Identity(o, o.now())
	for _, e := range r.Exercises {
		for _, c := range e.Checks {
			t := classroom50Test{
				Name:     e.Exercise + ": " + string(c.Name),
				Passed:   c.Status == verdict.Pass,
				MaxScore: c.MaxScore,
				Status:   string(c.Status),
			}
			if t.Passed {
				t.Score = c.MaxScore
			} else {
				t.Message = clip(c.Message, maxMessage)
			}
			res.Tests = append(res.Tests, t)
			res.Score += t.Score
			res.MaxScore += t.MaxScore
		}
	}
	return res
}

func writeClassroom50(w io.Writer, r *Report, o Options) error {
	data, err := json.MarshalIndent(classroom50Of(r, o), "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.OutDir, "result.json"), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing result.json: %w", err)
	}
	body := markdownSummary(r, fmt.Sprintf("Score: %d/%d", r.Score, r.MaxScore))
	if err := os.WriteFile(filepath.Join(o.OutDir, "release-body.md"), []byte(body), 0o644); err != nil {
		return fmt.Errorf("writing release-body.md: %w", err)
	}
	return WriteText(w, r, Options{})
}
