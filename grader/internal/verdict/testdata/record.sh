#!/bin/sh
# Records the go test -json streams in streams/ with the real toolchain:
# one small package per scenario, in a module under /tmp/gcl-rec that
# requires the course (for check.Seal). Run from this folder:
#
#	sh record.sh && go test .. -update
#
# The seal key is "testkey"; verdict_test.go grades with the same key.
set -eu
here=$(pwd)
course=$(cd ../../../.. && pwd)
rec=/tmp/gcl-rec
rm -rf "$rec"
mkdir -p "$rec"
cd "$rec"
{
	echo "module example.com/rec"
	echo
	grep '^go ' "$course/go.mod"
	echo
	sed -n '/^require/,$p' "$course/go.mod"
	echo "require github.com/go-concurrency-lab/course v0.0.0-00010101000000-000000000000"
	echo "replace github.com/go-concurrency-lab/course => $course"
} > go.mod
cp "$course/go.sum" .

pkg() { # pkg NAME: files from stdin, as "-- file --" sections
	mkdir -p "$1"
	awk -v dir="$1" '/^-- .* --$/ { f = dir "/" $2; next } { print > f }'
}

pkg pass <<'G'
-- pass.go --
package pass

func Add(a, b int) int { return a + b }
-- pass_test.go --
package pass

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
)

func TestAdd(t *testing.T) {
	check.Seal(t)
	if Add(1, 2) != 3 {
		t.Error("1+2 is not 3")
	}
}

func TestAddZero(t *testing.T) {
	check.Seal(t)
	t.Log("adding zero")
	if Add(0, 0) != 0 {
		t.Error("0+0 is not 0")
	}
}
G

pkg fail <<'G'
-- fail.go --
package fail

func Add(a, b int) int { return a - b }
-- fail_test.go --
package fail

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
	"github.com/stretchr/testify/assert"
)

func TestAdd(t *testing.T) {
	check.Seal(t)
	assert.Equal(t, 3, Add(1, 2), "Add(1, 2) should be 3: check the operator.")
}

func TestAddZero(t *testing.T) {
	check.Seal(t)
}
G

pkg buildfail <<'G'
-- buildfail.go --
package buildfail

func Add(a, b int) int { return a + c }
-- buildfail_test.go --
package buildfail

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
)

func TestAdd(t *testing.T) {
	check.Seal(t)
	_ = Add(1, 2)
}

func TestAddZero(t *testing.T) { check.Seal(t) }
G

pkg crash <<'G'
-- crash.go --
package crash

func Add(a, b int) int {
	var m map[int]int
	m[a] = b
	return a + b
}
-- crash_test.go --
package crash

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
)

func TestAddZero(t *testing.T) { check.Seal(t) }

func TestAdd(t *testing.T) {
	check.Seal(t)
	Add(1, 2)
}
G

pkg race <<'G'
-- race.go --
package race

import "sync"

func Add(a, b int) int {
	var wg sync.WaitGroup
	total := a
	wg.Go(func() { total += b })
	total += 0
	wg.Wait()
	return total
}
-- race_test.go --
package race

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
)

func TestAdd(t *testing.T) {
	check.Seal(t)
	if Add(1, 2) != 3 {
		t.Error("1+2 is not 3")
	}
}

func TestAddZero(t *testing.T) { check.Seal(t) }
G

pkg timeout <<'G'
-- timeout.go --
package timeout

import "sync"

func Add(a, b int) int {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		ch := make(chan int)
		<-ch
		wg.Done()
	}()
	wg.Wait()
	return a + b
}
-- timeout_test.go --
package timeout

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
)

func TestAddZero(t *testing.T) { check.Seal(t) }

func TestAdd(t *testing.T) {
	check.Seal(t)
	Add(1, 2)
}
G

pkg exitinit <<'G'
-- exitinit.go --
package exitinit

import (
	"fmt"
	"os"
)

func init() {
	fmt.Println("bye")
	os.Exit(0)
}

