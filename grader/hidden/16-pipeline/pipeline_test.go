//go:build gclhidden

package pipeline_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"

	pipeline "github.com/go-concurrency-lab/course/exercises/16-pipeline"
	"github.com/go-concurrency-lab/course/grader/check"
)

// The tests run in synctest bubbles (check.InBubble): time is fake, so
// each wait below is only a bound for code that would otherwise hang, and
// a wrong answer reaches it at once, in no real time. synctest.Wait tells
// when every stage is blocked, and check.Settled whether one is left.
const plPatience = 2 * time.Second

// plStuck is the advice when a bubble ends with stages blocked.
const plStuck = "when the test ended, stages of the pipeline were still blocked, with nothing left that could wake\n" +
	"them. A stage that sends with a plain `out <- v` waits forever once nobody receives: send in a select with\n" +
	"a second case, <-ctx.Done(), that returns from the stage's goroutine (and defer close(out))."

// plCollect receives from c until it is closed, at most limit values, and
// waits at most plPatience for each. It reports when c was not closed.
func plCollect(t *testing.T, c <-chan int, limit int, what string) []int {
	t.Helper()
	got := []int{}
	for {
		select {
		case v, ok := <-c:
			if !ok {
				return got
			}
			got = append(got, v)
			if len(got) > limit {
				t.Errorf("%s delivered more than the %d values expected: %v ...", what, limit, got[:min(len(got), 20)])
				return got
			}
		case <-time.After(plPatience):
			t.Errorf("%s was never closed: after %d values (%v), nothing came for %v.\n"+
				"A stage must close its output channel when it ends (defer close(out) at the top of its goroutine),\n"+
				"so that the stage after it, ranging over that channel, can end too.", what, len(got), got, plPatience)
			return got
		}
	}
}

// plCounter is an instrumented f: it squares its argument, counts its
// calls, and closes reached once it has been called `at` times.
type plCounter struct {
	mu      sync.Mutex
	calls   int
	at      int
	reached chan struct{}
}

func plNewCounter(at int) *plCounter { return &plCounter{at: at, reached: make(chan struct{})} }

func (c *plCounter) square(v int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.calls == c.at {
		close(c.reached)
	}
	return v * v
}

func (c *plCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

// plFirstN calls FirstN, and gives up on it after plPatience.
func plFirstN(t *testing.T, values []int, f func(int) int, n int) []int {
	t.Helper()
	done := make(chan []int, 1)
	go func() { done <- pipeline.FirstN(context.Background(), values, f, n) }()
	select {
	case got := <-done:
		return got
	case <-time.After(plPatience):
		t.Errorf("FirstN(ctx, %d values, f, %d) did not return within %v. When there are fewer values than n,\n"+
			"FirstN must return the results there are, once the channel it ranges over is closed: is every stage\n"+
			"closing its output channel when it ends?", len(values), n, plPatience)
		return nil
	}
}

func plRange(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

// TestGenerateSendsInOrder: Generate sends every value, in order, then
// closes its channel.
func TestGenerateSendsInOrder(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, plStuck, func(t *testing.T) {
		got := plCollect(t, pipeline.Generate(context.Background(), 3, 1, 4, 1, 5), 5, "the channel Generate returned")
		assert.Equal(t, []int{3, 1, 4, 1, 5}, got, "Generate(ctx, 3, 1, 4, 1, 5) must send 3, 1, 4, 1, 5, in that order, then close its channel")
		assert.Empty(t, plCollect(t, pipeline.Generate(context.Background()), 0, "the channel Generate() returned"),
			"Generate with no values must just close its channel")
	})
}

// TestMapKeepsOrder: Map sends f of every value, in order, and closes its
// channel when its input is closed.
func TestMapKeepsOrder(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, plStuck, func(t *testing.T) {
		ctx := context.Background()
		c := plNewCounter(0)
		got := plCollect(t, pipeline.Map(ctx, pipeline.Generate(ctx, 1, 2, 3, 4, 5), c.square), 5, "the channel Map returned")
		assert.Equal(t, []int{1, 4, 9, 16, 25}, got, "Map(ctx, in, square) over 1, 2, 3, 4, 5 must send 1, 4, 9, 16, 25, in that order, then close its channel")
		assert.Equal(t, 5, c.count(), "Map must call f once per value")
	})
}

