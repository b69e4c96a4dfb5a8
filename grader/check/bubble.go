package check

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/go-concurrency-lab/course/grader/internal/traceback"
)

// TB is the part of *testing.T that the helpers of this package use, so
// that their failures can be tested without a failing test (goleak takes a
// TestingT the same way).
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// InBubble runs f in a testing/synctest bubble, where time is fake and
// synctest.Wait tells when every goroutine of the bubble is blocked.
//
// A wrong answer can leave goroutines blocked with nothing left that could
// wake them; synctest then panics with "deadlock". InBubble turns that
// panic into a failure of t that says what happened, where the student's
// goroutines wait, and advice: what the student should look at, in the
// exercise's terms. Any other panic goes on.
//
// A bubble whose goroutines all wait, some of them for a lock that no one
// can unlock, is not a deadlock to synctest (see stuckbubble.go): InBubble
// watches for it in real time, reports it the same way after a second, and
// stops the tests, instead of letting them hang until go test's -timeout.
func InBubble(t *testing.T, advice string, f func(t *testing.T)) {
	t.Helper()
	var bubble atomic.Int64
	stop := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		watchBubble(t, advice, &bubble, stop)
	}()
	defer func() {
		close(stop)
		<-watched
	}()
	defer func() {
		t.Helper()
		if r := recover(); r != nil {
			bubbleFailed(t, r, advice, allStacks(), student())
		}
	}()
	synctest.Test(t, func(t *testing.T) {
		bubble.Store(int64(bubbleOf(currentStack())))
		f(t)
	})
}

// bubbleFailed reports the deadlock panic r of a bubble; dump holds every
// goroutine's stack, taken after the panic.
func bubbleFailed(t TB, r any, advice string, dump string, mine traceback.Filter) {
	t.Helper()
	msg := fmt.Sprint(r)
	if !strings.Contains(msg, "deadlock") {
		panic(r)
	}
	what := "Every goroutine of the test was blocked, with nothing left that could wake any of them (a deadlock)."
	if strings.Contains(msg, "main bubble goroutine has exited") {
		what = "The test's work was done, but goroutines of yours were still blocked, with nothing left that could wake them."
	}
	where := describeGrouped(bubbled(dump, 0), mine)
	if where == "" {
		where = "  (none of them in your code: the test waited for something your code never did)\n"
	}
	t.Errorf("%s\nThey wait here:\n%s%s", what, where, strings.TrimSpace(advice))
}

// Settled is called inside a synctest bubble right after a call that
// promises that the goroutines it started have ended when it returns
// (Stop, Close, Run ...); what names the moment, e.g. "Stop returned".
// It waits until every other goroutine of the bubble is blocked or gone
// (synctest.Wait: no fake time passes), and fails t when any of them still
// runs the student's code. Unlike goleak's retries, this catches a
// goroutine that ends a little after the call, after a sleep, a tick or a
// timer: the call did not wait for it.
func Settled(t TB, what string) bool {
	t.Helper()
	synctest.Wait()
	return settled(t, what, allStacks(), bubbleOf(currentStack()), student())
}

func settled(t TB, what, dump string, bubble int, mine traceback.Filter) bool {
	t.Helper()
	left := describeGrouped(bubbled(dump, bubble), mine)
	if left == "" {
		return true
	}
	t.Errorf("%s, but goroutines of yours were still there:\n%s"+
		"When the call returns, the goroutines it started must have ended: it must wait for them\n"+
		"(a sync.WaitGroup's Wait, or a channel each one closes as it ends) before it returns.", what, left)
	return false
}

var bubbleRE = regexp.MustCompile(`^goroutine \d+ \[[^\]]*synctest bubble (\d+)[^\]]*\]:`)

// bubbled returns the goroutines of dump that belong to a synctest bubble:
// the bubble numbered bubble, or any with 0. The goroutine that took the
// dump (the only one "running") and the test's goroutine that waits in
// synctest.Run for the bubble to end are left out.
func bubbled(dump string, bubble int) []traceback.Goroutine {
	var keep []string
	for _, block := range strings.Split(dump, "\n\n") {
		m := bubbleRE.FindStringSubmatch(block)
		if m == nil || bubble != 0 && m[1] != fmt.Sprint(bubble) || strings.Contains(block, "[running") ||
			strings.Contains(block, "[synctest.Run") {
			continue
		}
		keep = append(keep, block)
	}
	return traceback.Goroutines(strings.Join(keep, "\n\n"))
}

// bubbleOf returns the bubble number of the goroutine whose stack is s, or
// 0 outside a bubble.
func bubbleOf(s string) int {
	m := bubbleRE.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	var n int
	fmt.Sscan(m[1], &n)
	return n
}

// describeGrouped names, once each, the places where goroutines in the
// student's code wait: "  3 goroutines wait to send on a channel at
// exercises/11-.../prodcons.go:24 (in worker)" (traceback groups them).
func describeGrouped(gs []traceback.Goroutine, mine traceback.Filter) string {
	return traceback.DescribeBlocked(gs, mine)
}

func allStacks() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) || len(buf) >= 64<<20 {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

func currentStack() string {
	buf := make([]byte, 4<<10)
	return string(buf[:runtime.Stack(buf, false)])
}
