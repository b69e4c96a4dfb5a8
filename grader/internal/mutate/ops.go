package mutate

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"
)

// Operators are the mutation operators, in the order mutants are made.
// Where one translates an operator of Bradbury, Cordy and Dingel's set,
// its Doc names it: RCXC (remove concurrency mechanism method call), RFU
// (remove finally around unlock), RTXC (remove thread method call), RJS
// (replace join with sleep), MXC (modify permit count), RNA (replace
// notifyAll with notify), EAN (atomic to non-atomic), RSB (remove
// synchronized block), SHCR, SKCR, SPCR (shift, shrink, split a critical
// region), ELPA (exchange lock acquisition order), ESP (exchange the lock
// object: here a copy of it).
var Operators = []Operator{
	{"remove-lock", "remove a Lock/Unlock (RLock/RUnlock) pair (RCXC, RSB)", removeLock},
	{"rlock", "take the read lock (RLock/RUnlock) instead of the lock", rlock},
	{"unlock-early", "unlock before the last write of the critical section (SKCR)", unlockEarly},
	{"lock-late", "take the lock after the critical section's first statement (SHCR)", lockLate},
	{"split-critical", "unlock and lock again after the critical section's first statement (SPCR)", splitCritical},
	{"swap-acquire", "take two locks (Lock, RLock, Take, Acquire) in the other order (ELPA)", swapAcquire},
	{"value-receiver", "a method gets a copy of the lock or atomic it uses (ESP)", valueReceiver},
	{"drop-defer", "remove a deferred call: Unlock, Done, close, cancel ... (RFU)", dropDefer},
	{"undefer", "make a deferred call at once instead of at return", undefer},
	{"swap-defers", "swap two deferred calls in a row", swapDefers},
	{"remove-wait", "remove a WaitGroup's Wait (RTXC)", removeWait},
	{"sleep-for-wait", "replace a WaitGroup's Wait with a millisecond's sleep (RJS)", sleepForWait},
	{"add-in-goroutine", "move wg.Add into the goroutine it counts", addInGoroutine},
	{"untrack-go", "wg.Go(f) becomes go f(): Wait does not wait for it", untrackGo},
	{"no-go", "go f() (or wg.Go(f)) becomes f(): it runs in the caller", noGo},
	{"remove-close", "remove a close(ch)", removeClose},
	{"move-close", "close a channel one statement earlier", moveClose},
	{"chan-cap-0", "make a buffered channel unbuffered (MXC)", chanCap(0)},
	{"chan-cap-1", "give a channel a buffer of 1 (MXC)", chanCap(1)},
	{"chan-cap-minus-1", "give a channel one place less than it has (MXC)", chanCap(-1)},
	{"drop-done-case", "remove the <-ctx.Done() case of a select", func(p *pkg) []site { return caseSites(p, true) }},
	{"drop-case", "remove another case of a select (not default)", func(p *pkg) []site { return caseSites(p, false) }},
	{"add-default", "add an empty default: to a select that blocks", addDefault},
	{"drop-ctx-check", "ignore an ended context: ctx.Err() in a condition reads as nil", dropCtxCheck},
	{"background-ctx", "pass context.Background() instead of ctx", backgroundCtx},
	{"drop-cancel", "remove a call of cancel()", dropCancel},
	{"remove-once", "call once.Do's function (OnceFunc's, OnceValue's) every time (RSB)", removeOnce},
	{"atomic-plain", "atomic access becomes plain access (EAN)", atomicPlain},
	{"broadcast-signal", "Broadcast becomes Signal: one waiter wakes, not all (RNA)", broadcastSignal},
	{"remove-signal", "remove a Cond's Signal or Broadcast (RCXC)", removeSignal},
	{"wait-if", "check a Cond's condition once (if) instead of in a loop (for)", waitIf},
	{"remove-clamp", "remove an edge-input guard: if n < 1 {...}, max(n, 1)", removeClamp},
}

// lockPair is a Lock (RLock) statement and the Unlock (RUnlock), plain or
// deferred, that follows it in the same list.
type lockPair struct {
	fn       string
	list     *[]ast.Stmt
	i, j     int // the lock, the unlock
	deferred bool
	lock     *ast.CallExpr
	unlock   *ast.CallExpr
}

func lockPairs(p *pkg) []lockPair {
	var out []lockPair
	eachList(p.file, func(fn string, list *[]ast.Stmt) {
		for i, s := range *list {
			c := callOf(s)
			recv, name := method(c)
			if name != "Lock" && name != "RLock" {
				continue
			}
			un := "Un" + strings.ToLower(name[:1]) + name[1:]
			if name == "RLock" {
				un = "RUnlock"
			}
			for j := i + 1; j < len(*list); j++ {
				u, deferred := callOf((*list)[j]), false
				if d, ok := (*list)[j].(*ast.DeferStmt); ok {
					u, deferred = d.Call, true
				}
				if r, n := method(u); n == un && str(r) == str(recv) && argsStr(u) == argsStr(c) {
					out = append(out, lockPair{fn, list, i, j, deferred, c, u})
					break
				}
			}
		}
	})
	return out
}

