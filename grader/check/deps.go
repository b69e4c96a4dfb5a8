package check

// The hidden tests import testify, and they live in archives that `go mod
// tidy` does not read. Importing it here keeps it, and its go.sum lines, in
// the module, so that hidden tests build with -mod=readonly.
import (
	_ "github.com/stretchr/testify/assert"
	_ "github.com/stretchr/testify/require"
)
