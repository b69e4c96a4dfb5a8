//go:build gclhidden

package hammer_test

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	hammer "github.com/go-concurrency-lab/course/exercises/02-the-hammer"
	"github.com/go-concurrency-lab/course/grader/check"
)

// fakeHammer records every hit: who hit which nail, from which goroutine,
// and how many people were holding the hammer at that moment. With swing
// set, each hit lasts until every other goroutine of the program is parked
// (check.Quiet): anyone who (wrongly) grabs the hammer meanwhile is inside
// Hit by then, on every run.
type fakeHammer struct {
	swing   bool
	holding atomic.Int32 // people inside Hit right now
	peak    atomic.Int32 // the most people ever inside Hit at once
	mu      sync.Mutex
	hits    []hit
}

// restless is set once a swing waited in vain for everybody else to wait.
var restless atomic.Bool

// patience is how long a swing waits for everybody else to wait: a
// second, or a moment once someone was seen never to stop (a spin loop).
func patience() time.Duration {
	if restless.Load() {
		return 10 * time.Millisecond
	}
	return time.Second
}

type hit struct {
	who       string // "Anna#2": Anna's second nail
	goroutine int
}

func (f *fakeHammer) Hit(person string, nail int) {
	n := f.holding.Add(1)
	for p := f.peak.Load(); n > p && !f.peak.CompareAndSwap(p, n); p = f.peak.Load() {
	}
	f.mu.Lock()
	f.hits = append(f.hits, hit{fmt.Sprintf("%s#%d", person, nail), check.GoroutineID()})
	f.mu.Unlock()
	if f.swing && !check.Quiet(patience()) {
		restless.Store(true) // someone keeps running: do not wait as long again
	}
	f.holding.Add(-1)
}

// sequence lists the hits in the order they happened.
func (f *fakeHammer) sequence() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, h := range f.hits {
		out = append(out, h.who)
	}
	return out
}

// work runs hammer.Work in a goroutine the test watches, and waits for it:
// a Work whose goroutines are stuck fails the test at once, with where they
// wait. When Work returns, no goroutine of it may be left (check.Finished:
// no retries, a goroutine that ends a little later is caught too), in any
// test. It also returns the goroutine that called Work.
//
// With atReturn, Work runs on one P and the test looks at the very moment
// it returns (check.EndedOrSentAtReturn): a goroutine that Work only told
// to stop (a close after Wait) or did not count is still there then, on
// every run.
func work(t *testing.T, people []hammer.Person, swing, atReturn bool) (*fakeHammer, int) {
	t.Helper()
	h := &fakeHammer{swing: swing}
	var atRet check.Report
	g := check.Go(func() {
		if atReturn {
			check.EndedOrSentAtReturn(&atRet, fmt.Sprintf("Work(%s) returned", show(people)), func() { hammer.Work(h, people) })
		} else {
			hammer.Work(h, people)
		}
	})
	if !returns(h, g) {
		t.Errorf("Work(%s) did not return; %d nails were hammered: %v.\n"+
			"Someone is waiting for a hammer that never comes, or Work waits for a goroutine that never ends.\n"+
			"Does every person pass the hammer on after each nail, even after their last one?\n%s",
			show(people), len(h.sequence()), h.sequence(), check.TimeMarker)
		check.NoLeaks(t) // says where the goroutines are stuck
		t.FailNow()
	}
	// Goroutines left running (a ring that goes round for ever) would slow
	// down every later call: stop here.
	if !atRet.Tell(t) || !check.Finished(t, fmt.Sprintf("Work(%s) returned", show(people))) {
		t.FailNow()
	}
	return h, g.ID()
}

// returns waits for Work's goroutine g to end, for at most 20 s, and
// reports whether it did. check.WaitEnded gives up early when everyone is
// parked, but a swing waits in check.Quiet, which sleeps between its looks:
// on a loaded machine the watcher can see the swinging person asleep and
// everyone else waiting for the hammer, three times over 50 ms, before the
// swing ends. Someone inside Hit is not stuck: wait on (a swing ends within
// its patience).
func returns(h *fakeHammer, g *check.Goroutine) bool {
	deadline := time.Now().Add(20 * time.Second)
	for {
		if check.WaitEnded(time.Until(deadline), g) {
			return true
		}
		if h.holding.Load() == 0 || time.Now().After(deadline) {
			return false
		}
	}
}

// roundRobin is what must happen: one nail each, in the order of people,
// skipping those who are done.
func roundRobin(people []hammer.Person) []string {
	var out []string
	for round := 1; ; round++ {
		more := false
		for _, p := range people {
			if p.Nails >= round {
				out = append(out, fmt.Sprintf("%s#%d", p.Name, round))
				more = true
			}
		}
		if !more {
			return out
		}
	}
}

