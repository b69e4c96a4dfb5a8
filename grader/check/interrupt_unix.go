//go:build unix

package check

import (
	"os"
	"syscall"
)

// interrupt asks a hung run for a goroutine dump: SIGQUIT makes the Go
// runtime print every goroutine's stack and exit.
func interrupt(p *os.Process) error { return p.Signal(syscall.SIGQUIT) }
