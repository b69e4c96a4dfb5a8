package report

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

func init() { register("classroom", writeClassroom) }

// The classroom format feeds GitHub's classroom reporter action
// (classroom-resources/autograding-grading-reporter@v1) from a plain `run:`
// step of .github/workflows/classroom.yml.
//
// How points are laid out, and why. The reporter shows points twice, and
// computes them two ways: its Points notice (what gets recorded) sums
// tests[].score over all runners, while its console table gives each runner
// passed/total × max_score. The two agree only when every test inside a
// runner carries the same weight. Checks are worth different points
// (behaviour 4, leaks 1) and each is passed or not as a whole, so each
// point of a check is one test of score 0 or 1 ("per-point tests"): passed
// tests = points earned, total tests = points possible, and table and
// notice say the same.
//
// There is one runner per exercise (ex01, ex02, ...), so the table is the
// student's scoreboard, one row per exercise. It also keeps the table
// exact: the reporter computes passed/total × max_score in floating point,
// which for totals up to 21 always gives back the whole number (10 points:
// 7/10×10 = 7), but not for larger ones (13/46×46 = 12.999999999999998), so
// one runner for the whole course, or per kind of check, would print noise.
// The runner list in the workflow is generated from the catalog (see
// docs/classroom.md); every exercise of the course gets its output, graded
// or not, so a workflow that lists them all works for any subset graded.
// build is worth nothing, and a test worth nothing would count in the
// table's passed/total but not in the notice; so the build check is left
// out of the runner and a build error is carried by the checks it stopped.
//
// Where it writes: with GITHUB_OUTPUT set (inside GitHub Actions), one line
// <runner>=<base64 of the runner's JSON> per runner, plus result=<base64>
// of a single runner holding every test, for workflows that want one
// runner (whose table can show rounding noise, as said above); stdout gets the text report and at most ten ::error annotations
// on the student's files; GITHUB_STEP_SUMMARY, when set, gets a Markdown
// summary. Without GITHUB_OUTPUT, stdout gets the single runner's JSON.

// classroomRunner is the reporter's runner result, version 1.
type classroomRunner struct {
	Version  int             `json:"version"`
	Status   string          `json:"status"`
	MaxScore int             `json:"max_score"`
	Tests    []classroomTest `json:"tests"`
}

// classroomTest is one test of a runner. Every field is always present:
// a test without a score makes the reporter's total NaN.
type classroomTest struct {
	Name          string `json:"name"`
	Status        string `json:"status"` // pass, fail or error
	Score         int    `json:"score"`
	Message       string `json:"message"`
	TestCode      string `json:"test_code"`
	Filename      string `json:"filename"`
	LineNo        int    `json:"line_no"`
	ExecutionTime string `json:"execution_time"`

	weightless bool // stands for a check worth no points
}

// maxMessage bounds a message in an annotation or a summary.
const maxMessage = 4000

// maxTestMessage bounds a runner test's message: every runner travels
// base64'd through one environment variable (Linux refuses one over
// 128 KiB), and all of a job's outputs share GitHub's limits. The whole
// message is in the job summary and the annotation.
const maxTestMessage = 2000

// RunnerID is the reporter's runner id for an exercise: "ex" and its
// number ("ex01"). The reporter wants runner ids of letters and digits; the
// workflow reads each from the env var <ID upper-cased>_RESULTS.
func RunnerID(exercise string) string { return "ex" + number(exercise) }

