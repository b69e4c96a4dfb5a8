// Package grade grades a set of exercise folders: it lays the hidden tests
// into them, runs one `go test -json` over all of them, and folds the events
// into a result per exercise.
package grade

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/build"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	course "github.com/go-concurrency-lab/course"
	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/module"
	"github.com/go-concurrency-lab/course/grader/internal/rules"
	"github.com/go-concurrency-lab/course/grader/internal/run"
	"github.com/go-concurrency-lab/course/grader/internal/seal"
	"github.com/go-concurrency-lab/course/grader/internal/testjson"
	"github.com/go-concurrency-lab/course/grader/internal/traceback"
	"github.com/go-concurrency-lab/course/grader/internal/verdict"
	"github.com/go-concurrency-lab/course/grader/internal/vet"
)

// Target is one exercise folder to grade.
type Target struct {
	Exercise *catalog.Exercise
	Dir      string // absolute
}

// Plan is one grading run.
type Plan struct {
	Root    string // the module root: the folder with go.mod
	ModFile []byte // the go.mod to build with; nil uses the tree's own
	SumFile []byte
	Targets []Target
	// NoRace turns the race detector off even where it is available.
	NoRace bool
	// Procs, when above 0, sets GOMAXPROCS for the test binaries.
	Procs int
	// Event, when set, sees every event as it arrives (for live progress).
	Event func(testjson.Event)
	// Graded, when set, hears of each target's result as soon as its
	// package is graded, by the target's index, in the order they finish
	// (for results as they come). Outcome.Results is what counts: it may
	// differ, if code under test tampered with the grading.
	Graded func(i int, r verdict.Result)
	// Stderr receives the go command's own messages; nil discards them.
	Stderr io.Writer
	// MaxMemory bounds the resident memory of each test process, in bytes;
	// 0 means DefaultMaxMemory.
	MaxMemory int64
	// Overlay lays more files over the tree for the build, by absolute
	// path: the contents, or nil to leave the file out (see run.Request).
	Overlay map[string][]byte
	// Sandbox runs each test binary in the sandbox (see run.Request); the
	// caller checks first that it is available (run.SandboxAvailable).
	Sandbox bool
	// Hide lists folders the sandbox shows empty (see run.Request).
	Hide []string
}

// DefaultMaxMemory is the memory a test process may use before the grader
// kills it. The course's hidden tests need well under a tenth of it, race
// detector included; code that starts a million goroutines or allocates
// without end hits it within a second.
const DefaultMaxMemory = 1 << 30

// DefaultMaxOutput is what the tests of one exercise may print before the
// grader stops them: far more than any message, far less than a loop that
// prints without end produces in a second.
const DefaultMaxOutput = 32 << 20

// Outcome is what a grading run found.
type Outcome struct {
	Results []verdict.Result
	Race    bool   // the race detector was on
	RaceWhy string // why not, when it was off
}

