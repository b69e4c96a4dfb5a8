package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

// cmdWaitFile waits until a file exists and holds a pattern, for at most
// five minutes: waitfile PATH [SUBSTRING]. (A grade takes a second or two;
// with every script of the package building race binaries at once on a
// small machine, the first can take more than a minute.)
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitfile PATH [SUBSTRING]")
	}
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(waitLimit)
	for {
		data, err := os.ReadFile(path)
		if err == nil && (len(args) == 1 || strings.Contains(string(data), args[1])) {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitfile: %s did not appear (or did not hold %q) within %v", args[0], args[len(args)-1], waitLimit)
		}
		time.Sleep(20 * time.Millisecond) // polling a file the grader writes
	}
}

// waitLimit bounds how long a test waits for the grader to print or write
// something: far longer than a grade takes on a loaded machine.
const waitLimit = 5 * time.Minute

// TestWatchWaits follows a student in watch mode: it stays on the exercise
// after it passes, grades every later save of it (here a second solution),
// and moves to the next exercise only on n.
func TestWatchWaits(t *testing.T) {
	if testing.Short() {
		t.Skip("watch builds and runs real test binaries")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	shared, err := filepath.Abs("testdata/hidden-src")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := writeModule(root, dir); err != nil {
		t.Fatal(err)
	}
	if err := writeHidden(shared, dir); err != nil {
		t.Fatal(err)
	}
	for k, v := range goEnv(t, "GOCACHE", "GOMODCACHE", "GOPATH", "CGO_ENABLED") {
		t.Setenv(k, v)
	}
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOTOOLCHAIN", "local")
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	t.Setenv("NO_COLOR", "1")
	t.Setenv("GRADER_VIA_MAKE", "")

	const hello = "package main\n\nimport \"fmt\"\n\nfunc hello() { fmt.Println(\"hello world\") }\n\n"
	stub := hello + "func main() {\n\tfmt.Println(\"Start\")\n\tgo hello()\n\t// TODO: wait for hello\n\tfmt.Println(\"End\")\n}\n"
	withWaitGroup := "package main\n\nimport (\n\t\"fmt\"\n\t\"sync\"\n)\n\nfunc hello() { fmt.Println(\"hello world\") }\n\n" +
		"func main() {\n\tfmt.Println(\"Start\")\n\tvar wg sync.WaitGroup\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\thello()\n\t}()\n\twg.Wait()\n\tfmt.Println(\"End\")\n}\n"
	withChannel := hello + "func main() {\n\tfmt.Println(\"Start\")\n\tdone := make(chan struct{})\n\tgo func() {\n\t\thello()\n\t\tclose(done)\n\t}()\n\t<-done\n\tfmt.Println(\"End\")\n}\n"
	write := func(name, src string) {
		t.Helper()
		p := filepath.Join(dir, "exercises", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("01-hello/main.go", stub)
	write("02-count/count.go", "package count\n\nfunc Count(n int) int {\n\treturn 0 // TODO\n}\n")

	var out syncBuffer
	keys, typing := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	code := make(chan int, 1)
	e := &env{stdout: &out, stderr: &out, stdin: keys}
	go func() {
		code <- runWatch(ctx, e, []string{"-dir", filepath.Join(dir, "exercises"), "-hidden", filepath.Join(dir, "hidden"), "-poll", "-interval", "50ms", "01"})
	}()
	// waitFor waits until the output holds want n times in all.
	waitFor := func(want string, n int) {
		t.Helper()
		deadline := time.Now().Add(waitLimit)
		for strings.Count(out.String(), want) < n {
			if time.Now().After(deadline) {
				t.Fatalf("no %d× %q within %v; the watch printed:\n%s", n, want, waitLimit, out.String())
			}
			time.Sleep(20 * time.Millisecond) // polling what the grader prints
		}
	}
	waitFor("0 of 1 exercises pass", 1)
	if !strings.Contains(out.String(), "Edit exercises/01-hello/main.go:10") {
		t.Errorf("the watch does not name the stub's TODO line as path:line:\n%s", out.String())
	}
	write("01-hello/main.go", withWaitGroup)
	waitFor("01-hello passes.", 1)
	waitFor("Press n for the next exercise, 02-count.", 1)
	write("01-hello/main.go", withChannel)
	waitFor("01-hello passes.", 2)
	if strings.Contains(out.String(), "Watching exercises/02-count") {
		t.Fatalf("the watch moved on by itself:\n%s", out.String())
	}
	io.WriteString(typing, "n\n")
	waitFor("Watching exercises/02-count", 1)
	io.WriteString(typing, "q\n")
	select {
	case c := <-code:
		if c != exitPass {
			t.Errorf("watch exited %d, want 0", c)
		}
	case <-time.After(waitLimit):
		t.Fatal("watch did not end on q")
	}
}

// syncBuffer is a bytes.Buffer that the watch and the test can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestFitLines: a grade taller than the terminal is cut to fit, wrapped
// lines counted, with its last lines (the score, the next step) kept.
func TestFitLines(t *testing.T) {
	var b strings.Builder
	for i := range 60 {
		fmt.Fprintf(&b, "line %d %s\n", i, strings.Repeat("x", i*3))
	}
	b.WriteString("\n0 of 1 exercises pass\nNext: fix it\n")
	text := b.String()
	for _, size := range [][2]int{{80, 30}, {40, 20}, {200, 100}} {
		cols, rows := size[0], size[1]
		got := fitLines(text, rows, cols, "make test EX=01")
		if n := rowsOf(got, cols); n > rows && rowsOf(text, cols) > rows {
			t.Errorf("%dx%d: %d rows", cols, rows, n)
		}
		if !strings.HasSuffix(got, "0 of 1 exercises pass\nNext: fix it\n") {
			t.Errorf("%dx%d: the last lines are gone:\n%s", cols, rows, got)
		}
		if rowsOf(text, cols) > rows && !strings.Contains(got, "`make test EX=01` shows them all") {
			t.Errorf("%dx%d: the cut is not said:\n%s", cols, rows, got)
		}
	}
}
