package report

// The message corpus: every mutant of the catalog (and the common mistakes
// in testdata/messages/extra) graded alone, in text format, with its output
// kept as a golden file, so that a change to a message is a reviewed diff.
//
// Grading the whole catalog takes minutes, and its timings, goroutine ids
// and run counts differ from one run to the next. So the corpus records what
// the grader sees — the go test -json events of each case, the student's
// files, what go vet said — once, in testdata/messages/NN-slug/NAME.txtar,
// and TestMessages replays those through verdict and report on every run:
// quick, and the same every time. Each golden is held to what a diagnosis
// must be: at most 25 lines, no path into grader/ or a hidden test, the
// student's file:line whenever the fault is in a line of theirs.
//
//	go test ./grader/internal/report -run TestMessages -update
//	        grade every case again (about 10 minutes), rewrite the recordings and the goldens
//	GCL_MESSAGES_ONLY=08,09 go test ./grader/internal/report -run TestMessages -update
//	        the same for some exercises only
//	GCL_MESSAGES_REPLAY=1 go test ./grader/internal/report -run TestMessages -update
//	        rewrite the goldens from the recordings (after a change of wording)
//
// A case recorded against other hidden tests than the catalog's (they were
// rewritten since) is skipped until it is recorded again.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/go-concurrency-lab/course/grader/internal/module"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/go-concurrency-lab/course/grader/check"
	"github.com/go-concurrency-lab/course/grader/hidden"
	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/grade"
	"github.com/go-concurrency-lab/course/grader/internal/rules"
	"github.com/go-concurrency-lab/course/grader/internal/testjson"
	"github.com/go-concurrency-lab/course/grader/internal/traceback"
	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

// messagesDir holds the corpus; GCL_MESSAGES_DIR points the test at
// another copy (to try a change of wording on a scratch copy).
var messagesDir = func() string {
	if d := os.Getenv("GCL_MESSAGES_DIR"); d != "" {
		return d
	}
	return "testdata/messages"
}()

const (
	// labRoot is where a recorded case's tree seems to be: the recording
	// replaces the temporary folder it was graded in with it.
	labRoot = "/lab"
	// corpusModule is the module path of the recorded trees.
	corpusModule = "github.com/go-concurrency-lab/course"
)

// corpusKey seals the recorded passes: the recording writes every seal
// again with this key, so that a replay can check them as the grader does.
var corpusKey = []byte("message corpus")

// messageCase is one recorded case.
type messageCase struct {
	Exercise string `json:"exercise"`
	Name     string `json:"name"` // the mutant's name
	Race     bool   `json:"race"`
	// Hidden is a digest of what the case was graded against: the
	// exercise's hidden tests and checks. When they change (a rewrite of
	// the hidden tests), the recording is stale until recorded again.
	Hidden string `json:"hidden"`
	files  map[string][]byte
	events []testjson.Event
	vet    []byte
}

