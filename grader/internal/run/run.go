// Package run runs one `go test -json` over the packages being graded, with
// the hidden tests laid into them through -overlay, and streams its events.
package run

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-concurrency-lab/course/grader/check"
	"github.com/go-concurrency-lab/course/grader/internal/testjson"
)

// Package is one package to test.
type Package struct {
	Dir  string            // its folder, absolute
	Add  map[string][]byte // files laid into the folder for the build: the hidden tests
	Drop []string          // names of files in the folder that the build leaves out
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
	SealKey  []byte        // handed to the test binaries for check.Seal
	Env      []string      // added to the environment of the go command and the tests
	// Overlay lays more files over the tree for the build, by absolute
	// path: the contents, or nil to leave the file out. The instructor's
	// review uses it to build with pristine copies of the packages the
	// hidden tests import, whatever the student's tree holds.
	Overlay map[string][]byte
}

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

	overlay := map[string]string{}
	var pkgs []string
	for i, p := range req.Packages {
		for name, data := range p.Add {
			file := filepath.Join(tmp, fmt.Sprintf("p%d", i), name)
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(file, data, 0o644); err != nil {
				return err
			}
			overlay[filepath.Join(p.Dir, name)] = file
		}
		for _, name := range p.Drop {
			overlay[filepath.Join(p.Dir, name)] = "" // deleted, for the build
		}
		rel, err := filepath.Rel(req.Dir, p.Dir)
		if err != nil {
			return err
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
			return err
		}
		if err := os.WriteFile(tf, data, 0o644); err != nil {
			return err
		}
		overlay[file] = tf
	}
	ov, err := json.Marshal(map[string]any{"Replace": overlay})
	if err != nil {
		return err
	}
	ovFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ovFile, ov, 0o644); err != nil {
		return err
	}

	args := []string{"test", "-json", "-count=1", "-vet=off", "-mod=readonly",
		"-overlay=" + ovFile, "-run=" + req.Run}
	if req.Timeout > 0 {
		args = append(args, "-timeout="+req.Timeout.String())
	}
	if req.Race {
		args = append(args, "-race")
	}
	if req.ModFile != nil {
		modDir := filepath.Join(tmp, "mod")
		if err := os.MkdirAll(modDir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(modDir, "go.mod"), req.ModFile, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(modDir, "go.sum"), req.SumFile, 0o644); err != nil {
			return err
		}
		args = append(args, "-modfile="+filepath.Join(modDir, "go.mod"))
	}
	args = append(args, pkgs...)

	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = req.Dir
	cmd.Env = Env(append([]string{check.SealEnv + "=" + string(req.SealKey)}, req.Env...)...)
	setProcessGroup(cmd)
	cmd.Cancel = func() error { return killProcessGroup(cmd) }
	cmd.WaitDelay = 5 * time.Second
	if req.Stderr != nil {
		cmd.Stderr = req.Stderr
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting go test: %w", err)
	}
	decodeErr := testjson.Decode(out, event, noise)
	err = cmd.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if _, ok := err.(*exec.ExitError); ok {
		err = nil // failing tests exit 1: the events say what failed
	}
	if err == nil {
		err = decodeErr
	}
	return err
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
		case "GOFLAGS", "GOWORK", "GOMAXPROCS", "GOTRACEBACK", "GODEBUG", check.SealEnv:
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

// RaceSupported reports whether `go test -race` can work here, and if not,
// why, in a sentence for the student.
func RaceSupported(ctx context.Context, dir string) (bool, string) {
	cmd := exec.CommandContext(ctx, "go", "env", "CGO_ENABLED", "GOOS", "GOARCH")
	cmd.Dir = dir
	cmd.Env = Env()
	out, err := cmd.Output()
	if err != nil {
		return false, fmt.Sprintf("`go env` failed: %v", err)
	}
	f := strings.Fields(string(bytes.TrimSpace(out)))
	if len(f) != 3 {
		return false, "`go env` printed something unexpected"
	}
	if f[0] != "1" {
		return false, "the race detector needs cgo, and cgo is off here (CGO_ENABLED=0, or no C compiler such as gcc is installed)"
	}
	switch f[1] + "/" + f[2] {
	case "linux/amd64", "linux/arm64", "linux/ppc64le", "linux/s390x", "linux/loong64",
		"darwin/amd64", "darwin/arm64", "freebsd/amd64", "netbsd/amd64", "windows/amd64":
		return true, ""
	}
	return false, fmt.Sprintf("the race detector does not support %s/%s", f[1], f[2])
}
