package verdict_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/rules"
	"github.com/go-concurrency-lab/course/grader/internal/testjson"
	"github.com/go-concurrency-lab/course/grader/internal/traceback"
	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// The streams in testdata/streams are real `go test -json -race` runs of
// small packages (see testdata/record.sh), sealed with this key.
const (
	sealKey = "testkey"
	recRoot = "/tmp/gcl-rec"
	recPath = "example.com/rec"
)

// exercise is what every recorded package is graded as: TestAdd proves
// behaviour and race, TestAddZero leaks.
func exercise(name string) *catalog.Exercise {
	return &catalog.Exercise{
		Name:    name,
		Title:   "Add",
		File:    name + ".go",
		Timeout: 2 * time.Second,
		Points:  map[catalog.Check]int{"behaviour": 4, "race": 2, "leaks": 1, "rules": 1, "time": 1},
		Tests: map[catalog.Check][]string{
			"behaviour": {"TestAdd"},
			"race":      {"TestAdd"},
			"leaks":     {"TestAddZero"},
		},
		Hidden: []catalog.File{{Name: name + "_test.go"}},
	}
}

func input(name string) verdict.Input {
	return verdict.Input{
		Exercise:   exercise(name),
		ImportPath: recPath + "/" + name,
		Label:      name,
		Files:      traceback.Filter{Dir: recRoot + "/" + name, Root: recRoot},
		Race:       true,
	}
}

// chunks hands out a reader's bytes in odd-sized pieces, so that events
// arrive split wherever a pipe might split them.
type chunks struct {
	r     io.Reader
	sizes []int
	i     int
}

func (c *chunks) Read(p []byte) (int, error) {
	n := c.sizes[c.i%len(c.sizes)]
	c.i++
	return c.r.Read(p[:min(n, len(p))])
}

// fold grades one recorded stream, read in odd-sized chunks.
func fold(t *testing.T, stream string, inputs []verdict.Input, during func(*verdict.Folder, testjson.Event)) []verdict.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "streams", stream+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	f := verdict.NewFolder([]byte(sealKey), inputs)
	err = testjson.Decode(&chunks{r: bytes.NewReader(data), sizes: []int{7, 4093, 1, 333}}, func(ev testjson.Event) {
		if during != nil {
			during(f, ev)
		}
		f.Event(ev)
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f.Results("")
}

func golden(t *testing.T, name string, results []verdict.Result) {
	t.Helper()
	got, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	file := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("results differ from %s (go test -update rewrites it):\n%s", file, got)
	}
}

type checkWant struct {
	check, status, message string // message: a substring the check's message must hold
}