func removeLock(p *pkg) []site {
	var out []site
	for _, lp := range lockPairs(p) {
		out = append(out, site{lp.fn, func() {
			remove(lp.list, lp.j)
			remove(lp.list, lp.i)
		}})
	}
	return out
}

func rlock(p *pkg) []site {
	var out []site
	for _, lp := range lockPairs(p) {
		recv, name := method(lp.lock)
		if name != "Lock" || !p.hasMethod(recv, "RLock") {
			continue
		}
		out = append(out, site{lp.fn, func() {
			lp.lock.Fun.(*ast.SelectorExpr).Sel.Name = "RLock"
			lp.unlock.Fun.(*ast.SelectorExpr).Sel.Name = "RUnlock"
		}})
	}
	return out
}

// writes reports whether s assigns (not :=), increments, or deletes.
func writes(s ast.Stmt) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			found = found || n.Tok != token.DEFINE
		case *ast.IncDecStmt:
			found = true
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && (id.Name == "delete" || id.Name == "clear") {
				found = true
			}
		}
		return !found
	})
	return found
}

// section returns the indexes of a pair's critical section, the deferred
// unlock left out.
func (lp lockPair) section() []int {
	end := len(*lp.list)
	if !lp.deferred {
		end = lp.j
	}
	var out []int
	for k := lp.i + 1; k < end; k++ {
		if k != lp.j {
			out = append(out, k)
		}
	}
	return out
}

func unlockEarly(p *pkg) []site {
	var out []site
	for _, lp := range lockPairs(p) {
		last := -1
		for _, k := range lp.section() {
			if writes((*lp.list)[k]) {
				last = k
			}
		}
		if last < 0 {
			continue
		}
		out = append(out, site{lp.fn, func() {
			if lp.deferred {
				// The write alone leaves the critical section: unlock
				// before it, lock again after it, so that the deferred
				// unlock (and every other path) stays as it was.
				recv, name := method(lp.lock)
				_, unName := method(lp.unlock)
				insert(lp.list, last+1, &ast.ExprStmt{X: call(clone(recv), name, cloneAll(lp.lock.Args)...)})
				insert(lp.list, last, &ast.ExprStmt{X: call(clone(recv), unName, cloneAll(lp.unlock.Args)...)})
				return
			}
			un := (*lp.list)[lp.j]
			remove(lp.list, lp.j)
			insert(lp.list, last, un)
		}})
	}
	return out
}

// first returns the critical section's first statement, if it is one
// that code can follow.
func (lp lockPair) first() (int, bool) {
	sec := lp.section()
	if len(sec) == 0 {
		return 0, false
	}
	switch (*lp.list)[sec[0]].(type) {
	case *ast.ReturnStmt, *ast.BranchStmt:
		return 0, false
	}
	return sec[0], true
}

func lockLate(p *pkg) []site {
	var out []site
	for _, lp := range lockPairs(p) {
		k, ok := lp.first()
		if !ok {
			continue
		}
		out = append(out, site{lp.fn, func() {
			l := *lp.list
			moved := []ast.Stmt{l[lp.i]}
			if lp.deferred && lp.j < k {
				moved = append(moved, l[lp.j])
			}
			var next []ast.Stmt
			next = append(next, l[:lp.i]...)
			for x := lp.i + 1; x <= k; x++ {
				if !(lp.deferred && x == lp.j) {
					next = append(next, l[x])
				}
			}
			at := l[k].End()
			if k+1 < len(l) {
				at = l[k+1].Pos()
			}
			for _, s := range moved {
				setPos(s, at)
			}
			next = append(next, moved...)
			next = append(next, l[k+1:]...)
			*lp.list = next
		}})
	}
	return out
}

func splitCritical(p *pkg) []site {
	var out []site
	for _, lp := range lockPairs(p) {
		k, ok := lp.first()
		if !ok || len(lp.section()) < 2 {
			continue
		}
		out = append(out, site{lp.fn, func() {
			recv, name := method(lp.lock)
			_, unName := method(lp.unlock)
			insert(lp.list, k+1,
				&ast.ExprStmt{X: call(clone(recv), unName, cloneAll(lp.unlock.Args)...)},
				&ast.ExprStmt{X: call(clone(recv), name, cloneAll(lp.lock.Args)...)})
		}})
	}
	return out
}

func cloneAll(es []ast.Expr) []ast.Expr {
	var out []ast.Expr
	for _, e := range es {
		out = append(out, clone(e))
	}
	return out
}

