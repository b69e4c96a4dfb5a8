// Package rules checks an exercise's static rules against the student's
// source: identifiers it must not use or must use, and functions that may
// only run in a goroutine of their own.
package rules

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"strconv"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/catalog"
)

// Violation is one broken rule, at a place in the student's code.
type Violation struct {
	File    string // as given to Check
	Line    int    // 0 when the rule is about the whole package
	Message string
}

func (v Violation) String() string {
	if v.Line == 0 {
		return fmt.Sprintf("%s: %s", v.File, v.Message)
	}
	return fmt.Sprintf("%s:%d: %s", v.File, v.Line, v.Message)
}

// Source is one file of the student's package.
type Source struct {
	Name string // how messages name it, e.g. exercises/01-wait-for-hello/main.go
	Data []byte
}

// Check applies rules to the files. A file that does not parse is skipped:
// the build check reports it.
func Check(rules []catalog.Rule, files []Source) []Violation {
	fset := token.NewFileSet()
	var parsed []*ast.File
	var names []string
	for _, f := range files {
		af, err := parser.ParseFile(fset, f.Name, f.Data, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		parsed = append(parsed, af)
		names = append(names, f.Name)
	}
	var out []Violation
	for _, r := range rules {
		switch {
		case r.Forbid != "":
			for i, af := range parsed {
				for _, pos := range uses(af, r.Forbid) {
					out = append(out, Violation{names[i], fset.Position(pos).Line,
						fmt.Sprintf("%s is not allowed here: %s", display(r.Forbid), r.Why)})
				}
			}
		case r.Require != "":
			found := false
			for _, af := range parsed {
				found = found || len(uses(af, r.Require)) > 0
			}
			if !found && len(names) > 0 {
				out = append(out, Violation{names[0], 0, fmt.Sprintf("use %s: %s", display(r.Require), r.Why)})
			}
		case r.InGoroutine != "":
			for i, af := range parsed {
				for _, pos := range outsideGoroutine(af, r.InGoroutine) {
					out = append(out, Violation{names[i], fset.Position(pos).Line,
						fmt.Sprintf("%s runs here without a goroutine of its own: %s", r.InGoroutine, r.Why)})
				}
			}
		}
	}
	return out
}

// display turns "sync/atomic.AddInt64" into "atomic.AddInt64".
func display(qualified string) string {
	return path.Base(qualified)
}

// uses returns where file refers to the package-level identifier named by
// qualified ("time.Sleep"), through any import name, dot imports included.
func uses(file *ast.File, qualified string) []token.Pos {
	i := strings.LastIndex(qualified, ".")
	pkg, name := qualified[:i], qualified[i+1:]
	local := map[string]bool{}
	dot := false
	for _, imp := range file.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if p != pkg {
			continue
		}
		switch {
		case imp.Name == nil:
			local[path.Base(p)] = true
		case imp.Name.Name == ".":
			dot = true
		case imp.Name.Name != "_":
			local[imp.Name.Name] = true
		}
	}
	var out []token.Pos
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok && local[id.Name] && (name == "*" || n.Sel.Name == name) {
				out = append(out, n.Pos())
			}
		case *ast.Ident:
			if dot && n.Name == name {
				out = append(out, n.Pos())
			}
		}
		return true
	})
	return out
}

// outsideGoroutine returns each use of the function fn that is not inside a
// go statement or an argument of a call to a method named Go.
func outsideGoroutine(file *ast.File, fn string) []token.Pos {
	var out []token.Pos
	var walk func(n ast.Node, inside bool)
	walk = func(n ast.Node, inside bool) {
		ast.Inspect(n, func(c ast.Node) bool {
			switch c := c.(type) {
			case *ast.FuncDecl:
				if c.Recv == nil && c.Name.Name == fn {
					// Its own body is not a use.
					return false
				}
				if c.Recv != nil {
					// A method of the same name is another function.
					walk(c.Type, inside)
					if c.Body != nil {
						walk(c.Body, inside)
					}
					return false
				}
			case *ast.SelectorExpr:
				// x.hello is a method or a field, not the function.
				walk(c.X, inside)
				return false
			case *ast.Field:
				// A struct field or parameter named hello is not the function.
				walk(c.Type, inside)
				return false
			case *ast.KeyValueExpr:
				if _, ok := c.Key.(*ast.Ident); ok {
					// A field name in a composite literal.
					walk(c.Value, inside)
					return false
				}
			case *ast.GoStmt:
				if !inside {
					walk(c.Call, true)
					return false
				}
			case *ast.CallExpr:
				if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Go" && !inside {
					walk(sel.X, false)
					for _, a := range c.Args {
						walk(a, true)
					}
					return false
				}
			case *ast.Ident:
				if c.Name == fn && !inside {
					out = append(out, c.Pos())
				}
			}
			return true
		})
	}
	walk(file, false)
	return out
}
