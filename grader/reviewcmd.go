package main

import (
	"context"
	"embed"
	"flag"
	"fmt"
	"github.com/go-concurrency-lab/course/grader/internal/module"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	course "github.com/go-concurrency-lab/course"
	"github.com/go-concurrency-lab/course/grader/internal/review"
	gradingRun "github.com/go-concurrency-lab/course/grader/internal/run"
)

func init() {
	commands["review"] = command{"grade student checkouts into a gradebook: review [-format csv|markdown|json] DIR...", runReview}
}

// pristine holds the grader's own copy of the packages the hidden tests
// import. A review lays it over every student's checkout, where those
// packages are the student's to edit.
//
//go:embed check/*.go internal/traceback/*.go internal/seal/*.go
var pristine embed.FS

// pristineDirs are the folders of pristine, relative to the course's root.
var pristineDirs = []string{"grader/check", "grader/internal/traceback", "grader/internal/seal"}

func pristineOverlay() (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(pristine, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
			return err
		}
		data, err := fs.ReadFile(pristine, p)
		if err != nil {
			return err
		}
		files[path.Join("grader", p)] = data
		return nil
	})
	return files, err
}

func runReview(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "review")
	format := fs.String("format", "csv", "write the gradebook as `format`: "+strings.Join(review.Formats(), "|")+" (default: from -o's extension, else csv)")
	output := fs.String("o", "", "write the gradebook to `file` instead of stdout")
	hiddenDir := fs.String("hidden", "", "read the hidden tests from `dir` (a folder per exercise, or *.txtar archives) instead of the grader's own")
	courseDir := fs.String("course", "", "the instructor's checkout of the course, to compare with (default: the module at the current folder)")
	only := fs.String("exercises", "", "grade only these `exercises` (comma-separated names or numbers); default all")
	jobs := fs.Int("j", max(1, runtime.NumCPU()/2), "grade `n` students at a time")
	timeout := fs.Duration("timeout", 15*time.Minute, "stop grading a student after `d` (they get 0)")
	race := fs.Bool("race", true, "look for data races (needs cgo)")
	sandbox := fs.Bool("sandbox", true, "run each student's tests in a sandbox (Linux, bubblewrap); where none can be had, the gradebook says so")
	diffDir := fs.String("diff", "", "write each student's code beside the reference solution, as Markdown, into `dir`")
	merge := fs.Bool("merge", false, "merge JSON gradebooks (the arguments) into one, instead of grading")
	dirs, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage
	}
	formatSet := false
	fs.Visit(func(f *flag.Flag) { formatSet = formatSet || f.Name == "format" })
	if !formatSet {
		// -o gradebook.md needs no -format markdown.
		switch strings.ToLower(filepath.Ext(*output)) {
		case ".md", ".markdown":
			*format = "markdown"
		case ".json":
			*format = "json"
		}
	}
	write, err := review.Lookup(*format)
	if err != nil {
		return exitFor(e, usageError{err.Error()})
	}
	if len(dirs) == 0 {
		fmt.Fprintln(e.stderr, "usage: grader review [flags] DIR...   (one folder per student's checkout)")
		fmt.Fprintln(e.stderr, "       grader review -merge [flags] GRADEBOOK.json...")
		fs.PrintDefaults()
		return exitUsage
	}
	if *jobs < 1 {
		return exitFor(e, usageError{"-j must be at least 1"})
	}

	// Open the gradebook's file first: a path that cannot be written
	// should not cost a whole review.
	out := e.stdout
	if *output != "" && *output != "-" {
		f, err := os.Create(*output)
		if err != nil {
			return exitFor(e, err)
		}
		defer f.Close()
		out = f
	}

	var gb *review.Gradebook
	if *merge {
		if gb, err = review.Merge(dirs); err != nil {
			return exitFor(e, err)
		}
	} else {
		if gb, err = reviewClass(ctx, e, dirs, reviewOptions{
			hidden: *hiddenDir, course: *courseDir, only: *only, jobs: *jobs,
			timeout: *timeout, noRace: !*race, diff: *diffDir, output: *output, sandbox: *sandbox,
		}); err != nil {
			return exitFor(e, err)
		}
	}
	// Nothing a student's code started may outlive the grading and
	// change the gradebook once it is written.
	gradingRun.KillDescendants()
	if err := write(out, gb); err != nil {
		return exitFor(e, err)
	}
	if f, ok := out.(*os.File); ok && f != e.stdout {
		if err := f.Close(); err != nil {
			return exitFor(e, err)
		}
	}
	return exitPass
}

