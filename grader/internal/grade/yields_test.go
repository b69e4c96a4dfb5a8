package grade

import (
	"strings"
	"testing"
)

func TestWithYields(t *testing.T) {
	src := `package q

import "sync"

type Q struct{ mu sync.RWMutex; n int }

func (q *Q) Add() {
	q.mu.Lock()
	q.n++
	q.mu.Unlock() // the first unlock
	q.mu.RLock(); _ = q.n; q.mu.RUnlock()
	defer q.mu.Unlock()
	select {
	default:
		q.mu.Unlock()
	}
	switch {
	case true:
		func() { q.mu.Unlock() }()
		func() { defer q.mu.RUnlock() }()
	}
	for i := 0; i < 1; q.mu.Unlock() {
		i++
	}
}
`
	out, ok := withYields("q.go", []byte(src))
	if !ok {
		t.Fatal("withYields: nothing changed")
	}
	got := string(out)
	for _, want := range []string{
		"\tq.mu.Unlock(); zzGraderYield() // the first unlock\n",
		"\tq.mu.RLock(); _ = q.n; q.mu.RUnlock(); zzGraderYield()\n",
		"func (q *Q) Add() { defer zzGraderYield();\n", // the body defers an unlock
		"\tdefer q.mu.Unlock()\n",
		"\t\tq.mu.Unlock(); zzGraderYield()\n\t}\n\tswitch",
		"func() { q.mu.Unlock(); zzGraderYield() }()",
		"func() { defer zzGraderYield(); defer q.mu.RUnlock() }()",
		"for i := 0; i < 1; q.mu.Unlock() {", // a for's post statement cannot take a second one
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if a, b := strings.Count(src, "\n"), strings.Count(got, "\n"); a != b {
		t.Errorf("lines: %d, want %d: every position must stay on its line", b, a)
	}
	closed, ok := withYields("c.go", []byte("package q\n\nfunc f(ch chan int) {\n\tif ch != nil {\n\t\tclose(ch)\n\t}\n}\n"))
	if !ok || !strings.Contains(string(closed), "\t\tzzGraderYield(); close(ch)\n") {
		t.Errorf("a close gets the hook before it, on its line:\n%s", closed)
	}
	if _, ok := withYields("bad.go", []byte("package q\nfunc {")); ok {
		t.Error("a file that does not parse must be left as it is")
	}
	if _, ok := withYields("none.go", []byte("package q\nfunc f() {}\n")); ok {
		t.Error("a file without unlocks must be left as it is")
	}
}
