//go:build gclhidden

package deadlock_test

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	dl "github.com/go-concurrency-lab/course/exercises/28-deadlock"
	"github.com/go-concurrency-lab/course/grader/check"
)

// bound is how long, in real time, the workshop waits for something that a
// right answer does at once. Only wrong (or one-at-a-time) answers reach it.
const bound = 3 * time.Second

// workshop is the tool wall: every tool, who holds it and who waits for it,
// all under one mutex, so that it can tell exactly when everybody who still
// has work to do waits for a tool somebody else holds: a deadlock. It then
// reports it and lets everyone go (every Take returns at once), so the test
// ends instead of hanging.
type workshop struct {
	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change
	jobs    int
	tools   map[string][2]string // person -> the names of their two tools
	holder  map[string]string    // tool -> who holds it
	waiting map[string]string    // person -> the held tool they wait for
	done    map[string]int       // person -> jobs done
	events  []string

	// barrier: a person who holds a tool and reaches for another waits
	// until every other person with work left does the same, or waits for
	// a tool somebody holds. Then they all go at once, so the worst
	// interleaving is the one that happens, on every run. It turns itself
	// off if somebody does not come within bound (people who do not work
	// at the same time), to keep such a test short.
	barrier bool
	arrived int // people waiting at the barrier
	gen     int // bumped each time the barrier lets its people go

	// doGate: do waits until two people are in do at once (or bound), to
	// show that people with different tools work at the same time.
	doGate bool
	inDo   int
	peakDo int

	// pickGate: the first person to reach for a tool (first) keeps it; the
	// people whose tools are all different from first's wait as they reach
	// for a tool until somebody who needs one of first's tools waits for
	// it. Then they go on: taking a free tool must not wait for a person
	// who waits for a busy one.
	pickGate bool
	first    string

	deadlock string
	problems []string
	aborted  bool
}

func newWorkshop(jobs int, people map[string][2]string) *workshop {
	return &workshop{
		changed: make(chan struct{}),
		jobs:    jobs,
		tools:   people,
		holder:  map[string]string{},
		waiting: map[string]string{},
		done:    map[string]int{},
	}
}

type tool struct {
	w    *workshop
	name string
}

func (t tool) Name() string       { return t.name }
func (t tool) Take(who string)    { t.w.take(who, t.name) }
func (t tool) PutBack(who string) { t.w.putBack(who, t.name) }

func (w *workshop) tool(name string) dl.Tool { return tool{w, name} }

