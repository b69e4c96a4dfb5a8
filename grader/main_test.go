package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/go-concurrency-lab/course/grader/internal/module"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rogpeppe/go-internal/txtar"

	course "github.com/go-concurrency-lab/course"
	gradingRun "github.com/go-concurrency-lab/course/grader/internal/run"
)

var update = flag.Bool("update", false, "rewrite the cmp files of the scripts in testdata/script")

// TestMain lets the scripts run the grader as a command: "grader" in a
// script runs this package's run function in a process of its own.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"grader": func() {
			gradingRun.BecomeSubreaper() // as main does
			code := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
			if file := os.Getenv("GRADER_TEST_PEAK_RSS"); file != "" {
				writePeakRSS(file)
			}
			os.Exit(code)
		},
	})
}

// writePeakRSS writes the process's peak resident memory in kB (VmHWM of
// /proc/self/status, Linux) to file: scripts measure the grader itself, not
// the go command and test binaries that it waits for.
func writePeakRSS(file string) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			os.WriteFile(file, []byte(f[1]+"\n"), 0o644)
		}
	}
}

// TestScripts runs the end-to-end scenarios in testdata/script. Each script
// is a tiny module that requires the course (replaced by this checkout) and
// grades its own exercises against its own hidden archives, so no script
// depends on the real exercises.
//
// Setup gives each script, unless it brings its own:
//   - go.mod: module example.com/t with the course's requirements, the
//     course replaced by this checkout; go.sum: the course's;
//   - hidden/NAME.txtar for each folder hidden-src/NAME (an archive cannot
//     hold another archive, so scripts hold the archives' sections as files);
//     without hidden-src, the archives of testdata/hidden-src: 01-hello, a
//     program (package main), and 02-count, a library;
//   - the host's build and module caches, and no network.
//
// A script that names the file .course gets a copy of the course's module
// instead (go.mod, go.sum, course.go, grader/check and what it imports), for
// cases about a checkout of the course itself.
func TestScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("the scripts build and run real test binaries")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	shared, err := filepath.Abs("testdata/hidden-src")
	if err != nil {
		t.Fatal(err)
	}
	env := goEnv(t, "GOCACHE", "GOMODCACHE", "GOPATH", "CGO_ENABLED")
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       *update,
		RequireUniqueNames:  true,
		Setup: func(e *testscript.Env) error {
			for k, v := range env {
				e.Setenv(k, v)
			}
			e.Setenv("COURSE", root)
			e.Setenv("GOPROXY", "off")
			e.Setenv("GOSUMDB", "off")
			e.Setenv("GOTOOLCHAIN", "local")
			e.Setenv("GOFLAGS", "-mod=mod")
			e.Setenv("GORACE", "atexit_sleep_ms=0")
			e.Setenv("NO_COLOR", "1")
			if _, err := os.Stat(filepath.Join(e.WorkDir, ".course")); err == nil {
				return copyCourse(root, shared, e.WorkDir)
			}
			if err := writeModule(root, e.WorkDir); err != nil {
				return err
			}
			return writeHidden(shared, e.WorkDir)
		},
		// [sandbox]: the review's sandbox (bubblewrap) works on this machine.
		Condition: func(cond string) (bool, error) {
			if cond != "sandbox" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			ok, _ := gradingRun.SandboxAvailable(context.Background())
			return ok, nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"verdict": cmdVerdict,
		},
	})
}

// goEnv reads settings of the host's go command.
func goEnv(t *testing.T, names ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			out[n] = v
			continue
		}
		v, err := goEnvValue(n)
		if err != nil {
			t.Fatalf("go env %s: %v", n, err)
		}
		out[n] = v
	}
	return out
}

func goEnvValue(name string) (string, error) {
	out, err := exec.Command("go", "env", name).Output()
	return strings.TrimSpace(string(out)), err
}

// writeModule makes dir a module that requires the course from root, unless
// the script brings its own go.mod.
func writeModule(root, dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return nil
	}
	return module.WriteScratch(dir, "example.com/t", root)
}

