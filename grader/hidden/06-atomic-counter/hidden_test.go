//go:build gclhidden

package atomiccounter_test

import (
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	atomiccounter "github.com/go-concurrency-lab/course/exercises/06-atomic-counter"
	"github.com/go-concurrency-lab/course/grader/check"
)

// within runs f and waits for it at most a few seconds: a Counter that
// spins forever would otherwise hang the tests.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
		return
	case <-time.After(3 * time.Second):
	}
	t.Errorf("%s did not finish within 3 seconds: the goroutines are stuck.\n"+
		"Is a loop (a CompareAndSwap loop, say) retrying forever?\n%s", what, check.TimeMarker)
	check.NoLeaks(t) // says where they are stuck
	t.FailNow()
}

// TestOneGoroutine: the counter counts.
func TestOneGoroutine(t *testing.T) {
	check.Seal(t)
	var c atomiccounter.Counter
	var first, last int64
	within(t, "Using a Counter from one goroutine", func() {
		first = c.Value()
		c.Inc()
		c.Add(5)
		c.Add(-2)
		c.Inc()
		last = c.Value()
	})
	require.Equal(t, int64(0), first, "A new Counter must start at 0.")
	require.Equal(t, int64(5), last, "After Inc, Add(5), Add(-2), Inc the count must be 5.\n"+
		"If it stayed 0, the methods changed a copy of the Counter: give them pointer receivers, func (c *Counter).")
}

// TestLargeDeltas: Add takes an int64 delta and the count is an int64:
// deltas and counts beyond the range of an int32 are kept whole.
func TestLargeDeltas(t *testing.T) {
	check.Seal(t)
	var c atomiccounter.Counter
	const big = int64(1) << 40 // 1099511627776: far beyond an int32
	var afterBig, afterMinus, afterWrap int64
	within(t, "Using a Counter from one goroutine", func() {
		c.Add(big)
		afterBig = c.Value()
		c.Add(-3 * big)
		afterMinus = c.Value()
		c.Add(2*big + math.MaxInt32)
		c.Inc()
		afterWrap = c.Value()
	})
	const why = "Add takes an int64 delta, and the count is an int64: keep it in an atomic.Int64 (or a plain int64\n" +
		"used only through atomic.AddInt64 and atomic.LoadInt64). An atomic.Int32 cuts a delta to its low 32 bits\n" +
		"and wraps round past 2147483647."
	require.Equal(t, big, afterBig, "A new Counter after Add(%d) must count %d, not %d.\n%s", big, big, afterBig, why)
	require.Equal(t, -2*big, afterMinus, "After Add(%d) and Add(%d) the count must be %d, not %d.\n%s",
		big, -3*big, -2*big, afterMinus, why)
	require.Equal(t, int64(math.MaxInt32)+1, afterWrap,
		"After adding up to 2147483647 (the largest int32) and then Inc, the count must be 2147483648, not %d.\n%s", afterWrap, why)
}

// TestCountsEveryIncrement: 16 goroutines increment at once for a quarter
// of a second; no increment is lost, and there is no data race.
//
// Lost updates happen only when a goroutine stops (or another runs on
// another core) between reading and writing the count, so the test keeps
// them at it long enough for that to happen many times over: on many
// cores they overlap all the time, on one the scheduler preempts them
// every few milliseconds.
func TestCountsEveryIncrement(t *testing.T) {
	check.Seal(t)
	const goroutines = 16
	var c atomiccounter.Counter
	var got, want int64
	within(t, "Calling Inc from 16 goroutines at once", func() {
		var stop atomic.Bool
		counts := make([]int64, goroutines)
		time.AfterFunc(250*time.Millisecond, func() { stop.Store(true) })
		check.AllAtOnce(goroutines, func(i int) {
			for !stop.Load() {
				for range 100 {
					c.Inc()
				}
				counts[i] += 100
			}
		})
		for _, n := range counts {
			want += n
		}
		got = c.Value()
	})
	require.Equal(t, want, got,
		"%d goroutines called Inc %d times in all, so the count must be %d; %d increments were lost.\n"+
			"Each atomic call is indivisible, but two of them in a row are not: between a Load and the\n"+
			"Store of Load()+1, another goroutine can add, and its increment is overwritten. Use a single\n"+
			"atomic Add, which reads, adds and writes in one step.",
		goroutines, want, want, want-got)
}

// TestAddAndValueTogether: writers Add while readers call Value. Every
// Add counts, and there is no data race.
func TestAddAndValueTogether(t *testing.T) {
	check.Seal(t)
	const writers, readers, each = 8, 4, 2000
	var c atomiccounter.Counter
	var got int64
	within(t, "Calling Add and Value from 12 goroutines at once", func() {
		check.AllAtOnce(writers+readers, func(i int) {
			for range each {
				if i < writers {
					c.Add(3)
					c.Add(-1)
				} else {
					c.Value()
				}
			}
		})
		got = c.Value()
	})
	require.Equal(t, int64(writers*each*2), got,
		"%d goroutines called Add(3) and Add(-1) %d times each while others read the count with Value,\n"+
			"so it must end at %d. Every read and write of the count must be atomic: a plain read of a\n"+
			"number that others change atomically is still a data race.", writers, each, writers*each*2)
}

