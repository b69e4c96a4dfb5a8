package report

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-concurrency-lab/course/grader/hidden"
	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/grade"
)

// Real grades of exercise 01, as the grader makes them: the solution, the
// stub, and a copy that does not compile. Each is graded once per test
// binary and shared by the tests below.

var (
	realOnce    sync.Once
	realReports map[string]*Report
	realErr     error
	brokenDir   string // removed by TestMain
)

func courseRoot() string { return filepath.Join("..", "..", "..") }

func realGrades(t *testing.T) map[string]*Report {
	t.Helper()
	if testing.Short() {
		t.Skip("grades exercise 01 for real")
	}
	realOnce.Do(func() {
		realReports, realErr = gradeRealTrees()
	})
	if realErr != nil {
		t.Fatal(realErr)
	}
	return realReports
}

func gradeRealTrees() (map[string]*Report, error) {
	cat, err := catalog.Load(hidden.FS)
	if err != nil {
		return nil, err
	}
	ex, err := cat.Select([]string{"01"})
	if err != nil {
		return nil, err
	}
	root, err := filepath.Abs(courseRoot())
	if err != nil {
		return nil, err
	}
	broken, err := brokenTree(root)
	brokenDir = broken
	if err != nil {
		return nil, err
	}
	out := map[string]*Report{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var errs []error
	for name, tree := range map[string]struct{ root, dir string }{
		"solved": {root, filepath.Join(root, "solutions")},
		"stubs":  {root, filepath.Join(root, "exercises")},
		"broken": {broken, filepath.Join(broken, "exercises")},
	} {
		wg.Go(func() {
			plan := grade.Plan{Root: tree.root}
			plan.Targets = append(plan.Targets, grade.Target{Exercise: ex[0], Dir: filepath.Join(tree.dir, ex[0].Name)})
			res, err := grade.Run(context.Background(), plan)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("grading %s: %w", name, err))
				return
			}
			out[name] = New(res.Results, res.Race, res.RaceWhy)
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// brokenTree lays out, in a temporary folder, the course's module with the
// packages the hidden tests import and an exercise 01 that does not compile.
func brokenTree(root string) (string, error) {
	dir, err := os.MkdirTemp("", "broken-tree-")
	if err != nil {
		return "", err
	}
	files := map[string]string{}
	for _, name := range []string{"go.mod", "go.sum", "course.go"} {
		files[name] = filepath.Join(root, name)
	}
	for _, pkg := range []string{"grader/check", "grader/internal/traceback", "grader/internal/seal"} {
		entries, err := os.ReadDir(filepath.Join(root, pkg))
		if err != nil {
			return "", err
		}
		for _, de := range entries {
			if n := de.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
				files[pkg+"/"+n] = filepath.Join(root, pkg, n)
			}
		}
	}
	for rel, src := range files {
		data, err := os.ReadFile(src)
		if err != nil {
			return "", err
		}
		if err := writeFile(filepath.Join(dir, rel), data); err != nil {
			return "", err
		}
	}
	broken := "package main\n\nimport \"fmt\"\n\nfunc hello() { fmt.Println(\"hello world\") }\n\nfunc main() {\n\tfmt.Println(\"Start\")\n\twg.Wait()\n\tfmt.Println(\"End\")\n}\n"
	return dir, writeFile(filepath.Join(dir, "exercises", "01-wait-for-hello", "main.go"), []byte(broken))
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if brokenDir != "" {
		os.RemoveAll(brokenDir)
	}
	os.Exit(code)
}

func TestRealGrades(t *testing.T) {
	reports := realGrades(t)
	schema := loadSchema(t, "testdata/classroom50-result-v1.schema.json")
	opts := func(env map[string]string) Options {
		o := testOptions(env)
		o.OutDir = t.TempDir()
		return o
	}
	for name, r := range reports {
		t.Run(name, func(t *testing.T) {
			// classroom: what the reporter reads.
			_, outputs, summary := runClassroom(t, r)
			v := readReporter(t, outputs, runnerIDs(r))
			switch name {
			case "solved":
				if v.Notice != 10 || v.NoticeMax != 10 {
					t.Errorf("Points %d/%d, want 10/10", v.Notice, v.NoticeMax)
				}
				for id, s := range v.Statuses {
					if s != "pass" {
						t.Errorf("runner %s: %s, want pass", id, s)
					}
				}
			case "stubs", "broken":
				if v.Notice != 0 || v.NoticeMax != 10 {
					t.Errorf("Points %d/%d, want 0/10", v.Notice, v.NoticeMax)
				}
			}
			if name == "broken" {
				build := v.Runners["ex01"]["tests"].([]any)[0].(map[string]any)
				if build["status"] != "error" || build["filename"] != "exercises/01-wait-for-hello/main.go" || build["line_no"] != 9.0 {
					t.Errorf("build test %v: want an error at exercises/01-wait-for-hello/main.go:9", build)
				}
			}
			if !strings.Contains(summary, "01-wait-for-hello") {
				t.Errorf("summary:\n%s", summary)
			}

			// classroom50: result.json valid against the schema.
			o := opts(classroom50Env)
			if err := writeClassroom50(&bytes.Buffer{}, r, o); err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(filepath.Join(o.OutDir, "result.json"))
			var doc map[string]any
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			if errs := append(schema.validate(doc), classroom50Rules(doc)...); len(errs) > 0 {
				t.Errorf("result.json:\n  %s", strings.Join(errs, "\n  "))
			}

			// junit and gradescope parse in their documented shapes.
			var x bytes.Buffer
			writeJUnit(&x, r, Options{})
			var jd junitDoc
			if err := xml.Unmarshal(x.Bytes(), &jd); err != nil || len(jd.Suites) != 1 || len(jd.Suites[0].Cases) != 7 {
				t.Errorf("junit: %v, %d suites", err, len(jd.Suites))
			}
			var g bytes.Buffer
			writeGradescope(&g, r, Options{})
			var gd gradescopeDoc
			dec := json.NewDecoder(&g)
			dec.DisallowUnknownFields()
			if err := dec.Decode(&gd); err != nil || *gd.Score != float64(r.Score) {
				t.Errorf("gradescope: %v", err)
			}
		})
	}
}
