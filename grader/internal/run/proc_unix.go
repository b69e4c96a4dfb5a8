//go:build unix

package run

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the go command in a process group of its own, so
// that a time-out stops the test binaries it started too.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func killProcessGroup(cmd *exec.Cmd) error {
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
