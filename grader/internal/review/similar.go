package review

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/handout"
)

// FingerprintDir fingerprints the Go code of an exercise folder (test
// files aside): "" when there is none, or it does not parse.
func FingerprintDir(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	files := map[string][]byte{}
	for _, de := range entries {
		n := de.Name()
		if de.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		data, err := handout.ReadRegular(filepath.Join(dir, n), maxSourceSize)
		if err != nil {
			return ""
		}
		files[n] = data
	}
	return Fingerprint(files)
}

// Fingerprint is a digest of Go source files that two submissions share
// when they are the same code written with other names, comments, layout
// or file split: comments are dropped, every name that is the student's to
// choose (unexported, not a field or method, not predeclared) is renamed
// by order of first use, and the result is printed by go/format.
func Fingerprint(files map[string][]byte) string {
	if len(files) == 0 {
		return ""
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	fset := token.NewFileSet()
	var parsed []*ast.File
	for _, n := range names {
		f, err := parser.ParseFile(fset, n, files[n], parser.SkipObjectResolution)
		if err != nil {
			return ""
		}
		parsed = append(parsed, f)
	}
	canon := map[string]string{}
	h := sha256.New()
	for _, f := range parsed {
		normalise(f, canon)
		var buf bytes.Buffer
		if err := format.Node(&buf, token.NewFileSet(), stripPositions(f)); err != nil {
			return ""
		}
		h.Write(buf.Bytes())
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// normalise renames the student's own names in f, in place.
func normalise(f *ast.File, canon map[string]string) {
	keep := map[*ast.Ident]bool{f.Name: true}
	imports := map[string]bool{}
	for _, imp := range f.Imports {
		if imp.Name != nil {
			keep[imp.Name] = true
			imports[imp.Name.Name] = true
		} else if p, err := strconv.Unquote(imp.Path.Value); err == nil {
			imports[p[strings.LastIndex(p, "/")+1:]] = true
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			keep[n.Sel] = true // fields and methods: the API, not a choice
		case *ast.StructType:
			for _, fld := range n.Fields.List {
				for _, id := range fld.Names {
					keep[id] = true
				}
			}
		case *ast.InterfaceType:
			for _, m := range n.Methods.List {
				for _, id := range m.Names {
					keep[id] = true
				}
			}
		case *ast.FuncDecl:
			if n.Recv != nil {
				keep[n.Name] = true // a method name
			}
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok {
				keep[id] = true // a field name in a literal, most likely
			}
		}
		return true
	})
	ast.Inspect(f, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || keep[id] {
			return true
		}
		switch {
		case id.Name == "_", id.Name == "main", id.Name == "init", id.IsExported(),
			imports[id.Name], types.Universe.Lookup(id.Name) != nil:
			return true
		}
		c, ok := canon[id.Name]
		if !ok {
			c = fmt.Sprintf("v%d", len(canon))
			canon[id.Name] = c
		}
		id.Name = c
		return true
	})
	f.Comments = nil
	f.Doc = nil
}

// stripPositions clears the comments the printer would otherwise place:
// with the comments gone, a fresh FileSet prints the tree in canonical
// layout.
func stripPositions(f *ast.File) *ast.File {
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			n.Doc, n.Comment = nil, nil
		case *ast.GenDecl:
			n.Doc = nil
		case *ast.FuncDecl:
			n.Doc = nil
		case *ast.ValueSpec:
			n.Doc, n.Comment = nil, nil
		case *ast.TypeSpec:
			n.Doc, n.Comment = nil, nil
		case *ast.ImportSpec:
			n.Doc, n.Comment = nil, nil
		}
		return true
	})
	return f
}

// similar groups students by fingerprint, per exercise. Code equal to the
// untouched stub is nobody's work and is left out; code equal to the
// reference solution is reported as such, even for one student alone.
func similar(gb *Gradebook) []Similar {
	var out []Similar
	for _, col := range gb.Exercises {
		ref := gb.Reference[col.Name]
		groups := map[string][]string{}
		for _, s := range gb.Students {
			for _, g := range s.Grades {
				if g.Name != col.Name || g.Fingerprint == "" || g.Fingerprint == ref.Stub {
					continue
				}
				groups[g.Fingerprint] = append(groups[g.Fingerprint], s.Name)
			}
		}
		for fp, names := range groups {
			isSolution := ref.Solution != "" && fp == ref.Solution
			if len(names) < 2 && !isSolution {
				continue
			}
			sort.Strings(names)
			out = append(out, Similar{Exercise: col.Name, Students: names, Solution: isSolution})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Exercise != out[j].Exercise {
			return out[i].Exercise < out[j].Exercise
		}
		return strings.Join(out[i].Students, ",") < strings.Join(out[j].Students, ",")
	})
	return out
}

// similarFlags are the flags Similar gives each student.
func (gb *Gradebook) similarFlags() map[string][]Flag {
	flags := map[string][]Flag{}
	for _, g := range gb.Similar {
		for _, name := range g.Students {
			if g.Solution {
				flags[name] = append(flags[name], Flag{Kind: FlagSolution, Exercise: g.Exercise, Detail: "same code as the reference solution"})
			}
			var others []string
			for _, o := range g.Students {
				if o != name {
					others = append(others, o)
				}
			}
			if len(others) > 0 {
				flags[name] = append(flags[name], Flag{Kind: FlagSimilar, Exercise: g.Exercise, Detail: "same code as " + strings.Join(others, ", ")})
			}
		}
	}
	return flags
}

// AllFlags returns a student's flags, those of Similar included.
func (gb *Gradebook) AllFlags(s Student) []Flag {
	return append(append([]Flag(nil), s.Flags...), gb.similarFlags()[s.Name]...)
}
