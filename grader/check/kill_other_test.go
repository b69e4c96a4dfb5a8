//go:build !unix

package check

import "os"

func killSelf() { os.Exit(137) }
