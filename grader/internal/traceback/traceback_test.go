package traceback_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/go-concurrency-lab/course/grader/internal/traceback"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// The inputs are real runtime output, recorded by
// ../verdict/testdata/record.sh in a module at /tmp/gcl-rec.
const recRoot = "/tmp/gcl-rec"

func describeGoroutines(gs []traceback.Goroutine) string {
	var b strings.Builder
	for _, g := range gs {
		fmt.Fprintf(&b, "goroutine %d [%s]\n", g.ID, g.State)
		for _, f := range g.Frames {
			fmt.Fprintf(&b, "  %s %s:%d (%s)\n", f.Func, f.File, f.Line, f.Short())
		}
		if g.Created != nil {
			fmt.Fprintf(&b, "  created by %s %s:%d\n", g.Created.Func, g.Created.File, g.Created.Line)
		}
	}
	return b.String()
}

func describeRaces(rs []traceback.Race) string {
	var b strings.Builder
	for i, r := range rs {
		fmt.Fprintf(&b, "race %d\n", i+1)
		for _, a := range r.Accesses {
			fmt.Fprintf(&b, "  %s by goroutine %d\n", a.Kind, a.Goroutine)
			for _, f := range a.Frames {
				fmt.Fprintf(&b, "    %s %s:%d\n", f.Func, f.File, f.Line)
			}
		}
		var ids []int
		for id := range r.Created {
			ids = append(ids, id)
		}
		sort.Ints(ids)
		for _, id := range ids {
			fmt.Fprintf(&b, "  goroutine %d created at\n", id)
			for _, f := range r.Created[id] {
				fmt.Fprintf(&b, "    %s %s:%d\n", f.Func, f.File, f.Line)
			}
		}
	}
	return b.String()
}

func TestRecorded(t *testing.T) {
	type testCase struct {
		name string
		pkg  string   // the student's folder under recRoot
		want []string // lines the student-facing description must hold
	}
	run := func(t *testing.T, tc testCase) {
		data, err := os.ReadFile(filepath.Join("testdata", tc.name+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		// Windows line endings must not change a thing.
		for _, in := range []string{text, strings.ReplaceAll(text, "\n", "\r\n")} {
			mine := traceback.Filter{Dir: filepath.Join(recRoot, tc.pkg), Root: recRoot}
			gs := traceback.Goroutines(in)
			races := traceback.Races(in)
			var desc strings.Builder
			desc.WriteString(traceback.DescribeBlocked(gs, mine))
			for _, r := range races {
				desc.WriteString(traceback.DescribeRace(r, mine))
			}
			for _, w := range tc.want {
				if !strings.Contains(desc.String(), w) {
					t.Errorf("the description lacks %q:\n%s", w, desc.String())
				}
			}
			if in != text {
				continue
			}
			got := "# Goroutines\n" + describeGoroutines(gs) + "# Races\n" + describeRaces(races) + "# For the student\n" + desc.String()
			file := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("differs from %s (go test -update rewrites it):\n%s", file, got)
			}
		}
	}
	for _, tc := range []testCase{
		{"deadlock", "prog", []string{"1 goroutine waits in WaitGroup.Wait at prog/main.go:9 (in main)"}},
		{"sigquit", "hang", []string{"1 goroutine waits in WaitGroup.Wait at hang/main.go:9 (in main)"}},
		{"timeout", "timeout", []string{
			"1 goroutine waits in WaitGroup.Wait at timeout/timeout.go:13 (in Add)",
			"1 goroutine waits to receive from a channel at timeout/timeout.go:10 (in Add), started at timeout/timeout.go:8",
		}},
		{"panic", "crash", []string{"1 goroutine is still running at crash/crash.go:5 (in Add)"}},
		{"race", "race", []string{
			// (Add is inlined into the test, so no goroutine of the
			// report was started in the student's file.)
			"read at race/race.go:8 (in Add)\n",
			"previous write at race/race.go:9 (in Add)\n",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestFrameShort(t *testing.T) {
	for in, want := range map[string]string{
		"main.main":                                         "main",
		"example.com/rec/race.Add.func1":                    "Add",
		"example.com/x/y.(*Cache).Get":                      "(*Cache).Get",
		"sync.(*WaitGroup).Wait":                            "(*WaitGroup).Wait",
		"example.com/rec/timeout.Add.gowrap1":               "Add",
		"example.com/x/pc.Run.func2.1":                      "Run",
		"example.com/x/o.Map[go.shape.int,go.shape.string]": "Map",
		"example.com/x/b.(*Broker[...]).Close":              "(*Broker).Close",
	} {
		if got := (traceback.Frame{Func: in}).Short(); got != want {
			t.Errorf("Short(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFilter(t *testing.T) {
	f := traceback.Filter{Dir: "/w/exercises/07-cache", Root: "/w"}
	for file, mine := range map[string]bool{
		"/w/exercises/07-cache/cache.go":       true,
		"/w/exercises/07-cache/cache_test.go":  false,
		"/w/exercises/07-cache-other/cache.go": false,
		"/w/grader/check/check.go":             false,
		"/usr/local/go/src/sync/waitgroup.go":  false,
	} {
		if f.Mine(file) != mine {
			t.Errorf("Mine(%s) = %v, want %v", file, !mine, mine)
		}
	}
	if got := f.Rel("/w/exercises/07-cache/cache.go"); got != "exercises/07-cache/cache.go" {
		t.Errorf("Rel = %q", got)
	}
	if got := f.Rel("/elsewhere/x.go"); got != "/elsewhere/x.go" {
		t.Errorf("Rel outside the root = %q", got)
	}
}