// people builds the people for Work from w.tools, in name order.
func (w *workshop) people() []dl.Person {
	var ps []dl.Person
	for name, tt := range w.tools {
		ps = append(ps, dl.Person{Name: name, First: w.tool(tt[0]), Second: w.tool(tt[1])})
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	return ps
}

// broadcast wakes every waiter. Call with mu held.
func (w *workshop) broadcast() {
	close(w.changed)
	w.changed = make(chan struct{})
}

// waitOrGiveUp waits like wait, in short steps, and reports true (give up)
// when the deadline passed or when nobody else can come: every goroutine of
// the student's code waits in the workshop or on something else (a lock of
// its own), so that an answer that does not let people work at the same
// time costs milliseconds, not bound. Call with mu held.
func (w *workshop) waitOrGiveUp(deadline time.Time) bool {
	step := time.Now().Add(20 * time.Millisecond)
	if deadline.Before(step) {
		step = deadline
	}
	return w.wait(step) && (!time.Now().Before(deadline) || check.NoneCanCome("(*workshop)."))
}

// wait releases mu until the next change or the deadline; it reports
// whether the deadline passed. Call with mu held.
func (w *workshop) wait(deadline time.Time) bool {
	if w.aborted {
		return false
	}
	ch := w.changed
	w.mu.Unlock()
	defer w.mu.Lock()
	select {
	case <-ch:
		return false
	case <-time.After(time.Until(deadline)):
		return true
	}
}

// active counts the people who still have work to do or tools in hand.
func (w *workshop) active() int {
	n := 0
	for who := range w.tools {
		if w.done[who] < w.jobs || w.holds(who) != "" {
			n++
		}
	}
	return n
}

func (w *workshop) holds(who string) string {
	var ts []string
	for t, h := range w.holder {
		if h == who {
			ts = append(ts, "the "+t)
		}
	}
	sort.Strings(ts)
	return strings.Join(ts, " and ")
}

func (w *workshop) problem(format string, args ...any) {
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
	w.abort()
}

// abort lets everyone go. Call with mu held.
func (w *workshop) abort() {
	w.aborted = true
	w.broadcast()
}

func (w *workshop) take(who, name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.aborted {
		return
	}
	if w.holder[name] == who {
		w.problem("%s tried to take the %s, which %s already holds: %s would wait for %s forever.", who, name, who, who, who)
		return
	}
	w.events = append(w.events, who+" reaches for the "+name)
	if w.barrier && w.holds(who) != "" {
		w.arrived++
		my, deadline := w.gen, time.Now().Add(bound)
		for !w.aborted && w.gen == my {
			if w.arrived+w.blocked() >= w.active() {
				w.gen++
				w.arrived = 0
				w.broadcast()
				break
			}
			if w.waitOrGiveUp(deadline) {
				w.barrier = false
				w.gen++
				w.arrived = 0
				w.broadcast()
				break
			}
		}
	}
	if w.pickGate {
		w.pickGateAt(who, name)
	}
	for !w.aborted && w.holder[name] != "" {
		w.waiting[who] = name
		w.broadcast()
		w.checkDeadlock()
		w.wait(time.Now().Add(time.Hour))
		delete(w.waiting, who)
	}
	if w.aborted {
		return
	}
	w.holder[name] = who
	w.events = append(w.events, who+" takes the "+name)
	w.broadcast()
}

// pickGateAt holds who, reaching for the free tool name, while who needs
// none of first's tools, until one of the people who share a tool with
// first waits for a tool somebody holds. If none of them can come although
// they have work left, something of the student's makes them wait for who's
// take: a problem. Call with mu held.
func (w *workshop) pickGateAt(who, name string) {
	if w.first == "" {
		w.first = who
	}
	if w.shares(who, w.first) {
		return
	}
	deadline := time.Now().Add(bound)
	for !w.aborted && w.pickGate {
		var left []string
		for p := range w.tools {
			if w.shares(p, w.first) {
				if t, ok := w.waiting[p]; ok && w.holder[t] != "" {
					w.pickGate = false // one of them waits for a busy tool: go
					w.broadcast()
					return
				}
				if p != w.first && w.done[p] < w.jobs {
					left = append(left, p)
				}
			}
		}
		if w.waitOrGiveUp(deadline) {
			w.pickGate = false
			w.broadcast()
			if len(left) == 0 || w.aborted {
				return // nobody left to wait for the tools: TestWorkAtTheSameTime says more
			}
			sort.Strings(left)
			w.problem("%s reached for the %s, which nobody held, and the grader kept %s there for a moment,\n"+
				"as if taking it were slow. Meanwhile %s, who has work left and needs none of %s's tools,\n"+
				"never even reached for a tool: %s waited for something of yours, behind %s's take.\n"+
				"People who need different tools must be able to work at once (requirement 2): while one\n"+
				"person waits for a busy tool (or takes a slow one), nobody else may have to wait. Do not\n"+
				"hold a lock around taking the tools; take them in one shared order instead.",
				who, name, who, left[0], who, left[0], who)
			return
		}
	}
}

// shares reports whether a and b need a tool in common.
func (w *workshop) shares(a, b string) bool {
	for _, x := range w.tools[a] {
		for _, y := range w.tools[b] {
			if x == y {
				return true
			}
		}
	}
	return false
}

// checkDeadlock: when every person with work left waits for a tool that
// somebody holds, nobody can ever put a tool back. Call with mu held.
func (w *workshop) checkDeadlock() {
	if w.blocked() < w.active() {
		return
	}
	var who []string
	for p := range w.waiting {
		who = append(who, p)
	}
	sort.Strings(who)
	var b strings.Builder
	for _, p := range who {
		t := w.waiting[p]
		fmt.Fprintf(&b, "  %s holds %s and waits for the %s, which %s holds.\n", p, orNothing(w.holds(p)), t, w.holder[t])
	}
	w.deadlock = b.String()
	w.abort()
}

// blocked counts the people who wait for a tool that somebody holds. (A
// person woken because their tool was put back is in waiting until they
// run again; they are not blocked.) Call with mu held.
func (w *workshop) blocked() int {
	n := 0
	for _, t := range w.waiting {
		if w.holder[t] != "" {
			n++
		}
	}
	return n
}

func orNothing(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

func (w *workshop) putBack(who, name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.aborted {
		return
	}
	if w.holder[name] != who {
		w.problem("%s put back the %s, which %s did not hold (it was held by %q).", who, name, who, w.holder[name])
		return
	}
	delete(w.holder, name)
	w.events = append(w.events, who+" puts back the "+name)
	w.broadcast()
}

func (w *workshop) do(who string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done[who] >= w.jobs {
		// A job too many: the person's loop does not stop. Record it, and end
		// that goroutine here (its deferred calls still run), so that Work
		// can return and the test goes on.
		if w.aborted {
			// already reported
		} else if w.jobs <= 0 {
			w.problem("%s did a job although jobs was %d: with jobs of zero or less, nobody does anything.", who, w.jobs)
		} else {
			w.problem("%s did more than the %d jobs asked for.", who, w.jobs)
		}
		w.mu.Unlock()
		defer w.mu.Lock() // the deferred Unlock above expects it held
		runtime.Goexit()
	}
	if w.aborted {
		return
	}
	tt, ok := w.tools[who]
	if !ok {
		w.problem("do was called with %q, who is not one of the people.", who)
		return
	}
	for _, t := range tt {
		if w.holder[t] != who {
			w.problem("%s did a job without holding the %s: a job needs both tools in hand.", who, t)
			return
		}
	}
	w.done[who]++
	w.inDo++
	w.peakDo = max(w.peakDo, w.inDo)
	defer func() { w.inDo-- }()
	w.broadcast()
	if w.doGate {
		deadline := time.Now().Add(bound)
		for !w.aborted && w.peakDo < 2 {
			if w.waitOrGiveUp(deadline) {
				break
			}
		}
		w.doGate = false // once shown (or not), let everyone through
		w.broadcast()
	}
}

// run calls Work and checks that it returned, without a deadlock, with
// every job done while holding both tools.
func (w *workshop) run(t *testing.T) {
	t.Helper()
	returned := make(chan struct{})
	go func() {
		dl.Work(w.people(), w.jobs, w.do)
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(2 * bound):
		w.mu.Lock()
		var b strings.Builder
		for who := range w.tools {
			if h := w.holds(who); h != "" || w.waiting[who] != "" {
				fmt.Fprintf(&b, "  %s holds %s", who, orNothing(h))
				if t := w.waiting[who]; t != "" {
					fmt.Fprintf(&b, " and waits for the %s", t)
				}
				b.WriteString(".\n")
			}
		}
		w.abort()
		w.mu.Unlock()
		select {
		case <-returned:
		case <-time.After(bound):
		}
		t.Fatalf("Work did not return within %v. At that moment:\n%s"+
			"Does every person put back both tools after each job?", 2*bound, b.String())
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.deadlock != "" {
		t.Fatalf("Deadlock! Everybody with work left waits for a tool that somebody else holds:\n%s"+
			"Nobody can put a tool back, so nobody will ever move. What happened, in order:\n%s\n"+
			"This happens when people reach for the same tools in different orders. Make everyone\n"+
			"take their tools in one shared order, e.g. by the tools' names.", w.deadlock, lastEvents(w.events, 12))
	}
	if len(w.problems) > 0 {
		t.Fatal(w.problems[0])
	}
	for who := range w.tools {
		assert.Equal(t, max(w.jobs, 0), w.done[who], "%s should have done %d jobs", who, max(w.jobs, 0))
		assert.Empty(t, w.holds(who), "%s still holds a tool after Work returned", who)
	}
}

func lastEvents(ev []string, n int) string {
	if len(ev) > n {
		ev = append([]string{"..."}, ev[len(ev)-n:]...)
	}
	return "  " + strings.Join(ev, "\n  ")
}

// TestNoGoroutineLeft: when Work returns, every person's goroutine has ended.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	w := newWorkshop(3, map[string][2]string{
		"Alice": {"hammer", "saw"},
		"Bob":   {"drill", "file"},
	})
	w.run(t)
	check.NoLeaks(t)
}

