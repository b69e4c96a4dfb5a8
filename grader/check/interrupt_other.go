//go:build !unix

package check

import "os"

// interrupt stops a hung run. Without SIGQUIT there is no goroutine dump.
func interrupt(p *os.Process) error { return p.Kill() }

// signalOf names the signal that ended a process: none here.
func signalOf(ps *os.ProcessState) string { return "" }
