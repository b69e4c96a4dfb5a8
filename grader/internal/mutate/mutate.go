// Package mutate generates concurrency mutants of a Go source file: copies
// of a reference solution with one concurrency mistake each (a lock
// removed, a defer dropped, a channel's capacity changed, a ctx replaced by
// context.Background() ...), for mutation testing of the hidden tests
// (grader selftest -mutate). A mutant that the hidden tests accept is a
// missing test, or an equivalent mutant to be listed with its reason.
//
// The operators follow Bradbury, Cordy and Dingel's concurrency mutation
// operators for Java ("Mutation operators for concurrent Java (J2SE 5.0)",
// 2006), translated to Go's primitives, plus the mistakes students of the
// course make most (see [Operators]).
//
// Each mutant is named operator:function#ordinal ("drop-defer:Stop#1": the
// first site of drop-defer in function Stop, in source order), so that a
// name stays the same from run to run for as long as the function's code
// does.
package mutate

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/diff"
)

// Mutant is one generated mutant.
type Mutant struct {
	Name     string // operator:function#ordinal
	Operator string
	Func     string // the function (method) the mutation is in
	Src      []byte // the mutated file, gofmt'ed
	// Broken is the first type error of the mutant, when it cannot
	// compile (a mutation that needs what the code does not have); the
	// file is still given.
	Broken string
}

// Operator is one kind of mutation.
type Operator struct {
	Name string
	Doc  string // what it does, in a line
	// sites finds every place of f where the operator applies, in source
	// order; applying a site mutates f in place.
	sites func(p *pkg) []site
}

// site is one place an operator applies.
type site struct {
	fn    string // the enclosing function's name
	apply func()
}

// pkg is a parsed file and what the type checker knows of it.
type pkg struct {
	fset *token.FileSet
	file *ast.File
	info *types.Info // nil when the file could not be type-checked
}

// Generate returns the mutants of the Go file src (named filename) that
// every operator makes, in operator order, then source order. Mutants that
// print the same source as the original or as an earlier mutant are left
// out.
func Generate(filename string, src []byte) ([]Mutant, error) {
	return GenerateWith(Operators, filename, src)
}

// GenerateWith is Generate with a chosen list of operators.
func GenerateWith(ops []Operator, filename string, src []byte) ([]Mutant, error) {
	g := &generator{filename: filename, src: src, fset: token.NewFileSet()}
	g.imp = importer.ForCompiler(g.fset, "gc", nil)
	orig, err := g.parse()
	if err != nil {
		return nil, err
	}
	origOut, err := g.print(orig.file)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{string(origOut): true, string(src): true}
	var out []Mutant
	for _, op := range ops {
		p, err := g.parse()
		if err != nil {
			return nil, err
		}
		sites := op.sites(p)
		ordinal := map[string]int{}
		for i, s := range sites {
			ordinal[s.fn]++
			name := fmt.Sprintf("%s:%s#%d", op.Name, s.fn, ordinal[s.fn])
			q, err := g.parse()
			if err != nil {
				return nil, err
			}
			again := op.sites(q)
			if len(again) != len(sites) {
				return nil, fmt.Errorf("mutate: operator %s found %d sites, then %d", op.Name, len(sites), len(again))
			}
			again[i].apply()
			data, broken, err := g.finish(q.file)
			if err != nil {
				return nil, fmt.Errorf("mutant %s: %w", name, err)
			}
			if seen[string(data)] {
				continue
			}
			seen[string(data)] = true
			out = append(out, Mutant{Name: name, Operator: op.Name, Func: s.fn, Src: data, Broken: broken})
		}
	}
	return out, nil
}

type generator struct {
	filename string
	src      []byte
	fset     *token.FileSet
	imp      types.Importer
}

// parse parses the original source afresh (every mutant starts from its
// own tree) and type-checks it.
func (g *generator) parse() (*pkg, error) {
	f, err := parser.ParseFile(g.fset, g.filename, g.src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	p := &pkg{fset: g.fset, file: f}
	p.info, _ = g.check(f)
	return p, nil
}

// check type-checks f; it returns nil info when the imports cannot be
// found, and the errors of the code itself.
func (g *generator) check(f *ast.File) (*types.Info, []types.Error) {
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	var errs []types.Error
	importFailed := false
	conf := types.Config{Importer: g.imp, Error: func(err error) {
		if te, ok := err.(types.Error); ok {
			if strings.Contains(te.Msg, "could not import") {
				importFailed = true
			}
			errs = append(errs, te)
		}
	}}
	conf.Check(f.Name.Name, g.fset, []*ast.File{f}, info)
	if importFailed {
		return nil, errs
	}
	return info, errs
}

// print formats f.
func (g *generator) print(f *ast.File) ([]byte, error) {
	var b bytes.Buffer
	if err := format.Node(&b, g.fset, f); err != nil {
		return nil, err
	}
	return format.Source(b.Bytes())
}

// finish prints a mutated tree as a file that compiles where the mutation
// allows: a variable or import that the mutation left unused is used
// again (`_ = &v`) or removed. The comments stay where they were; if the
// printer could not place them, they go. It returns the first type error
// left, if any.
func (g *generator) finish(f *ast.File) (data []byte, broken string, err error) {
	data, err = g.print(f)
	if err != nil {
		f.Comments = nil
		if data, err = g.print(f); err != nil {
			return nil, "", err
		}
	}
	for range 4 {
		re, err := parser.ParseFile(g.fset, g.filename, data, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, "", fmt.Errorf("the mutant does not parse: %w", err)
		}
		info, errs := g.check(re)
		broken = ""
		if info != nil && len(errs) > 0 {
			broken = errs[0].Error()
		}
		if !repair(g.fset, re, errs) {
			break
		}
		if data, err = g.print(re); err != nil {
			return nil, "", err
		}
	}
	if tidied, err := format.Source(tidy(g.src, data)); err == nil {
		data = tidied
	}
	return data, broken, nil
}

// tidy removes the blank lines that the printer leaves where a statement
// was taken out (it keeps the line numbers of what follows): a blank line
// of the mutant that is not a line of the original goes.
func tidy(orig, mutant []byte) []byte {
	a := strings.SplitAfter(string(orig), "\n")
	b := strings.SplitAfter(string(mutant), "\n")
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:]; the files are small.
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	i, j := 0, 0
	for j < len(b) {
		switch {
		case i < len(a) && a[i] == b[j]:
			out.WriteString(b[j])
			i++
			j++
		case i < len(a) && lcs[i+1][j] >= lcs[i][j+1]:
			i++
		default:
			if strings.TrimSpace(b[j]) != "" {
				out.WriteString(b[j])
			}
			j++
		}
	}
	return []byte(out.String())
}

