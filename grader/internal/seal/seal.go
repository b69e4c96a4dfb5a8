// Package seal is the protocol between the grader and the check package
// that the hidden tests import: how a test binary gets the key for its
// seals, what a seal is, and the marker lines that tests print for the
// grader. Both sides import it; it imports nothing of the testing
// framework, so the grader binary does not link testing, testify or goleak.
//
// The key reaches a test binary through a file descriptor, never through
// the environment: the grader's -exec wrapper (see grader/internal/run)
// hands each test binary a pipe holding the key, and names its descriptor
// in KeyFDEnv. The check package reads it, closes it and forgets the
// variable in its init function, before any test runs.
package seal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"strconv"
)

// Prefix starts the log line with which a sealed test reports its pass.
const Prefix = "check: seal "

// Markers that tests print for the grader. They only ever make a check
// fail, so code that prints them fools nobody but itself.
const (
	TimeMarker = "check: time limit exceeded"
	RaceMarker = "check: data race"
	// KeyGoneMarker says that the test binary was handed a key, but the
	// key was gone when check came to read it: something in the binary
	// (the student's code, initialised first) read it before. The grader
	// grades such a binary as an error.
	KeyGoneMarker = "check: the seal key was gone before check could read it"
)

// KeyFDEnv names, in a test binary's environment, the file descriptor from
// which check reads the key.
const KeyFDEnv = "GCL_SEAL_FD"

// KeyEnv holds the key itself where no descriptor can be handed over
// (Windows). The grader never uses it where descriptors work.
const KeyEnv = "GCL_SEAL_KEY"

// Of returns the seal of the test name (package folder/TestName) under key.
func Of(key []byte, name string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(name))
	return hex.EncodeToString(m.Sum(nil))
}

// State says what TakeKey found.
type State int

const (
	NoKey State = iota // the binary was not started by the grader
	Got                // the key was read
	Gone               // a key was handed over, but it was gone
)

// MaxKey bounds a key.
const MaxKey = 256

// The key, read once, by this package's own init: the grader lays a file
// into the student's package that imports this package (through check),
// so that this init runs before any init (or package variable) of the
// student's package.
var (
	key   []byte
	state State
)

func init() { key, state = takeKey() }

// TakeKey returns the key the grader handed to this process, and what was
// found: this package's init read it, closed its descriptor and removed
// the variables from the environment, so that code that runs later finds
// nothing.
func TakeKey() ([]byte, State) { return key, state }

func takeKey() ([]byte, State) {
	if v, ok := os.LookupEnv(KeyFDEnv); ok {
		os.Unsetenv(KeyFDEnv)
		os.Unsetenv(KeyEnv)
		fd, err := strconv.Atoi(v)
		if err != nil || fd < 3 {
			return nil, Gone
		}
		f := os.NewFile(uintptr(fd), "seal-key")
		if f == nil {
			return nil, Gone
		}
		key, err := io.ReadAll(io.LimitReader(f, MaxKey))
		f.Close()
		if err != nil || len(key) == 0 {
			return nil, Gone
		}
		return key, Got
	}
	if k := os.Getenv(KeyEnv); k != "" {
		os.Unsetenv(KeyEnv)
		return []byte(k), Got
	}
	return nil, NoKey
}

// EarlyFile is the file the grader lays into the student's package (named
// pkg) so that this package, and its init, come first. It imports the
// check package, which imports this one: an internal package is not for
// exercises to import.
//
// It also defines YieldHook, which the grader calls in the student's files
// after each Unlock (see check.YieldAtUnlocks). Its import's name is one
// that no student declares: a file's import and a declaration of the
// package may not share a name.
func EarlyFile(pkg string) []byte {
	return []byte("// Laid in by the grader: the seal key is read before any code of this package runs.\n\npackage " + pkg +
		"\n\nimport zzgradercheck \"github.com/go-concurrency-lab/course/grader/check\"\n\n" +
		"func " + YieldHook + "() { zzgradercheck.Yield() }\n")
}

// YieldHook is the name of the function, laid into the student's package,
// that the student's files call after each Unlock for the grading.
const YieldHook = "zzGraderYield"