var acquires = []string{"Lock", "RLock", "Take", "Acquire"}

func swapAcquire(p *pkg) []site {
	var out []site
	eachList(p.file, func(fn string, list *[]ast.Stmt) {
		for a, s := range *list {
			c := callOf(s)
			_, name := method(c)
			if !slices.Contains(acquires, name) {
				continue
			}
			for b := a + 1; b < len(*list); b++ {
				if _, ok := (*list)[b].(*ast.DeferStmt); ok {
					continue
				}
				d := callOf((*list)[b])
				if _, n := method(d); n == name && str(d) != str(c) {
					sa, sb := s.(*ast.ExprStmt), (*list)[b].(*ast.ExprStmt)
					out = append(out, site{fn, func() {
						pa, pb := sa.Pos(), sb.Pos()
						sa.X, sb.X = sb.X, sa.X
						setPos(sa, pa)
						setPos(sb, pb)
					}})
				}
				break
			}
		}
	})
	return out
}

// holdsSync reports the struct types of f that have a field of a type
// from sync or sync/atomic.
func holdsSync(f *ast.File) map[string]bool {
	out := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		if st, ok := ts.Type.(*ast.StructType); ok {
			for _, fld := range st.Fields.List {
				if se, ok := fld.Type.(*ast.SelectorExpr); ok {
					if id, ok := se.X.(*ast.Ident); ok && (id.Name == "sync" || id.Name == "atomic") {
						out[ts.Name.Name] = true
					}
				}
			}
		}
		return false
	})
	return out
}

func valueReceiver(p *pkg) []site {
	var out []site
	syncTypes := holdsSync(p.file)
	for _, d := range p.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
			continue
		}
		star, ok := fd.Recv.List[0].Type.(*ast.StarExpr)
		if !ok {
			continue
		}
		base := star.X
		switch b := base.(type) {
		case *ast.IndexExpr:
			base = b.X
		case *ast.IndexListExpr:
			base = b.X
		}
		if id, ok := base.(*ast.Ident); ok && syncTypes[id.Name] {
			field := fd.Recv.List[0]
			out = append(out, site{fd.Name.Name, func() { field.Type = star.X }})
		}
	}
	return out
}

// stmtSites returns a site for every statement for which match returns a
// mutation.
func stmtSites(p *pkg, match func(list *[]ast.Stmt, i int) func()) []site {
	var out []site
	eachList(p.file, func(fn string, list *[]ast.Stmt) {
		for i := range *list {
			if apply := match(list, i); apply != nil {
				out = append(out, site{fn, apply})
			}
		}
	})
	return out
}

func dropDefer(p *pkg) []site {
	return stmtSites(p, func(list *[]ast.Stmt, i int) func() {
		if _, ok := (*list)[i].(*ast.DeferStmt); !ok {
			return nil
		}
		return func() { remove(list, i) }
	})
}

func undefer(p *pkg) []site {
	return stmtSites(p, func(list *[]ast.Stmt, i int) func() {
		d, ok := (*list)[i].(*ast.DeferStmt)
		if !ok {
			return nil
		}
		return func() { put(list, i, &ast.ExprStmt{X: d.Call}) }
	})
}

func swapDefers(p *pkg) []site {
	return stmtSites(p, func(list *[]ast.Stmt, i int) func() {
		l := *list
		if i+1 >= len(l) {
			return nil
		}
		a, ok1 := l[i].(*ast.DeferStmt)
		b, ok2 := l[i+1].(*ast.DeferStmt)
		if !ok1 || !ok2 {
			return nil
		}
		return func() {
			pa, pb := a.Pos(), b.Pos()
			a.Call, b.Call = b.Call, a.Call
			setPos(a, pa)
			setPos(b, pb)
		}
	})
}

// wgWait matches a statement wg.Wait() on a WaitGroup.
func (p *pkg) wgCall(s ast.Stmt, names ...string) (*ast.CallExpr, ast.Expr, string) {
	c := callOf(s)
	recv, name := method(c)
	if recv == nil || !slices.Contains(names, name) || !p.typeIs(recv, "sync.WaitGroup") {
		return nil, nil, ""
	}
	return c, recv, name
}

func removeWait(p *pkg) []site {
	return stmtSites(p, func(list *[]ast.Stmt, i int) func() {
		if c, _, _ := p.wgCall((*list)[i], "Wait"); c == nil || len(c.Args) != 0 {
			return nil
		}
		return func() { remove(list, i) }
	})
}

