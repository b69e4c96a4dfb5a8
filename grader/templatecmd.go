package main

import (
	"context"
	"fmt"
	"github.com/go-concurrency-lab/course/grader/internal/module"
	"os"
	"path/filepath"

	course "github.com/go-concurrency-lab/course"
	"github.com/go-concurrency-lab/course/grader/internal/handout"
)

func init() {
	commands["template"] = command{"write the repository as students receive it: template [-no-hidden] OUT", runTemplate}
}

func runTemplate(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "template")
	noHidden := fs.Bool("no-hidden", false, "leave the hidden tests out too (keep them private; grade with review -hidden)")
	courseDir := fs.String("course", "", "the instructor's checkout of the course (default: the module at the current folder)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(rest) != 1 {
		fmt.Fprintln(e.stderr, "usage: grader template [-no-hidden] OUT")
		fs.PrintDefaults()
		return exitUsage
	}
	out := rest[0]
	start := *courseDir
	if start == "" {
		start = "."
	}
	root, err := moduleRoot(start)
	if err != nil {
		return exitFor(e, usageError{err.Error()})
	}
	if module.Path(mustRead(filepath.Join(root, "go.mod"))) != module.Path(course.ModFile) {
		return exitFor(e, usageError{fmt.Sprintf("%s is not a checkout of the course", root)})
	}
	if abs, _ := filepath.Abs(out); abs == root {
		return exitFor(e, usageError{"OUT must be a new folder, not the course itself"})
	}
	c, err := handout.Open(root)
	if err != nil {
		return exitFor(e, fmt.Errorf("reading the course: %w", err))
	}
	files, err := handout.Write(c, out, *noHidden)
	if err != nil {
		return exitFor(e, err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return exitFor(e, err)
	}
	what := "with the hidden tests"
	if *noHidden {
		what = "without solutions/ or the hidden tests (grade with `grader review -hidden DIR`)"
	} else {
		what = "without solutions/, " + what
	}
	from := "the files in " + root
	if c.FromGit() {
		from = "the course as committed (git HEAD)"
	}
	fmt.Fprintf(e.stderr, "From %s:\n", from)
	fmt.Fprintf(e.stderr, "Wrote %d files into %s, %s.\nPush it as the template repository: cd %s && git init && git add . && git commit -m \"Go Concurrency Lab\"\n", len(files), out, what, out)
	return exitPass
}