// writeHidden turns each folder hidden-src/NAME of the script into
// hidden/NAME.txtar; a script without hidden-src gets the shared archives
// of testdata/hidden-src.
func writeHidden(shared, dir string) error {
	src := filepath.Join(dir, "hidden-src")
	if _, err := os.Stat(src); os.IsNotExist(err) {
		src = shared
	}
	exs, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "hidden"), 0o755); err != nil {
		return err
	}
	for _, ex := range exs {
		var ar txtar.Archive
		base := filepath.Join(src, ex.Name())
		err := filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(base, p)
			ar.Files = append(ar.Files, txtar.File{Name: filepath.ToSlash(rel), Data: data})
			return nil
		})
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "hidden", ex.Name()+".txtar"), txtar.Format(&ar), 0o644); err != nil {
			return err
		}
	}
	if src == shared {
		return nil
	}
	return os.RemoveAll(src)
}

// copyCourse lays the course's own module into dir, with the files the
// check package needs, so that the script grades a checkout of the course.
func copyCourse(root, shared, dir string) error {
	files := map[string][]byte{"go.mod": course.ModFile, "go.sum": course.SumFile}
	for _, name := range []string{"course.go"} {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			return err
		}
		files[name] = data
	}
	for _, pkg := range []string{"grader/check", "grader/internal/traceback", "grader/internal/seal"} {
		entries, err := os.ReadDir(filepath.Join(root, pkg))
		if err != nil {
			return err
		}
		for _, de := range entries {
			if de.IsDir() || !strings.HasSuffix(de.Name(), ".go") || strings.HasSuffix(de.Name(), "_test.go") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(root, pkg, de.Name()))
			if err != nil {
				return err
			}
			files[pkg+"/"+de.Name()] = data
		}
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if _, err := os.Stat(p); err == nil {
			continue // the script's own version
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return writeHidden(shared, dir)
}

// cmdVerdict checks the JSON report in the last command's stdout:
//
//	verdict EXERCISE STATUS                 the exercise's status
//	verdict EXERCISE CHECK STATUS [REGEXP]  a check's status, and its message
//
// With !, the status must differ (and the regexp must not match).
func cmdVerdict(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || len(args) > 4 {
		ts.Fatalf("usage: verdict EXERCISE [CHECK] STATUS [REGEXP]")
	}
	var rep struct {
		Exercises []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
			Checks []struct {
				Name    string `json:"name"`
				Status  string `json:"status"`
				Message string `json:"message"`
			} `json:"checks"`
			Notices []string `json:"notices"`
		} `json:"exercises"`
	}
	if err := json.Unmarshal([]byte(ts.ReadFile("stdout")), &rep); err != nil {
		ts.Fatalf("stdout is not a JSON report: %v", err)
	}
	for _, ex := range rep.Exercises {
		if ex.Name != args[0] {
			continue
		}
		if len(args) == 2 {
			if (ex.Status == args[1]) == neg {
				ts.Fatalf("%s: status %s, want %s%s", ex.Name, ex.Status, map[bool]string{true: "not "}[neg], args[1])
			}
			return
		}
		for _, c := range ex.Checks {
			if c.Name != args[1] {
				continue
			}
			ts.Logf("%s %s: %s\n%s", ex.Name, c.Name, c.Status, c.Message)
			if (c.Status == args[2]) == neg {
				ts.Fatalf("%s %s: status %s, want %s%s", ex.Name, c.Name, c.Status, map[bool]string{true: "not "}[neg], args[2])
			}
			if len(args) == 4 {
				ok, err := regexp.MatchString(args[3], c.Message)
				if err != nil {
					ts.Fatalf("%v", err)
				}
				if ok == neg {
					ts.Fatalf("%s %s: message %q does not match %q", ex.Name, c.Name, c.Message, args[3])
				}
			}
			return
		}
		ts.Fatalf("%s has no check %s", ex.Name, args[1])
	}
	ts.Fatalf("the report has no exercise %s", args[0])
}