func sleepForWait(p *pkg) []site {
	return stmtSites(p, func(list *[]ast.Stmt, i int) func() {
		if c, _, _ := p.wgCall((*list)[i], "Wait"); c == nil || len(c.Args) != 0 {
			return nil
		}
		return func() {
			addImport(p.file, "time")
			put(list, i, &ast.ExprStmt{X: call(ast.NewIdent("time"), "Sleep",
				&ast.SelectorExpr{X: ast.NewIdent("time"), Sel: ast.NewIdent("Millisecond")})})
		}
	})
}

// body returns the statements that calling f runs: a function literal's
// own, or f().
func body(f ast.Expr) []ast.Stmt {
	if fl, ok := f.(*ast.FuncLit); ok && len(fl.Type.Params.List) == 0 {
		return fl.Body.List
	}
	return []ast.Stmt{&ast.ExprStmt{X: &ast.CallExpr{Fun: f}}}
}

// callNow returns a call of f: f(), or func() {...}().
func callNow(f ast.Expr) *ast.CallExpr { return &ast.CallExpr{Fun: f} }

func addInGoroutine(p *pkg) []site {
	return stmtSites(p, func(list *[]ast.Stmt, i int) func() {
		c, recv, name := p.wgCall((*list)[i], "Add", "Go")
		if c == nil || len(c.Args) != 1 {
			return nil
		}
		if name == "Go" {
			return func() {
				stmts := append([]ast.Stmt{
					&ast.ExprStmt{X: call(clone(recv), "Add", intLit("1"))},
					&ast.DeferStmt{Call: call(clone(recv), "Done")},
				}, body(c.Args[0])...)
				lit := &ast.FuncLit{Type: &ast.FuncType{Params: &ast.FieldList{}}, Body: &ast.BlockStmt{List: stmts}}
				// No positions: the printer lays the new literal out on
				// lines of its own.
				(*list)[i] = &ast.GoStmt{Call: &ast.CallExpr{Fun: lit}}
			}
		}
		for j := i + 1; j < len(*list); j++ {
			if g, ok := (*list)[j].(*ast.GoStmt); ok {
				lit, ok := g.Call.Fun.(*ast.FuncLit)
				if !ok {
					return nil
				}
				return func() {
					add := (*list)[i]
					insert(&lit.Body.List, 0, add)
					remove(list, i)
				}
			}
		}
		return nil
	})
}

func untrackGo(p *pkg) []site {
	return stmtSites(p, func(list *[]ast.Stmt, i int) func() {
		c, _, _ := p.wgCall((*list)[i], "Go")
		if c == nil || len(c.Args) != 1 {
			return nil
		}
		return func() { put(list, i, &ast.GoStmt{Call: callNow(c.Args[0])}) }
	})
}

func noGo(p *pkg) []site {
	return stmtSites(p, func(list *[]ast.Stmt, i int) func() {
		if g, ok := (*list)[i].(*ast.GoStmt); ok {
			return func() { put(list, i, &ast.ExprStmt{X: g.Call}) }
		}
		c, _, _ := p.wgCall((*list)[i], "Go")
		if c == nil || len(c.Args) != 1 {
			return nil
		}
		return func() { put(list, i, &ast.ExprStmt{X: callNow(c.Args[0])}) }
	})
}

func (p *pkg) isClose(s ast.Stmt) bool {
	c := callOf(s)
	return c != nil && p.builtin(c, "close")
}

func removeClose(p *pkg) []site {
	return stmtSites(p, func(list *[]ast.Stmt, i int) func() {
		if !p.isClose((*list)[i]) {
			return nil
		}
		return func() { remove(list, i) }
	})
}

func moveClose(p *pkg) []site {
	return stmtSites(p, func(list *[]ast.Stmt, i int) func() {
		if i == 0 || !p.isClose((*list)[i]) {
			return nil
		}
		switch prev := (*list)[i-1].(type) {
		case *ast.DeclStmt:
			return nil
		case *ast.AssignStmt:
			if prev.Tok == token.DEFINE {
				return nil
			}
		}
		return func() { l := *list; l[i-1], l[i] = l[i], l[i-1] }
	})
}

// exprSites returns a site for every node for which match returns a
// mutation.
func exprSites(p *pkg, match func(n ast.Node) func()) []site {
	var out []site
	walk(p.file, func(fn string, n ast.Node) bool {
		if apply := match(n); apply != nil {
			out = append(out, site{fn, apply})
		}
		return true
	})
	return out
}