func TestMessages(t *testing.T) {
	cat, err := catalog.Load(hidden.FS)
	if err != nil {
		t.Fatal(err)
	}
	if *update && os.Getenv("GCL_MESSAGES_REPLAY") == "" {
		if testing.Short() {
			t.Skip("grades every mutant of the catalog")
		}
		recordCorpus(t, cat)
	}
	cases := loadCorpus(t)
	if len(cases) == 0 {
		t.Fatal("no recorded cases in " + messagesDir + ": go test ./grader/internal/report -run TestMessages -update")
	}
	for _, c := range cases {
		t.Run(c.Exercise+"/"+c.Name, func(t *testing.T) {
			e := cat.Find(c.Exercise)
			if e == nil {
				t.Skipf("exercise %s is no longer in the catalog", c.Exercise)
			}
			if c.Hidden != hiddenDigest(e) {
				t.Skipf("recorded against other hidden tests of %s: record it again (GCL_MESSAGES_ONLY=%s go test ./grader/internal/report -run TestMessages -update)", e.Name, e.Number())
			}
			got, res := c.render(e)
			golden := filepath.Join(messagesDir, c.Exercise, c.Name+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want, err := os.ReadFile(golden); err != nil {
				t.Fatalf("%v (go test ./grader/internal/report -run TestMessages -update)", err)
			} else if got != string(want) {
				t.Errorf("the message changed; if that is meant, rewrite the goldens with -update. Got:\n%s\nwant:\n%s", got, want)
			}
			for _, p := range messageProblems(res, got) {
				t.Error(p)
			}
		})
	}
}

// maxMessageLines bounds the text report of one failing exercise.
const maxMessageLines = 25

var hiddenPath = regexp.MustCompile(`(^|[\s(/])(grader/\S*|\S*_test\.go)`)

// messageProblems checks one exercise's text report: short, no path the
// student cannot open, and the student's file:line when the fault is in a
// line of their code.
func messageProblems(r verdict.Result, text string) []string {
	var out []string
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > maxMessageLines {
		out = append(out, fmt.Sprintf("%d lines, more than %d", len(lines), maxMessageLines))
	}
	if m := hiddenPath.FindString(text); m != "" {
		out = append(out, fmt.Sprintf("names %q, a file the student cannot open", strings.TrimSpace(m)))
	}
	if r.Status == verdict.Pass {
		out = append(out, "the mutant passes")
	}
	if inTheirLines(r) && !studentLine.MatchString(text) {
		out = append(out, "names no line of the student's file")
	}
	return out
}

// inTheirLines reports whether the fault is in a line of the student's
// code: anything but a rule about the whole package ("use sync.Cond") that
// the code does not keep, which no line can show.
func inTheirLines(r verdict.Result) bool {
	for _, c := range r.Checks {
		if c.Status == verdict.Pass || c.Status == verdict.Skip {
			continue
		}
		if c.Name != "rules" || studentLine.MatchString(c.Message) {
			return true
		}
	}
	return false
}

var studentLine = regexp.MustCompile(`exercises/[\w.-]+/[\w.-]+\.go:\d+`)

// render grades a recorded case again, from its events, and writes it as
// the student would read it after grading that exercise alone.
func (c *messageCase) render(e *catalog.Exercise) (string, verdict.Result) {
	dir := labRoot + "/exercises/" + e.Name
	in := verdict.Input{
		Exercise:   e,
		ImportPath: corpusModule + "/exercises/" + e.Name,
		Label:      e.Name,
		Files:      traceback.Filter{Dir: dir, Root: labRoot},
		Race:       c.Race,
	}
	if !c.Race {
		in.RaceWhy = "the race detector is not available"
	}
	var sources []rules.Source
	names := make([]string, 0, len(c.files))
	for n := range c.files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		sources = append(sources, rules.Source{Name: "exercises/" + e.Name + "/" + n, Data: c.files[n]})
	}
	in.Violations = rules.Check(e.Rules, sources)
	applyCorpusInput(&in, c, sources)
	f := verdict.NewFolder(corpusKey, []verdict.Input{in})
	for _, ev := range c.events {
		f.Event(ev)
	}
	results := f.Results("")
	rep := New(results, in.Race, in.RaceWhy)
	var b bytes.Buffer
	// The options of the grader's test command (-v aside).
	if err := WriteText(&b, rep, Options{LogDir: LogDir}); err != nil {
		return "error: " + err.Error(), results[0]
	}
	return b.String(), results[0]
}

