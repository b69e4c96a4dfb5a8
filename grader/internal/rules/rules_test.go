package rules_test

import (
	"flag"
	"reflect"
	"strings"
	"testing"

	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/rules"
)

// update is accepted so that `go test ./grader/... -update` runs here too;
// this package has no golden files.
var _ = flag.Bool("update", false, "rewrite golden files (none here)")

var (
	noSleep  = catalog.Rule{Forbid: "time.Sleep", Why: "sleeping is not synchronisation."}
	noAtomic = catalog.Rule{Forbid: "sync/atomic.*", Why: "use a mutex here."}
	useWG    = catalog.Rule{Require: "sync.WaitGroup", Why: "wait with a WaitGroup."}
	inGo     = catalog.Rule{InGoroutine: "hello", Why: "hello must run in a goroutine of its own."}
)

func TestCheck(t *testing.T) {
	type testCase struct {
		name  string
		rules []catalog.Rule
		files []string // sources of main.go, other.go, ...
		want  []string // Violation.String()
	}
	run := func(t *testing.T, tc testCase) {
		var files []rules.Source
		for i, src := range tc.files {
			name := []string{"ex/main.go", "ex/other.go"}[i]
			files = append(files, rules.Source{Name: name, Data: []byte(src)})
		}
		var got []string
		for _, v := range rules.Check(tc.rules, files) {
			got = append(got, v.String())
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("violations:\n got %q\nwant %q", got, tc.want)
		}
	}
	for _, tc := range []testCase{
		{"forbid: plain use", []catalog.Rule{noSleep}, []string{`package p
import "time"
func f() { time.Sleep(time.Second) }
`}, []string{"ex/main.go:3: time.Sleep is not allowed here: sleeping is not synchronisation."}},
		{"forbid: other names of the package are fine", []catalog.Rule{noSleep}, []string{`package p
import "time"
func f() time.Duration { return time.Second }
`}, nil},
		{"forbid: an alias", []catalog.Rule{noSleep}, []string{`package p
import zzz "time"
func f() {
	zzz.Sleep(1)
}
`}, []string{"ex/main.go:4: time.Sleep is not allowed here: sleeping is not synchronisation."}},
		{"forbid: a dot import", []catalog.Rule{noSleep}, []string{`package p
import . "time"
func f() { Sleep(Second) }
`}, []string{"ex/main.go:3: time.Sleep is not allowed here: sleeping is not synchronisation."}},
		{"forbid: a func value counts as a use", []catalog.Rule{noSleep}, []string{`package p
import "time"
var nap = time.Sleep
`}, []string{"ex/main.go:3: time.Sleep is not allowed here: sleeping is not synchronisation."}},
		{"forbid: a name of the student's own is not the package's", []catalog.Rule{noSleep}, []string{`package p
type clock struct{}
func (clock) Sleep(int) {}
var time clock
func f() { time.Sleep(1) }
`}, nil},
		{"forbid: another package named time", []catalog.Rule{noSleep}, []string{`package p
import time "example.com/faketime"
func f() { time.Sleep(1) }
`}, nil},
		{"forbid: a blank import uses nothing", []catalog.Rule{noSleep}, []string{`package p
import _ "time"
`}, nil},
		{"forbid: every name of a package", []catalog.Rule{noAtomic}, []string{`package p
import "sync/atomic"
var n atomic.Int64
func f() { atomic.AddInt32(nil, 1) }
`}, []string{
			"ex/main.go:3: atomic.* is not allowed here: use a mutex here.",
			"ex/main.go:4: atomic.* is not allowed here: use a mutex here.",
		}},
		{"forbid: in every file", []catalog.Rule{noSleep}, []string{
			"package p\nimport \"time\"\nfunc f() { time.Sleep(1) }\n",
			"package p\nimport t \"time\"\n\nfunc g() { t.Sleep(1) }\n",
		}, []string{
			"ex/main.go:3: time.Sleep is not allowed here: sleeping is not synchronisation.",
			"ex/other.go:4: time.Sleep is not allowed here: sleeping is not synchronisation.",
		}},
		{"require: missing", []catalog.Rule{useWG}, []string{`package p
import "sync"
var mu sync.Mutex
`}, []string{"ex/main.go: use sync.WaitGroup: wait with a WaitGroup."}},
		{"require: in another file", []catalog.Rule{useWG}, []string{
			"package p\n",
			"package p\nimport s \"sync\"\nvar wg s.WaitGroup\n",
		}, nil},
		{"in_goroutine: go statement and wg.Go are fine", []catalog.Rule{inGo}, []string{`package p
import "sync"
func hello() {}
func main() {
	go hello()
	go func() { hello() }()
	var wg sync.WaitGroup
	wg.Go(hello)
	wg.Go(func() { hello() })
	wg.Wait()
}
`}, nil},
		{"in_goroutine: a plain call, a defer, a func value", []catalog.Rule{inGo}, []string{`package p
func hello() {}
func main() {
	hello()
	defer hello()
	f := hello
	go f()
}
`}, []string{
			"ex/main.go:4: hello runs here without a goroutine of its own: hello must run in a goroutine of its own.",
			"ex/main.go:5: hello runs here without a goroutine of its own: hello must run in a goroutine of its own.",
			"ex/main.go:6: hello runs here without a goroutine of its own: hello must run in a goroutine of its own.",
		}},
		{"in_goroutine: the Go method of any group", []catalog.Rule{inGo}, []string{`package p
type group struct{}
func (group) Go(f func() error) {}
func hello() {}
func main() {
	var g group
	g.Go(func() error { hello(); return nil })
}
`}, nil},
		{"in_goroutine: a method or field named hello is another thing", []catalog.Rule{inGo}, []string{`package p
type greeter struct{ hello func() }
func (greeter) hello2() {}
type t struct{}
func (t) hello() {}
func hello() {}
func main() {
	var x t
	x.hello()
	go hello()
}
`}, nil},
		{"a file that does not parse is left to the build check", []catalog.Rule{noSleep, useWG, inGo}, []string{`package p
func main() {{
`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestViolationString(t *testing.T) {
	v := rules.Violation{File: "ex/main.go", Line: 0, Message: "m"}
	if got := v.String(); got != "ex/main.go: m" {
		t.Errorf("%q", got)
	}
	v.Line = 7
	if got := v.String(); !strings.HasPrefix(got, "ex/main.go:7: ") {
		t.Errorf("%q", got)
	}
}

func TestTampering(t *testing.T) {
	type testCase struct {
		name string
		src  string
		want []string // substrings, one per violation, in order
	}
	run := func(t *testing.T, tc testCase) {
		got := rules.Tampering([]rules.Source{{Name: "ex/main.go", Data: []byte(tc.src)}})
		if len(got) != len(tc.want) {
			t.Fatalf("violations %q, want %d", got, len(tc.want))
		}
		for i, w := range tc.want {
			if !strings.Contains(got[i].String(), w) {
				t.Errorf("violation %d: %q, want %q in it", i, got[i], w)
			}
		}
	}
	for _, tc := range []testCase{
		{"ordinary concurrent code", `package p
import (
	"fmt"
	"os"
	"sync"
)
func main() {
	var wg sync.WaitGroup
	wg.Go(func() { fmt.Fprintln(os.Stderr, "test passed, tests: 3") })
	wg.Wait()
	args := os.Args[1:]
	_ = args
	os.ReadFile("test.txt")
	fmt.Println("-test.", "test.run is a flag")
}
`, nil},
		{"the seal key", `package p
import "os"
var k = os.Getenv("GCL_SEAL_KEY")
`, []string{`ex/main.go:3: "GCL_SEAL_KEY" names the grader's own environment variables`}},
		{"proc", `package p
import "os"
func f() { os.ReadFile("/proc/self/environ") }
`, []string{`ex/main.go:3: "/proc/self/environ" reads /proc`}},
		{"framing byte", "package p\nimport \"fmt\"\nfunc f() { fmt.Print(\"\\x16--- PASS: TestX\"); _ = '\\x16' }\n",
			[]string{"ex/main.go:3: the byte \\x16", "ex/main.go:3: the byte \\x16"}},
		{"seal words", `package p
import "fmt"
func f() { fmt.Println("check: seal 00") }
`, []string{"imitates the grader's seal"}},
		{"test flags", `package p
import (
	"flag"
	o "os"
)
func init() {
	flag.Set("test.run", "x")
	o.Args = append(o.Args, "-test.timeout=0")
	o.Args[1] = "x"
}
`, []string{`:7: "test.run" names a test flag`, ":8: assigning to os.Args", `:8: "-test.timeout=0" names a test flag`, ":9: assigning to os.Args"}},
		{"dot import of os", `package p
import . "os"
func init() { Args = nil }
`, []string{":3: assigning to os.Args"}},
		{"linkname", `package p
import _ "unsafe"
//go:linkname key github.com/go-concurrency-lab/course/grader/check.sealKey
var key []byte
`, []string{":3: //go:linkname"}},
		{"not parsed, not judged", "package p\nfunc {\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}
