// Package run runs one `go test -json` over the packages being graded, with
// the hidden tests laid into them through -overlay, and streams its events.
package run

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/seal"
	"github.com/go-concurrency-lab/course/grader/internal/testjson"
)

// Package is one package to test.
type Package struct {
	Dir  string            // its folder, absolute
	Add  map[string][]byte // files laid into the folder for the build: the hidden tests
	Drop []string          // names of files in the folder that the build leaves out
	// Timeout, when above 0, is how long the package's test binary may run
	// before the watchdog stops it (plus a grace period: the binary's own
	// -timeout should come first, with a better goroutine dump).
	Timeout time.Duration
	// ImportPath is the package's import path, as events name it.
	ImportPath string
}

// Request is one go test invocation.
type Request struct {
	Dir      string // the module root; go test runs here
	ModFile  []byte // when set, the build reads this go.mod (and SumFile), not the tree's
	SumFile  []byte
	Packages []Package
	Run      string        // the -run pattern: only the hidden tests run
	Race     bool          // build with the race detector
	Timeout  time.Duration // -timeout: each test binary panics with a goroutine dump past it
	Stderr   io.Writer     // receives the go command's stderr; nil discards it
	SealKey  []byte        // handed to the test binaries for check.Seal, on a descriptor (see Exec)
	// Sandbox runs each test binary in the sandbox (see SandboxAvailable),
	// from which it can read the system and Dir, write only a private
	// temporary folder, reach no network and see no other process.
	Sandbox bool
	// Hide lists folders that the sandbox shows empty: the instructor's
	// hidden tests and solutions, where they are on disk.
	Hide []string
	Env  []string // added to the environment of the go command and the tests
	// MaxMemory, when above 0, bounds the resident memory of each test
	// process, in bytes: the watchdog kills a process that passes it.
	MaxMemory int64
	// MaxOutput, when above 0, bounds what one package's tests may print,
	// in bytes: past it, the watchdog kills its test processes.
	MaxOutput int64
	// Stopped, when set, hears of each package whose test process the
	// watchdog stopped. It is called from another goroutine than event.
	Stopped func(Stop)
	// Overlay lays more files over the tree for the build, by absolute
	// path: the contents, or nil to leave the file out. The instructor's
	// review uses it to build with pristine copies of the packages the
	// hidden tests import, whatever the student's tree holds.
	Overlay map[string][]byte
}

// Stop says why the watchdog stopped a package's test process.
type Stop struct {
	Dir    string        // the package's folder
	Memory int64         // over MaxMemory: the resident memory seen; else 0
	After  time.Duration // over Timeout: how long the test binary had run; else 0
	Output int64         // over MaxOutput: the bytes printed; else 0
}

// How often the watchdog looks at the test processes, and how long past a
// package's Timeout it waits before SIGQUIT, then SIGKILL. (Variables for
// the watchdog's tests.) The grace only runs out when the binary's own
// -timeout did not end it first, whose goroutine dump says where each
// goroutine was (SIGQUIT's cannot show one running on another thread); on
// a busy machine that dump can take seconds to come out (3 s was too short
// for hostile-spin at a load of 17 on 2 cores).
var (
	watchEvery = 100 * time.Millisecond
	watchGrace = 10 * time.Second
)

// NewSealKey returns a fresh random key for Request.SealKey.
func NewSealKey() []byte {
	key := make([]byte, 32)
	rand.Read(key)
	return []byte(hex.EncodeToString(key))
}

