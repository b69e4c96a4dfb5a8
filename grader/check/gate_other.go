//go:build !linux

package check

import (
	"errors"
	"os"
)

// newGate: the gate needs a pipe in packet mode, which only Linux has.
func newGate(string) (*gate, error) { return nil, errors.New("check: no stdout gate here") }

func readNow(*os.File, []byte) (int, error) { return 0, errors.New("check: no stdout gate here") }

func filled(*os.File) bool { return true }
