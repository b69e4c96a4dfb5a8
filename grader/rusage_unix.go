//go:build unix

package main

import "syscall"

// peakRSS returns the grader process's own peak resident memory in bytes.
func peakRSS() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return maxrssBytes(int64(ru.Maxrss)), true
}