// Test runs the request and calls event for every event of the stream, as
// it arrives, and noise for every line that is not an event.
func Test(ctx context.Context, req Request, event func(testjson.Event), noise func(string)) error {
	tmp, err := os.MkdirTemp("", "grader-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	ovFile, pkgs, err := writeOverlay(tmp, req)
	if err != nil {
		return err
	}
	args := []string{"test", "-json", "-count=1", "-vet=off", "-mod=readonly",
		"-overlay=" + ovFile, "-run=" + req.Run, "-p=" + strconv.Itoa(parallelism())}
	if req.Timeout > 0 {
		args = append(args, "-timeout="+req.Timeout.String())
	}
	if req.Race {
		args = append(args, "-race")
	}
	modArgs, err := writeModFiles(tmp, req)
	if err != nil {
		return err
	}
	args = append(args, modArgs...)

	cmd := exec.CommandContext(ctx, "go")
	cmd.Dir = req.Dir
	cmd.Env = Env(req.Env...)
	execArgs, stopKey, err := prepareExec(cmd, req)
	if err != nil {
		return err
	}
	defer stopKey()
	cmd.Args = append(append(append(cmd.Args, args...), execArgs...), pkgs...)
	setProcessGroup(cmd)
	cmd.Cancel = func() error { return killProcessGroup(cmd) }
	cmd.WaitDelay = 5 * time.Second
	var goErr tailWriter // the go command's last words, for when it fails before testing
	cmd.Stderr = &goErr
	if req.Stderr != nil {
		cmd.Stderr = io.MultiWriter(req.Stderr, &goErr)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	changed := guard(tmp)
	if err := cmd.Start(); err != nil {
		changed()
		return fmt.Errorf("starting go test: %w", err)
	}
	wctx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	kill := make(chan string, len(req.Packages)) // folders whose test processes must go
	go func() {
		defer close(watched)
		watch(wctx, cmd.Process.Pid, req, kill)
	}()
	events := 0
	printed := map[string]int64{}
	dirOf := map[string]string{}
	for _, p := range req.Packages {
		dirOf[p.ImportPath] = p.Dir
	}
	decodeErr := testjson.Decode(out, func(ev testjson.Event) {
		events++
		if ev.Action == testjson.Output && req.MaxOutput > 0 {
			n := printed[ev.Package]
			printed[ev.Package] += int64(len(ev.Output))
			if dir, ok := dirOf[ev.Package]; ok && n <= req.MaxOutput && printed[ev.Package] > req.MaxOutput {
				if req.Stopped != nil {
					req.Stopped(Stop{Dir: dir, Output: printed[ev.Package]})
				}
				kill <- dir
			}
		}
		event(ev)
	}, noise)
	err = cmd.Wait()
	stopWatch()
	<-watched
	killProcessGroup(cmd) // programs the test binaries left behind
	tampered := changed()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if tampered {
		return ErrTampered
	}
	if _, ok := err.(*exec.ExitError); ok {
		if events == 0 {
			return goFailed(goErr.String())
		}
		err = nil // failing tests exit 1: the events say what failed
	}
	if err == nil {
		err = decodeErr
	}
	return err
}

// The -exec wrapper's settings (see Exec), in the environment of the go
// command, which passes it on to the wrapper. None of them is a secret.
const (
	// serverFDEnv names the descriptor of the socket on which the wrapper
	// asks the grader for the seal key. The go command passes the
	// descriptors it inherits on to the processes it starts; the wrapper
	// closes it before the test binary starts.
	serverFDEnv = "GCL_SEAL_SERVER_FD"
	// sandboxEnv, when set, runs each test binary in the sandbox, with
	// this folder (the checkout being graded) shown read-only.
	sandboxEnv = "GCL_SANDBOX_ROOT"
	// hideEnv lists the folders that the sandbox shows empty, separated
	// as in PATH.
	hideEnv = "GCL_SANDBOX_HIDE"
)

// needGo is the go command's complaint about a go.mod that asks for a newer
// Go than the one running, when it may not switch toolchains
// (GOTOOLCHAIN=local): "go: go.mod requires go >= 1.99 (running go 1.26.8; ...)".
var needGo = regexp.MustCompile(`requires go >= (\S+) \(running go (\S+?)[;)]`)

// goFailed turns what the go command printed when it failed without
// testing anything into one line for the user.
func goFailed(stderr string) error {
	if m := needGo.FindStringSubmatch(stderr); m != nil {
		return fmt.Errorf("this course needs Go %s or newer, and the Go installed here is %s: install a newer Go (go.dev/dl)", m[1], m[2])
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if last := strings.TrimSpace(lines[len(lines)-1]); last != "" {
		return fmt.Errorf("go test failed before testing anything: %s", last)
	}
	return fmt.Errorf("go test failed before testing anything")
}

// tailWriter keeps the last few kilobytes written to it.
type tailWriter struct {
	mu  sync.Mutex
	buf []byte
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if over := len(w.buf) - 8<<10; over > 0 {
		w.buf = append(w.buf[:0], w.buf[over:]...)
	}
	return len(p), nil
}

func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}

// Env is the environment of the go command and of the tests it runs: the
// caller's, without settings that would change what gets graded, plus
// extra. GORACE's atexit_sleep_ms=0 spares every race-enabled process a
// one-second sleep before it exits.
func Env(extra ...string) []string {
	var env []string
	gorace := "atexit_sleep_ms=0"
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(k) {
		case "GOFLAGS", "GOWORK", "GOMAXPROCS", "GOTRACEBACK", "GODEBUG", seal.KeyEnv, seal.KeyFDEnv, serverFDEnv, sandboxEnv, hideEnv:
			continue
		case "GORACE":
			gorace = v + " " + gorace
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "GOFLAGS=", "GOWORK=off", "GORACE="+gorace)
	return append(env, extra...)
}

// parallelism is how many packages go test builds and tests at once. Its
// default, one per CPU, is right for work that keeps a CPU busy, but the
// hidden tests of an unsolved exercise mostly wait: for a value that never
// comes, up to a bound of a few seconds. At least four at a time lets those
// waits overlap on a small machine (grading the 32 untouched stubs on 2
// cores: 33 s with -p=2, 19.5 s with -p=4) and costs a solved tree little
// (7.3-7.6 s against 7.4-7.7 s). Verdicts do not depend on it: selftest
// -runs 20 holds for every variant with -p=4 on 2 cores.
func parallelism() int {
	return max(runtime.NumCPU(), 4)
}

// writeOverlay writes the overlay file of the request into tmp: the files
// laid in, the files left out. It returns its path and go test's argument
// for each package.
func writeOverlay(tmp string, req Request) (string, []string, error) {
	overlay := map[string]string{}
	var pkgs []string
	for i, p := range req.Packages {
		for name, data := range p.Add {
			file := filepath.Join(tmp, fmt.Sprintf("p%d", i), name)
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				return "", nil, err
			}
			if err := os.WriteFile(file, data, 0o644); err != nil {
				return "", nil, err
			}
			overlay[filepath.Join(p.Dir, name)] = file
		}
		for _, name := range p.Drop {
			overlay[filepath.Join(p.Dir, name)] = "" // deleted, for the build
		}
		rel, err := filepath.Rel(req.Dir, p.Dir)
		if err != nil {
			return "", nil, err
		}
		pkgs = append(pkgs, "./"+filepath.ToSlash(rel))
	}
	n := 0
	for file, data := range req.Overlay {
		if data == nil {
			overlay[file] = ""
			continue
		}
		n++
		tf := filepath.Join(tmp, fmt.Sprintf("o%d", n), filepath.Base(file))
		if err := os.MkdirAll(filepath.Dir(tf), 0o755); err != nil {
			return "", nil, err
		}
		if err := os.WriteFile(tf, data, 0o644); err != nil {
			return "", nil, err
		}
		overlay[file] = tf
	}
	ov, err := json.Marshal(map[string]any{"Replace": overlay})
	if err != nil {
		return "", nil, err
	}
	ovFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ovFile, ov, 0o644); err != nil {
		return "", nil, err
	}

	return ovFile, pkgs, nil
}

// writeModFiles writes the request's go.mod and go.sum, when it brings
// them, into tmp and returns the go command's flags that point at them.
func writeModFiles(tmp string, req Request) ([]string, error) {
	if req.ModFile == nil {
		return nil, nil
	}
	modDir := filepath.Join(tmp, "mod")
	if err := os.MkdirAll(modDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(modDir, "go.mod"), req.ModFile, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(modDir, "go.sum"), req.SumFile, 0o644); err != nil {
		return nil, err
	}
	return []string{"-modfile=" + filepath.Join(modDir, "go.mod")}, nil
}
