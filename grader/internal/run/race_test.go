package run

import (
	"strings"
	"testing"
)

func TestRaceDecision(t *testing.T) {
	type testCase struct {
		goos, goarch string
		cgo          bool
		ok           bool
		why          string // a part of the reason, when not ok
	}
	run := func(t *testing.T, tc testCase) {
		ok, why := raceDecision(tc.goos, tc.goarch, tc.cgo)
		if ok != tc.ok {
			t.Fatalf("raceDecision(%s, %s, cgo=%v) = %v (%q), want %v", tc.goos, tc.goarch, tc.cgo, ok, why, tc.ok)
		}
		if ok && why != "" {
			t.Errorf("a reason for a race detector that runs: %q", why)
		}
		if !strings.Contains(why, tc.why) {
			t.Errorf("reason %q does not say %q", why, tc.why)
		}
	}
	for _, tc := range []testCase{
		{goos: "linux", goarch: "amd64", cgo: true, ok: true},
		{goos: "linux", goarch: "amd64", cgo: false, why: "needs cgo"},
		{goos: "linux", goarch: "arm64", cgo: true, ok: true},
		{goos: "linux", goarch: "arm64", cgo: false, why: "no C compiler"},
		{goos: "linux", goarch: "riscv64", cgo: true, ok: true},
		{goos: "linux", goarch: "386", cgo: true, why: "does not support linux/386"},
		{goos: "linux", goarch: "386", cgo: false, why: "does not support linux/386"},
		// macOS: the race runtime needs no cgo.
		{goos: "darwin", goarch: "arm64", cgo: true, ok: true},
		{goos: "darwin", goarch: "arm64", cgo: false, ok: true},
		{goos: "darwin", goarch: "amd64", cgo: true, ok: true},
		{goos: "darwin", goarch: "amd64", cgo: false, ok: true},
		{goos: "windows", goarch: "amd64", cgo: true, ok: true},
		{goos: "windows", goarch: "amd64", cgo: false, why: "needs cgo"},
		{goos: "windows", goarch: "arm64", cgo: true, why: "does not support windows/arm64"},
		{goos: "windows", goarch: "arm64", cgo: false, why: "does not support windows/arm64"},
		{goos: "freebsd", goarch: "amd64", cgo: true, ok: true},
		{goos: "freebsd", goarch: "amd64", cgo: false, why: "needs cgo"},
		{goos: "openbsd", goarch: "amd64", cgo: true, why: "does not support openbsd/amd64"},
	} {
		name := tc.goos + "/" + tc.goarch + map[bool]string{true: "/cgo", false: "/nocgo"}[tc.cgo]
		t.Run(name, func(t *testing.T) { run(t, tc) })
	}
}