// chanCap makes the operator that gives channels capacity to (0, 1, or
// -1 for one less).
func chanCap(to int) func(p *pkg) []site {
	return func(p *pkg) []site {
		return exprSites(p, func(n ast.Node) func() {
			c, ok := n.(*ast.CallExpr)
			if !ok || !p.builtin(c, "make") || len(c.Args) == 0 {
				return nil
			}
			if _, ok := c.Args[0].(*ast.ChanType); !ok {
				return nil
			}
			if p.neverSent(c) {
				// Only closed and received from: its buffer is never
				// used, and every capacity behaves the same.
				return nil
			}
			buffered := len(c.Args) == 2
			switch {
			case to == 0 && buffered && !isLit(c.Args[1], "0"):
				return func() { c.Args = c.Args[:1] }
			case to == 1 && (!buffered || !isLit(c.Args[1], "1")):
				return func() { c.Args = []ast.Expr{c.Args[0], intLit("1")} }
			case to == -1 && buffered:
				if _, lit := c.Args[1].(*ast.BasicLit); lit {
					return nil
				}
				return func() {
					x := c.Args[1]
					if _, ok := x.(*ast.BinaryExpr); ok {
						x = &ast.ParenExpr{X: x}
					}
					c.Args[1] = &ast.BinaryExpr{X: x, Op: token.SUB, Y: intLit("1")}
				}
			}
			return nil
		})
	}
}

// neverSent reports whether the channel that the call make(chan ...)
// makes goes into a variable or field that the file only closes, receives
// from and ranges over (so the channel never gets a value). It says no
// when it cannot tell: no types, a channel handed to a function, returned,
// or stored anywhere else.
func (p *pkg) neverSent(mk *ast.CallExpr) bool {
	if p.info == nil {
		return false
	}
	// The variable or field the channel is put in.
	var owner types.Object
	var at *ast.Ident // where it is put there, a use that does not count
	ast.Inspect(p.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, r := range n.Rhs {
				if r == mk && i < len(n.Lhs) && len(n.Lhs) == len(n.Rhs) {
					at, owner = p.ident(n.Lhs[i])
				}
			}
		case *ast.ValueSpec:
			for i, v := range n.Values {
				if v == mk && i < len(n.Names) {
					at, owner = n.Names[i], p.info.Defs[n.Names[i]]
				}
			}
		case *ast.KeyValueExpr:
			if n.Value == mk {
				at, owner = p.ident(n.Key)
			}
		}
		return owner == nil
	})
	if owner == nil {
		return false
	}
	ok := true
	var parents []ast.Node
	ast.Inspect(p.file, func(n ast.Node) bool {
		if n == nil {
			parents = parents[:len(parents)-1]
			return false
		}
		defer func() { parents = append(parents, n) }()
		id, isIdent := n.(*ast.Ident)
		if !isIdent || id == at || p.info.Uses[id] != owner {
			return true
		}
		// The expression that names the channel: x, or s.x.
		var e ast.Node = id
		parent := parents[len(parents)-1]
		if se, isSel := parent.(*ast.SelectorExpr); isSel && se.Sel == id {
			e, parent = se, parents[len(parents)-2]
		}
		switch q := parent.(type) {
		case *ast.UnaryExpr: // <-x
			ok = ok && q.Op == token.ARROW
		case *ast.RangeStmt: // for v := range x
			ok = ok && q.X == e
		case *ast.CallExpr: // close(x)
			ok = ok && p.builtin(q, "close")
		case *ast.AssignStmt, *ast.KeyValueExpr: // where it is made
			ok = ok && slices.Contains(assigned(q), e)
		default:
			ok = false
		}
		return true
	})
	return ok
}

// ident returns the identifier an expression x or s.x names, and its
// object.
func (p *pkg) ident(e ast.Expr) (*ast.Ident, types.Object) {
	switch e := e.(type) {
	case *ast.Ident:
		if o := p.info.Defs[e]; o != nil {
			return e, o
		}
		return e, p.info.Uses[e]
	case *ast.SelectorExpr:
		return e.Sel, p.info.Uses[e.Sel]
	}
	return nil, nil
}

// assigned returns what an assignment or a composite literal's key sets.
func assigned(n ast.Node) []ast.Node {
	var out []ast.Node
	switch n := n.(type) {
	case *ast.AssignStmt:
		for _, l := range n.Lhs {
			out = append(out, l)
		}
	case *ast.KeyValueExpr:
		out = append(out, n.Key)
	}
	return out
}

// doneRecv reports whether a select case receives from x.Done().
func doneRecv(cc *ast.CommClause) bool {
	var e ast.Expr
	switch s := cc.Comm.(type) {
	case *ast.ExprStmt:
		e = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			e = s.Rhs[0]
		}
	default:
		return false
	}
	u, ok := e.(*ast.UnaryExpr)
	if !ok || u.Op != token.ARROW {
		return false
	}
	c, ok := u.X.(*ast.CallExpr)
	_, name := method(c)
	return ok && name == "Done" && len(c.Args) == 0
}