type reviewOptions struct {
	hidden, course, only string
	jobs                 int
	timeout              time.Duration
	noRace, sandbox      bool
	diff, output         string
}

func reviewClass(ctx context.Context, e *env, dirs []string, o reviewOptions) (*review.Gradebook, error) {
	cat, err := loadCatalog(o.hidden)
	if err != nil {
		return nil, err
	}
	var names []string
	if o.only != "" {
		for _, n := range strings.Split(o.only, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
	}
	exercises, err := cat.Select(names)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	start := o.course
	if start == "" {
		start = "."
	}
	root, err := moduleRoot(start)
	if err != nil {
		return nil, usageError{"-course: " + err.Error()}
	}
	if module.Path(mustRead(filepath.Join(root, "go.mod"))) != module.Path(course.ModFile) {
		return nil, usageError{fmt.Sprintf("%s is not a checkout of the course (its go.mod names another module): run the review from the instructor's checkout, or give it with -course", root)}
	}
	ref, err := review.NewReference(root, append(append([]string(nil), dirs...), o.output, o.diff))
	if err != nil {
		return nil, err
	}
	overlay, err := pristineOverlay()
	if err != nil {
		return nil, err
	}
	cfg := review.Config{
		Exercises: exercises,
		Reference: ref,
		Overlay:   overlay,
		Clear:     pristineDirs,
		ModFile:   course.ModFile,
		SumFile:   course.SumFile,
		Solutions: filepath.Join(root, "solutions"),
		Stubs:     filepath.Join(root, "exercises"),
		Jobs:      o.jobs,
		Timeout:   o.timeout,
		NoRace:    o.noRace,
		Progress:  e.stderr,
	}
	if o.diff != "" {
		cfg.Graded = func(s review.Student) {
			if err := review.WriteSideBySideFile(o.diff, s, cfg.Solutions); err != nil {
				fmt.Fprintf(e.stderr, "grader: %s: writing the side-by-side page: %v\n", s.Name, err)
			}
		}
	}
	cfg.Hide = sandboxHide(root, o.hidden)
	if o.sandbox {
		cfg.Sandbox, cfg.NoSandbox = gradingRun.SandboxAvailable(ctx)
	} else {
		cfg.NoSandbox = "turned off with -sandbox=false"
	}
	if !cfg.Sandbox {
		fmt.Fprintf(e.stderr, "grader: notice: no sandbox: %s. Each student's code runs with your account's access to this machine; the gradebook says so.\n", cfg.NoSandbox)
	}
	fmt.Fprintf(e.stderr, "Reviewing %d checkout(s), %d exercise(s), %d at a time...\n", len(dirs), len(exercises), o.jobs)
	return review.Run(ctx, cfg, dirs)
}

func mustRead(p string) []byte {
	data, _ := os.ReadFile(p)
	return data
}

// sandboxHide lists the folders that the sandbox shows empty to the code
// under test: the course's hidden tests and solutions in the instructor's
// checkout, the -hidden folder, and those of GCL_SANDBOX_HIDE (Classroom
// 50's bundle, say).
func sandboxHide(root, hidden string) []string {
	dirs := []string{filepath.Join(root, "grader", "hidden"), filepath.Join(root, "solutions")}
	if hidden != "" {
		if abs, err := filepath.Abs(hidden); err == nil {
			dirs = append(dirs, abs)
		}
	}
	for _, d := range filepath.SplitList(os.Getenv("GCL_SANDBOX_HIDE")) {
		if abs, err := filepath.Abs(d); err == nil && d != "" {
			dirs = append(dirs, abs)
		}
	}
	return dirs
}
