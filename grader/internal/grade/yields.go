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
// change no verdict of a correct answer. A function whose body defers an
// unlock (defer mu.Unlock()) gets a deferred call of the hook as its first
// statement, laid just after its opening brace: deferred calls run last in,
// first out, so the hook runs after the unlock, as the function returns. A
// check made under the lock in a helper that defers the unlock, and an act
// under a second lock in the caller, are then interleaved too.
//
// A statement close(ch) gets the hook before it: a check that the channel
// is still open ("already closed?", a flag, a CompareAndSwap) and the close
// itself are then interleaved with the other goroutines. (Not after it: a
// goroutine whose last act is the close a caller waits for would then be
// seen still there when the caller returns, which is right.)
//
// ok is false when the file does not parse (the build will say why, from
// the student's own file) or has nothing to change.
func withYields(name string, src []byte) (out []byte, ok bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, false
	}
	var at []int      // offsets just after an unlocking call
	var entries []int // offsets just after the brace of a body that defers an unlock
	var before []int  // offsets of close(ch) statements
	ast.Inspect(f, func(n ast.Node) bool {
		var list []ast.Stmt
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body != nil && defersUnlock(n.Body) {
				entries = append(entries, fset.Position(n.Body.Lbrace).Offset+1)
			}
			return true
		case *ast.FuncLit:
			if defersUnlock(n.Body) {
				entries = append(entries, fset.Position(n.Body.Lbrace).Offset+1)
			}
			return true
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
			if closes(s) {
				before = append(before, fset.Position(s.Pos()).Offset)
			}
		}
		return true
	})
	if len(at)+len(entries)+len(before) == 0 {
		return nil, false
	}
	type insert struct {
		off  int
		text string
	}
	var ins []insert
	for _, off := range at {
		ins = append(ins, insert{off, "; " + seal.YieldHook + "()"})
	}
	for _, off := range entries {
		ins = append(ins, insert{off, " defer " + seal.YieldHook + "();"})
	}
	for _, off := range before {
		ins = append(ins, insert{off, seal.YieldHook + "(); "})
	}
	slices.SortFunc(ins, func(a, b insert) int { return a.off - b.off })
	last := 0
	for _, in := range ins {
		out = append(out, src[last:in.off]...)
		out = append(out, in.text...)
		last = in.off
	}
	return append(out, src[last:]...), true
}

// closes reports whether s is a statement close(ch).
func closes(s ast.Stmt) bool {
	e, ok := s.(*ast.ExprStmt)
	if !ok {
		return false
	}
	call, ok := e.X.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return false
	}
	id, ok := call.Fun.(*ast.Ident)
	return ok && id.Name == "close"
}

// defersUnlock reports whether body, outside the function literals in it,
// has a statement defer x.Unlock() or defer x.RUnlock().
func defersUnlock(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			if unlocks(&ast.ExprStmt{X: n.Call}) {
				found = true
			}
		}
		return !found
	})
	return found
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
