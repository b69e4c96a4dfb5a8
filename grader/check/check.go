// Package check holds the helpers that the hidden tests of the course import:
// sealing a test's result for the grader, running an exercise's main function
// as a real process many times, assertions on the lines it printed, and
// goroutine-leak checks.
//
// Hidden tests live in grader/hidden/NN-slug/ and are compiled into an
// exercise's package only while the grader grades it. Every hidden test starts
// with
//
//	check.Seal(t)
//
// so that the grader can tell a pass it saw from one that the code under test
// printed to imitate it.
package check

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/go-concurrency-lab/course/grader/internal/seal"
)

// SealEnv is the environment variable through which the grader hands the
// key to a test binary where it cannot hand over a file descriptor
// (Windows); elsewhere the key never enters the environment (see
// grader/internal/seal).
const SealEnv = seal.KeyEnv

// SealPrefix starts the log line with which a sealed test reports its pass.
const SealPrefix = seal.Prefix

var (
	sealKey   []byte
	sealState seal.State
)

func init() {
	// Package initialisation runs imported packages first, so this runs
	// before the init functions of the hidden tests; the exercise's own
	// package may come first (packages are initialised in the order of
	// their import paths), which is why its imports are limited to what
	// the exercise allows, and why a key found gone fails every test.
	sealKey, sealState = seal.TakeKey()
}

// Seal marks t as one of the grader's hidden tests. When t ends without
// failing, Seal logs a line that only a test of the grader's own can write.
// Call it first thing, directly from the test function itself.
func Seal(t *testing.T) {
	t.Helper()
	pc, _, _, ok := runtime.Caller(1)
	fn := runtime.FuncForPC(pc)
	if !ok || fn == nil || !strings.HasSuffix(fn.Name(), "."+t.Name()) {
		t.Fatalf("check.Seal must be called by the test function %s itself", t.Name())
	}
	if sealState == seal.Gone {
		t.Fatalf("%s: something in this test binary read the grader's key first, so nothing of this run can be trusted.", seal.KeyGoneMarker)
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("check.Seal: %v", err)
	}
	name := filepath.Base(dir) + "/" + t.Name()
	t.Cleanup(func() {
		if t.Failed() || t.Skipped() || sealKey == nil {
			return
		}
		t.Log(SealPrefix + SealOf(sealKey, name))
	})
}

// SealOf returns the seal of the test name (package folder/TestName) under
// key. The grader computes the same value to check what a test logged.
func SealOf(key []byte, name string) string { return seal.Of(key, name) }