// classroomRunners lays the report out as one runner per exercise of the
// course, in course order, and returns their ids beside them. An exercise
// of the course that was not graded in this run still gets its runner,
// worth nothing, so that the workflow's runners never lack their input.
func classroomRunners(r *Report, o Options) ([]string, []classroomRunner) {
	names := o.Exercises
	if names == nil {
		for _, e := range r.Exercises {
			names = append(names, e.Exercise)
		}
	}
	graded := map[string]verdict.Result{}
	for _, e := range r.Exercises {
		graded[e.Exercise] = e
		if !slices.Contains(names, e.Exercise) {
			names = append(names, e.Exercise)
		}
	}
	var ids []string
	var runners []classroomRunner
	for _, name := range names {
		ids = append(ids, RunnerID(name))
		e, ok := graded[name]
		if !ok {
			runners = append(runners, classroomRunner{Version: 1, Status: "pass", Tests: []classroomTest{{
				Name: name + " was not graded in this run", Status: "pass", ExecutionTime: "0.00s", weightless: true,
			}}})
			continue
		}
		run := classroomRunner{Version: 1, MaxScore: e.MaxScore, Tests: []classroomTest{}}
		blocked := e.Check("build")
		if blocked != nil && blocked.Status != verdict.Error {
			blocked = nil
		}
		said := map[string]string{} // message -> the test that says it
		for _, c := range e.Checks {
			if blocked != nil && c.Status == verdict.Skip && c.MaxScore > 0 {
				// What kept the check from running is the build error: say
				// so, since the runner leaves the weightless build check out.
				c.Status, c.Message = verdict.Error, blocked.Message
			}
			tests := pointTests(e, c, o)
			if c.Status != verdict.Pass && c.Message != "" && c.MaxScore > 0 {
				// A message that several checks share is said once.
				if first, ok := said[c.Message]; ok {
					for i := range tests {
						tests[i].Message = "Same as " + first + ": " + firstLine(c.Message)
					}
				} else {
					said[c.Message] = tests[0].Name
				}
			}
			run.Tests = append(run.Tests, tests...)
		}
		run.Status = worst(run.Tests)
		if run.MaxScore > 0 {
			// A test worth nothing would count in the table's passed/total
			// but not in the notice's sum.
			run.Tests = weighty(run.Tests)
		}
		runners = append(runners, run)
	}
	return ids, runners
}

// allInOne is every test in one runner: the result output, with short
// messages when it goes beside the runners into GITHUB_OUTPUT.
func allInOne(runners []classroomRunner, short bool) classroomRunner {
	one := classroomRunner{Version: 1, Status: "pass", Tests: []classroomTest{}}
	for _, run := range runners {
		one.MaxScore += run.MaxScore
		for _, t := range weighty(run.Tests) {
			if short {
				t.Message = clip(firstLine(t.Message), 300)
			}
			one.Tests = append(one.Tests, t)
		}
		if run.Status == "error" || run.Status == "fail" && one.Status == "pass" {
			one.Status = run.Status
		}
	}
	if len(one.Tests) == 0 {
		one.Tests = append(one.Tests, classroomTest{Name: "no exercise was graded", Status: "error", Message: "The grader graded no exercise.", ExecutionTime: "0.00s"})
		one.Status = "error"
	}
	return one
}

// weighty leaves out the tests that stand for checks worth no points.
func weighty(tests []classroomTest) []classroomTest {
	var out []classroomTest
	for _, t := range tests {
		if !t.weightless {
			out = append(out, t)
		}
	}
	return out
}

func worst(tests []classroomTest) string {
	status := "pass"
	for _, t := range tests {
		switch {
		case t.Status == "error":
			return "error"
		case t.Status != "pass":
			status = "fail"
		}
	}
	return status
}

// pointTests turns one check into one test per point (one test of score 0
// for a check worth nothing). The first carries the whole message; the
// others refer to it.
func pointTests(e verdict.Result, c verdict.Check, o Options) []classroomTest {
	status := "fail"
	switch c.Status {
	case verdict.Pass:
		status = "pass"
	case verdict.Error:
		status = "error"
	}
	file, line := locate(c.Message, o.Files[e.Exercise])
	base := classroomTest{
		Status:        status,
		TestCode:      "go run ./grader test " + number(e.Exercise),
		Filename:      file,
		LineNo:        line,
		ExecutionTime: "0.00s",
		weightless:    c.MaxScore == 0,
	}
	n := max(c.MaxScore, 1)
	tests := make([]classroomTest, n)
	for i := range tests {
		t := base
		t.Name = e.Exercise + " " + string(c.Name)
		if n > 1 {
			t.Name += fmt.Sprintf(", point %d of %d", i+1, n)
		}
		if status == "pass" && c.MaxScore > 0 {
			t.Score = 1
		}
		switch {
		case status == "pass":
		case i == 0:
			t.Message = clip(c.Message, maxTestMessage)
		default:
			t.Message = "Same as " + tests[0].Name + ": " + firstLine(c.Message)
		}
		tests[i] = t
	}
	tests[0].ExecutionTime = fmt.Sprintf("%.2fs", e.Seconds)
	return tests
}

