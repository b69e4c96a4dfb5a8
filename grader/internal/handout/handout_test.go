package handout

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOmitted(t *testing.T) {
	type testCase struct {
		path             string
		always, noHidden bool // omitted from every handout; from -no-hidden ones
	}
	run := func(t *testing.T, tc testCase) {
		if got := Omitted(tc.path, false); got != tc.always {
			t.Errorf("Omitted(%q, false) = %v, want %v", tc.path, got, tc.always)
		}
		if got := Omitted(tc.path, true); got != tc.noHidden {
			t.Errorf("Omitted(%q, true) = %v, want %v", tc.path, got, tc.noHidden)
		}
	}
	for _, tc := range []testCase{
		{"solutions/01-wait-for-hello/main.go", true, true},
		{"docs/instructors.md", true, true},
		{".github/workflows/review.yml", true, true},
		{".github/workflows/classroom.yml", false, false},
		{"grader/hidden/01-wait-for-hello.txtar", false, true},
		{"grader/hidden/hidden.go", false, false},
		{"grader/main_test.go", true, true},
		{"grader/testdata/script/pass.txtar", true, true},
		{"classroom50/autograder_test.go", true, true},
		{"exercises/01-wait-for-hello/main.go", false, false},
		{"exercises/01-wait-for-hello/README.md", false, false},
		{"solutionsX/file", false, false},
		{"go.mod", false, false},
	} {
		t.Run(tc.path, func(t *testing.T) { run(t, tc) })
	}
}

func TestWalkSkipsNestedCheckouts(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"go.mod", "a/b.go", ".git/HEAD", ".grader/bin/grader", "students/ann/go.mod", "students/ann/x.go", "students/bob/.git/HEAD", "students/bob/y.go"} {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Walk(root)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "a/b.go go.mod" {
		t.Errorf("Walk = %q, want [a/b.go go.mod]", got)
	}
}

func TestWriteNeedsANewFolder(t *testing.T) {
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	c := &Course{Root: t.TempDir()}
	if _, err := Write(c, out, false); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("Write into a folder with files: %v, want an error", err)
	}
}
