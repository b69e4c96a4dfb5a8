package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// gradingCommand reads the grader's arguments from the grading step of
// .github/workflows/classroom.yml, so that the tests run what the
// classroom runs.
func gradingCommand(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", ".github", "workflows", "classroom.yml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*"\$RUNNER_TEMP/grader" (test -format classroom[^|\n]*?)\s*(\|\||$)`).FindSubmatch(data)
	if m == nil {
		t.Fatal("classroom.yml: no grading command")
	}
	return strings.Fields(string(m[1]))
}

// TestClassroomCommand runs the workflow's grading command on exercise 01
// as GitHub Actions would, with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY in a
// temp folder, and reads what the reporter will read.
func TestClassroomCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("grades exercise 01 for real")
	}
	args := gradingCommand(t)
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	broken := t.TempDir()
	if err := copyCourseModule(root, broken); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(broken, "exercises", "01-wait-for-hello", "main.go"),
		"package main\n\nimport \"fmt\"\n\nfunc hello() { fmt.Println(\"hello world\") }\n\nfunc main() {\n\tfmt.Println(\"Start\")\n\twg.Wait()\n\tfmt.Println(\"End\")\n}\n")

	cases := []struct {
		name   string
		dir    string
		exit   int
		points int
		status string
		stdout string
	}{
		{"solved", filepath.Join(root, "solutions"), exitPass, 10, "pass", ""},
		{"stubs", filepath.Join(root, "exercises"), exitFail, 0, "fail", "::error file=exercises/01-wait-for-hello/main.go"},
		{"broken", filepath.Join(broken, "exercises"), exitFail, 0, "error", "::error file=exercises/01-wait-for-hello/main.go,line=9,title=01-wait-for-hello%3A build"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			output, summary := filepath.Join(tmp, "output"), filepath.Join(tmp, "summary")
			t.Setenv("GITHUB_OUTPUT", output)
			t.Setenv("GITHUB_STEP_SUMMARY", summary)
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append(args, "-dir", tc.dir, "01"), &stdout, &stderr)
			if code != tc.exit {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.exit, stdout.String(), stderr.String())
			}
			runners := readOutputs(t, output)
			ex01, ok := runners["ex01"]
			if !ok {
				t.Fatalf("no ex01 output; outputs: %v", keys(runners))
			}
			score, passed := 0, 0
			for _, x := range ex01.Tests {
				if x.Score == nil {
					t.Fatalf("test %s has no score", x.Name)
				}
				score += *x.Score
				if x.Status == "pass" {
					passed++
				}
			}
			// The reporter's notice sums the scores; its table computes
			// passed/total × max_score. Both must be the points.
			table := float64(passed) / float64(len(ex01.Tests)) * float64(ex01.MaxScore)
			if score != tc.points || table != float64(tc.points) || ex01.MaxScore != 10 || ex01.Status != tc.status {
				t.Errorf("ex01: notice %d, table %v, max %d, status %s; want %d points, status %s",
					score, table, ex01.MaxScore, ex01.Status, tc.points, tc.status)
			}
			for id, r := range runners {
				if id != "ex01" && id != "result" && r.MaxScore != 0 {
					t.Errorf("runner %s of an exercise not graded is worth %d", id, r.MaxScore)
				}
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, stdout.String())
			}
			s, err := os.ReadFile(summary)
			if err != nil || !strings.Contains(string(s), "| 01-wait-for-hello — Wait for hello |") {
				t.Errorf("job summary (%v):\n%s", err, s)
			}
		})
	}
}

// TestClassroom50Command: -format classroom50 writes result.json and
// release-body.md into the current folder and exits 0 once it graded.
func TestClassroom50Command(t *testing.T) {
	if testing.Short() {
		t.Skip("grades exercise 01 for real")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	t.Setenv("CLASSROOM", "go-lab")
	t.Setenv("SUBMISSION_TAG", "submit/v1")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"test", "-format", "classroom50", "-dir", filepath.Join(root, "exercises"), "01"}, &stdout, &stderr); code != exitPass {
		t.Fatalf("exit %d, want 0\n%s", code, stderr.String())
	}
	var res struct {
		Classroom string `json:"classroom"`
		Score     *int   `json:"score"`
		MaxScore  *int   `json:"max-score"`
	}
	data, err := os.ReadFile("result.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &res); err != nil || res.Score == nil || *res.Score != 0 || *res.MaxScore != 10 || res.Classroom != "go-lab" {
		t.Errorf("result.json (%v): %s", err, data)
	}
	if _, err := os.Stat("release-body.md"); err != nil {
		t.Error(err)
	}
}

type runnerResult struct {
	Status   string `json:"status"`
	MaxScore int    `json:"max_score"`
	Tests    []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
		Score  *int   `json:"score"`
	} `json:"tests"`
}

func readOutputs(t *testing.T, path string) map[string]runnerResult {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]runnerResult{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		id, enc, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("GITHUB_OUTPUT line %q", line)
		}
		raw, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		var r runnerResult
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		out[id] = r
	}
	return out
}

func keys(m map[string]runnerResult) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// copyCourseModule lays the course's module files and the packages the
// hidden tests import into dir.
func copyCourseModule(root, dir string) error {
	rels := []string{"go.mod", "go.sum", "course.go"}
	for _, pkg := range []string{"grader/check", "grader/internal/traceback", "grader/internal/seal"} {
		entries, err := os.ReadDir(filepath.Join(root, pkg))
		if err != nil {
			return err
		}
		for _, de := range entries {
			if n := de.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
				rels = append(rels, pkg+"/"+n)
			}
		}
	}
	for _, rel := range rels {
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func writeTestFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestClassroomDeadline: when -deadline stops the grading, a platform
// format still reports every exercise, as an error worth 0 that says why;
// text keeps reporting the grader's own failure.
func TestClassroomDeadline(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	output := filepath.Join(t.TempDir(), "output")
	t.Setenv("GITHUB_OUTPUT", output)
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"test", "-format", "classroom", "-deadline", "1ns", "-dir", filepath.Join(root, "solutions"), "01"}, &stdout, &stderr)
	if code != exitFail {
		t.Fatalf("exit %d, want %d\n%s", code, exitFail, stderr.String())
	}
	ex01 := readOutputs(t, output)["ex01"]
	if ex01.Status != "error" || ex01.MaxScore != 10 || len(ex01.Tests) != 10 {
		t.Errorf("ex01: status %s, max %d, %d tests; want error, 10, 10", ex01.Status, ex01.MaxScore, len(ex01.Tests))
	}
	for _, tc := range ex01.Tests {
		if *tc.Score != 0 || tc.Status != "error" {
			t.Errorf("%s: %s, score %d", tc.Name, tc.Status, *tc.Score)
		}
	}
	if !strings.Contains(stdout.String(), "The grader stopped after 1ns") {
		t.Errorf("stdout does not say why:\n%s", stdout.String())
	}

	stdout.Reset()
	code = run(context.Background(), []string{"test", "-format", "text", "-deadline", "1ns", "-dir", filepath.Join(root, "solutions"), "01"}, &stdout, &stderr)
	if code != exitError {
		t.Errorf("text: exit %d, want %d", code, exitError)
	}
}
