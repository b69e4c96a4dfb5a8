package run

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrTampered says that the grader's own files for the build (the hidden
// tests laid in through -overlay, the module files) changed while go test
// ran: code under test wrote to them, perhaps to replace the hidden tests
// of a package not built yet. Nothing of such a run can be trusted.
var ErrTampered = errors.New("the grader's files changed while the tests ran")

// guard watches the files under dir from now until the returned function
// is called, which reports whether any of them changed, appeared or went.
// Everywhere it compares their contents before and after; on Linux it also
// hears of every change as it happens (inotify), so that a file written
// and then restored is caught too.
func guard(dir string) func() bool {
	before := digests(dir)
	stop := notify(dir)
	return func() bool {
		changed := stop()
		after := digests(dir)
		if len(after) != len(before) {
			return true
		}
		for p, d := range before {
			if after[p] != d {
				return true
			}
		}
		return changed
	}
}

func digests(dir string) map[string][sha256.Size]byte {
	out := map[string][sha256.Size]byte{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		out[p] = sha256.Sum256(data)
		return nil
	})
	return out
}
