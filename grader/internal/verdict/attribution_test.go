package verdict_test

import (
	"strings"
	"testing"

	"github.com/go-concurrency-lab/course/grader/check"
	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/testjson"
	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

// events builds a package's stream: each test is its name, its output
// lines, and its result ("" for one the binary died in).
type run struct {
	name   string
	out    []string
	result testjson.Action
}

func stream(pkg string, runs ...run) []testjson.Event {
	evs := []testjson.Event{{Action: testjson.Start, Package: pkg}}
	for _, r := range runs {
		evs = append(evs, testjson.Event{Action: testjson.Run, Package: pkg, Test: r.name},
			testjson.Event{Action: testjson.Output, Package: pkg, Test: r.name, Output: "=== RUN   " + r.name + "\n"})
		for _, l := range r.out {
			evs = append(evs, testjson.Event{Action: testjson.Output, Package: pkg, Test: r.name, Output: l + "\n"})
		}
		if r.result == testjson.Pass {
			evs = append(evs, testjson.Event{Action: testjson.Output, Package: pkg, Test: r.name,
				Output: "    check.go:65: " + check.SealPrefix + check.SealOf([]byte(sealKey), "attr/"+r.name) + "\n"})
		}
		if r.result != "" {
			evs = append(evs, testjson.Event{Action: r.result, Package: pkg, Test: r.name})
		}
	}
	return append(evs, testjson.Event{Action: testjson.Fail, Package: pkg})
}

// TestAttribution: each check fails for its own kind of trouble only,
// whichever check lists the test that showed it.
func TestAttribution(t *testing.T) {
	ex := &catalog.Exercise{
		Name: "attr", Title: "Attribution", File: "attr.go", Timeout: 2e9,
		Points: map[catalog.Check]int{"behaviour": 4, "race": 2, "leaks": 1, "time": 1},
		Tests: map[catalog.Check][]string{
			"behaviour": {"TestA", "TestB"},
			"race":      {"TestB"},
			"leaks":     {"TestC"},
		},
	}
	type want struct{ check, status, message string }
	type testCase struct {
		name  string
		runs  []run
		wants []want
	}
	grade := func(t *testing.T, tc testCase) verdict.Result {
		in := input("attr")
		in.Exercise = ex
		f := verdict.NewFolder([]byte(sealKey), []verdict.Input{in})
		for _, ev := range stream(recPath+"/attr", tc.runs...) {
			f.Event(ev)
		}
		return f.Results("")[0]
	}
	for _, tc := range []testCase{
		{"leak in a behaviour test is the leaks check's", []run{
			{"TestA", nil, testjson.Pass},
			{"TestB", []string{"    attr_test.go:9: goroutines were still running after the work was done:", "          1 goroutine waits to send on a channel at attr/attr.go:5 (in A)"}, testjson.Fail},
			{"TestC", nil, testjson.Pass},
		}, []want{
			{"leaks", "fail", "1 goroutine waits to send on a channel at attr/attr.go:5"},
			{"behaviour", "skip", "TestB failed only through the goroutines it found left behind (see leaks)"},
			{"race", "skip", "see leaks"},
		}},
		{"a failure in a race test is behaviour's, not race's", []run{
			{"TestA", nil, testjson.Pass},
			{"TestB", []string{"    attr_test.go:9: B(2) should be 4"}, testjson.Fail},
			{"TestC", nil, testjson.Pass},
		}, []want{
			{"behaviour", "fail", "B(2) should be 4"},
			{"race", "skip", "TestB did not pass (see behaviour)"},
		}},
		{"tests after a crash did not run, and say which test crashed", []run{
			{"TestA", []string{"panic: boom [recovered, repanicked]", "", "goroutine 7 [running]:", "attr.A()", "\t/tmp/gcl-rec/attr/attr.go:3 +0x1"}, testjson.Fail},
		}, []want{
			{"behaviour", "fail", "TestA crashed: panic: boom\n  at attr/attr.go:3 (in A)"},
			{"behaviour", "fail", "TestB and TestC did not run"},
			{"race", "skip", "TestB did not run, because TestA crashed and the tests stopped there (see behaviour)"},
			{"leaks", "skip", "TestC did not run, because TestA crashed"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := grade(t, tc)
			for _, w := range tc.wants {
				c := r.Check(catalog.Check(w.check))
				if c == nil || string(c.Status) != w.status || !strings.Contains(c.Message, w.message) {
					t.Errorf("%s: %+v, want %s with %q", w.check, c, w.status, w.message)
				}
			}
			if r.Status == verdict.Pass {
				t.Error("a result with a failing test passes")
			}
		})
	}
}