// caseSites returns a site per case of a select with two or more: the
// <-ctx.Done() cases (done), or the others but default.
func caseSites(p *pkg, done bool) []site {
	var out []site
	walk(p.file, func(fn string, n ast.Node) bool {
		sel, ok := n.(*ast.SelectStmt)
		if !ok || len(sel.Body.List) < 2 {
			return true
		}
		for k, s := range sel.Body.List {
			cc := s.(*ast.CommClause)
			if cc.Comm == nil || doneRecv(cc) != done {
				continue
			}
			out = append(out, site{fn, func() {
				sel.Body.List = slices.Delete(sel.Body.List, k, k+1)
			}})
		}
		return true
	})
	return out
}

func addDefault(p *pkg) []site {
	return exprSites(p, func(n ast.Node) func() {
		sel, ok := n.(*ast.SelectStmt)
		if !ok {
			return nil
		}
		returns := true
		for _, s := range sel.Body.List {
			cc := s.(*ast.CommClause)
			if cc.Comm == nil {
				return nil
			}
			returns = returns && len(cc.Body) > 0 && isReturn(cc.Body[len(cc.Body)-1])
		}
		if returns {
			// A select whose every case returns may end its function: a
			// default that falls through would not compile ("missing
			// return").
			return nil
		}
		return func() {
			// At the closing brace, after the comments of the last case.
			def := &ast.CommClause{Case: sel.Body.Rbrace, Colon: sel.Body.Rbrace}
			sel.Body.List = append(sel.Body.List, def)
		}
	})
}

func isReturn(s ast.Stmt) bool {
	_, ok := s.(*ast.ReturnStmt)
	return ok
}

// isCtx reports whether e is a context.Context (with no types: a name
// that says ctx).
func (p *pkg) isCtx(e ast.Expr) bool {
	if p.info == nil {
		id, ok := e.(*ast.Ident)
		return ok && strings.Contains(strings.ToLower(id.Name), "ctx")
	}
	return p.typeIs(e, "context.Context")
}

func dropCtxCheck(p *pkg) []site {
	var out []site
	walk(p.file, func(fn string, n ast.Node) bool {
		is, ok := n.(*ast.IfStmt)
		if !ok {
			return true
		}
		for _, part := range []ast.Node{is.Init, is.Cond} {
			if part == nil {
				continue
			}
			ast.Inspect(part, func(m ast.Node) bool {
				c, ok := m.(*ast.CallExpr)
				if !ok {
					return true
				}
				if recv, name := method(c); name == "Err" && len(c.Args) == 0 && p.isCtx(recv) {
					out = append(out, site{fn, func() {
						replace(is, c, &ast.CallExpr{Fun: ast.NewIdent("error"), Args: []ast.Expr{ast.NewIdent("nil")}})
					}})
				}
				return true
			})
		}
		return true
	})
	return out
}

func backgroundCtx(p *pkg) []site {
	return argSites(p)
}

func argSites(p *pkg) []site {
	var out []site
	walk(p.file, func(fn string, n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		for k, a := range c.Args {
			switch a.(type) {
			case *ast.Ident:
			case *ast.SelectorExpr: // s.ctx
				if p.info == nil {
					continue
				}
			default:
				continue
			}
			if !p.isCtx(a) {
				continue
			}
			out = append(out, site{fn, func() {
				addImport(p.file, "context")
				c.Args[k] = call(ast.NewIdent("context"), "Background")
			}})
		}
		return true
	})
	return out
}

// isCancel reports whether c calls a context's cancel function.
func (p *pkg) isCancel(c *ast.CallExpr) bool {
	if c == nil {
		return false
	}
	var name string
	switch f := c.Fun.(type) {
	case *ast.Ident:
		name = f.Name
	case *ast.SelectorExpr:
		name = f.Sel.Name
	default:
		return false
	}
	if p.info != nil {
		return p.typeIs(c.Fun, "context.CancelFunc", "context.CancelCauseFunc")
	}
	return strings.HasPrefix(name, "cancel")
}

func dropCancel(p *pkg) []site {
	return stmtSites(p, func(list *[]ast.Stmt, i int) func() {
		if !p.isCancel(callOf((*list)[i])) {
			return nil
		}
		return func() { remove(list, i) }
	})
}

func removeOnce(p *pkg) []site {
	var out []site
	walk(p.file, func(fn string, n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok || len(c.Args) != 1 {
			return true
		}
		recv, name := method(c)
		var repl ast.Expr
		switch {
		case name == "Do" && p.typeIs(recv, "sync.Once"):
			repl = callNow(c.Args[0])
		case (name == "OnceFunc" || name == "OnceValue" || name == "OnceValues") && str(recv) == "sync":
			repl = c.Args[0]
		default:
			return true
		}
		out = append(out, site{fn, func() { replace(p.file, c, repl) }})
		return true
	})
	return out
}

// plainTypes maps sync/atomic's types to the plain types they wrap.
var plainTypes = map[string]string{"Int32": "int32", "Int64": "int64", "Uint32": "uint32", "Uint64": "uint64", "Uintptr": "uintptr", "Bool": "bool"}