// repair fixes the errors a mutation causes by removing a use: a local
// variable declared and not used, an import not used. It reports whether
// it changed f.
func repair(fset *token.FileSet, f *ast.File, errs []types.Error) bool {
	changed := false
	for _, e := range errs {
		switch {
		case strings.HasPrefix(e.Msg, "declared and not used: "):
			name := strings.TrimPrefix(e.Msg, "declared and not used: ")
			if useAfterDecl(f, e.Pos, name) {
				changed = true
			}
		case strings.HasSuffix(e.Msg, " imported and not used"):
			path := strings.Trim(strings.TrimSuffix(e.Msg, " imported and not used"), `"`)
			if i := strings.Index(path, `" as `); i >= 0 {
				path = path[:i]
			}
			if dropImport(f, path) {
				changed = true
			}
		}
	}
	return changed
}

// useAfterDecl inserts `_ = &name` after the statement that declares
// name at pos (at the top of the loop's body for a range variable).
func useAfterDecl(f *ast.File, pos token.Pos, name string) bool {
	use := func() ast.Stmt {
		return &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_")}, Tok: token.ASSIGN,
			Rhs: []ast.Expr{&ast.UnaryExpr{Op: token.AND, X: ast.NewIdent(name)}}}
	}
	done := false
	// Declared in a select case, an if's or a for's first clause: used at
	// the top of the body.
	in := func(s ast.Stmt) bool { return s != nil && s.Pos() <= pos && pos < s.End() }
	ast.Inspect(f, func(n ast.Node) bool {
		if done {
			return false
		}
		switch n := n.(type) {
		case *ast.CommClause:
			if in(n.Comm) {
				insert(&n.Body, 0, use())
				done = true
			}
		case *ast.IfStmt:
			if in(n.Init) {
				insert(&n.Body.List, 0, use())
				done = true
			}
		case *ast.ForStmt:
			if in(n.Init) {
				insert(&n.Body.List, 0, use())
				done = true
			}
		}
		return !done
	})
	eachList(f, func(_ string, list *[]ast.Stmt) {
		for i, s := range *list {
			if done || pos < s.Pos() || pos >= s.End() {
				continue
			}
			switch s := s.(type) {
			case *ast.DeclStmt, *ast.AssignStmt:
				insert(list, i+1, use())
				done = true
			case *ast.RangeStmt:
				if s.Key != nil && s.Key.Pos() == pos || s.Value != nil && s.Value.Pos() == pos {
					insert(&s.Body.List, 0, use())
					done = true
				}
			}
		}
	})
	return done
}

func dropImport(f *ast.File, path string) bool {
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		for i, s := range gd.Specs {
			if is := s.(*ast.ImportSpec); is.Path.Value == `"`+path+`"` {
				gd.Specs = append(gd.Specs[:i:i], gd.Specs[i+1:]...)
				if len(gd.Specs) == 0 {
					f.Decls = slices.DeleteFunc(f.Decls, func(d ast.Decl) bool { return d == gd })
				}
				if len(gd.Specs) == 1 {
					gd.Lparen = token.NoPos // a lone import needs no parentheses
				}
				return true
			}
		}
	}
	return false
}

// Diff returns a unified diff from the original file to the mutant.
func Diff(name string, orig []byte, m Mutant) string {
	d := string(diff.Diff(name, orig, name+" ("+m.Name+")", m.Src))
	// The first line, "diff old new", says again what --- and +++ say.
	if strings.HasPrefix(d, "diff ") {
		_, d, _ = strings.Cut(d, "\n")
	}
	return d
}

// Lookup returns the operator called name, or nil.
func Lookup(name string) *Operator {
	for i := range Operators {
		if Operators[i].Name == name {
			return &Operators[i]
		}
	}
	return nil
}
