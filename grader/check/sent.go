package check

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"runtime"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/seal"
	"github.com/go-concurrency-lab/course/grader/internal/traceback"
)

// EndedOrSentAtReturn is EndedAtReturn for a call that may wait for each
// of its goroutines by receiving the value that goroutine sends as its
// last act, on an unbuffered channel (defer func() { done <- struct{}{} }()):
// a correct design that EndedAtReturn rejects. When that goroutine sent
// before the call came to receive, the receive completes its send and
// readies it, and on one P it is still there, runnable at its send, when
// the call returns.
//
// So a goroutine that is runnable at a send statement of the student's
// code (its topmost frame is the student's, on a line that holds a send)
// counts as ended: its send has been taken, since on one P nothing else
// could have readied it, and the call did wait for it. A goroutine that
// was only told to stop (a close, a cancel) is runnable at its receive, its
// range or its select, and still fails, as does one parked anywhere.
// Whatever such a goroutine does after its send is not seen here: follow
// this with Settled or Finished, which catch one that then blocks.
func EndedOrSentAtReturn(t TB, what string, call func()) bool {
	t.Helper()
	// As in EndedAtReturn: the buffer before the call, one P, a fresh time
	// slice, and the dump before this goroutine can block.
	buf := make([]byte, 256<<10)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	runtime.Gosched()
	call()
	n := runtime.Stack(buf, true)
	dump := string(buf[:n])
	if n == len(buf) {
		dump = allStacks()
	}
	return endedOrSentAtReturn(t, what, dump, student())
}

func endedOrSentAtReturn(t TB, what, dump string, mine traceback.Filter) bool {
	t.Helper()
	var left []string
	sends := map[string]map[int]bool{} // file -> lines that hold a send statement
	for _, block := range strings.Split(dump, "\n\n") {
		block = withoutYieldHook(block)
		gs := traceback.Goroutines(block)
		if len(gs) != 1 || strings.HasPrefix(gs[0].State, "running") {
			continue
		}
		g := gs[0]
		if strings.TrimSuffix(g.State, " (durable)") == "runnable" && len(g.Frames) > 0 && mine.Mine(g.Frames[0].File) {
			file := g.Frames[0].File
			if _, ok := sends[file]; !ok {
				sends[file] = sendLines(file)
			}
			if sends[file][g.Frames[0].Line] {
				continue // its last send was taken: it only returns now
			}
		}
		left = append(left, block)
	}
	return endedAtReturn(t, what, strings.Join(left, "\n\n"), mine)
}

// withoutYieldHook drops from a goroutine's stack the frame of the
// grader's yield hook (check.YieldAtUnlocks), so that the goroutine is
// shown where it is in the student's own code: at the Unlock.
func withoutYieldHook(block string) string {
	lines := strings.Split(block, "\n")
	out := lines[:0]
	for i := 0; i < len(lines); i++ {
		if strings.Contains(lines[i], "."+seal.YieldHook+"(") {
			i++ // and the line with its file
			continue
		}
		out = append(out, lines[i])
	}
	return strings.Join(out, "\n")
}

// sendLines returns the lines of file that hold a send statement (ch <- v).
func sendLines(file string) map[int]bool {
	lines := map[int]bool{}
	src, err := os.ReadFile(file)
	if err != nil {
		return lines
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.SkipObjectResolution)
	if err != nil {
		return lines
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if s, ok := n.(*ast.SendStmt); ok {
			lines[fset.Position(s.Pos()).Line] = true
			lines[fset.Position(s.Arrow).Line] = true
		}
		return true
	})
	return lines
}
