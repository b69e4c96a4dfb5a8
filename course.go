// Package course holds the files of the course that the grader needs a
// pristine copy of: the module files it grades against, whatever a student's
// checkout has done to its own.
package course

import _ "embed"

// ModFile is the course's go.mod as the grader was built with it.
//
//go:embed go.mod
var ModFile []byte

// SumFile is the course's go.sum as the grader was built with it.
//
//go:embed go.sum
var SumFile []byte