// TestEveryUpdateIsOneAtomicStep reads the code: the count may change only
// through atomic operations, each update in one of them. Two kinds of
// wrong answer lose updates only when goroutines happen to meet at the
// wrong moment, which no run can force: a Load followed by a Store of the
// same value (an update in two steps), and a lock built by hand (a spin
// lock on an atomic.Bool) around a plain c.n++. The code shows both every
// time: a Store of a value the same function Loads, and a plain write (=,
// +=, ++) to anything but the function's own local variables.
func TestEveryUpdateIsOneAtomicStep(t *testing.T) {
	check.Seal(t)
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	var findings []string
	var loads, stores []ast.Expr
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		require.NoError(t, err)
		f, err := parser.ParseFile(fset, name, src, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Body != nil {
				findings = append(findings, plainWrites(fset, fn, &loads, &stores)...)
			}
		}
	}
	for _, s := range stores {
		for _, l := range loads {
			if exprString(s) == exprString(l) {
				p := fset.Position(s.Pos())
				findings = append(findings, fmt.Sprintf("%s:%d: a Store of %s, which is also Loaded: two steps, not one",
					p.Filename, p.Line, strings.TrimPrefix(exprString(s), "&")))
				break
			}
		}
	}
	if len(findings) == 0 {
		return
	}
	t.Fatalf("The count must change in one atomic step, and only through sync/atomic:\n  %s\n"+
		"A plain write of a field or a package variable needs a lock to be safe, even one built by hand\n"+
		"(a flag set with CompareAndSwap is a lock: a goroutine stopped while it holds it stops all the\n"+
		"others); and a Load followed by a Store loses the updates made in between. Use one atomic call\n"+
		"per update: c.n.Add(delta) (or a CompareAndSwap loop, which retries until no one came in between).",
		strings.Join(findings, "\n  "))
}

// plainWrites lists, in fn, the plain writes of anything but fn's own local
// variables, and adds the addresses that fn Loads and Stores atomically to
// loads and stores.
func plainWrites(fset *token.FileSet, fn *ast.FuncDecl, loads, stores *[]ast.Expr) []string {
	local := map[string]bool{}
	for _, list := range []*ast.FieldList{fn.Type.Params, fn.Type.Results} {
		if list == nil {
			continue
		}
		for _, field := range list.List {
			for _, n := range field.Names {
				local[n.Name] = true
			}
		}
	}
	var out []string
	where := func(n ast.Node) string { p := fset.Position(n.Pos()); return fmt.Sprintf("%s:%d", p.Filename, p.Line) }
	// shared reports whether writing e writes memory that other goroutines
	// may share: a field, an element, a pointer's target, a package variable.
	shared := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return !ok || id.Name != "_" && !local[id.Name]
	}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, lhs := range n.Lhs {
				if n.Tok == token.DEFINE {
					if id, ok := lhs.(*ast.Ident); ok {
						local[id.Name] = true
					}
					continue
				}
				if shared(lhs) {
					out = append(out, fmt.Sprintf("%s: %s %s ... is a plain write", where(n), exprString(lhs), n.Tok))
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				local[id.Name] = true
			}
		case *ast.FuncLit:
			for _, field := range n.Type.Params.List {
				for _, id := range field.Names {
					local[id.Name] = true
				}
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok && n.Tok == token.DEFINE {
					local[id.Name] = true
				}
			}
		case *ast.IncDecStmt:
			if shared(n.X) {
				out = append(out, fmt.Sprintf("%s: %s%s is a plain write", where(n), exprString(n.X), n.Tok))
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "atomic" && len(n.Args) > 0 {
				// atomic.LoadInt64(&c.n), atomic.StoreInt64(&c.n, v)
				switch {
				case strings.HasPrefix(sel.Sel.Name, "Load"):
					*loads = append(*loads, n.Args[0])
				case strings.HasPrefix(sel.Sel.Name, "Store"):
					*stores = append(*stores, n.Args[0])
				}
				return true
			}
			switch sel.Sel.Name { // c.n.Load(), c.n.Store(v)
			case "Load":
				*loads = append(*loads, &ast.UnaryExpr{OpPos: sel.X.Pos(), Op: token.AND, X: sel.X})
			case "Store":
				*stores = append(*stores, &ast.UnaryExpr{OpPos: sel.X.Pos(), Op: token.AND, X: sel.X})
			}
		}
		return true
	})
	return out
}

func exprString(e ast.Expr) string {
	var b strings.Builder
	if err := format.Node(&b, token.NewFileSet(), e); err != nil {
		return fmt.Sprintf("%T", e)
	}
	return b.String()
}