// hiddenDigest sums up what grades an exercise: its hidden tests, its
// checks and their tests, its points and time limit.
func hiddenDigest(e *catalog.Exercise) string {
	h := sha256.New()
	files := append([]catalog.File{}, e.Hidden...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for _, f := range files {
		fmt.Fprintf(h, "%s %d\n", f.Name, len(f.Data))
		h.Write(f.Data)
	}
	meta, _ := json.Marshal(struct {
		Points  any
		Tests   any
		Timeout string
	}{e.Points, e.Tests, e.Timeout.String()})
	h.Write(meta)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func loadCorpus(t *testing.T) []*messageCase {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(messagesDir, "*", "*.txtar"))
	sort.Strings(paths)
	var out []*messageCase
	for _, p := range paths {
		c, err := readCase(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, c)
	}
	return out
}

func readCase(path string) (*messageCase, error) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		return nil, err
	}
	c := &messageCase{files: map[string][]byte{}}
	if err := json.Unmarshal(ar.Comment, c); err != nil {
		return nil, fmt.Errorf("the comment: %w", err)
	}
	for _, f := range ar.Files {
		switch {
		case f.Name == "events.jsonl":
			err := testjson.Decode(bytes.NewReader(f.Data), func(ev testjson.Event) {
				// The recording leaves out what every event of the case
				// would repeat: its package.
				if ev.Package == "" && ev.ImportPath == "" {
					ev.Package = corpusModule + "/exercises/" + c.Exercise
				}
				c.events = append(c.events, ev)
			}, nil)
			if err != nil {
				return nil, err
			}
		case f.Name == "vet.json":
			c.vet = f.Data
		case strings.HasSuffix(f.Name, ".go"):
			c.files[f.Name] = f.Data
		}
	}
	return c, nil
}

// corpusVariant is one case to record, in its folder of the temporary module.
type corpusVariant struct {
	c   *messageCase
	tag string // vNNN: the folder under the temporary module
	dir string
	ip  string
	evs []testjson.Event
}

