package report

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/go-concurrency-lab/course/grader/hidden"
	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

// reporterView reads a GITHUB_OUTPUT file the way the workflow hands it to
// classroom-resources/autograding-grading-reporter@v1 and computes what the
// reporter shows: its console table's points per runner (passed/total ×
// max_score, in float64 like JavaScript) and its Points notice (the sum of
// tests[].score over runners with a max_score, out of their max_scores).
type reporterView struct {
	Table     map[string]float64
	Notice    int
	NoticeMax int
	Statuses  map[string]string
	Runners   map[string]map[string]any
}

func readReporter(t *testing.T, outputs string, runners []string) reporterView {
	t.Helper()
	env := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(outputs), "\n") {
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("GITHUB_OUTPUT line without '=': %q", line)
		}
		env[strings.ToUpper(name)+"_RESULTS"] = value
	}
	v := reporterView{Table: map[string]float64{}, Statuses: map[string]string{}, Runners: map[string]map[string]any{}}
	for _, id := range runners {
		enc, ok := env[strings.ToUpper(id)+"_RESULTS"]
		if !ok {
			t.Fatalf("no output for runner %s: the reporter would fail", id)
		}
		data, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			t.Fatalf("runner %s: not base64: %v", id, err)
		}
		var run map[string]any
		if err := json.Unmarshal(data, &run); err != nil {
			t.Fatalf("runner %s: not JSON: %v", id, err)
		}
		v.Runners[id] = run
		if run["version"] != 1.0 {
			t.Errorf("runner %s: version %v, want 1", id, run["version"])
		}
		status, _ := run["status"].(string)
		if status != "pass" && status != "fail" && status != "error" {
			t.Errorf("runner %s: status %q", id, status)
		}
		v.Statuses[id] = status
		maxScore := integer(t, id+".max_score", run["max_score"])
		tests, _ := run["tests"].([]any)
		if len(tests) == 0 {
			t.Fatalf("runner %s has no tests: the table would divide by zero", id)
		}
		passed, sum := 0, 0
		for i, x := range tests {
			tc, _ := x.(map[string]any)
			for _, key := range []string{"name", "status", "score", "message", "test_code", "filename", "line_no", "execution_time"} {
				if _, ok := tc[key]; !ok {
					t.Errorf("runner %s test %d has no %s", id, i, key)
				}
			}
			score := integer(t, id+".score", tc["score"])
			if score < 0 || score > 1 {
				t.Errorf("runner %s test %v: score %d; per-point tests score 0 or 1", id, tc["name"], score)
			}
			if tc["status"] == "pass" {
				passed++
			} else if score != 0 {
				t.Errorf("runner %s test %v: status %v with score %d", id, tc["name"], tc["status"], score)
			}
			sum += score
		}
		denom := float64(maxScore)
		if maxScore == 0 {
			denom = 1 // the reporter's `max_score || 1`
		}
		v.Table[id] = float64(passed) / float64(len(tests)) * denom
		if maxScore > 0 {
			v.Notice += sum
			v.NoticeMax += maxScore
			if v.Table[id] != float64(sum) {
				t.Errorf("runner %s: the table shows %v, the notice counts %d", id, v.Table[id], sum)
			}
		}
	}
	return v
}

func integer(t *testing.T, what string, x any) int {
	t.Helper()
	f, ok := x.(float64)
	if !ok || f != math.Trunc(f) {
		t.Fatalf("%s = %v: want an integer (a missing score makes the reporter's total NaN)", what, x)
	}
	return int(f)
}