// Run grades the plan's targets with one go test invocation.
func Run(ctx context.Context, p Plan) (Outcome, error) {
	root, err := filepath.Abs(p.Root)
	if err != nil {
		return Outcome{}, err
	}
	modFile := p.ModFile
	if modFile == nil {
		if modFile, err = os.ReadFile(filepath.Join(root, "go.mod")); err != nil {
			return Outcome{}, fmt.Errorf("reading go.mod: %w", err)
		}
	}
	modPath := ModulePath(modFile)
	if modPath == "" {
		return Outcome{}, fmt.Errorf("go.mod names no module")
	}

	out := Outcome{Race: !p.NoRace}
	if p.NoRace {
		out.RaceWhy = "the race detector was turned off (-race=false)"
	} else if ok, why := run.RaceSupported(ctx, root); !ok {
		out.Race, out.RaceWhy = false, why
	}

	req := run.Request{Dir: root, ModFile: p.ModFile, SumFile: p.SumFile, Race: out.Race, Stderr: p.Stderr, SealKey: run.NewSealKey(),
		MaxMemory: p.MaxMemory, Overlay: p.Overlay, Sandbox: p.Sandbox, Hide: p.Hide}
	if req.MaxMemory == 0 {
		req.MaxMemory = DefaultMaxMemory
	}
	req.MaxOutput = DefaultMaxOutput
	if p.Procs > 0 {
		req.Env = append(req.Env, fmt.Sprintf("GOMAXPROCS=%d", p.Procs))
	}
	var inputs []verdict.Input
	importPaths := map[string]string{} // package folder: import path
	byArg := map[string]string{}       // go test's argument for the package: import path
	var names []string
	var timeout time.Duration
	var prepared []run.Package
	for _, t := range p.Targets {
		in, pkg := prepare(root, modPath, t)
		in.Race, in.RaceWhy = out.Race, out.RaceWhy
		inputs = append(inputs, in)
		prepared = append(prepared, pkg)
	}
	if err := checkImports(ctx, req, p.Targets, inputs, prepared, root); err != nil {
		return out, err
	}
	for i, t := range p.Targets {
		in, pkg := inputs[i], prepared[i]
		if in.Missing != "" {
			continue
		}
		pkg.Timeout, pkg.ImportPath = t.Exercise.Timeout, in.ImportPath
		req.Packages = append(req.Packages, pkg)
		importPaths[filepath.Clean(t.Dir)] = in.ImportPath
		if rel, err := filepath.Rel(root, t.Dir); err == nil {
			byArg["./"+filepath.ToSlash(rel)] = in.ImportPath
		}
		names = append(names, t.Exercise.AllTests()...)
		timeout = max(timeout, t.Exercise.Timeout)
	}
	sort.Strings(names)
	for i := range names {
		names[i] = regexp.QuoteMeta(names[i])
	}
	req.Run = "^(" + strings.Join(names, "|") + ")$"
	req.Timeout = timeout

	folder := verdict.NewFolder(req.SealKey, inputs)
	targetOf := map[string]int{} // import path: index of its target
	for i, in := range inputs {
		targetOf[in.ImportPath] = i
		if in.Missing != "" && p.Graded != nil {
			r, _ := folder.Result(in.ImportPath)
			p.Graded(i, r)
		}
	}
	req.Stopped = func(s run.Stop) {
		folder.Stopped(importPaths[filepath.Clean(s.Dir)], verdict.Stop{Memory: s.Memory, MaxMemory: req.MaxMemory,
			Time: s.After > 0, Output: s.Output, MaxOutput: req.MaxOutput})
	}
	// go vet's analyzers look at the student's code while the tests run:
	// what they find is reported first. Vet starts once the first event
	// of the tests arrives, when run has written and closed its files: a
	// process started while a file is open for writing holds it until its
	// exec, and its close then looks like a write to run's guard.
	vetted := make(chan map[string][]vet.Finding, 1)
	var startVet sync.Once
	goVet := func() {
		startVet.Do(func() {
			var pkgs []string
			for _, pk := range req.Packages {
				pkgs = append(pkgs, pk.ImportPath)
			}
			go func() {
				vetted <- vet.Run(ctx, vet.Request{Dir: root, ModFile: p.ModFile, SumFile: p.SumFile, Packages: pkgs})
			}()
		})
	}
	// applyVet gives the folder what go vet found, once, before the first
	// result is told (vet is done long before the first test binary is).
	vetDone := false
	applyVet := func(f *verdict.Folder) {
		if vetDone {
			return
		}
		vetDone = true
		goVet()
		for ip, fs := range <-vetted {
			var vf []verdict.VetFinding
			for _, x := range fs {
				vf = append(vf, verdict.VetFinding{File: x.File, Line: x.Line, Analyzer: x.Analyzer, Message: x.Message})
			}
			f.Vet(ip, vf)
		}
	}
	stopped := ""
	if len(req.Packages) > 0 {
		// The test binaries stop themselves at -timeout with a goroutine
		// dump. This deadline is the backstop for code that defeats that.
		limit := 3*time.Minute + timeout*time.Duration(len(req.Packages))
		rctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		err := run.Test(rctx, req, func(ev testjson.Event) {
			// Setup failures name a package by the argument it was
			// given ("./exercises/02-x"), not by its import path.
			if ip, ok := byArg[ev.Package]; ok {
				ev.Package = ip
			}
			if ip, ok := byArg[ev.ImportPath]; ok {
				ev.ImportPath = ip
			}
			if ip, ok := byArg[ev.FailedBuild]; ok {
				ev.FailedBuild = ip
			}
			goVet()
			folder.Event(ev)
			if p.Event != nil {
				p.Event(ev)
			}
			if i, ok := targetOf[ev.Package]; ok && p.Graded != nil && ev.Test == "" && ended(ev.Action) {
				applyVet(folder)
				if r, ok := folder.Result(ev.Package); ok {
					p.Graded(i, r)
				}
			}
		}, nil)
		switch {
		case ctx.Err() != nil:
			return out, ctx.Err()
		case rctx.Err() != nil:
			stopped = fmt.Sprintf("The grader stopped the tests after %v: they would not end on their own.", limit)
		case errors.Is(err, run.ErrTampered):
			// Code under test changed the hidden tests or the module
			// files while other packages were still to be built.
			for i := range inputs {
				if inputs[i].Missing == "" {
					inputs[i].Missing = "The grader's own files (the hidden tests, the module files) changed while the tests ran: " +
						"code under test wrote to them. Nothing of this run is graded."
				}
			}
			folder = verdict.NewFolder(req.SealKey, inputs)
		case err != nil:
			return out, err
		}
	}
	applyVet(folder)
	out.Results = folder.Results(stopped)
	return out, nil
}

