package run

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// The sandbox is bubblewrap (bwrap), as Debian and Ubuntu package it: each
// test binary, and every process it starts, sees the file system
// read-only, a private /tmp of its own, no network, and only its own
// processes (a PID namespace of its own, which ends with it).
const bwrap = "bwrap"

// bwrapArgs are the sandbox's settings before the folders it shows.
var bwrapArgs = []string{
	"--die-with-parent", // nothing outlives the sandbox
	"--unshare-all",     // own PID, network, IPC, UTS (and user) namespaces
	"--ro-bind", "/", "/",
	"--dev", "/dev",
	"--proc", "/proc",
	"--tmpfs", "/tmp",
	"--setenv", "TMPDIR", "/tmp",
}

// sandboxed returns the program and arguments that run the test binary
// args[0] with args[1:] in the sandbox: the binary's folder and root (the
// checkout) are shown read-only over the private /tmp, the folders of hide
// that exist are shown empty, the working folder stays.
func sandboxed(root string, hide, args []string) (string, []string, error) {
	path, err := exec.LookPath(bwrap)
	if err != nil {
		return "", nil, fmt.Errorf("the sandbox (bubblewrap) is not installed: %w", err)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return "", nil, err
	}
	exe, err := filepath.Abs(args[0])
	if err != nil {
		return "", nil, err
	}
	argv := append([]string{bwrap}, bwrapArgs...)
	for _, dir := range []string{filepath.Dir(exe), root, cwd} {
		argv = append(argv, "--ro-bind", dir, dir)
	}
	for _, dir := range hide {
		// Never the folder graded, nor one that holds it (grading the
		// solutions themselves, say).
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() && !inside(cwd, dir) && !inside(filepath.Dir(exe), dir) {
			argv = append(argv, "--tmpfs", dir)
		}
	}
	argv = append(argv, "--chdir", cwd, "--", exe)
	return path, append(argv, args[1:]...), nil
}

// SandboxAvailable reports whether test binaries can run in the sandbox
// here, and if not, why, in a sentence for the instructor.
func SandboxAvailable(ctx context.Context) (bool, string) {
	path, err := exec.LookPath(bwrap)
	if err != nil {
		return false, "bubblewrap (bwrap) is not installed (Debian, Ubuntu: apt-get install bubblewrap)"
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	argv := append(append([]string(nil), bwrapArgs...), "--", "/bin/sh", "-c", "exit 0")
	out, err := exec.CommandContext(ctx, path, argv...).CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if msg == "" {
			msg = err.Error()
		}
		return false, fmt.Sprintf("bubblewrap cannot make a sandbox here (%s): the kernel may not allow user namespaces "+
			"(on Ubuntu 24.04: sysctl kernel.apparmor_restrict_unprivileged_userns=0)", msg)
	}
	return true, ""
}

// inside reports whether path is dir or below it.
func inside(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