// runClassroom writes the classroom format as the workflow's step does,
// with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY in a temp folder.
func runClassroom(t *testing.T, r *Report) (stdout, outputs, summary string) {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{
		"GITHUB_OUTPUT":       filepath.Join(dir, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary"),
	}
	// The runner creates both files before the step; appending must keep
	// what is there.
	os.WriteFile(env["GITHUB_OUTPUT"], []byte("earlier=1\n"), 0o644)
	var out bytes.Buffer
	if err := writeClassroom(&out, r, testOptions(env)); err != nil {
		t.Fatal(err)
	}
	o, _ := os.ReadFile(env["GITHUB_OUTPUT"])
	s, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
	if !strings.HasPrefix(string(o), "earlier=1\n") {
		t.Errorf("GITHUB_OUTPUT was overwritten, not appended to")
	}
	return out.String(), strings.TrimPrefix(string(o), "earlier=1\n"), string(s)
}

// runnerIDs are the runners of a report's exercises.
func runnerIDs(r *Report) []string {
	var ids []string
	for _, e := range r.Exercises {
		ids = append(ids, RunnerID(e.Exercise))
	}
	return ids
}

func TestClassroomPoints(t *testing.T) {
	for name, r := range fixtures() {
		t.Run(name, func(t *testing.T) {
			_, outputs, _ := runClassroom(t, r)
			v := readReporter(t, outputs, runnerIDs(r))
			if v.Notice != r.Score || v.NoticeMax != r.MaxScore {
				t.Errorf("notice: Points %d/%d, want %d/%d", v.Notice, v.NoticeMax, r.Score, r.MaxScore)
			}
			one := readReporter(t, outputs, []string{"result"})
			if one.Notice != r.Score || one.NoticeMax != r.MaxScore {
				t.Errorf("result output: Points %d/%d, want %d/%d", one.Notice, one.NoticeMax, r.Score, r.MaxScore)
			}
			wantStatus := "pass"
			if !r.AllPass() {
				wantStatus = "fail"
			}
			for _, e := range r.Exercises {
				if e.Status == "error" {
					wantStatus = "error"
				}
			}
			if one.Statuses["result"] != wantStatus {
				t.Errorf("result status %s, want %s", one.Statuses["result"], wantStatus)
			}
		})
	}
	t.Run("solved: full points, every runner passes", func(t *testing.T) {
		r := solved()
		_, outputs, _ := runClassroom(t, r)
		v := readReporter(t, outputs, runnerIDs(r))
		if v.Notice != 18 || v.NoticeMax != 18 {
			t.Errorf("Points %d/%d, want 18/18", v.Notice, v.NoticeMax)
		}
		if v.Table["ex01"] != 10 || v.Table["ex07"] != 8 {
			t.Errorf("table %v, want ex01 10, ex07 8", v.Table)
		}
		for id, s := range v.Statuses {
			if s != "pass" {
				t.Errorf("runner %s: %s", id, s)
			}
		}
	})
	t.Run("stubs: zero points", func(t *testing.T) {
		r := stubs()
		_, outputs, _ := runClassroom(t, r)
		v := readReporter(t, outputs, runnerIDs(r))
		if v.Notice != 0 || v.NoticeMax != 18 {
			t.Errorf("Points %d/%d, want 0/18", v.Notice, v.NoticeMax)
		}
		if v.Statuses["ex01"] != "fail" || v.Statuses["ex07"] != "fail" {
			t.Errorf("statuses %v, want fail", v.Statuses)
		}
	})
	t.Run("no race detector: an error of the environment", func(t *testing.T) {
		r := noRace()
		_, outputs, _ := runClassroom(t, r)
		v := readReporter(t, outputs, runnerIDs(r))
		if v.Statuses["ex01"] != "error" || v.Notice != 15 {
			t.Errorf("statuses %v, %d points: want error, 15 points", v.Statuses, v.Notice)
		}
	})
	t.Run("build error, at the student's line, said once", func(t *testing.T) {
		r := broken()
		_, outputs, _ := runClassroom(t, r)
		v := readReporter(t, outputs, runnerIDs(r))
		tests := v.Runners["ex01"]["tests"].([]any)
		first := tests[0].(map[string]any)
		if first["status"] != "error" || first["filename"] != "exercises/01-wait-for-hello/main.go" || first["line_no"] != 9.0 ||
			!strings.Contains(first["message"].(string), "undefined: wg") {
			t.Errorf("first test: %v", first)
		}
		for _, x := range tests[1:] {
			if m := x.(map[string]any)["message"].(string); strings.Contains(m, "undefined: wg") {
				t.Errorf("the build error is repeated: %q", m)
			}
		}
		if v.Notice != 6 {
			t.Errorf("Points %d, want 6 (07's behaviour, leaks and time)", v.Notice)
		}
	})
	t.Run("every exercise of the course gets a runner", func(t *testing.T) {
		r := solved()
		dir := t.TempDir()
		env := map[string]string{"GITHUB_OUTPUT": filepath.Join(dir, "output")}
		o := testOptions(env)
		o.Exercises = []string{"01-wait-for-hello", "02-the-hammer", "07-safe-cache"}
		if err := writeClassroom(&bytes.Buffer{}, r, o); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(env["GITHUB_OUTPUT"])
		v := readReporter(t, string(data), []string{"ex01", "ex02", "ex07"})
		if v.Notice != 18 || v.NoticeMax != 18 || v.Statuses["ex02"] != "pass" {
			t.Errorf("Points %d/%d, ex02 %s: want 18/18, pass", v.Notice, v.NoticeMax, v.Statuses["ex02"])
		}
	})
}

// TestClassroomTableExact: in every runner, the reporter's floating-point
// passed/total × max_score must print as the whole number the notice
// counts, for any score the runner can reach. One runner per exercise keeps
// totals small; this holds the course's exercises to it.
func TestClassroomTableExact(t *testing.T) {
	cat, err := loadCourseCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range cat {
		total := e.MaxScore()
		for passed := 0; passed <= total; passed++ {
			if got := float64(passed) / float64(total) * float64(total); got != float64(passed) {
				t.Errorf("%s (%d points): %d points would show as %v in the reporter's table; pick another total (any up to 21 is safe)", e.Name, total, passed, got)
			}
		}
	}
}

var (
	workflowFile = filepath.Join("..", "..", "..", ".github", "workflows", "classroom.yml")
	update       = flag.Bool("update", false, "rewrite the reporter step of classroom.yml from the catalog")
)

const (
	generatedBegin = "      # BEGIN reporter step, generated from the catalog by\n"
	generatedEnd   = "      # END reporter step\n"
)

// reporterStep is the workflow's reporter step for the course's exercises.
func reporterStep(stepID string, exercises []*catalog.Exercise) string {
	var b strings.Builder
	b.WriteString(generatedBegin)
	b.WriteString("      #   go test ./grader/internal/report -run TestClassroomWorkflow -update\n")
	b.WriteString("      - name: Autograding Reporter\n")
	b.WriteString("        # Also after the grading step hit its time limit: the grader's\n")
	b.WriteString("        # report of what did not finish is still a grade.\n")
	b.WriteString("        if: ${{ !cancelled() }}\n")
	b.WriteString("        uses: classroom-resources/autograding-grading-reporter@v1\n")
	b.WriteString("        env:\n")
	var ids []string
	for _, e := range exercises {
		id := RunnerID(e.Name)
		ids = append(ids, id)
		fmt.Fprintf(&b, "          %s_RESULTS: \"${{ steps.%s.outputs.%s }}\"\n", strings.ToUpper(id), stepID, id)
	}
	b.WriteString("        with:\n")
	fmt.Fprintf(&b, "          runners: %s\n", strings.Join(ids, ","))
	b.WriteString(generatedEnd)
	return b.String()
}

// TestClassroomWorkflow checks .github/workflows/classroom.yml: its shape is
// the one classroom autograding expects, the grading step runs the
// classroom format, and the reporter step lists one runner per exercise of
// the catalog, each reading <ID>_RESULTS from the grading step's output of
// that name. -update rewrites the reporter step after exercises change.
func TestClassroomWorkflow(t *testing.T) {
	data, err := os.ReadFile(workflowFile)
	if err != nil {
		t.Fatal(err)
	}
	wf := string(data)
	for _, want := range []string{
		"name: Autograding Tests", "checks: write", "actions: read", "contents: read",
		"run-autograding-tests:", "runs-on: ubuntu-latest", "if: github.actor != 'github-classroom[bot]'",
		"go-version-file: go.mod", "classroom-resources/autograding-grading-reporter@v1",
		"repository_dispatch:", "workflow_dispatch:", "push:", `grader" test -format classroom`,
	} {
		if !strings.Contains(wf, want) {
			t.Errorf("classroom.yml lacks %q", want)
		}
	}
	step := regexp.MustCompile(`(?m)^\s+id:\s*(\S+)\s*$`).FindStringSubmatch(wf)
	if step == nil {
		t.Fatal("classroom.yml: the grading step has no id")
	}
	cat, err := loadCourseCatalog()
	if err != nil {
		t.Fatal(err)
	}
	begin, end := strings.Index(wf, generatedBegin), strings.Index(wf, generatedEnd)
	if begin < 0 || end < begin {
		t.Fatal("classroom.yml: the generated reporter step's markers are missing")
	}
	got, want := wf[begin:end+len(generatedEnd)], reporterStep(step[1], cat)
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(workflowFile, []byte(wf[:begin]+want+wf[end+len(generatedEnd):]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("classroom.yml's reporter step does not list the course's exercises; run\n"+
		"  go test ./grader/internal/report -run TestClassroomWorkflow -update\nwant:\n%s", want)
}

func TestAnnotations(t *testing.T) {
	stdout, _, _ := runClassroom(t, many())
	var cmds []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "::") {
			cmds = append(cmds, l)
		}
	}
	if len(cmds) != 10 {
		t.Fatalf("%d annotations, want 10 (GitHub shows at most 10 per step)", len(cmds))
	}
	seen := map[string]bool{}
	for _, c := range cmds {
		props, msg, ok := strings.Cut(strings.TrimPrefix(c, "::error "), "::")
		if !ok {
			t.Fatalf("not a workflow command: %.80q", c)
		}
		for _, p := range strings.Split(props, ",") {
			k, v, ok := strings.Cut(p, "=")
			if !ok || strings.ContainsAny(v, ":,\r\n") || strings.Contains(v, "%") && !regexp.MustCompile(`^([^%]|%25|%0D|%0A|%3A|%2C)*$`).MatchString(v) {
				t.Errorf("property %q badly escaped", p)
			}
			if k == "title" {
				seen[strings.SplitN(v, "%3A", 2)[0]] = true
			}
		}
		if strings.ContainsAny(msg, "\r\n") || strings.Contains(msg, "50% ") {
			t.Errorf("message not escaped: %.80q", msg)
		}
	}
	if len(seen) != 10 {
		t.Errorf("annotations cover %d exercises, want one each for the first 10: %v", len(seen), seen)
	}

	stdout, _, _ = runClassroom(t, broken())
	want := []string{
		"::error file=exercises/01-wait-for-hello/main.go,line=9,title=01-wait-for-hello%3A build (0/0)::Your code does not compile:%0A",
		"::error file=exercises/07-safe-cache/cache.go,line=31,title=07-safe-cache%3A race (0/2)::The race detector found a data race:%0A",
	}
	for _, w := range want {
		if !strings.Contains(stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, stdout)
		}
	}
	if strings.Contains(stdout, "title=01-wait-for-hello%3A behaviour") {
		t.Error("a check that was not run (the build failed) got an annotation")
	}
}

