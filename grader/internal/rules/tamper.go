package rules

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
)

// Tampering looks in the student's files for code that reaches into the
// grading itself rather than doing the exercise: the grader's environment
// variables (the seal key), /proc (where a process can read them back),
// the test framework's framing byte or the seal's words, the test flags
// (in os.Args or by name), and //go:linkname. Each is a way to make a
// failing program report passing tests; none has a place in an exercise.
//
// It is a static net, not a proof: the seal (see check.Seal) keeps code
// from imitating a pass by printing, and this keeps it from the key.
func Tampering(files []Source) []Violation {
	fset := token.NewFileSet()
	var out []Violation
	for _, f := range files {
		af, err := parser.ParseFile(fset, f.Name, f.Data, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		add := func(pos token.Pos, what string) {
			out = append(out, Violation{f.Name, fset.Position(pos).Line, what})
		}
		for _, cg := range af.Comments {
			for _, c := range cg.List {
				if strings.HasPrefix(c.Text, "//go:linkname") {
					add(c.Pos(), "//go:linkname reaches into the internals of other packages")
				}
			}
		}
		osName := ""
		for _, imp := range af.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "os" {
				osName = "os"
				if imp.Name != nil {
					osName = imp.Name.Name // "." for a dot import
				}
			}
		}
		ast.Inspect(af, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if n.Kind != token.STRING && n.Kind != token.CHAR {
					return true
				}
				s, err := strconv.Unquote(n.Value)
				if err != nil {
					return true
				}
				if what := tamperString(s); what != "" {
					add(n.Pos(), what)
				}
			case *ast.AssignStmt:
				for _, lhs := range n.Lhs {
					if osArgs(lhs, osName) {
						add(n.Pos(), "assigning to os.Args changes the test flags")
					}
				}
			}
			return true
		})
	}
	return out
}

// testFlag matches the name of a flag of the testing package, as flag.Set
// takes it or as a command line holds it ("test.txt" is not one).
var testFlag = regexp.MustCompile(`^-{0,2}test\.(run|skip|timeout|v|count|paniconexit0|failfast|parallel|cpu|short|list|shuffle|fullpath|testlogfile|gocoverdir|coverprofile|outputdir|artifacts|trace|bench\w*|\w+profile\w*)(=|$)`)

func tamperString(s string) string {
	switch {
	case strings.Contains(s, "GCL_"):
		return fmt.Sprintf("%q names the grader's own environment variables", s)
	case strings.Contains(s, "/proc/"):
		return fmt.Sprintf("%q reads /proc, where a process finds the grader's keys", s)
	case strings.Contains(s, "\x16"):
		return "the byte \\x16 frames the test framework's results: printing it imitates them"
	case strings.Contains(s, "check: seal"):
		return "\"check: seal\" imitates the grader's seal"
	case testFlag.MatchString(s):
		return fmt.Sprintf("%q names a test flag: the grader sets them", s)
	}
	return ""
}

// osArgs reports whether e is os.Args or an element of it.
func osArgs(e ast.Expr, osName string) bool {
	if osName == "" {
		return false
	}
	if ix, ok := e.(*ast.IndexExpr); ok {
		e = ix.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return osName == "." && id.Name == "Args"
	}
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Args" {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == osName
}
