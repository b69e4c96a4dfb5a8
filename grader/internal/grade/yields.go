package grade

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"

	"github.com/go-concurrency-lab/course/grader/internal/run"
	"github.com/go-concurrency-lab/course/grader/internal/seal"
)

// withYields returns a student's source file with a call of the grader's
// yield hook (seal.YieldHook, which the laid-in file defines) after every
// statement that unlocks a mutex, mu.Unlock() or mu.RUnlock(), on the same
// line, so that every position in the student's file stays where it was.
//
// A hidden test that turns the hook on (check.YieldAtUnlocks) then sees
// another goroutine take the lock at each of those points: a critical
// section split in two (a check under one Lock, the act under another) or
// a field written after the Unlock is then interleaved on every run, where
// without the hook it would need a preemption in a gap of nanoseconds. A
// correct program is correct under every schedule, so the extra ones
// change no verdict of a correct answer. Deferred unlocks get no hook: the
// function has returned by then.
//
// ok is false when the file does not parse (the build will say why, from
// the student's own file) or has nothing to change.
func withYields(name string, src []byte) (out []byte, ok bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, false
	}
	var at []int // offsets just after an unlocking call
	ast.Inspect(f, func(n ast.Node) bool {
		var list []ast.Stmt
		switch n := n.(type) {
		case *ast.BlockStmt:
			list = n.List
		case *ast.CaseClause:
			list = n.Body
		case *ast.CommClause:
			list = n.Body
		default:
			return true
		}
		for _, s := range list {
			if unlocks(s) {
				at = append(at, fset.Position(s.End()).Offset)
			}
		}
		return true
	})
	if len(at) == 0 {
		return nil, false
	}
	slices.Sort(at)
	hook := []byte("; " + seal.YieldHook + "()")
	out = make([]byte, 0, len(src)+len(at)*len(hook))
	last := 0
	for _, off := range at {
		out = append(out, src[last:off]...)
		out = append(out, hook...)
		last = off
	}
	return append(out, src[last:]...), true
}

// unlocks reports whether s is a statement x.Unlock() or x.RUnlock().
func unlocks(s ast.Stmt) bool {
	e, ok := s.(*ast.ExprStmt)
	if !ok {
		return false
	}
	call, ok := e.X.(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && (sel.Sel.Name == "Unlock" || sel.Sel.Name == "RUnlock")
}

// addYields lays into p, in place of each of the student's files (names in
// dir, read from overlay when the build lays one there), the file with the
// yield hook after every unlock.
func addYields(p run.Package, dir string, names []string, overlay map[string][]byte) {
	for _, name := range names {
		if _, laid := p.Add[name]; laid {
			continue
		}
		file := filepath.Join(dir, name)
		src, over := overlay[file]
		if !over {
			var err error
			if src, err = os.ReadFile(file); err != nil {
				continue
			}
		}
		if src == nil || len(src) > maxSource {
			continue
		}
		if out, ok := withYields(file, src); ok {
			p.Add[name] = out
		}
	}
}
