// Command bench measures the grader against its floor: what the go command
// needs to build and run the same hidden tests once, with nothing around it
// (`go test -race -count=1` over the same packages with the hidden tests
// laid into them). Run it with `make bench` from the course's root.
//
// It prints, side by side and as medians over alternating runs: a warm full
// grade of the solved tree, a re-grade of one exercise after its file
// changed, the first grade on a cold build cache, and the grader's own peak
// memory, on the solved tree and on a test that prints hundreds of MB.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-concurrency-lab/course"
	"github.com/go-concurrency-lab/course/grader/hidden"
	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/grade"
)

func main() {
	warmRuns := flag.Int("runs", 5, "alternating `n` runs of each warm measurement")
	coldRuns := flag.Int("cold", 2, "alternating `n` runs of the cold measurement (0 skips it)")
	one := flag.String("one", "", "the exercise to re-grade (default: the slowest of the warm grade)")
	flag.Parse()
	if err := run(*warmRuns, *coldRuns, *one); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type row struct {
	name          string
	grader, floor time.Duration
	goal          float64
}

func run(warmRuns, coldRuns int, one string) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	cat, err := catalog.Load(hidden.FS)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "grader-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// The grader, built once: we time grading, not compiling the grader.
	grader := filepath.Join(tmp, "grader-bin")
	if out, err := exec.Command("go", "build", "-o", grader, "./grader").CombinedOutput(); err != nil {
		return fmt.Errorf("building the grader: %v\n%s", err, out)
	}
	// The floor's tree: a copy of the course whose solutions hold the
	// hidden tests as ordinary files, their import of the exercise pointed
	// at the solution as the grader's overlay does (left alone, the floor
	// would test the stubs under exercises/).
	floorRoot := filepath.Join(tmp, "floor")
	if err := copyTree(root, floorRoot); err != nil {
		return err
	}
	module := grade.ModulePath(course.ModFile)
	var pkgs []string
	for _, e := range cat.Exercises {
		dir := filepath.Join(floorRoot, "solutions", e.Name)
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		for name, data := range grade.HiddenTests(e, module+"/solutions/"+e.Name) {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				return err
			}
		}
		pkgs = append(pkgs, "./solutions/"+e.Name)
	}
	fmt.Printf("bench: %d exercises with solutions, %d warm runs, %d cold runs\n", len(pkgs), warmRuns, coldRuns)

	env := append(os.Environ(), "GORACE=atexit_sleep_ms=0")
	graderCmd := func(dir string, extraEnv []string, args ...string) *exec.Cmd {
		c := exec.Command(grader, append([]string{"test", "-format", "json", "-dir", "solutions"}, args...)...)
		c.Dir = dir
		c.Env = append(append([]string{}, env...), extraEnv...)
		return c
	}
	floorCmd := func(extraEnv []string, pkgs ...string) *exec.Cmd {
		c := exec.Command("go", append([]string{"test", "-race", "-count=1"}, pkgs...)...)
		c.Dir = floorRoot
		c.Env = append(append([]string{}, env...), extraEnv...)
		return c
	}

	// Warm everything once.
	var seconds map[string]float64
	if _, err := timed(floorCmd(nil, pkgs...)); err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	out, err := graderOutput(graderCmd(root, nil))
	if err != nil {
		return err
	}
	seconds = out

	var rows []row
	full, err := alternate(warmRuns, func() (time.Duration, error) {
		return timed(graderCmd(root, nil))
	}, func() (time.Duration, error) {
		return timed(floorCmd(nil, pkgs...))
	})
	if err != nil {
		return err
	}
	rows = append(rows, row{fmt.Sprintf("warm full grade (%d exercises)", len(pkgs)), full[0], full[1], 1.15})

	if one == "" {
		one = slowest(seconds, 1)[0]
	}
	e := cat.Find(one)
	if e == nil {
		return fmt.Errorf("no exercise %q", one)
	}
	edit := func(base string) error {
		f := filepath.Join(base, "solutions", e.Name, e.File)
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		return os.WriteFile(f, append(data, []byte(fmt.Sprintf("\n// bench edit %d\n", time.Now().UnixNano()))...), 0o644)
	}
	// Re-grade after an edit: on a scratch copy, so the course is untouched.
	scratch := filepath.Join(tmp, "scratch")
	if err := copyTree(root, scratch); err != nil {
		return err
	}
	single, err := alternate(warmRuns, func() (time.Duration, error) {
		if err := edit(scratch); err != nil {
			return 0, err
		}
		return timed(graderCmd(scratch, nil, e.Name))
	}, func() (time.Duration, error) {
		if err := edit(floorRoot); err != nil {
			return 0, err
		}
		return timed(floorCmd(nil, "./solutions/"+e.Name))
	})
	if err != nil {
		return err
	}
	rows = append(rows, row{"re-grade " + e.Name + " after an edit", single[0], single[1], 1.2})

	if coldRuns > 0 {
		cold, err := alternate(coldRuns, func() (time.Duration, error) {
			cache, _ := os.MkdirTemp(tmp, "gocache-")
			defer os.RemoveAll(cache)
			return timed(graderCmd(root, []string{"GOCACHE=" + cache}))
		}, func() (time.Duration, error) {
			cache, _ := os.MkdirTemp(tmp, "gocache-")
			defer os.RemoveAll(cache)
			return timed(floorCmd([]string{"GOCACHE=" + cache}, pkgs...))
		})
		if err != nil {
			return err
		}
		rows = append(rows, row{"first grade, cold build cache", cold[0], cold[1], 1.05})
	}

	rssSolved, err := peakRSS(graderCmd(root, []string{"GRADER_PEAK_RSS=1"}))
	if err != nil {
		return err
	}
	rssLoud, err := loudRSS(tmp, grader, env)
	if err != nil {
		return err
	}

	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nscenario\tgrader\tfloor\tratio\tgoal\t")
	for _, r := range rows {
		ratio := float64(r.grader) / float64(r.floor)
		verdict := "ok"
		if ratio > r.goal {
			verdict = "MISSED"
		}
		fmt.Fprintf(tw, "%s\t%v\t%v\t%.2f×\t≤%.2f× %s\t\n", r.name, r.grader.Round(10*time.Millisecond), r.floor.Round(10*time.Millisecond), ratio, r.goal, verdict)
	}
	for _, m := range []struct {
		name string
		rss  int64
	}{{"grader peak RSS, solved tree", rssSolved}, {"grader peak RSS, a test printing 300 MB", rssLoud}} {
		verdict := "ok"
		if m.rss >= 100<<20 {
			verdict = "MISSED"
		}
		fmt.Fprintf(tw, "%s\t%d MB\t\t\t<100 MB %s\t\n", m.name, m.rss>>20, verdict)
	}
	tw.Flush()
	fmt.Println("\nslowest exercises (test binary wall time, warm, solved):")
	for _, name := range slowest(seconds, 5) {
		fmt.Printf("  %-28s %.2fs\n", name, seconds[name])
	}
	total := 0.0
	for _, s := range seconds {
		total += s
	}
	fmt.Printf("sum over all exercises: %.1fs\n", total)
	return nil
}