// NotAllowed starts the message of an exercise whose code imports or uses
// what the exercise does not allow; ReachesIntoGrading that of code that
// names the grading's own secrets (rules.Tampering).
const (
	NotAllowed         = "Your code uses what this exercise does not allow, so it was not built or run:"
	ReachesIntoGrading = "Your code reaches into the grading itself, so it was not graded:"
)

// checkImports sets Missing for each target whose code, as the build sees
// it (`go list` over the same overlay and module files), imports what its
// exercise does not allow, uses a file other than plain Go, or a package
// of the module outside the exercise's folder. Nothing of such code is
// built or run.
func checkImports(ctx context.Context, req run.Request, targets []Target, inputs []verdict.Input, pkgs []run.Package, root string) error {
	list := req
	list.Packages = nil
	var which []int
	for i := range targets {
		if inputs[i].Missing == "" {
			pkgs[i].ImportPath = inputs[i].ImportPath
			list.Packages = append(list.Packages, pkgs[i])
			which = append(which, i)
		}
	}
	if len(which) == 0 {
		return nil
	}
	listed, err := run.List(ctx, list)
	if err != nil {
		return err
	}
	pkgsOf := map[string]*rules.Package{}
	for ip, l := range listed {
		p := &rules.Package{ImportPath: ip, Dir: l.Dir, Standard: l.Standard, InModule: l.Module != nil && l.Module.Main,
			GoFiles: l.GoFiles, CgoFiles: l.CgoFiles, Imports: l.Imports, Deps: l.Deps, Other: map[string][]string{
				"C": l.CFiles, "C++": l.CXXFiles, "Objective-C": l.MFiles, "header": l.HFiles, "Fortran": l.FFiles,
				"assembly": l.SFiles, "SWIG": append(append([]string(nil), l.SwigFiles...), l.SwigCXXFiles...),
				"object (.syso)": l.SysoFiles, "embedded": l.EmbedFiles,
			}}
		if len(l.EmbedFiles) == 0 && len(l.EmbedPatterns) > 0 {
			p.Other["embedded"] = l.EmbedPatterns
		}
		pkgsOf[ip] = p
	}
	rel := func(file string) string {
		r, err := filepath.Rel(root, file)
		if err != nil {
			return file
		}
		return filepath.ToSlash(r)
	}
	for _, i := range which {
		bad := rules.Imports(pkgsOf, inputs[i].ImportPath, targets[i].Dir, rules.AllowedImports(targets[i].Exercise.Imports), rel)
		if len(bad) == 0 {
			// The seal package goes first: a file laid into the package
			// imports it, so its init reads the key before any init of
			// the student's.
			if l := listed[inputs[i].ImportPath]; l != nil && l.Name != "" {
				pkgs[i].Add[earlyName(targets[i].Dir)] = seal.EarlyFile(l.Name)
				addYields(pkgs[i], l.Dir, l.GoFiles, req.Overlay)
			}
			continue
		}
		var lines []string
		for _, v := range bad {
			lines = append(lines, "  "+v.String())
		}
		inputs[i].Missing = NotAllowed + "\n" + strings.Join(lines, "\n")
	}
	return nil
}