func TestStepSummary(t *testing.T) {
	_, _, summary := runClassroom(t, broken())
	for _, want := range []string{
		"| ⚠️ | 01-wait-for-hello — Wait for hello | 0/10 |",
		"| ❌ | 07-safe-cache — Safe cache | 6/8 |",
		"### ⚠️ 01-wait-for-hello: 0/10",
		"undefined: wg",
		"write by goroutine 7 at exercises/07-safe-cache/cache.go:31",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	if n := strings.Count(summary, "Not checked: the code does not build yet."); n != 1 {
		t.Errorf("a message shared by checks is said %d times, want once:\n%s", n, summary)
	}
	if !strings.Contains(summary, "**behaviour, ordering, race, leaks, rules, time**") {
		t.Errorf("the shared message is not under the checks' names:\n%s", summary)
	}
	_, _, summary = runClassroom(t, stubs())
	if strings.Contains(summary, verdict.GatedPrefix) || !strings.Contains(summary, "race, leaks, time: nothing wrong found, but not scored") {
		t.Errorf("gated checks are not said once:\n%s", summary)
	}
	_, _, summary = runClassroom(t, solved())
	if strings.Contains(summary, "###") {
		t.Errorf("a solved tree expands nothing:\n%s", summary)
	}

	huge := many()
	for range 5 {
		huge.Exercises = append(huge.Exercises, huge.Exercises...)
	}
	_, _, summary = runClassroom(t, huge)
	if len(summary) >= 1<<20 {
		t.Errorf("summary is %d bytes; GitHub takes at most 1 MiB per step", len(summary))
	}
	if !strings.Contains(summary, "left out to keep this page short") {
		t.Error("a cut summary does not say so")
	}
}

func TestClassroomWithoutActions(t *testing.T) {
	var out bytes.Buffer
	if err := writeClassroom(&out, stubs(), testOptions(nil)); err != nil {
		t.Fatal(err)
	}
	var run classroomRunner
	dec := json.NewDecoder(&out)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&run); err != nil {
		t.Fatalf("stdout is not one runner result: %v", err)
	}
	if run.Version != 1 || run.MaxScore != 18 || run.Status != "fail" || len(run.Tests) != 18 {
		t.Errorf("runner: version %d, max %d, status %s, %d tests", run.Version, run.MaxScore, run.Status, len(run.Tests))
	}
}

