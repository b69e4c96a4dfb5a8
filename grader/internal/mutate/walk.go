package mutate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"strings"
)

// walk calls visit for every node of f in source order, with the name of
// the function it is in (a method by its name alone; code outside any
// function by the first name its declaration declares).
func walk(f *ast.File, visit func(fn string, n ast.Node) bool) {
	for _, d := range f.Decls {
		fn := ""
		switch d := d.(type) {
		case *ast.FuncDecl:
			fn = d.Name.Name
		case *ast.GenDecl:
			if len(d.Specs) == 0 {
				continue
			}
			switch s := d.Specs[0].(type) {
			case *ast.ValueSpec:
				fn = s.Names[0].Name
			case *ast.TypeSpec:
				fn = s.Name.Name
			default:
				continue
			}
		}
		ast.Inspect(d, func(n ast.Node) bool {
			if n == nil {
				return false
			}
			return visit(fn, n)
		})
	}
}

// eachList calls visit for every statement list of f (blocks, the bodies
// of case and select clauses), outer lists before the lists they hold.
func eachList(f *ast.File, visit func(fn string, list *[]ast.Stmt)) {
	walk(f, func(fn string, n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			visit(fn, &n.List)
		case *ast.CaseClause:
			visit(fn, &n.Body)
		case *ast.CommClause:
			visit(fn, &n.Body)
		}
		return true
	})
}

// insert puts statements into a list at i. They take the position of the
// statement they go before (or the end of the one they follow), so that
// the printer keeps the comments around them where they were.
func insert(list *[]ast.Stmt, i int, s ...ast.Stmt) {
	at := token.NoPos
	switch {
	case i < len(*list):
		at = (*list)[i].Pos()
	case i > 0:
		at = (*list)[i-1].End()
	}
	for _, st := range s {
		setPos(st, at)
	}
	*list = slices.Insert(*list, i, s...)
}

// put replaces the statement at i with s, which takes its position where
// s has none (a new node; what s reuses of the tree keeps its own).
func put(list *[]ast.Stmt, i int, s ast.Stmt) {
	fillPosIn(reflect.ValueOf(s), (*list)[i].Pos(), true)
	(*list)[i] = s
}

// setPos gives every position in the tree under n the value at.
func setPos(n ast.Node, at token.Pos) { fillPosIn(reflect.ValueOf(n), at, false) }
func remove(list *[]ast.Stmt, i int)  { *list = slices.Delete(*list, i, i+1) }

// callOf returns the call a statement makes (f(), not defer f()), or nil.
func callOf(s ast.Stmt) *ast.CallExpr {
	if es, ok := s.(*ast.ExprStmt); ok {
		if c, ok := es.X.(*ast.CallExpr); ok {
			return c
		}
	}
	return nil
}

// method returns the receiver and method name of a call x.m(...).
func method(c *ast.CallExpr) (recv ast.Expr, name string) {
	if c == nil {
		return nil, ""
	}
	if s, ok := c.Fun.(*ast.SelectorExpr); ok {
		return s.X, s.Sel.Name
	}
	return nil, ""
}

// builtin reports whether c calls the builtin (or package-level function
// when no types are known) name.
func (p *pkg) builtin(c *ast.CallExpr, name string) bool {
	id, ok := c.Fun.(*ast.Ident)
	if !ok || id.Name != name {
		return false
	}
	if p.info == nil {
		return true
	}
	_, isBuiltin := p.info.Uses[id].(*types.Builtin)
	return isBuiltin
}

// str prints an expression as source.
func str(e ast.Expr) string { return types.ExprString(e) }

// argsStr prints a call's arguments.
func argsStr(c *ast.CallExpr) string {
	var s []string
	for _, a := range c.Args {
		s = append(s, str(a))
	}
	return strings.Join(s, ", ")
}

// typeIs reports whether e's type (a pointer to it counts) is one of
// names ("sync.WaitGroup"); with no type information it says yes, and the
// compiler has the last word.
func (p *pkg) typeIs(e ast.Expr, names ...string) bool {
	if p.info == nil {
		return true
	}
	tv, ok := p.info.Types[e]
	if !ok || tv.Type == nil {
		return false
	}
	t := strings.TrimPrefix(types.TypeString(tv.Type, nil), "*")
	if i := strings.IndexByte(t, '['); i >= 0 {
		t = t[:i]
	}
	for _, n := range names {
		if t == n || strings.HasSuffix(n, "/*") && strings.HasPrefix(t, strings.TrimSuffix(n, "*")) {
			return true
		}
	}
	return false
}