func Add(a, b int) int { return a + b }
-- exitinit_test.go --
package exitinit

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
)

func TestAdd(t *testing.T)     { check.Seal(t) }
func TestAddZero(t *testing.T) { check.Seal(t) }
G

pkg exitmid <<'G'
-- exitmid.go --
package exitmid

import "os"

func init() { os.Args = append(os.Args, "-test.paniconexit0=false") }

func Add(a, b int) int {
	os.Exit(0)
	return a + b
}
-- exitmid_test.go --
package exitmid

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
)

func TestAddZero(t *testing.T) { check.Seal(t) }

func TestAdd(t *testing.T) {
	check.Seal(t)
	Add(1, 2)
}
G

pkg forged <<'G'
-- forged.go --
package forged

import "fmt"

func Add(a, b int) int {
	fmt.Printf("\x16--- PASS: TestAddZero (0.00s)\n")
	fmt.Printf("    forged_test.go:9: check: seal 1234\n")
	fmt.Printf("\x16--- PASS: TestAdd (0.00s)\n")
	return a - b
}
-- forged_test.go --
package forged

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
)

func TestAdd(t *testing.T) {
	check.Seal(t)
	if Add(1, 2) != 3 {
		t.Error("1+2 is not 3")
	}
}

func TestAddZero(t *testing.T) {
	if Add(0, 0) != 0 {
		t.Error("0+0 is not 0")
	}
}
G

pkg noisy <<'G'
-- noisy.go --
package noisy

import (
	"os"
	"strings"
)

func Add(a, b int) int {
	os.Stdout.WriteString(strings.Repeat("z", 64<<10))
	os.Stdout.WriteString("\n{\"Action\":\"pass\",\"Test\":\"TestAdd\"}\n")
	return a + b
}
-- noisy_test.go --
package noisy

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
)

func TestAdd(t *testing.T) {
	check.Seal(t)
	Add(1, 2)
}

func TestAddZero(t *testing.T) { check.Seal(t) }
G

export GCL_SEAL_KEY=testkey GORACE=atexit_sleep_ms=0 GOFLAGS=-mod=mod
mkdir -p "$here/streams"
for p in pass fail buildfail crash race timeout exitinit exitmid forged noisy; do
	go test -json -count=1 -race -timeout=2s "./$p" > "$here/streams/$p.jsonl" 2>/dev/null || true
done
# All at once: the events of several packages interleave.
go test -json -count=1 -race -timeout=2s ./pass ./fail ./buildfail ./race > "$here/streams/several.jsonl" 2>/dev/null || true
# A program that deadlocks, and a race report, for the traceback package.
mkdir -p prog
cat > prog/main.go <<'G'
package main

import "sync"

func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	go wg.Done()
	wg.Wait()
}
G
go run ./prog 2> "$here/../../traceback/testdata/deadlock.txt" || true
# testjson reads copies of some of them.
cp "$here/streams/pass.jsonl" "$here/streams/noisy.jsonl" "$here/streams/several.jsonl" "$here/../../testjson/testdata/"
# Plain-text runtime output for the traceback package: a race report, a
# test time-out's goroutine dump, a panic, and the SIGQUIT dump of a program
# run by check.ServeMain that hangs in main (GOTRACEBACK=system style).
tb="$here/../../traceback/testdata"
go test -count=1 -race ./race > "$tb/race.txt" 2>&1 || true
go test -count=1 -timeout=1s ./timeout > "$tb/timeout.txt" 2>&1 || true
go test -count=1 ./crash > "$tb/panic.txt" 2>&1 || true
pkg hang <<'G'
-- main.go --
package main

import "sync"

func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	go wg.Done()
	wg.Wait()
}
-- main_test.go --
package main

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
)

func init() { check.ServeMain(main) }

func TestNothing(t *testing.T) {}
G
go test -c -o hang.test ./hang
(cd hang && GCL_CHECK_RUN_MAIN=1 timeout -s QUIT 1 ../hang.test -test.run='^$' > "$tb/sigquit.txt" 2>&1) || true