func TestEscape(t *testing.T) {
	if got := escapeData("100%\r\ndone: a,b"); got != "100%25%0D%0Adone: a,b" {
		t.Errorf("escapeData: %q", got)
	}
	if got := escapeProperty("a: b, 5%\n"); got != "a%3A b%2C 5%25%0A" {
		t.Errorf("escapeProperty: %q", got)
	}
}

func TestLocate(t *testing.T) {
	cases := []struct{ msg, fallback, file string }{
		{"x\n  exercises/05-racy/counter.go:12 (in worker)", "exercises/05-racy/counter.go", "exercises/05-racy/counter.go:12"},
		{"hidden_test.go:40: boom, then exercises/05-racy/counter.go:7", "", "exercises/05-racy/counter.go:7"},
		{"see main.go:3", "exercises/01-wait-for-hello/main.go", "exercises/01-wait-for-hello/main.go:3"},
		{"nothing here", "exercises/01-wait-for-hello/main.go", "exercises/01-wait-for-hello/main.go:0"},
		{`.\exercises\01-wait-for-hello\main.go:5:2: undefined`, "", "exercises/01-wait-for-hello/main.go:5"},
		{"Read at 0x1 by goroutine 7:\n  runtime.mapaccess()\n      /usr/local/go/src/internal/runtime/maps/runtime_faststr.go:263 +0x1\n" +
			"  example.com/x.Get()\n      /home/runner/work/lab/lab/exercises/07-safe-cache/cache.go:31 +0x2",
			"exercises/07-safe-cache/cache.go", "exercises/07-safe-cache/cache.go:31"},
		{`C:\a\lab\exercises\07-safe-cache\cache.go:9 +0x1`, "exercises/07-safe-cache/cache.go", "exercises/07-safe-cache/cache.go:9"},
		{"/usr/local/go/src/sync/mutex.go:40", "", ":0"},
	}
	for _, c := range cases {
		f, l := locate(c.msg, c.fallback)
		if got := f + ":" + itoa(l); got != c.file {
			t.Errorf("locate(%q) = %s, want %s", c.msg, got, c.file)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// loadCourseCatalog reads the exercises the grader embeds.
func loadCourseCatalog() ([]*catalog.Exercise, error) {
	c, err := catalog.Load(hidden.FS)
	if err != nil {
		return nil, err
	}
	return c.Select(nil)
}
