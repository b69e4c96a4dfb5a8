//go:build unix && !linux

package run

import "syscall"

// dup makes newfd a copy of oldfd, inherited across exec.
func dup(oldfd, newfd int) error { return syscall.Dup2(oldfd, newfd) }