// recordCorpus grades every case in one go test invocation and writes the
// recordings.
func recordCorpus(t *testing.T, cat *catalog.Catalog) {
	root, err := filepath.Abs(courseRoot())
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	if tmp, err = filepath.EvalSymlinks(tmp); err != nil {
		t.Fatal(err)
	}
	if err := writeCorpusModule(root, tmp); err != nil {
		t.Fatal(err)
	}
	var vs []*corpusVariant
	add := func(e *catalog.Exercise, name string, files map[string][]byte) {
		v := &corpusVariant{c: &messageCase{Exercise: e.Name, Name: name, files: files, Hidden: hiddenDigest(e)}, tag: fmt.Sprintf("v%03d", len(vs))}
		v.dir = filepath.Join(tmp, v.tag, "exercises", e.Name)
		v.ip = "gcl.corpus/" + v.tag + "/exercises/" + e.Name
		for n, d := range files {
			if err := writeFile(filepath.Join(v.dir, n), d); err != nil {
				t.Fatal(err)
			}
		}
		vs = append(vs, v)
	}
	only := map[string]bool{}
	for _, n := range strings.FieldsFunc(os.Getenv("GCL_MESSAGES_ONLY"), func(r rune) bool { return r == ',' || r == ' ' }) {
		only[n] = true
	}
	for _, e := range cat.Exercises {
		if len(only) > 0 && !only[e.Number()] && !only[e.Name] {
			continue
		}
		// The exercise's cases are recorded afresh: a mutant that is gone
		// takes its case with it.
		old, _ := filepath.Glob(filepath.Join(messagesDir, e.Name, "*.txt*"))
		for _, f := range old {
			os.Remove(f)
		}
		sol, err := readGoFiles(filepath.Join(root, "solutions", e.Name))
		if err != nil {
			t.Fatal(err)
		}
		variant := func(data []byte) map[string][]byte {
			files := map[string][]byte{}
			for n, d := range sol {
				files[n] = d
			}
			files[e.File] = data
			return files
		}
		for _, m := range e.Mutants {
			add(e, m.Name, variant(m.Data))
		}
		extra, _ := filepath.Glob(filepath.Join(messagesDir, "extra", e.Name, "*.go"))
		for _, p := range extra {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			add(e, "extra-"+strings.TrimSuffix(filepath.Base(p), ".go"), variant(data))
		}
	}
	byIP := map[string]*corpusVariant{}
	plan := grade.Plan{Root: tmp}
	for _, v := range vs {
		byIP[v.ip] = v
		plan.Targets = append(plan.Targets, grade.Target{Exercise: cat.Find(v.c.Exercise), Dir: v.dir})
	}
	plan.Event = func(ev testjson.Event) {
		key := ev.Package
		if key == "" {
			key = importPathOf(ev.ImportPath)
		}
		if v := byIP[key]; v != nil {
			v.evs = append(v.evs, ev)
		}
	}
	out, err := grade.Run(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	vets := recordVet(t, tmp, vs)
	for _, v := range vs {
		v.c.Race = out.Race
		if err := writeCase(v, tmp, vets[v.ip]); err != nil {
			t.Fatal(err)
		}
	}
}

// importPathOf is the package a build event is about: "p [p.test]",
// "p_test [p.test]" (the external test package) or "p".
func importPathOf(ip string) string {
	p, _, _ := strings.Cut(ip, " ")
	return strings.TrimSuffix(strings.TrimSuffix(p, ".test"), "_test")
}

// recordedEvent is an event as the corpus keeps it: without its time, and
// without its package when that is the case's own.
type recordedEvent struct {
	Action      testjson.Action
	Test        string  `json:",omitempty"`
	Output      string  `json:",omitempty"`
	Elapsed     float64 `json:",omitempty"`
	Package     string  `json:",omitempty"`
	FailedBuild string  `json:",omitempty"`
	ImportPath  string  `json:",omitempty"`
}

var sealRE = regexp.MustCompile(check.SealPrefix + `[0-9a-f]+`)

// writeCase writes one recording, with the temporary tree's paths and
// import paths made those of a course checkout at /lab, and its seals
// made with corpusKey.
func writeCase(v *corpusVariant, tmp string, vet []byte) error {
	r := strings.NewReplacer(
		tmp+"/"+v.tag, labRoot,
		"gcl.corpus/"+v.tag, corpusModule,
		v.tag+"/exercises/", "exercises/",
	)
	var ev bytes.Buffer
	for _, e := range v.evs {
		e.Output = r.Replace(e.Output)
		e.Package = r.Replace(e.Package)
		e.ImportPath = r.Replace(e.ImportPath)
		e.FailedBuild = r.Replace(e.FailedBuild)
		if top, _, _ := strings.Cut(e.Test, "/"); top != "" {
			e.Output = sealRE.ReplaceAllString(e.Output, check.SealPrefix+check.SealOf(corpusKey, v.c.Exercise+"/"+top))
		}
		if e.Package == corpusModule+"/exercises/"+v.c.Exercise {
			e.Package = ""
		}
		data, err := json.Marshal(recordedEvent{e.Action, e.Test, e.Output, e.Elapsed, e.Package, e.FailedBuild, e.ImportPath})
		if err != nil {
			return err
		}
		ev.Write(data)
		ev.WriteByte('\n')
	}
	comment, _ := json.Marshal(v.c)
	ar := &txtar.Archive{Comment: append(comment, '\n')}
	names := make([]string, 0, len(v.c.files))
	for n := range v.c.files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ar.Files = append(ar.Files, txtar.File{Name: n, Data: v.c.files[n]})
	}
	if len(vet) > 0 {
		ar.Files = append(ar.Files, txtar.File{Name: "vet.json", Data: []byte(r.Replace(string(vet)))})
	}
	ar.Files = append(ar.Files, txtar.File{Name: "events.jsonl", Data: ev.Bytes()})
	path := filepath.Join(messagesDir, v.c.Exercise, v.c.Name+".txtar")
	return writeFile(path, txtar.Format(ar))
}

func readGoFiles(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, de := range entries {
		if n := de.Name(); !de.IsDir() && strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			data, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				return nil, err
			}
			files[n] = data
		}
	}
	return files, nil
}

// writeCorpusModule makes tmp a module whose packages import the course's
// (grader/check) from root, with the course's requirements and sums.
func writeCorpusModule(root, tmp string) error {
	return module.WriteScratch(tmp, "gcl.corpus", root)
}