// TestOppositeOrders: Alice reaches for the hammer first, Bob for the saw
// first. Both reach at the same moment, every time.
func TestOppositeOrders(t *testing.T) {
	check.Seal(t)
	w := newWorkshop(3, map[string][2]string{
		"Alice": {"hammer", "saw"},
		"Bob":   {"saw", "hammer"},
	})
	w.barrier = true
	w.run(t)
}

// TestRingOfThree: three people, three tools, each person needs the tool
// the next one reaches for first.
func TestRingOfThree(t *testing.T) {
	check.Seal(t)
	w := newWorkshop(2, map[string][2]string{
		"Ann": {"chisel", "drill"},
		"Ben": {"drill", "file"},
		"Cat": {"file", "chisel"},
	})
	w.barrier = true
	w.run(t)
}

// TestSameToolsSameOrder: people who reach in the same order never
// deadlock; the fix must not break them.
func TestSameToolsSameOrder(t *testing.T) {
	check.Seal(t)
	w := newWorkshop(3, map[string][2]string{
		"Dora": {"saw", "hammer"},
		"Eve":  {"saw", "hammer"},
	})
	w.barrier = true
	w.run(t)
}

// TestWorkAtTheSameTime: people who need different tools work at the same
// time: the fix must not make the whole workshop wait for one person. The
// first person to reach for a tool keeps both until somebody else works; the
// people with other tools are held as they reach for one, until a person
// who needs the first one's tools waits for them. So a lock held around the
// takes is caught whoever takes it first: it waits for a busy tool, and the
// others wait behind it.
func TestWorkAtTheSameTime(t *testing.T) {
	check.Seal(t)
	w := newWorkshop(2, map[string][2]string{
		"Alice": {"hammer", "saw"},
		"Bob":   {"saw", "hammer"},
		"Carol": {"drill", "file"},
		"Dave":  {"file", "drill"},
	})
	w.doGate = true
	w.pickGate = true
	w.run(t)
	w.mu.Lock()
	defer w.mu.Unlock()
	assert.GreaterOrEqual(t, w.peakDo, 2,
		"Alice and Bob need the hammer and the saw, Carol and Dave the drill and the file: two jobs\n"+
			"can happen at the same time, but there was never more than one. Do not make everybody wait\n"+
			"for one lock around the job or around taking the tools; order the tools instead.")
}