// TestStagesStopWhenCancelled: the consumer takes 3 results and stops
// receiving; after ctx is cancelled, every stage ends, although nobody
// receives from it, and closes its channel.
func TestStagesStopWhenCancelled(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, plStuck, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c := plNewCounter(4)
		out := pipeline.Map(ctx, pipeline.Generate(ctx, plRange(1000)...), c.square)
		for i := 1; i <= 3; i++ {
			select {
			case v, ok := <-out:
				if !ok || v != i*i {
					t.Fatalf("expected %d (open) from Map(Generate(1..1000), square), got %d (open: %v)", i*i, v, ok)
				}
			case <-time.After(plPatience):
				t.Fatalf("expected %d from Map(Generate(1..1000), square); nothing came for %v", i*i, plPatience)
			}
		}
		// Map has its 4th value in hand and waits to send it: nobody will
		// receive it. Stop the pipeline now.
		select {
		case <-c.reached:
		case <-time.After(plPatience):
			t.Fatalf("after 3 results were received, Map never called f for the 4th value")
		}
		cancel()
		if !check.Settled(t, "the consumer had stopped receiving after 3 results and cancelled ctx") {
			return // the bubble's report says where the stages wait, and what to do
		}
		plCollect(t, out, 1000, "after ctx was cancelled, the channel Map returned")
	})
}

// TestFirstNReturnsFirstResults: FirstN returns the first n results, or
// every result when there are fewer than n.
func TestFirstNReturnsFirstResults(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, plStuck, func(t *testing.T) {
		c := plNewCounter(0)
		assert.Equal(t, []int{1, 4, 9}, plFirstN(t, plRange(1000), c.square, 3),
			"FirstN(ctx, 1..1000, square, 3) must return the first 3 results: 1, 4, 9")
		assert.Less(t, c.count(), 100, "FirstN needed 3 results, yet f was called %d times: the pipeline went on working after FirstN had what it needed", c.count())
		assert.Equal(t, []int{1, 4}, plFirstN(t, []int{1, 2}, c.square, 5),
			"FirstN(ctx, [1 2], square, 5) must return every result there is: 1, 4")
	})
}

// TestFirstNStopsThePipeline: FirstN takes what it needs, and then every
// goroutine it started ends, although most values were never used.
func TestFirstNStopsThePipeline(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, plStuck, func(t *testing.T) {
		c := plNewCounter(0)
		got := plFirstN(t, plRange(1000), c.square, 3)
		assert.Equal(t, []int{1, 4, 9}, got, "FirstN(ctx, 1..1000, square, 3) must return 1, 4, 9")
		if !check.Settled(t, "FirstN had returned") {
			t.Errorf("FirstN returned with its 3 results, but stages of its pipeline are still waiting (above): nobody\n" +
				"will ever receive from them. FirstN must tell them to stop: make its own ctx with\n" +
				"context.WithCancel, give that to the stages, and defer cancel().")
		}
	})
}