// ended reports whether a package's event is its last: its result.
func ended(a testjson.Action) bool {
	return a == testjson.Pass || a == testjson.Fail || a == testjson.Skip
}

// earlyName is a name for seal's file in the package folder dir that no
// file of the student's has.
func earlyName(dir string) string {
	for i := 0; ; i++ {
		name := fmt.Sprintf("zz_grader_seal%d.go", i)
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			return name
		}
	}
}

// maxSource bounds one source file of a student's.
const maxSource = 1 << 20

// prepare looks at a target's folder: its files, the rules, what to lay in
// and what to leave out.
func prepare(root, modPath string, t Target) (verdict.Input, run.Package) {
	e := t.Exercise
	rel, _ := filepath.Rel(root, t.Dir)
	rel = filepath.ToSlash(rel)
	in := verdict.Input{
		Exercise:   e,
		ImportPath: modPath + "/" + rel,
		Label:      filepath.Base(t.Dir),
		Files:      traceback.Filter{Dir: t.Dir, Root: root},
	}
	pkg := run.Package{Dir: t.Dir}
	entries, err := os.ReadDir(t.Dir)
	if err != nil {
		in.Missing = fmt.Sprintf("The folder %s is missing, so there is nothing to grade. "+
			"Restore the exercise with `go run ./grader reset %s`.", rel, e.Number())
		return in, pkg
	}
	for d := t.Dir; d != root && strings.HasPrefix(d, root); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			r, _ := filepath.Rel(root, filepath.Join(d, "go.mod"))
			in.Missing = fmt.Sprintf("%s makes %s a module of its own, outside the course, so the grader cannot grade it. "+
				"Remove that go.mod (and its go.sum): the exercise is built with the course's module.", filepath.ToSlash(r), rel)
			return in, pkg
		}
	}
	var sources []rules.Source
	for _, de := range entries {
		name := de.Name()
		if de.IsDir() || !strings.HasSuffix(name, ".go") {
			continue
		}
		if strings.HasSuffix(name, "_test.go") {
			if !hiddenName(e, name) {
				// A file of the same name is replaced by the hidden one.
				pkg.Drop = append(pkg.Drop, name)
			}
			in.Notices = append(in.Notices, fmt.Sprintf("%s/%s was left out: the grader runs only its own tests, so test files of yours do not count (nor can they break the grading).", rel, name))
			continue
		}
		if ok, err := buildCtx.MatchFile(t.Dir, name); err == nil && !ok {
			// A build constraint (//go:build ignore, !race) or a file name
			// (_windows.go) leaves the file out: its code would not be
			// what gets graded.
			why := fmt.Sprintf("%s/%s is left out of the build by its build constraint or its file name", rel, name)
			if name == e.File {
				in.Missing = why + ", so the grader would not be grading your code. " +
					"It is the file you edit for this exercise: remove the //go:build line (or restore the name)."
				return in, pkg
			}
			in.Notices = append(in.Notices, why+": it was not graded.")
			continue
		}
		// A link to /dev/zero, a pipe or a giant file would make the grader
		// (and the compiler) read without end: grade none of it.
		if fi, err := os.Stat(filepath.Join(t.Dir, name)); err != nil || !fi.Mode().IsRegular() || fi.Size() > maxSource {
			in.Missing = fmt.Sprintf("%s/%s is not a regular Go source file of at most %d KiB (a link to a device, a pipe, or huge), "+
				"so the grader will not build it. Make it an ordinary file again (`go run ./grader reset %s` restores the stub).",
				rel, name, maxSource>>10, e.Number())
			return in, pkg
		}
		data, err := os.ReadFile(filepath.Join(t.Dir, name))
		if err != nil {
			continue
		}
		sources = append(sources, rules.Source{Name: rel + "/" + name, Data: data})
	}
	pkg.Add = HiddenTests(e, in.ImportPath)
	in.Violations = rules.Check(e.Rules, sources)
	in.Sources = sources
	if bad := rules.Tampering(studentCode(root, modPath, t.Dir)); len(bad) > 0 {
		var lines []string
		for _, v := range bad {
			lines = append(lines, "  "+v.String())
		}
		in.Missing = ReachesIntoGrading + "\n" + strings.Join(lines, "\n") +
			"\nOnly the hidden tests decide a grade: remove this and let them run."
	}
	return in, pkg
}

