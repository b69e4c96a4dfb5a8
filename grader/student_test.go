package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestStudentScripts runs the scenarios of the student's loop in
// testdata/student: hint, list, reset and watch. They use the same module
// set-up as TestScripts, waitfile to follow a watch running in the
// background, and verdict to read a JSON report.
func TestStudentScripts(t *testing.T) {
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
		Dir:                 "testdata/student",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(e *testscript.Env) error {
			for k, v := range env {
				e.Setenv(k, v)
			}
			e.Setenv("GOPROXY", "off")
			e.Setenv("GOSUMDB", "off")
			e.Setenv("GOTOOLCHAIN", "local")
			e.Setenv("GOFLAGS", "-mod=mod")
			e.Setenv("GORACE", "atexit_sleep_ms=0")
			e.Setenv("NO_COLOR", "1")
			if err := writeModule(root, e.WorkDir); err != nil {
				return err
			}
			return writeHidden(shared, e.WorkDir)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waitfile": cmdWaitFile,
			"verdict":  cmdVerdict,
		},
	})
}

// cmdWaitFile waits until a file exists and holds a pattern, for at most a
// minute: waitfile PATH [SUBSTRING].
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitfile PATH [SUBSTRING]")
	}
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(time.Minute)
	for {
		data, err := os.ReadFile(path)
		if err == nil && (len(args) == 1 || strings.Contains(string(data), args[1])) {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitfile: %s did not appear (or did not hold %q) within a minute", args[0], args[len(args)-1])
		}
		time.Sleep(20 * time.Millisecond) // polling a file the grader writes
	}
}
