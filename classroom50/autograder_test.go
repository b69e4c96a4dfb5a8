// Package classroom50 holds the Classroom 50 autograder (autograder.py, run
// by Classroom 50 from the instructor's bundle) and its tests.
package classroom50

import (
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The tests build a bundle from this checkout with a private hidden/ that
// holds only exercise 01, so that the bundle's grader grades just that,
// and run autograder.py the way Classroom 50 does: from the bundle, in the
// student's checkout, with its environment.

// -update is accepted as in the other packages (go test ./... -update).
var _ = flag.Bool("update", false, "rewrite golden files (none here)")

type result struct {
	Schema     string `json:"schema"`
	Classroom  string `json:"classroom"`
	Owner      string `json:"owner"`
	Submission string `json:"submission"`
	Score      *int   `json:"score"`
	MaxScore   *int   `json:"max-score"`
	Tests      []struct {
		Name     string `json:"test-name"`
		Passed   *bool  `json:"passed"`
		Score    *int   `json:"score"`
		MaxScore *int   `json:"max-score"`
		Message  string `json:"message"`
	} `json:"tests"`
}

var allowed = map[string]bool{
	"schema": true, "classroom": true, "assignment": true, "assignment_type": true, "owner": true,
	"submission": true, "commit": true, "release": true, "review": true, "datetime": true,
	"graded_at": true, "score": true, "max-score": true, "tests": true, "submitted_by": true,
}

func python(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the grader")
	}
	p, err := exec.LookPath("python3")
	if err != nil || runtime.GOOS == "windows" {
		t.Skip("python3 is not available")
	}
	return p
}

func makeBundle(t *testing.T, py string) string {
	t.Helper()
	dir := t.TempDir()
	hidden := filepath.Join(dir, "private")
	os.MkdirAll(hidden, 0o755)
	if err := os.CopyFS(filepath.Join(hidden, "01-wait-for-hello"), os.DirFS(filepath.Join("..", "grader", "hidden", "01-wait-for-hello"))); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(dir, "bundle")
	out, err := exec.Command(py, "autograder.py", "bundle", bundle, "--hidden", hidden).CombinedOutput()
	if err != nil {
		t.Fatalf("making the bundle: %v\n%s", err, out)
	}
	return bundle
}

// prebuilt copies a bundle and adds a prebuilt grader to it.
func prebuilt(t *testing.T, bundle string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "bundle")
	if err := os.CopyFS(dst, os.DirFS(bundle)); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(dst, "bin", "grader"), "./grader")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the grader: %v\n%s", err, out)
	}
	return dst
}

// student makes a checkout with exercise 01 from src, and a grader, go.mod
// and check package of its own that must not matter.
func student(t *testing.T, main string) string {
	t.Helper()
	dir := t.TempDir()
	ex := filepath.Join(dir, "exercises", "01-wait-for-hello")
	os.MkdirAll(ex, 0o755)
	os.WriteFile(filepath.Join(ex, "main.go"), []byte(main), 0o644)
	os.MkdirAll(filepath.Join(dir, "grader", "check"), 0o755)
	os.WriteFile(filepath.Join(dir, "grader", "check", "check.go"), []byte("package check\n\nfunc Seal(any) {} // everything passes\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module github.com/go-concurrency-lab/course\n\ngo 1.25\n"), 0o644)
	return dir
}

