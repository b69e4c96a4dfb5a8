package check

import (
	"os"
	"syscall"
)

// silenceStdout points file descriptor 1 at the null device, so that what
// goroutines print after main has returned goes nowhere, as it would in a
// program that had exited.
func silenceStdout() {
	if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		syscall.Dup3(int(null.Fd()), 1, 0)
	}
}