func atomicPlain(p *pkg) []site {
	out := atomicFuncs(p)
	if p.info == nil {
		return out
	}
	// Typed atomics (atomic.Int64 ...): one mutant per variable or
	// field, which becomes plain, with every use of it.
	walk(p.file, func(fn string, n ast.Node) bool {
		var names []*ast.Ident
		var typ *ast.Expr
		owner := fn
		switch n := n.(type) {
		case *ast.TypeSpec:
			st, ok := n.Type.(*ast.StructType)
			if !ok {
				return true
			}
			for _, fld := range st.Fields.List {
				if plain := p.atomicType(fld.Type); plain != "" {
					for _, id := range fld.Names {
						out = append(out, p.plainSite(n.Name.Name+"."+id.Name, id, &fld.Type, plain))
					}
				}
			}
			return true
		case *ast.ValueSpec:
			names, typ = n.Names, &n.Type
		default:
			return true
		}
		if *typ == nil {
			return true
		}
		if plain := p.atomicType(*typ); plain != "" {
			for _, id := range names {
				if owner == "" {
					owner = id.Name
				}
				out = append(out, p.plainSite(owner, id, typ, plain))
			}
		}
		return true
	})
	return out
}

func (p *pkg) atomicType(e ast.Expr) string {
	se, ok := e.(*ast.SelectorExpr)
	if !ok || str(se.X) != "atomic" {
		return ""
	}
	return plainTypes[se.Sel.Name]
}

func (p *pkg) plainSite(owner string, id *ast.Ident, typ *ast.Expr, plain string) site {
	obj := p.info.Defs[id]
	return site{owner, func() {
		*typ = ast.NewIdent(plain)
		refersTo := func(e ast.Expr) bool {
			switch e := e.(type) {
			case *ast.Ident:
				return p.info.Uses[e] == obj
			case *ast.SelectorExpr:
				return p.info.Uses[e.Sel] == obj
			}
			return false
		}
		// Statements first (Store, Add as a statement), then what is
		// left in expressions.
		eachList(p.file, func(_ string, list *[]ast.Stmt) {
			for i, s := range *list {
				c := callOf(s)
				recv, name := method(c)
				if recv == nil || !refersTo(recv) {
					continue
				}
				switch name {
				case "Store":
					put(list, i, &ast.AssignStmt{Lhs: []ast.Expr{recv}, Tok: token.ASSIGN, Rhs: c.Args})
				case "Add":
					put(list, i, &ast.AssignStmt{Lhs: []ast.Expr{recv}, Tok: token.ADD_ASSIGN, Rhs: c.Args})
				}
			}
		})
		var calls []*ast.CallExpr
		ast.Inspect(p.file, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if recv, _ := method(c); recv != nil && refersTo(recv) {
					calls = append(calls, c)
				}
			}
			return true
		})
		for _, c := range calls {
			recv, name := method(c)
			switch name {
			case "Load":
				replace(p.file, c, recv)
			case "Add":
				replace(p.file, c, addExpr(recv, c.Args[0], plain))
			}
		}
	}}
}

// addExpr is x += d as an expression of type typ:
// func() typ { x += d; return x }().
func addExpr(x, d ast.Expr, typ string) ast.Expr {
	return &ast.CallExpr{Fun: &ast.FuncLit{
		Type: &ast.FuncType{Params: &ast.FieldList{}, Results: &ast.FieldList{List: []*ast.Field{{Type: ast.NewIdent(typ)}}}},
		Body: &ast.BlockStmt{List: []ast.Stmt{
			&ast.AssignStmt{Lhs: []ast.Expr{x}, Tok: token.ADD_ASSIGN, Rhs: []ast.Expr{d}},
			&ast.ReturnStmt{Results: []ast.Expr{clone(x)}},
		}},
	}}
}

// atomicFuncs turns the functions of sync/atomic (atomic.AddInt64(&x, d),
// LoadInt64, StoreInt64) into plain access, a site each.
func atomicFuncs(p *pkg) []site {
	var out []site
	walk(p.file, func(fn string, n ast.Node) bool {
		var list *[]ast.Stmt
		switch n := n.(type) {
		case *ast.BlockStmt:
			list = &n.List
		case *ast.CaseClause:
			list = &n.Body
		case *ast.CommClause:
			list = &n.Body
		default:
			return true
		}
		for i, s := range *list {
			c := callOf(s)
			recv, name := method(c)
			if recv == nil || str(recv) != "atomic" || len(c.Args) != 2 {
				continue
			}
			addr, ok := c.Args[0].(*ast.UnaryExpr)
			if !ok || addr.Op != token.AND {
				continue
			}
			tok := token.ASSIGN
			switch {
			case strings.HasPrefix(name, "Store"):
			case strings.HasPrefix(name, "Add"):
				tok = token.ADD_ASSIGN
			default:
				continue
			}
			out = append(out, site{fn, func() {
				put(list, i, &ast.AssignStmt{Lhs: []ast.Expr{addr.X}, Tok: tok, Rhs: c.Args[1:]})
			}})
		}
		return true
	})
	walk(p.file, func(fn string, n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok || len(c.Args) != 1 {
			return true
		}
		recv, name := method(c)
		if recv == nil || str(recv) != "atomic" || !strings.HasPrefix(name, "Load") {
			return true
		}
		if addr, ok := c.Args[0].(*ast.UnaryExpr); ok && addr.Op == token.AND {
			out = append(out, site{fn, func() { replace(p.file, c, addr.X) }})
		}
		return true
	})
	return out
}