func TestRecordedStreams(t *testing.T) {
	type testCase struct {
		stream string
		status verdict.Status
		checks []checkWant
	}
	run := func(t *testing.T, tc testCase) {
		res := fold(t, tc.stream, []verdict.Input{input(tc.stream)}, nil)
		if len(res) != 1 {
			t.Fatalf("got %d results, want 1", len(res))
		}
		r := res[0]
		if r.Status != tc.status {
			t.Errorf("status %s, want %s", r.Status, tc.status)
		}
		for _, w := range tc.checks {
			c := r.Check(catalog.Check(w.check))
			if c == nil {
				t.Errorf("no %s check", w.check)
				continue
			}
			if string(c.Status) != w.status || !strings.Contains(c.Message, w.message) {
				t.Errorf("%s: %s %q, want %s with %q", w.check, c.Status, c.Message, w.status, w.message)
			}
		}
		if r.Check("behaviour").Status != verdict.Pass && r.Score != 0 {
			t.Errorf("score %d: a result that does not pass behaviour scores 0", r.Score)
		}
		golden(t, tc.stream, res)
	}
	for _, tc := range []testCase{
		{"pass", verdict.Pass, []checkWant{{"behaviour", "pass", ""}, {"race", "pass", ""}, {"time", "pass", ""}}},
		{"fail", verdict.Fail, []checkWant{{"behaviour", "fail", "Add(1, 2) should be 3: check the operator."}, {"leaks", "skip", ""}}},
		{"buildfail", verdict.Error, []checkWant{{"build", "error", "buildfail/buildfail.go:3:37: undefined: c"}, {"behaviour", "skip", "does not build"}}},
		{"crash", verdict.Fail, []checkWant{{"behaviour", "fail", "TestAdd crashed: panic: assignment to entry in nil map\n  at crash/crash.go:5 (in Add)"}, {"behaviour", "fail", "make(map[K]V)"}}},
		// A test that failed only through the race it ran into is the race
		// check's to report: behaviour is not charged, nor scored.
		{"race", verdict.Fail, []checkWant{{"behaviour", "skip", "TestAdd failed only through the data race it ran into (see race)"}, {"race", "fail", "The race detector found a data race in TestAdd"}, {"race", "fail", "race/race.go:"}}},
		{"timeout", verdict.Fail, []checkWant{{"time", "fail", "did not finish within 2s"}, {"time", "fail", "1 goroutine waits in WaitGroup.Wait at timeout/timeout.go:13 (in Add)"}, {"behaviour", "skip", "TestAdd did not finish (see time)"}}},
		{"exitinit", verdict.Fail, []checkWant{{"behaviour", "fail", "The hidden test TestAdd never ran"}, {"behaviour", "fail", "os.Exit"}, {"behaviour", "fail", "bye"}, {"leaks", "skip", "TestAddZero never ran (see behaviour)"}}},
		{"exitmid", verdict.Fail, []checkWant{{"behaviour", "fail", "TestAdd reported a pass that the grader cannot confirm"}, {"leaks", "skip", "not scored"}}},
		// TestAddZero is listed under leaks only; its forged pass is still
		// behaviour's to report.
		{"forged", verdict.Fail, []checkWant{{"behaviour", "fail", "TestAdd failed, and something printed test results"}, {"behaviour", "fail", "TestAddZero failed too"}, {"leaks", "skip", "TestAddZero did not pass (see behaviour)"}}},
		{"noisy", verdict.Pass, nil},
	} {
		t.Run(tc.stream, func(t *testing.T) { run(t, tc) })
	}
}

// TestSeveralPackages folds one stream in which four packages interleave.
func TestSeveralPackages(t *testing.T) {
	names := []string{"pass", "fail", "buildfail", "race", "missing"}
	var inputs []verdict.Input
	for _, n := range names {
		inputs = append(inputs, input(n))
	}
	inputs[4].Missing = "The folder missing is missing."
	res := fold(t, "several", inputs, nil)
	want := []verdict.Status{verdict.Pass, verdict.Fail, verdict.Error, verdict.Fail, verdict.Error}
	for i, r := range res {
		if r.Exercise != names[i] || r.Status != want[i] {
			t.Errorf("result %d: %s %s, want %s %s", i, r.Exercise, r.Status, names[i], want[i])
		}
	}
	golden(t, "several", res)
}

// TestKeyMatters: with another key, no seal is valid and nothing passes.
func TestKeyMatters(t *testing.T) {
	data, err := os.ReadFile("testdata/streams/pass.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"otherkey", ""} {
		f := verdict.NewFolder([]byte(key), []verdict.Input{input("pass")})
		testjson.Decode(bytes.NewReader(data), f.Event, nil)
		r := f.Results("")[0]
		if r.Status == verdict.Pass || !strings.Contains(r.Check("behaviour").Message, "seal is missing") {
			t.Errorf("key %q: %s, behaviour %q; want a fail for the missing seal", key, r.Status, r.Check("behaviour").Message)
		}
	}
}