func show(people []hammer.Person) string {
	var parts []string
	for _, p := range people {
		parts = append(parts, p.Name+" "+strconv.Itoa(p.Nails))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

var groups = [][]hammer.Person{
	{{Name: "Anna", Nails: 3}, {Name: "Ben", Nails: 1}, {Name: "Cleo", Nails: 2}},
	{{Name: "Ada", Nails: 1}, {Name: "Bob", Nails: 4}, {Name: "Cy", Nails: 0}, {Name: "Dee", Nails: 2}},
	{{Name: "Solo", Nails: 3}},
	{{Name: "Eve", Nails: 5}, {Name: "Finn", Nails: 5}, {Name: "Gus", Nails: 5}, {Name: "Hal", Nails: 5}},
	{{Name: "Zed", Nails: 0}, {Name: "Amy", Nails: 2}, {Name: "Yan", Nails: 0}},
	{{Name: "Nobody", Nails: 0}},
	{{Name: "Neg", Nails: -2}, {Name: "Pat", Nails: 2}, {Name: "Ron", Nails: 1}},
	nil,
}

// TestEveryNailOnce: every nail of every person is hammered exactly once.
func TestEveryNailOnce(t *testing.T) {
	check.Seal(t)
	for _, people := range groups {
		h, _ := work(t, people, false, false)
		count := map[string]int{}
		for _, x := range h.sequence() {
			count[x]++
		}
		var missing, twice []string
		for _, want := range roundRobin(people) {
			switch count[want] {
			case 0:
				missing = append(missing, want)
			case 1:
			default:
				twice = append(twice, want)
			}
			delete(count, want)
		}
		if len(missing) > 0 {
			t.Fatalf("With people %s, these nails were never hammered: %v (Anna#2 is Anna's second nail).\n"+
				"When Work returns, every person must have hammered every nail: does Work wait for all of them?",
				show(people), missing)
		}
		if len(twice) > 0 || len(count) > 0 {
			t.Fatalf("With people %s, these nails were hammered more than once: %v; these should not exist: %v.\n"+
				"Each person hammers their own nails 1, 2, ... up to their count, each once.",
				show(people), twice, count)
		}
	}
}

// TestOnePersonHoldsTheHammer: never two people inside Hit at once. Each
// hit lasts until everybody else waits: whoever does not wait for the
// hammer is inside Hit by then.
func TestOnePersonHoldsTheHammer(t *testing.T) {
	check.Seal(t)
	for _, people := range groups[:4] {
		h, _ := work(t, people, true, false)
		require.NotZero(t, h.peak.Load(), "With people %s, nobody hit a single nail.", show(people))
		require.Equal(t, int32(1), h.peak.Load(),
			"With people %s, %d people held the hammer at the same time. There is only one hammer:\n"+
				"a person may hit a nail only after the hammer has been handed to them, and hands it on\n"+
				"only after the hit.", show(people), h.peak.Load())
	}
}

// TestHammerGoesRoundInTurn: the hammer passes from person to person in
// the order of people, skipping those who are done; so the one with the
// fewest nails finishes first.
func TestHammerGoesRoundInTurn(t *testing.T) {
	check.Seal(t)
	for _, people := range groups {
		for range 3 {
			h, _ := work(t, people, false, false)
			require.Equal(t, roundRobin(people), h.sequence(),
				"With people %s, the hammer must go round in turn: each person hits one nail and passes\n"+
					"the hammer to the next person who still has nails (after the last person comes the first again).\n"+
					"A lock shared by everyone keeps two people from hitting at once, but it does not say whose turn is next:\n"+
					"hand the hammer to the next person yourself.", show(people))
		}
	}
}

// TestOneGoroutinePerPerson: each person works in a goroutine of their own,
// not in the goroutine that called Work.
func TestOneGoroutinePerPerson(t *testing.T) {
	check.Seal(t)
	for _, people := range groups[:4] {
		h, caller := work(t, people, false, false)
		byPerson := map[string]int{}
		owner := map[int]string{}
		for _, x := range h.hits {
			name, _, _ := strings.Cut(x.who, "#")
			require.NotEqual(t, caller, x.goroutine,
				"%s was hammered by the goroutine that called Work: each person needs a goroutine of their own (go func() {...}()).", x.who)
			if g, ok := byPerson[name]; ok {
				require.Equal(t, g, x.goroutine,
					"%s's nails were hammered from different goroutines: start one goroutine per person, and let it hammer all of that person's nails.", name)
				continue
			}
			if other, ok := owner[x.goroutine]; ok {
				require.Failf(t, "one goroutine worked for two people",
					"%s and %s hammered from the same goroutine: start one goroutine per person.", other, name)
			}
			byPerson[name], owner[x.goroutine] = x.goroutine, name
		}
	}
}

// TestNobodyLeftBehind: when Work returns, every goroutine it started has
// ended: at that very moment (on one P, before any of them could run on),
// not a little later.
func TestNobodyLeftBehind(t *testing.T) {
	check.Seal(t)
	for _, people := range groups {
		work(t, people, false, true) // which checks it
	}
}