// hasMethod reports whether e's type has a method called name (yes when
// no types are known).
func (p *pkg) hasMethod(e ast.Expr, name string) bool {
	if p.info == nil {
		return true
	}
	tv, ok := p.info.Types[e]
	if !ok || tv.Type == nil {
		return false
	}
	obj, _, _ := types.LookupFieldOrMethod(tv.Type, true, nil, name)
	_, isFunc := obj.(*types.Func)
	return isFunc
}

// clone copies an expression, with no positions (so that the printer lays
// it out by itself).
func clone(e ast.Expr) ast.Expr {
	c, err := parser.ParseExpr(str(e))
	if err != nil {
		// types.ExprString abbreviates some expressions (function
		// literals): share the node instead, which prints the same.
		return e
	}
	setPos(c, token.NoPos)
	return c
}

var posType = reflect.TypeOf(token.NoPos)

// skipField reports the fields of syntax nodes that the tree walks of
// this package leave alone: comments, and the links of the old identifier
// resolution (Obj, Scope, Unresolved: nil, as files are parsed with
// parser.SkipObjectResolution, and full of cycles when not).
func skipField(f reflect.StructField) bool {
	switch f.Name {
	case "Obj", "Scope", "Unresolved", "Doc", "Comment", "Comments":
		return true
	}
	return false
}

// meaningful names the position fields whose validity means a token.
var meaningful = map[string]bool{"Ellipsis": true, "Arrow": true, "Assign": true}

// fillPosIn sets the positions under v to at: all of them, or only the
// missing ones (onlyMissing).
func fillPosIn(v reflect.Value, at token.Pos, onlyMissing bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			fillPosIn(v.Elem(), at, onlyMissing)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			switch {
			case f.Type() == posType && f.CanSet():
				// Some positions say by being valid that a token is
				// there: f(x...), <-chan, type A = B, import (...).
				if f.Int() == 0 && (meaningful[v.Type().Field(i).Name] || v.Type() == reflect.TypeOf(ast.GenDecl{})) ||
					f.Int() != 0 && onlyMissing {
					continue
				}
				f.SetInt(int64(at))
			case skipField(v.Type().Field(i)):
			default:
				fillPosIn(f, at, onlyMissing)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			fillPosIn(v.Index(i), at, onlyMissing)
		}
	}
}

// replace puts repl where old is in the tree under root; it reports
// whether it found old.
func replace(root ast.Node, old, repl ast.Node) bool {
	return replaceIn(reflect.ValueOf(root), old, reflect.ValueOf(repl))
}

func replaceIn(v reflect.Value, old ast.Node, repl reflect.Value) bool {
	set := func(f reflect.Value) bool {
		if (f.Kind() == reflect.Interface || f.Kind() == reflect.Pointer) && !f.IsNil() && f.CanSet() &&
			f.Interface() == any(old) && repl.Type().AssignableTo(f.Type()) {
			f.Set(repl)
			return true
		}
		return false
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return replaceIn(v.Elem(), old, repl)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			if skipField(v.Type().Field(i)) {
				continue
			}
			if set(f) || replaceIn(f, old, repl) {
				return true
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			if set(v.Index(i)) || replaceIn(v.Index(i), old, repl) {
				return true
			}
		}
	}
	return false
}

// addImport makes sure f imports path.
func addImport(f *ast.File, path string) {
	q := `"` + path + `"`
	for _, is := range f.Imports {
		if is.Path.Value == q {
			return
		}
	}
	spec := &ast.ImportSpec{Path: &ast.BasicLit{Kind: token.STRING, Value: q}}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			if !gd.Lparen.IsValid() {
				gd.Lparen, gd.Rparen = gd.Pos(), gd.End()
			}
			gd.Specs = append(gd.Specs, spec)
			f.Imports = append(f.Imports, spec)
			return
		}
	}
	f.Decls = slices.Insert(f.Decls, 0, ast.Decl(&ast.GenDecl{Tok: token.IMPORT, Specs: []ast.Spec{spec}}))
	f.Imports = append(f.Imports, spec)
}

// call builds recv.name(args...).
func call(recv ast.Expr, name string, args ...ast.Expr) *ast.CallExpr {
	return &ast.CallExpr{Fun: &ast.SelectorExpr{X: recv, Sel: ast.NewIdent(name)}, Args: args}
}

func intLit(s string) *ast.BasicLit { return &ast.BasicLit{Kind: token.INT, Value: s} }

func isLit(e ast.Expr, values ...string) bool {
	l, ok := e.(*ast.BasicLit)
	return ok && l.Kind == token.INT && slices.Contains(values, l.Value)
}
