package testjson_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/go-concurrency-lab/course/grader/internal/testjson"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// chunks hands out a reader's bytes in pieces of the given sizes, in turn.
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

type decoded struct {
	events []testjson.Event
	noise  []string
}

func decode(t *testing.T, r io.Reader) decoded {
	t.Helper()
	var d decoded
	err := testjson.Decode(r, func(ev testjson.Event) { d.events = append(d.events, ev) },
		func(line string) { d.noise = append(d.noise, line) })
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// summary is the golden form of a decoded stream: one line per event.
func (d decoded) summary() string {
	var b strings.Builder
	for _, ev := range d.events {
		fmt.Fprintf(&b, "%-12s %-30s %-12s %6d %q\n", ev.Action, ev.Package, ev.Test, len(ev.Output), head(ev.Output))
	}
	for _, n := range d.noise {
		fmt.Fprintf(&b, "noise %d %q\n", len(n), head(n))
	}
	return b.String()
}

func head(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// TestRecorded decodes real streams (recorded by
// ../verdict/testdata/record.sh), whole and in odd-sized chunks.
func TestRecorded(t *testing.T) {
	run := func(t *testing.T, name string) {
		data, err := os.ReadFile(filepath.Join("testdata", name+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		whole := decode(t, bytes.NewReader(data))
		if len(whole.noise) != 0 {
			t.Errorf("a recorded stream has no noise, got %q", whole.noise)
		}
		for _, sizes := range [][]int{{1}, {7, 4093, 3}, {65537}} {
			got := decode(t, &chunks{r: bytes.NewReader(data), sizes: sizes})
			if !reflect.DeepEqual(got, whole) {
				t.Errorf("read in chunks of %v, the events differ", sizes)
			}
		}
		got := whole.summary()
		file := filepath.Join("testdata", name+".golden")
		if *update {
			if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("decoded events differ from %s (go test -update rewrites it):\n%s", file, got)
		}
	}
	for _, name := range []string{"pass", "noisy", "several"} {
		t.Run(name, func(t *testing.T) { run(t, name) })
	}
}

// TestNoise: lines that are not events go to noise, in order, and never
// stop the events around them.
func TestNoise(t *testing.T) {
	long := `{"Action":"output","Output":"` + strings.Repeat("x", testjson.MaxLine+10) + `"}`
	input := strings.Join([]string{
		`go: downloading example.com/x v1.0.0`,
		`{"Action":"start","Package":"p"}`,
		`# p`,
		``,
		`{not json`,
		`{"Package":"p"}`,
		long,
		`{"Action":"run","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"--- PASS: TestA (0.00s)\n"}`,
		`{"Action":"pass","Package":"p","Test":"TestA"}`,
		`{"Action":"pass","Package":"p"}`, // the last line has no newline
	}, "\n")
	type testCase struct {
		name string
		r    func() io.Reader
	}
	run := func(t *testing.T, tc testCase) {
		d := decode(t, tc.r())
		var actions []string
		for _, ev := range d.events {
			actions = append(actions, string(ev.Action)+":"+ev.Test)
		}
		if want := []string{"start:", "run:TestA", "output:TestA", "pass:TestA", "pass:"}; !reflect.DeepEqual(actions, want) {
			t.Errorf("events %q, want %q", actions, want)
		}
		if len(d.noise) != 6 {
			t.Fatalf("%d noise lines, want 6", len(d.noise))
		}
		want := []string{"go: downloading example.com/x v1.0.0\n", "# p\n", "\n", "{not json\n", "{\"Package\":\"p\"}\n"}
		if !reflect.DeepEqual(d.noise[:5], want) {
			t.Errorf("noise %q, want %q", d.noise[:5], want)
		}
		if n := len(d.noise[5]); n > testjson.MaxLine || n < 1000 {
			t.Errorf("the cut line is %d bytes, want its first MaxLine bytes at most", n)
		}
	}
	for _, tc := range []testCase{
		{"whole", func() io.Reader { return strings.NewReader(input) }},
		{"bytes", func() io.Reader { return iotest.OneByteReader(strings.NewReader(input)) }},
		{"chunks", func() io.Reader { return &chunks{r: strings.NewReader(input), sizes: []int{3, 65536, 17}} }},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

// TestReadError: Decode returns the reader's error after the events before it.
func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader(`{"Action":"start","Package":"p"}`+"\n"), iotest.ErrReader(boom))
	n := 0
	err := testjson.Decode(r, func(testjson.Event) { n++ }, nil)
	if !errors.Is(err, boom) || n != 1 {
		t.Errorf("got %d events and %v, want 1 and boom", n, err)
	}
}
