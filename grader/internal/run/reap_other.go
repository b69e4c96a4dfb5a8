//go:build !linux

package run

// BecomeSubreaper does nothing here: only Linux has child subreapers.
func BecomeSubreaper() error { return nil }

// KillDescendants does nothing here (see BecomeSubreaper); the grader
// still kills the process group of each go command it ran.
func KillDescendants() {}
