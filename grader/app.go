package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-concurrency-lab/course/grader/hidden"
	"github.com/go-concurrency-lab/course/grader/internal/catalog"
)

// Exit codes of the grader (the contract in doc.go).
const (
	exitPass  = 0 // every graded exercise passes
	exitFail  = 1 // some exercise does not pass
	exitUsage = 2 // the command line was wrong
	exitError = 3 // the grader itself failed
)

// command is one subcommand of the grader.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) int
}

// commands holds every subcommand; each command's file adds itself in an
// init function, so that adding a command touches one new file.
var commands = map[string]command{}

// env is what every command gets.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader // what the student types (watch's keys, reset's answer)
}

// usageError is a command-line mistake: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// run is the grader: it returns the process's exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, stdin: os.Stdin}
	if os.Getenv("GRADER_PEAK_RSS") == "1" {
		// For make bench: the grader's own peak memory, children excluded.
		defer func() {
			if rss, ok := peakRSS(); ok {
				fmt.Fprintf(stderr, "grader: peak RSS %d\n", rss)
			}
		}()
	}
	name, explicit := "test", false
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		if _, ok := commands[args[0]]; ok {
			name, args, explicit = args[0], args[1:], true
		} else if args[0] != "help" && !looksLikeExercise(args[0]) {
			fmt.Fprintf(stderr, "grader: unknown command %q (commands: %s)\n", args[0], strings.Join(commandNames(), ", "))
			return exitUsage
		}
	}
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") && !explicit {
		printUsage(stderr)
		return exitUsage
	}
	return commands[name].run(ctx, e, args)
}

// looksLikeExercise tells "grader 01" (grade exercise 01) from a typo of a
// command name.
func looksLikeExercise(arg string) bool {
	return arg != "" && (arg[0] >= '0' && arg[0] <= '9' || strings.ContainsAny(arg, "/\\"))
}

func commandNames() []string {
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: go run ./grader [command] [flags] [exercise ...]")
	fmt.Fprintln(w, "\ncommands:")
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nexercise: its full name (01-wait-for-hello) or its number (01).")
	fmt.Fprintln(w, "go run ./grader COMMAND -h lists the command's flags; `go doc ./grader` is the manual.")
}

// newFlags returns a flag set that reports errors to stderr and does not exit.
func newFlags(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("grader "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parseFlags parses args, allowing flags after the exercise names too.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// loadCatalog reads the hidden archives: the grader's own, or those in dir.
func loadCatalog(dir string) (*catalog.Catalog, error) {
	var fsys fs.FS = hidden.FS
	if dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, usageError{fmt.Sprintf("hidden tests folder: %v", err)}
		}
		fsys = os.DirFS(dir)
	}
	c, err := catalog.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("reading the hidden tests: %w", err)
	}
	return c, nil
}

// moduleRoot returns the nearest folder at or above dir that has a go.mod.
func moduleRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s is not inside a Go module (no go.mod above it): run the grader from the course's folder", dir)
		}
	}
}

// exitFor turns an error into an exit code, printing it.
func exitFor(e *env, err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(e.stderr, "grader: %v\n", err)
		return exitUsage
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.stderr, "grader: interrupted")
		return exitError
	}
	fmt.Fprintf(e.stderr, "grader: %v\n", err)
	return exitError
}