// TestNamesThatShareAStart: opposite orders again, with tools whose names
// share their first letter, or start the same way, or have the same
// length: the order of the tools must follow their whole names.
func TestNamesThatShareAStart(t *testing.T) {
	check.Seal(t)
	for _, tt := range [][2]string{{"saw", "sander"}, {"drill", "plane"}, {"file", "files"}} {
		w := newWorkshop(2, map[string][2]string{
			"Alice": {tt[0], tt[1]},
			"Bob":   {tt[1], tt[0]},
		})
		w.barrier = true
		w.run(t)
		if t.Failed() {
			return
		}
	}
}

// TestNoJobs: with jobs of zero or less, nobody does anything, and Work
// returns.
func TestNoJobs(t *testing.T) {
	check.Seal(t)
	for _, jobs := range []int{0, -1} {
		w := newWorkshop(jobs, map[string][2]string{
			"Alice": {"hammer", "saw"},
			"Bob":   {"saw", "hammer"},
		})
		w.run(t)
		if t.Failed() {
			return
		}
	}
}

// TestManyToolNames: opposite orders for every pair of many tool names
// (anagrams, shared starts, same lengths, names that fall together under a
// small hash): any order that lets two different names tie, and then keeps
// each person's own order, deadlocks on one of these pairs. Only an order
// on the whole names (or one built from them, like a sorted table) passes.
func TestManyToolNames(t *testing.T) {
	check.Seal(t)
	names := []string{"hammer", "saw", "was", "sander", "drill", "plane", "file", "files",
		"wrench", "pliers", "chisel", "clamp", "rasp", "spar", "awl", "vise", "mallet", "level",
		"router", "jigsaw", "trowel", "ruler", "auger", "gouge", "lathe", "shears", "snips",
		"spanner", "punch", "brush", "knife", "bevel", "tongs"}
	for i, a := range names {
		for _, b := range names[i+1:] {
			w := newWorkshop(1, map[string][2]string{
				"Alice": {a, b},
				"Bob":   {b, a},
			})
			w.barrier = true
			w.run(t)
			if t.Failed() {
				t.Logf("The tools were the %s and the %s: Alice reached for the %s first, Bob for the %s.", a, b, a, b)
				return
			}
			if !w.barrier {
				return // they did not reach at once: TestWorkAtTheSameTime tells why
			}
		}
	}
}