// condCall matches a statement c.name() on a sync.Cond.
func (p *pkg) condCall(s ast.Stmt, names ...string) *ast.CallExpr {
	c := callOf(s)
	recv, name := method(c)
	if recv == nil || !slices.Contains(names, name) || len(c.Args) != 0 || !p.typeIs(recv, "sync.Cond") {
		return nil
	}
	return c
}

func broadcastSignal(p *pkg) []site {
	return stmtSites(p, func(list *[]ast.Stmt, i int) func() {
		c := p.condCall((*list)[i], "Broadcast")
		if c == nil {
			return nil
		}
		return func() { c.Fun.(*ast.SelectorExpr).Sel.Name = "Signal" }
	})
}

func removeSignal(p *pkg) []site {
	return stmtSites(p, func(list *[]ast.Stmt, i int) func() {
		if p.condCall((*list)[i], "Signal", "Broadcast") == nil {
			return nil
		}
		return func() { remove(list, i) }
	})
}

func waitIf(p *pkg) []site {
	return stmtSites(p, func(list *[]ast.Stmt, i int) func() {
		fs, ok := (*list)[i].(*ast.ForStmt)
		if !ok || fs.Init != nil || fs.Post != nil || fs.Cond == nil {
			return nil
		}
		waits := false
		for _, s := range fs.Body.List {
			waits = waits || p.condCall(s, "Wait") != nil
		}
		if !waits {
			return nil
		}
		return func() { put(list, i, &ast.IfStmt{If: fs.For, Cond: fs.Cond, Body: fs.Body}) }
	})
}

// isGuard reports whether cond compares something with 0 or 1 the way an
// edge-input guard does: n < 1, n <= 0, n == 0, 0 >= n ...
func isGuard(cond ast.Expr) bool {
	b, ok := cond.(*ast.BinaryExpr)
	if !ok {
		return false
	}
	switch {
	case isLit(b.Y, "0", "1"):
		return b.Op == token.LSS || b.Op == token.LEQ || b.Op == token.EQL
	case isLit(b.X, "0", "1"):
		return b.Op == token.GTR || b.Op == token.GEQ || b.Op == token.EQL
	}
	return false
}

func removeClamp(p *pkg) []site {
	var out []site
	whole := map[*ast.CallExpr]bool{} // n = max(n, 1): the statement goes, not the call
	walk(p.file, func(fn string, n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			for i, s := range n.List {
				if as, ok := s.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 && as.Tok == token.ASSIGN {
					if c, ok := as.Rhs[0].(*ast.CallExpr); ok && len(c.Args) == 2 && p.builtin(c, "max") &&
						slices.ContainsFunc(c.Args, func(a ast.Expr) bool { return str(a) == str(as.Lhs[0]) }) &&
						slices.ContainsFunc(c.Args, func(a ast.Expr) bool { return isLit(a, "0", "1") }) {
						whole[c] = true
						list := &n.List
						out = append(out, site{fn, func() { remove(list, i) }})
						continue
					}
				}
				is, ok := s.(*ast.IfStmt)
				if !ok || is.Init != nil || is.Else != nil || len(is.Body.List) != 1 || !isGuard(is.Cond) {
					continue
				}
				switch is.Body.List[0].(type) {
				case *ast.AssignStmt, *ast.ReturnStmt:
					list := &n.List
					out = append(out, site{fn, func() { remove(list, i) }})
				}
			}
		case *ast.CallExpr:
			if len(n.Args) != 2 || !p.builtin(n, "max") || whole[n] {
				return true
			}
			for k, a := range n.Args {
				if isLit(a, "0", "1") {
					other := n.Args[1-k]
					if _, ok := other.(*ast.BinaryExpr); ok {
						other = &ast.ParenExpr{X: other} // max(a-b, 1) * w: (a-b) * w
					}
					c := n
					out = append(out, site{fn, func() { replace(p.file, c, other) }})
					break
				}
			}
		}
		return true
	})
	return out
}
