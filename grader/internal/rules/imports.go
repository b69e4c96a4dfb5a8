package rules

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// DefaultImports are the standard packages that the student's code of an
// exercise may import unless the exercise says otherwise: what the
// reference solutions use (sync, sync/atomic, context, errors, time, fmt,
// strings, unicode, hash/fnv) and what a correct answer may reasonably use
// besides. None of them reads or writes files, starts processes, reaches
// the network or the environment, or gets past the type system: not os,
// syscall, unsafe, os/exec, net, plugin, testing, io/fs, path/filepath,
// runtime/debug (its WriteHeapDump writes to any descriptor) and the like.
// A name ending in "/..." allows the packages below it too.
var DefaultImports = []string{
	"bufio", "bytes", "cmp", "container/...", "context", "errors", "fmt",
	"hash", "hash/...", "io", "iter", "log", "maps", "math", "math/...",
	"reflect", "regexp", "runtime", "slices", "sort", "strconv", "strings",
	"sync", "sync/atomic", "time", "unicode", "unicode/...", "unique", "weak",
}

// AllowedImports is what the student's code of an exercise may import:
// DefaultImports and the exercise's own additions.
func AllowedImports(extra []string) []string {
	return append(slices.Clone(DefaultImports), extra...)
}

func allowed(list []string, path string) bool {
	for _, a := range list {
		if a == path {
			return true
		}
		if base, ok := strings.CutSuffix(a, "/..."); ok && strings.HasPrefix(path, base+"/") {
			return true
		}
	}
	return false
}

// Package is one package of the build, as `go list` reports it after
// build constraints (see run.Listed).
type Package struct {
	ImportPath string
	Dir        string
	Standard   bool
	InModule   bool // a package of the module being graded
	GoFiles    []string
	CgoFiles   []string
	// Other lists every file of another kind than plain Go that the
	// build would use, by kind: "C", "assembly", "object (.syso)",
	// "embedded", ...
	Other   map[string][]string
	Imports []string
	Deps    []string
	Error   string
}

// Imports checks the package at target (an import path of pkgs, which
// holds it and everything it depends on) and the packages of its folder
// that it depends on: they may import only the standard packages in
// allow and each other, and use no file but plain Go. dir is the
// exercise's folder; rel names files for messages (relative to the
// module's root).
func Imports(pkgs map[string]*Package, target, dir string, allow []string, rel func(string) string) []Violation {
	root := pkgs[target]
	if root == nil {
		return []Violation{{File: rel(dir), Message: "the grader could not list this exercise's package"}}
	}
	inside := func(p *Package) bool {
		return p != nil && !p.Standard && within(dir, p.Dir)
	}
	own := []*Package{root}
	for _, d := range root.Deps {
		if p := pkgs[d]; inside(p) {
			own = append(own, p)
		}
	}
	allowedText := strings.Join(allow, ", ")
	var out []Violation
	for _, p := range own {
		for _, name := range p.CgoFiles {
			file := filepath.Join(p.Dir, name)
			out = append(out, Violation{rel(file), importLine(file, "C"),
				`import "C" (cgo) is not allowed: it builds C code into the program, and runs the C compiler on your code. Write the exercise in Go only.`})
		}
		for _, kind := range otherKinds {
			for _, name := range p.Other[kind] {
				out = append(out, Violation{rel(filepath.Join(p.Dir, name)), 0,
					fmt.Sprintf("this %s file would be built into your package, and only Go files may be: remove it.", kind)})
			}
		}
		for _, imp := range p.Imports {
			if imp == "C" {
				continue // reported with the cgo files
			}
			dep := pkgs[imp]
			switch {
			case inside(dep):
				continue // a package of the exercise's own folder
			case dep != nil && dep.Standard && allowed(allow, imp):
				continue
			}
			file, line := importSite(p, imp)
			why := fmt.Sprintf("import %q is not allowed in this exercise: it allows only these standard packages (and packages in its own folder): %s.", imp, allowedText)
			if dep != nil && dep.InModule {
				why = fmt.Sprintf("import %q is not allowed: it is a package of the course outside this exercise's folder, and an exercise may import only standard packages (%s) and packages in its own folder.", imp, allowedText)
			} else if dep != nil && !dep.Standard {
				why = fmt.Sprintf("import %q is not allowed: an exercise may import only standard packages (%s) and packages in its own folder.", imp, allowedText)
			}
			out = append(out, Violation{rel(file), line, why})
		}
	}
	return out
}

// otherKinds are the kinds of Package.Other, in the order messages give.
var otherKinds = []string{"C", "C++", "Objective-C", "header", "Fortran", "assembly", "SWIG", "object (.syso)", "embedded"}

// within reports whether path is dir or inside it.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// importSite finds the file and line of the package's import of path.
func importSite(p *Package, path string) (string, int) {
	for _, name := range append(slices.Clone(p.GoFiles), p.CgoFiles...) {
		file := filepath.Join(p.Dir, name)
		if line := importLine(file, path); line > 0 {
			return file, line
		}
	}
	return p.Dir, 0
}

// importLine is the line of file that imports path, or 0.
func importLine(file, path string) int {
	fi, err := os.Stat(file)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > 1<<20 {
		return 0
	}
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, file, nil, parser.ImportsOnly|parser.SkipObjectResolution)
	if err != nil {
		return 0
	}
	for _, imp := range af.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == path {
			return fset.Position(imp.Pos()).Line
		}
	}
	return 0
}