// alternate runs a and b n times each, interleaved, and returns their medians.
func alternate(n int, a, b func() (time.Duration, error)) ([2]time.Duration, error) {
	var as, bs []time.Duration
	for i := range n {
		first, second := a, b
		if i%2 == 1 {
			first, second = b, a
		}
		d1, err := first()
		if err != nil {
			return [2]time.Duration{}, err
		}
		d2, err := second()
		if err != nil {
			return [2]time.Duration{}, err
		}
		if i%2 == 1 {
			d1, d2 = d2, d1
		}
		as, bs = append(as, d1), append(bs, d2)
	}
	return [2]time.Duration{median(as), median(bs)}, nil
}

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// timed runs cmd and returns its wall time. A grade that reports failing
// exercises still counts (exit 1); anything else is an error.
func timed(cmd *exec.Cmd) (time.Duration, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	// Every measured run grades a solved tree: a failure means the two
	// sides did not do the same work, and their times would not compare.
	if err != nil {
		return d, fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, tail(stderr.String()))
	}
	return d, nil
}

func graderOutput(cmd *exec.Cmd) (map[string]float64, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			return nil, fmt.Errorf("grader: %v\n%s", err, tail(stderr.String()))
		}
	}
	var doc struct {
		Exercises []struct {
			Name    string  `json:"name"`
			Status  string  `json:"status"`
			Seconds float64 `json:"seconds"`
		} `json:"exercises"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		return nil, fmt.Errorf("grader JSON: %v", err)
	}
	out := map[string]float64{}
	for _, e := range doc.Exercises {
		out[e.Name] = e.Seconds
		if e.Status != "pass" {
			fmt.Fprintf(os.Stderr, "bench: note: the solution of %s does not pass (%s)\n", e.Name, e.Status)
		}
	}
	return out, nil
}

var rssLine = regexp.MustCompile(`grader: peak RSS (\d+)`)

func peakRSS(cmd *exec.Cmd) (int64, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	_ = cmd.Run()
	m := rssLine.FindStringSubmatch(stderr.String())
	if m == nil {
		return 0, fmt.Errorf("the grader did not report its peak memory (not supported on this OS?)\n%s", tail(stderr.String()))
	}
	return strconv.ParseInt(m[1], 10, 64)
}

// loudRSS grades a made-up exercise whose test prints 300 MB, and returns
// the grader's peak memory.
func loudRSS(tmp, grader string, env []string) (int64, error) {
	dir := filepath.Join(tmp, "loud")
	if err := os.MkdirAll(filepath.Join(dir, "hidden"), 0o755); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "exercises", "01-loud"), 0o755); err != nil {
		return 0, err
	}
	files := map[string]string{
		"go.mod":                    "module example.com/loud\n\ngo 1.25\n",
		"exercises/01-loud/loud.go": "package loud\n\n// N is printed.\nconst N = 1\n",
		"hidden/01-loud.txtar": `-- exercise.json --
{"title": "Loud", "file": "loud.go", "timeout": "120s", "points": {"behaviour": 1}, "tests": {"behaviour": ["TestLoud"]}}
-- loud_test.go --
package loud

import (
	"os"
	"strings"
	"testing"
)

func TestLoud(t *testing.T) {
	line := strings.Repeat("x", 1023) + "\n"
	for range 300 << 10 {
		os.Stdout.WriteString(line)
	}
}
`,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			return 0, err
		}
	}
	cmd := exec.Command(grader, "test", "-format", "json", "-hidden", filepath.Join(dir, "hidden"))
	cmd.Dir = dir
	cmd.Env = append(append([]string{}, env...), "GRADER_PEAK_RSS=1")
	return peakRSS(cmd)
}

func slowest(seconds map[string]float64, n int) []string {
	var names []string
	for k := range seconds {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return seconds[names[i]] > seconds[names[j]] })
	if len(names) > n {
		names = names[:n]
	}
	return names
}

// copyTree copies the course's Go files, module files and docs (not .git).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if rel != "." && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}