// studentCode returns the non-test Go files that a build of the exercise in
// dir compiles from the student's tree: its folder and the folders below,
// and the module's own packages that they import (the grader's packages
// aside), named relative to the root.
func studentCode(root, modPath, dir string) []rules.Source {
	var out []rules.Source
	seen := map[string]bool{}
	queue := []string{}
	read := func(d string) {
		entries, err := os.ReadDir(d)
		if err != nil {
			return
		}
		for _, de := range entries {
			name := de.Name()
			if de.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			// Only regular files of a sane size: a link to /dev/zero must
			// not be read without end (the build reports such a file).
			if fi, err := os.Stat(filepath.Join(d, name)); err != nil || !fi.Mode().IsRegular() || fi.Size() > maxSource {
				continue
			}
			data, err := os.ReadFile(filepath.Join(d, name))
			if err != nil {
				continue
			}
			rel, _ := filepath.Rel(root, filepath.Join(d, name))
			out = append(out, rules.Source{Name: filepath.ToSlash(rel), Data: data})
			for _, m := range importRE.FindAllSubmatch(data, -1) {
				if p := string(m[1]); strings.HasPrefix(p, modPath+"/") && !strings.HasPrefix(p, modPath+"/grader/") {
					queue = append(queue, filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(p, modPath+"/"))))
				}
			}
		}
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			seen[p] = true
			read(p)
		}
		return nil
	})
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		if !seen[d] {
			seen[d] = true
			read(d)
		}
	}
	return out
}

// importRE finds the quoted import paths of a file (and other quoted
// strings that look like them, which at worst adds a folder to read).
var importRE = regexp.MustCompile(`"([\w.-]+(?:/[\w.-]+)+)"`)

// buildCtx says which files a build takes. The "race" tag is set as a
// -race build sets it, so that a file kept out of race builds is noticed.
var buildCtx = func() build.Context {
	c := build.Default
	c.BuildTags = append(c.BuildTags, "race")
	return c
}()

func hiddenName(e *catalog.Exercise, name string) bool {
	for _, h := range e.Hidden {
		if h.Name == name {
			return true
		}
	}
	return false
}

// HiddenTests returns the hidden test files of e, by name, made to test the
// package at importPath. Hidden tests of a library exercise live in its
// external test package and import it by its path in the course: the
// folder under exercises/. They are pointed at the folder actually graded
// (solutions/, a selftest copy), or they would grade the stub instead.
func HiddenTests(e *catalog.Exercise, importPath string) map[string][]byte {
	from := []byte(strconv.Quote(ModulePath(course.ModFile) + "/exercises/" + e.Name))
	to := []byte(strconv.Quote(importPath))
	files := make(map[string][]byte, len(e.Hidden))
	for _, h := range e.Hidden {
		files[h.Name] = bytes.ReplaceAll(h.Data, from, to)
	}
	return files
}

// ModulePath is the module path that the go.mod file modFile declares.
func ModulePath(modFile []byte) string { return module.Path(modFile) }
