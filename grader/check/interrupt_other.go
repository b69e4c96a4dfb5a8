//go:build !unix

package check

import "os"

// interrupt stops a hung run. Without SIGQUIT there is no goroutine dump.
func interrupt(p *os.Process) error { return p.Kill() }
