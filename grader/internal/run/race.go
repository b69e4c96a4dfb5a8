package run

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// RaceSupported reports whether `go test -race` can work here, and if not,
// why, in a sentence for the student. It asks the go command for the
// settings that its own decision rests on (see raceDecision).
func RaceSupported(ctx context.Context, dir string) (bool, string) {
	cmd := exec.CommandContext(ctx, "go", "env", "CGO_ENABLED", "GOOS", "GOARCH")
	cmd.Dir = dir
	cmd.Env = Env()
	var stderr tailWriter
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return false, fmt.Sprintf("`go env` failed: %v", goFailed(stderr.String()))
	}
	f := strings.Fields(string(bytes.TrimSpace(out)))
	if len(f) != 3 {
		return false, "`go env` printed something unexpected"
	}
	return raceDecision(f[1], f[2], f[0] == "1")
}

// raceDecision is the go command's own rule for -race, so that the grader
// refuses it only where go test would: the platform must have a race
// runtime (internal/platform.RaceDetectorSupported), and cgo must be on,
// except on macOS, where the race runtime needs no C compiler
// (cmd/go/internal/work/init.go, instrumentInit: "On macOS, -race does not
// require cgo").
func raceDecision(goos, goarch string, cgo bool) (bool, string) {
	if !raceRuntime(goos, goarch) {
		return false, fmt.Sprintf("the race detector does not support %s/%s", goos, goarch)
	}
	if !cgo && goos != "darwin" {
		return false, "the race detector needs cgo, and cgo is off here (CGO_ENABLED=0, or no C compiler such as gcc is installed)"
	}
	return true, ""
}

// raceRuntime is internal/platform.RaceDetectorSupported of Go 1.26.
func raceRuntime(goos, goarch string) bool {
	switch goos {
	case "linux":
		switch goarch {
		case "amd64", "arm64", "loong64", "ppc64le", "riscv64", "s390x":
			return true
		}
	case "darwin":
		return goarch == "amd64" || goarch == "arm64"
	case "freebsd", "netbsd", "windows":
		return goarch == "amd64"
	}
	return false
}