// TestFirstNStopsAStageThatHoldsAValue: FirstN has its 3 results while
// Map is still inside f with the 4th value; once f returns, Map must see
// the cancel and end, not wait for ever to send a result nobody wants. On
// one P (check.OneProc), with FirstN already waiting when f lets the 3rd
// value go, Map runs on after its 3rd send, takes the 4th value and calls
// f before FirstN cancels, on every run: a Map that watches
// context.Background() instead of FirstN's ctx then blocks on its send
// for good. (On many Ps that depends on which goroutine runs first.) f is
// let go once everything waits, whether FirstN has returned then or waits
// for its stages to end (both are right).
func TestFirstNStopsAStageThatHoldsAValue(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	check.InBubble(t, plStuck, func(t *testing.T) {
		third, fourth := make(chan struct{}), make(chan struct{})
		f := func(v int) int {
			switch v {
			case 3:
				<-third
			case 4:
				<-fourth
			}
			return v * v
		}
		done := make(chan []int, 1)
		go func() { done <- pipeline.FirstN(context.Background(), plRange(1000), f, 3) }()
		synctest.Wait() // f holds the 3rd value, and FirstN waits for it
		close(third)    // Map hands the 3rd result to FirstN, waiting, and goes on to the 4th
		synctest.Wait() // FirstN has its 3 results; f holds the 4th value
		close(fourth)   // f returns the 4th result: nobody wants it
		select {
		case got := <-done:
			assert.Equal(t, []int{1, 4, 9}, got, "FirstN(ctx, 1..1000, square, 3) must return 1, 4, 9")
		case <-time.After(plPatience):
			t.Errorf("FirstN(ctx, 1..1000, square, 3) did not return within %v", plPatience)
			return
		}
		if !check.Settled(t, "FirstN had returned and f had finished the 4th value") {
			t.Errorf("a stage of FirstN's pipeline was still working on the 4th value when FirstN took its 3 results and\n" +
				"cancelled, and then waited for ever to send its result. Every stage FirstN starts must watch\n" +
				"FirstN's own ctx (the one cancel ends) in each send: select { case out <- v: case <-ctx.Done(): return }.")
		}
	})
}

// TestNoGoroutineLeft: a pipeline run to its end leaves no goroutine.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, plStuck, func(t *testing.T) {
		ctx := context.Background()
		c := plNewCounter(0)
		plCollect(t, pipeline.Map(ctx, pipeline.Generate(ctx, plRange(10)...), c.square), 10, "the channel Map returned")
		plFirstN(t, plRange(10), c.square, 20)
		check.Settled(t, "the pipeline had run to its end")
	})
}

// TestFirstNNoneWanted: FirstN with n <= 0 wants no result: it returns an
// empty slice at once, calls f not at all, and starts nothing. FirstN is
// called on one P (check.OneProc) from the test's own goroutine, and
// check.GoneNow looks the moment it returns: a goroutine FirstN started has
// had no CPU to end on yet, so a FirstN that builds its pipeline before it
// looks at n is caught on every run, whether or not f got to run.
func TestFirstNNoneWanted(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	for _, n := range []int{0, -1} {
		check.InBubble(t, plStuck, func(t *testing.T) {
			c := plNewCounter(0)
			got := pipeline.FirstN(context.Background(), plRange(1000), c.square, n)
			if !check.GoneNow(t, fmt.Sprintf("FirstN(ctx, 1..1000, square, %d) had just returned", n)) {
				t.Errorf("FirstN(ctx, 1..1000, square, %d) wants no result, and it started goroutines (above) all the same.\n"+
					"With n <= 0 FirstN must start no work: look at n first and return []int{} before you build the\n"+
					"pipeline; a stage started and cancelled at once may still call f on a value.", n)
			}
			assert.Empty(t, got, "FirstN(ctx, 1..1000, square, %d) wants no result: it must return an empty slice; it returned %d values", n, len(got))
			check.Settled(t, fmt.Sprintf("FirstN(ctx, 1..1000, square, %d) had returned", n))
			assert.Zero(t, c.count(), "FirstN(ctx, 1..1000, square, %d) wants no result, and f was called %d times: start no work for it", n, c.count())
		})
	}
}

// TestMapStopsWhileWaitingForInput: Map's input neither sends nor closes
// (a stage before it that is stuck, or slow), and ctx is cancelled while
// Map waits to receive: Map must stop at once, close its channel and end.
// Inside FirstN's chain Generate closes its channel on the same cancel,
// which would hide a Map that watches ctx only while it sends.
func TestMapStopsWhileWaitingForInput(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, plStuck, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		in := make(chan int) // never sends, never closed
		c := plNewCounter(0)
		out := pipeline.Map(ctx, in, c.square)
		synctest.Wait() // Map waits for a value from in
		cancel()
		select {
		case v, ok := <-out:
			if ok {
				t.Errorf("Map's input never sent a value, and after ctx was cancelled Map sent %d", v)
			}
			check.Settled(t, "ctx was cancelled and Map's channel was closed")
		case <-time.After(plPatience):
			t.Errorf("Map was waiting for a value from an input that never sends, ctx was cancelled, and Map's channel\n"+
				"was still open %v later: Map went on waiting for its input. A stage must watch ctx while it waits to\n"+
				"receive too, not only while it sends: receive in a select with a second case, <-ctx.Done(), that\n"+
				"returns (for v := range in cannot do that).", plPatience)
		}
	})
}

