//go:build unix

package check

import (
	"os"
	"syscall"
)

// interrupt asks a hung run for a goroutine dump: SIGQUIT makes the Go
// runtime print every goroutine's stack and exit.
func interrupt(p *os.Process) error { return p.Signal(syscall.SIGQUIT) }

// signalOf names the signal that ended a process, or returns "".
func signalOf(ps *os.ProcessState) string {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return ws.Signal().String()
	}
	return ""
}
