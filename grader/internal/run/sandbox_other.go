//go:build !linux

package run

import (
	"context"
	"errors"
	"runtime"
)

func sandboxed(root string, hide, args []string) (string, []string, error) {
	return "", nil, errors.New("no sandbox on " + runtime.GOOS)
}

// SandboxAvailable reports whether test binaries can run in the sandbox
// here: only on Linux, with bubblewrap.
func SandboxAvailable(ctx context.Context) (bool, string) {
	return false, "the sandbox (bubblewrap) exists on Linux only, not on " + runtime.GOOS
}