func autograde(t *testing.T, py, bundle, dir string, env ...string) (result, string) {
	t.Helper()
	cmd := exec.Command(py, filepath.Join(bundle, "autograder.py"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"CLASSROOM50_BUNDLE_DIR="+bundle, "CLASSROOM=go-lab", "ASSIGNMENT=concurrency",
		"SUBMISSION_TAG=submit/concurrency-1", "COMMIT_URL=https://example.invalid/c",
		"RELEASE_URL=https://example.invalid/r", "REVIEW_URL=https://example.invalid/p",
		"MODE=individual", "USERNAME=ada", "OWNER=ada")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("autograder.py exited with %v (Classroom 50 would record no grade)\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "result.json"))
	if err != nil {
		t.Fatalf("no result.json: %v\n%s", err, out)
	}
	var top map[string]any
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	for k := range top {
		if !allowed[k] {
			t.Errorf("result.json has the key %q, which the schema does not allow", k)
		}
	}
	var r result
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("result.json: %v", err)
	}
	if r.Schema != "classroom50/result/v1" || r.Classroom != "go-lab" || r.Owner != "ada" || !strings.HasPrefix(r.Submission, "submit/") {
		t.Errorf("identity: %s", data)
	}
	sum, maxSum := 0, 0
	for _, tc := range r.Tests {
		if tc.Score == nil || tc.MaxScore == nil || tc.Passed == nil || tc.Name == "" || *tc.Score > *tc.MaxScore {
			t.Fatalf("bad test in %s", data)
		}
		sum += *tc.Score
		maxSum += *tc.MaxScore
	}
	if r.Score == nil || *r.Score != sum || *r.MaxScore != maxSum {
		t.Errorf("score %v/%v, tests add up to %d/%d", r.Score, r.MaxScore, sum, maxSum)
	}
	if _, err := os.Stat(filepath.Join(dir, "release-body.md")); err != nil {
		t.Error(err)
	}
	return r, string(out)
}

func TestAutograder(t *testing.T) {
	py := python(t)
	bundle := makeBundle(t, py)
	solution, err := os.ReadFile(filepath.Join("..", "solutions", "01-wait-for-hello", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	stub, err := os.ReadFile(filepath.Join("..", "exercises", "01-wait-for-hello", "main.go"))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("solved, whatever the student's grader says", func(t *testing.T) {
		// This bundle has no prebuilt grader: autograder.py builds it.
		r, out := autograde(t, py, bundle, student(t, string(solution)))
		if *r.Score != 10 || *r.MaxScore != 10 {
			t.Errorf("score %d/%d, want 10/10\n%s", *r.Score, *r.MaxScore, out)
		}
	})
	bundle = prebuilt(t, bundle)
	t.Run("stub", func(t *testing.T) {
		r, _ := autograde(t, py, bundle, student(t, string(stub)))
		if *r.Score != 0 || *r.MaxScore != 10 {
			t.Errorf("score %d/%d, want 0/10", *r.Score, *r.MaxScore)
		}
	})
	t.Run("does not build", func(t *testing.T) {
		r, _ := autograde(t, py, bundle, student(t, "package main\n\nfunc main() { wg.Wait() }\n"))
		if *r.Score != 0 || *r.MaxScore != 10 || !strings.Contains(r.Tests[0].Message, "undefined: wg") {
			t.Errorf("score %d/%d, first test %+v", *r.Score, *r.MaxScore, r.Tests[0])
		}
	})
	t.Run("a symlink is not followed", func(t *testing.T) {
		dir := student(t, "")
		main := filepath.Join(dir, "exercises", "01-wait-for-hello", "main.go")
		os.Remove(main)
		abs, _ := filepath.Abs(filepath.Join("..", "solutions", "01-wait-for-hello", "main.go"))
		if err := os.Symlink(abs, main); err != nil {
			t.Skip(err)
		}
		r, _ := autograde(t, py, bundle, dir)
		if *r.Score != 0 {
			t.Errorf("score %d through a symlink", *r.Score)
		}
	})
	t.Run("no time: still a valid result", func(t *testing.T) {
		r, out := autograde(t, py, bundle, student(t, string(solution)), "GCL_TIME_BUDGET=0.5")
		if *r.Score != 0 || *r.MaxScore != 10 || r.Tests[0].Name != "grader" {
			t.Errorf("score %d/%d, tests %+v\n%s", *r.Score, *r.MaxScore, r.Tests, out)
		}
	})
	t.Run("a broken bundle: still a valid result", func(t *testing.T) {
		empty := t.TempDir()
		data, _ := os.ReadFile(filepath.Join(bundle, "autograder.py"))
		os.WriteFile(filepath.Join(empty, "autograder.py"), data, 0o644)
		r, _ := autograde(t, py, empty, student(t, string(solution)))
		if *r.Score != 0 || !strings.Contains(r.Tests[0].Message, "no course/go.mod") {
			t.Errorf("score %d, tests %+v", *r.Score, r.Tests)
		}
	})
}

// A submission whose program leaves a process behind, in a session of its
// own, to rewrite result.json once autograder.py has written it: nothing
// of it is left by then. (The exercise allows what the recipe imports
// here; by default the grader does not even build it.)
func TestAutograderLeavesNothingBehind(t *testing.T) {
	py := python(t)
	if runtime.GOOS != "linux" {
		t.Skip("the subreaper is Linux only")
	}
	bundle := prebuilt(t, makeBundle(t, py))
	meta := filepath.Join(bundle, "hidden", "01-wait-for-hello", "exercise.json")
	data, err := os.ReadFile(meta)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "{", `{"imports": ["os", "os/exec", "syscall"],`, 1))
	if err := os.WriteFile(meta, data, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := student(t, "")
	result := filepath.Join(dir, "result.json")
	src := `package main

import (
	"fmt"
	"os/exec"
	"syscall"
)

func main() {
	cmd := exec.Command("sh", "-c", "sleep 2; echo HACKED >> ` + result + `")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Start()
	fmt.Println("Start")
	fmt.Println("hello world")
	fmt.Println("End")
}
`
	os.WriteFile(filepath.Join(dir, "exercises", "01-wait-for-hello", "main.go"), []byte(src), 0o644)
	autograde(t, py, bundle, dir)
	time.Sleep(4 * time.Second)
	got, err := os.ReadFile(result)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(got), "HACKED") {
		t.Fatalf("a process of the submission rewrote result.json after autograder.py wrote it:\n%s", got)
	}
}