// TestRulesAndMissing: a broken rule fails the rules check and keeps the
// points of the other checks (behaviour's aside); without the race
// detector the race check is an error.
func TestRulesAndNoRace(t *testing.T) {
	in := input("pass")
	in.Violations = []rules.Violation{{File: "pass/pass.go", Line: 3, Message: "time.Sleep is not allowed here: sleeping is not synchronisation."}}
	r := fold(t, "pass", []verdict.Input{in}, nil)[0]
	if r.Status != verdict.Fail || r.Score != 4 || r.Check("rules").Message != "pass/pass.go:3: time.Sleep is not allowed here: sleeping is not synchronisation." {
		t.Errorf("got %s %d/%d, rules %q", r.Status, r.Score, r.MaxScore, r.Check("rules").Message)
	}
	if c := r.Check("race"); c.Status != verdict.Skip {
		t.Errorf("race %s: a passing check is not scored while a rule is broken", c.Status)
	}

	in = input("pass")
	in.Race, in.RaceWhy = false, "the race detector needs cgo"
	r = fold(t, "pass", []verdict.Input{in}, nil)[0]
	if c := r.Check("race"); c.Status != verdict.Error || !strings.Contains(c.Message, "Not checked: the race detector needs cgo") || r.Status == verdict.Pass {
		t.Errorf("without the race detector: %s, race %s %q; want an error, never a pass", r.Status, c.Status, c.Message)
	}
}

// TestStopped: the grader's watchdog stops a test process; its reason
// becomes the message.
func TestStopped(t *testing.T) {
	type testCase struct {
		name  string
		stop  verdict.Stop
		check string
		want  string
	}
	run := func(t *testing.T, tc testCase) {
		stopped := false
		r := fold(t, "timeout", []verdict.Input{input("timeout")}, func(f *verdict.Folder, ev testjson.Event) {
			if !stopped && ev.Test == "TestAdd" && ev.Action == testjson.Run {
				stopped = true
				f.Stopped(recPath+"/timeout", tc.stop)
			}
		})[0]
		if r.Status == verdict.Pass {
			t.Fatal("a stopped test passed")
		}
		if c := r.Check(catalog.Check(tc.check)); c.Status != verdict.Fail || !strings.Contains(c.Message, tc.want) {
			t.Errorf("%s: %s %q, want fail with %q", tc.check, c.Status, c.Message, tc.want)
		}
	}
	for _, tc := range []testCase{
		{"memory", verdict.Stop{Memory: 3 << 30, MaxMemory: 1 << 30}, "behaviour", "the test process used 3072 MiB of memory, more than the 1024 MiB the grader allows"},
		{"output", verdict.Stop{Output: 40 << 20, MaxOutput: 32 << 20}, "behaviour", "printed more than the 32 MiB of output the grader allows"},
		{"time", verdict.Stop{Time: true}, "time", "did not finish within 2s"},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

// TestStreamCut: the stream ends in the middle of a test, as when the
// grader's own deadline stops go test.
func TestStreamCut(t *testing.T) {
	data, err := os.ReadFile("testdata/streams/pass.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	cut := data[:bytes.Index(data, []byte(`"Action":"run","Package":"example.com/rec/pass","Test":"TestAddZero"`))]
	cut = cut[:bytes.LastIndexByte(cut, '\n')+1]
	f := verdict.NewFolder([]byte(sealKey), []verdict.Input{input("pass")})
	testjson.Decode(bytes.NewReader(cut), f.Event, nil)
	r := f.Results("The grader stopped the tests after 3m0s.")[0]
	if r.Status == verdict.Pass || r.Check("time").Status != verdict.Fail || !strings.Contains(r.Check("time").Message, "The grader stopped the tests after 3m0s.") {
		t.Errorf("got %s, time %s %q", r.Status, r.Check("time").Status, r.Check("time").Message)
	}
	r = verdict.NewFolder([]byte(sealKey), []verdict.Input{input("pass")}).Results("")[0]
	if r.Status != verdict.Error {
		t.Errorf("no events at all: %s, want error", r.Status)
	}
}