// location finds "path/file.go:12" in a message.
var location = regexp.MustCompile(`([A-Za-z0-9_.\-/\\]+\.go):(\d+)`)

// locate returns the first place in msg that is in the student's files
// (fallback's folder, not a hidden test), relative to the repository's root
// as annotations want it, or else fallback with no line. Race reports and
// crashes name files by absolute path; those outside the student's folder
// (the runtime, the hidden tests) are skipped.
func locate(msg, fallback string) (string, int) {
	if !strings.Contains(msg, ".go:") {
		return fallback, 0
	}
	dir := ""
	if fallback != "" {
		dir = path.Dir(fallback)
	}
	for _, m := range location.FindAllStringSubmatch(clip(msg, maxMessage), -1) {
		file := strings.TrimPrefix(strings.ReplaceAll(m[1], `\`, "/"), "./")
		line, _ := strconv.Atoi(m[2])
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		switch {
		case dir != "" && !strings.Contains(file, "/"):
			return dir + "/" + file, line // a bare name: in the student's folder
		case dir != "":
			if i := strings.Index("/"+file, "/"+dir+"/"); i >= 0 {
				return file[i:], line
			}
		case !path.IsAbs(file) && !strings.Contains(file, ":") && strings.Contains(file, "/"):
			return file, line
		}
	}
	return fallback, 0
}

func writeClassroom(w io.Writer, r *Report, o Options) error {
	ids, runners := classroomRunners(r, o)
	out := o.getenv("GITHUB_OUTPUT")
	if out == "" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(allInOne(runners, false))
	}
	var lines strings.Builder
	for i, id := range ids {
		lines.WriteString(id + "=" + encodeRunner(runners[i]) + "\n")
	}
	lines.WriteString("result=" + encodeRunner(allInOne(runners, true)) + "\n")
	if err := appendFile(out, lines.String()); err != nil {
		return fmt.Errorf("writing the step's outputs: %w", err)
	}
	if path := o.getenv("GITHUB_STEP_SUMMARY"); path != "" {
		if err := appendFile(path, stepSummary(r, o)); err != nil {
			return fmt.Errorf("writing the job summary: %w", err)
		}
	}
	bw := bufio.NewWriter(w)
	if err := WriteText(bw, r, Options{}); err != nil {
		return err
	}
	for _, a := range annotations(r, o, 10) {
		bw.WriteString(a + "\n")
	}
	return bw.Flush()
}

func encodeRunner(run classroomRunner) string {
	data, err := json.Marshal(run)
	if err != nil {
		panic(err) // plain structs of strings and ints always marshal
	}
	return base64.StdEncoding.EncodeToString(data)
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// annotations returns up to limit ::error workflow commands for the checks
// that did not pass, most useful first: one per exercise before any
// exercise's second, each exercise's in check order (so a build error comes
// before what it kept from running). Checks merely not scored yet (skip)
// get none: their exercise's failing check says why.
func annotations(r *Report, o Options, limit int) []string {
	var perExercise [][]string
	for _, e := range r.Exercises {
		var list []string
		for _, c := range e.Checks {
			if c.Status != verdict.Fail && c.Status != verdict.Error {
				continue
			}
			file, line := locate(c.Message, o.Files[e.Exercise])
			var props []string
			if file != "" {
				props = append(props, "file="+escapeProperty(file))
				if line > 0 {
					props = append(props, "line="+strconv.Itoa(line))
				}
			}
			title := fmt.Sprintf("%s: %s (%d/%d)", e.Exercise, c.Name, c.Score, c.MaxScore)
			props = append(props, "title="+escapeProperty(title))
			list = append(list, "::error "+strings.Join(props, ",")+"::"+escapeData(clip(c.Message, maxMessage)))
		}
		if len(list) > 0 {
			perExercise = append(perExercise, list)
		}
	}
	var out []string
	for round := 0; len(out) < limit; round++ {
		added := false
		for _, list := range perExercise {
			if round < len(list) && len(out) < limit {
				out = append(out, list[round])
				added = true
			}
		}
		if !added {
			break
		}
	}
	return out
}

// escapeData escapes a workflow command's message: %, CR and LF.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value: what
// escapeData does, and : and , too.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// clip shortens s to at most n bytes, on a rune boundary, saying so.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - 40
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "\n... (cut short; run the grader to see it all)"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