// TestGenerateClosesOnCancel: the consumer takes 2 values from Generate
// and cancels ctx: Generate's goroutine ends and closes its channel, so
// that a stage ranging over it ends too.
func TestGenerateClosesOnCancel(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, plStuck, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		out := pipeline.Generate(ctx, plRange(1000)...)
		for i := 1; i <= 2; i++ {
			if v, ok := <-out; !ok || v != i {
				t.Fatalf("expected %d (open) from Generate(ctx, 1..1000), got %d (open: %v)", i, v, ok)
			}
		}
		cancel()
		synctest.Wait()
		got := plCollect(t, out, 1, "after ctx was cancelled, the channel Generate returned")
		if t.Failed() {
			t.Errorf("Generate's goroutine ended when ctx was cancelled, but the channel it returned stays open: close it\n" +
				"whichever way the goroutine ends (defer close(out) at the top of the goroutine), not only after the last value.")
			return
		}
		assert.LessOrEqual(t, len(got), 1, "after ctx was cancelled, Generate sent %v: it may send the value it was sending, no more", got)
		check.Settled(t, "Generate's channel was closed")
	})
}

// TestMapDoesNotSpin: Map's input is open and has nothing to send: Map's
// goroutine must wait (parked in a receive or a select), not spin. This
// one runs in real time, outside a bubble: a goroutine that never blocks
// would keep a bubble from ever going idle. check.Quiet waits until every
// goroutine is parked, at most 300ms: a correct Map parks after one
// scheduling; a select with a default case never does.
func TestMapDoesNotSpin(t *testing.T) {
	check.Seal(t)
	ctx, cancel := context.WithCancel(context.Background())
	in := make(chan int)
	got := make(chan (<-chan int), 1)
	go func() { got <- pipeline.Map(ctx, in, plNewCounter(0).square) }()
	var out <-chan int
	select {
	case out = <-got:
	case <-time.After(time.Second):
		cancel()
		close(in)
		t.Fatal("Map did not return within a second: it must return at once and do its work in a goroutine of its own")
	}
	quiet := check.Quiet(300 * time.Millisecond)
	cancel()
	close(in)
	go func() {
		for range out { // let Map end, without waiting for it
		}
	}()
	if !quiet {
		t.Errorf("Map's input was open with nothing to send, and for 300ms Map's goroutine never waited: it kept\n" +
			"running, a busy loop that burns a CPU core. Wait for a value in a select without a default case\n" +
			"(its cases: the receive from in, and <-ctx.Done()): a select with no case ready then blocks.")
	}
}

// TestFirstNStopsWhenCallerCancels: the caller's ctx is cancelled while f
// works on the 2nd value and nobody else can move: FirstN must stop its
// stages (they watch a ctx made from the caller's) and return the results
// it has, fewer than the 3 it asked for.
func TestFirstNStopsWhenCallerCancels(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, plStuck, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		release := make(chan struct{})
		calls := 0
		f := func(v int) int {
			calls++
			if calls == 2 {
				<-release
			}
			return v * v
		}
		done := make(chan []int, 1)
		go func() { done <- pipeline.FirstN(ctx, plRange(1000), f, 3) }()
		synctest.Wait() // f holds the 2nd value; Generate waits to send the 3rd
		cancel()
		synctest.Wait()
		close(release)
		select {
		case got := <-done:
			assert.Less(t, len(got), 3,
				"the caller cancelled ctx while f worked on the 2nd value, and FirstN went on to return %v: its stages must\n"+
					"watch a ctx made from the caller's (context.WithCancel(ctx)), not from context.Background(), so that\n"+
					"the caller can stop them too.", got)
			check.Settled(t, "FirstN had returned")
		case <-time.After(plPatience):
			t.Errorf("the caller cancelled ctx, and FirstN did not return within %v", plPatience)
		}
	})
}
