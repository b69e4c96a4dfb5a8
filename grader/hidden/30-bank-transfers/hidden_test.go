//go:build gclhidden

package banktransfers_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	bt "github.com/go-concurrency-lab/course/exercises/30-bank-transfers"
	"github.com/go-concurrency-lab/course/grader/check"
)

// bound is how long, in real time, the vault waits for something that a
// right answer does at once. Only wrong (or one-at-a-time) answers reach it.
const bound = 3 * time.Second

// vault is the bank's store, instrumented. Everything is under one mutex,
// so it knows exactly how many transfers are running and how many of them
// wait for an account somebody has locked. When every running transfer
// waits, none can ever unlock anything: a deadlock. The vault reports it
// and lets everyone go (Lock returns at once), so the test ends.
type vault struct {
	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every change
	balance  map[string]int
	locked   map[string]bool
	waiters  map[*int]string // one entry per Lock call that waits: the account
	running  int             // transfers (or goroutines of transfers) not finished
	events   []string
	deadlock string
	problems []string
	aborted  bool

	// barrier: each Lock waits until every running transfer is in Lock
	// too (or waits for a locked account), then they all go at once, so
	// the worst interleaving is the one that happens, on every run. It
	// switches itself off when somebody does not come within bound.
	barrier bool
	arrived int
	gen     int
	// timedOut: the barrier switched itself off because a running transfer
	// did not come to Lock (it waited for something else).
	timedOut bool
	// peakLocked: the most accounts that were ever locked at once.
	peakLocked int
}

func newVault(balances map[string]int) *vault {
	v := &vault{changed: make(chan struct{}), balance: map[string]int{}, locked: map[string]bool{}, waiters: map[*int]string{}}
	for a, c := range balances {
		v.balance[a] = c
	}
	return v
}

func (v *vault) broadcast() {
	close(v.changed)
	v.changed = make(chan struct{})
}

// wait releases mu until the next change or the deadline, and reports
// whether the deadline passed. Call with mu held.
func (v *vault) wait(deadline time.Time) bool {
	if v.aborted {
		return false
	}
	ch := v.changed
	v.mu.Unlock()
	defer v.mu.Lock()
	select {
	case <-ch:
		return false
	case <-time.After(time.Until(deadline)):
		return true
	}
}

func (v *vault) abort() {
	v.aborted = true
	v.broadcast()
}

func (v *vault) problem(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
	v.abort()
}

// blocked counts the Lock calls that wait for an account that is locked.
func (v *vault) blocked() int {
	n := 0
	for _, a := range v.waiters {
		if v.locked[a] {
			n++
		}
	}
	return n
}

func (v *vault) Lock(account string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.aborted {
		return
	}
	if _, ok := v.balance[account]; !ok {
		v.problem("Lock(%q): there is no such account.", account)
		return
	}
	v.events = append(v.events, "Lock("+account+")")
	if v.barrier {
		v.arrived++
		my, deadline := v.gen, time.Now().Add(bound)
		for !v.aborted && v.gen == my {
			if v.arrived+v.blocked() >= v.running {
				v.gen++
				v.arrived = 0
				v.broadcast()
				break
			}
			// Wait in short steps: a transfer that is blocked outside the
			// vault (on a lock of the bank's own) will never come, and the
			// barrier gives up on it at once instead of after bound.
			step := time.Now().Add(20 * time.Millisecond)
			if deadline.Before(step) {
				step = deadline
			}
			if v.wait(step) &&
				(time.Now().After(deadline) || blockedElsewhere()) {
				v.barrier = false
				v.timedOut = true
				v.gen++
				v.arrived = 0
				v.broadcast()
				break
			}
		}
	}
	me := new(int)
	for !v.aborted && v.locked[account] {
		v.waiters[me] = account
		v.events = append(v.events, "  waits: "+account+" is locked")
		v.broadcast()
		if v.blocked() >= v.running {
			v.reportDeadlock()
		}
		v.wait(time.Now().Add(time.Hour))
		delete(v.waiters, me)
	}
	if v.aborted {
		return
	}
	v.locked[account] = true
	v.peakLocked = max(v.peakLocked, len(v.locked))
	v.events = append(v.events, "  locked "+account)
	v.broadcast()
}

// blockedElsewhere reports whether a goroutine in a Transfer is blocked
// outside the vault: on something of the bank's own, that the barrier
// cannot wait for.
func blockedElsewhere() bool {
	buf := make([]byte, 1<<20)
	dump := string(buf[:runtime.Stack(buf, true)])
	for _, g := range strings.Split(dump, "\n\n") {
		header, _, _ := strings.Cut(g, "\n")
		inVault := false
		for _, m := range []string{"(*vault).Lock(", "(*vault).Unlock(", "(*vault).Balance(", "(*vault).SetBalance("} {
			inVault = inVault || strings.Contains(g, m)
		}
		_, state, _ := strings.Cut(header, "[")
		waits := false // on a lock, a channel, a sleep: not running, not in the garbage collector
		for _, w := range []string{"sync.", "semacquire", "chan ", "select", "sleep"} {
			waits = waits || strings.HasPrefix(state, w)
		}
		if strings.Contains(g, ".(*Bank).Transfer(") && !inVault && waits {
			return true
		}
	}
	return false
}

func (v *vault) reportDeadlock() {
	var waits []string
	for _, a := range v.waiters {
		waits = append(waits, a)
	}
	sort.Strings(waits)
	v.deadlock = fmt.Sprintf("%d transfers are running, and each one waits to lock an account that another one\n"+
		"has locked (they wait for %s). None of them can ever go on.", v.running, strings.Join(waits, ", "))
	v.abort()
}

func (v *vault) Unlock(account string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.aborted {
		return
	}
	if !v.locked[account] {
		v.problem("Unlock(%q), but %s was not locked.", account, account)
		return
	}
	delete(v.locked, account)
	v.events = append(v.events, "Unlock("+account+")")
	v.broadcast()
}

func (v *vault) Balance(account string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.aborted && !v.locked[account] {
		v.problem("Balance(%q) was called without holding the lock of %s. Another transfer may change the\n"+
			"balance right after you read it, so what you read may be stale by the time you act on it.\n"+
			"Lock both accounts first, then check and update.", account, account)
	}
	return v.balance[account]
}

func (v *vault) SetBalance(account string, cents int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.aborted && !v.locked[account] {
		v.problem("SetBalance(%q) was called without holding the lock of %s: another transfer may be\n"+
			"updating it at the same moment, and one of the two updates is lost.", account, account)
	}
	if v.aborted {
		return
	}
	v.balance[account] = cents
}

// transfer is one planned transfer.
type transfer struct {
	from, to string
	amount   int
}

// run runs each group of transfers in a goroutine of its own, all at once,
// and returns every group's errors. It fails the test on a deadlock, a
// broken rule of the store, or a transfer that never returns.
func (v *vault) run(t *testing.T, groups ...[]transfer) [][]error {
	t.Helper()
	b := bt.New(v)
	errs := make([][]error, len(groups))
	v.mu.Lock()
	v.running = len(groups) // before any starts, so the barrier waits for all
	v.mu.Unlock()
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Go(func() {
			defer func() {
				v.mu.Lock()
				v.running--
				v.broadcast()
				v.mu.Unlock()
			}()
			for _, tr := range g {
				errs[i] = append(errs[i], b.Transfer(tr.from, tr.to, tr.amount))
			}
		})
	}
	finished := make(chan struct{})
	go func() {
		wg.Wait()
		close(finished)
	}()
	select {
	case <-finished:
	case <-time.After(4 * bound):
		v.mu.Lock()
		var locked []string
		for a := range v.locked {
			locked = append(locked, a)
		}
		sort.Strings(locked)
		v.abort()
		v.mu.Unlock()
		<-finished
		t.Fatalf("the transfers did not finish within %v (locked at that moment: %v).\n"+
			"Does every transfer unlock what it locked, on every path (also when it returns an error)?", 4*bound, locked)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.deadlock != "" {
		t.Fatalf("Deadlock! %s\nWhat happened, in order:\n  %s\n"+
			"This happens when transfers lock their two accounts in different orders (A->B locks A then B,\n"+
			"B->A locks B then A). Lock the two accounts in one order for every transfer, e.g. by name.",
			v.deadlock, strings.Join(lastEvents(v.events, 10), "\n  "))
	}
	if len(v.problems) > 0 {
		t.Fatal(v.problems[0])
	}
	var still []string
	for a := range v.locked {
		still = append(still, a)
	}
	sort.Strings(still)
	require.Empty(t, still, "these accounts were still locked after every transfer had returned: unlock on every path")
	return errs
}

func lastEvents(ev []string, n int) []string {
	if len(ev) > n {
		return append([]string{"..."}, ev[len(ev)-n:]...)
	}
	return ev
}

func (v *vault) balances() map[string]int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.balancesLocked()
}

// balancesLocked is balances, with mu held.
func (v *vault) balancesLocked() map[string]int {
	out := map[string]int{}
	for a, c := range v.balance {
		out[a] = c
	}
	return out
}

// TestTransfer: money moves, and every error case leaves the balances as
// they were.
func TestTransfer(t *testing.T) {
	check.Seal(t)
	v := newVault(map[string]int{"alice": 100, "bob": 50})
	errs := v.run(t, []transfer{
		{"alice", "bob", 30},   // ok: 70, 80
		{"bob", "alice", 500},  // too much
		{"alice", "alice", 10}, // same account
		{"alice", "bob", 0},    // not positive
		{"bob", "alice", -5},   // not positive
		{"bob", "alice", 80},   // everything bob has: 150, 0
		{"bob", "alice", 1},    // bob has nothing left
		{"alice", "bob", 150},  // everything alice has: 0, 150
	})[0]
	require.Len(t, errs, 8)
	assert.NoError(t, errs[0], "alice has 100 and sends 30")
	assert.ErrorIs(t, errs[1], bt.ErrInsufficientFunds, "bob has 80 and tries to send 500")
	assert.ErrorIs(t, errs[2], bt.ErrSameAccount, "a transfer from alice to alice")
	assert.ErrorIs(t, errs[3], bt.ErrInvalidAmount, "a transfer of 0")
	assert.ErrorIs(t, errs[4], bt.ErrInvalidAmount, "a transfer of -5")
	assert.NoError(t, errs[5], "bob sends all he has: 80 of 80")
	assert.ErrorIs(t, errs[6], bt.ErrInsufficientFunds, "bob has 0 and tries to send 1")
	assert.NoError(t, errs[7], "alice sends all she has: 150 of 150")
	assert.Equal(t, map[string]int{"alice": 0, "bob": 150}, v.balances())
}

// TestOppositeTransfersAtOnce: alice pays bob while bob pays alice, at the
// same moment.
func TestOppositeTransfersAtOnce(t *testing.T) {
	check.Seal(t)
	v := newVault(map[string]int{"alice": 100, "bob": 100})
	v.barrier = true
	errs := v.run(t,
		[]transfer{{"alice", "bob", 10}, {"alice", "bob", 5}},
		[]transfer{{"bob", "alice", 20}, {"bob", "alice", 1}})
	for _, g := range errs {
		for _, err := range g {
			assert.NoError(t, err)
		}
	}
	assert.Equal(t, map[string]int{"alice": 106, "bob": 94}, v.balances())
}

// TestCycleOfThree: alice pays bob, bob pays carol, carol pays alice, all at
// the same moment.
func TestCycleOfThree(t *testing.T) {
	check.Seal(t)
	v := newVault(map[string]int{"alice": 100, "bob": 100, "carol": 100})
	v.barrier = true
	errs := v.run(t,
		[]transfer{{"alice", "bob", 10}},
		[]transfer{{"bob", "carol", 20}},
		[]transfer{{"carol", "alice", 30}})
	for _, g := range errs {
		for _, err := range g {
			assert.NoError(t, err)
		}
	}
	assert.Equal(t, map[string]int{"alice": 120, "bob": 90, "carol": 90}, v.balances())
}

// TestManyTransfersConserveMoney: 12 goroutines make 100 random transfers
// each among 6 accounts (whose names share their starts). Every cent is
// accounted for.
func TestManyTransfersConserveMoney(t *testing.T) {
	check.Seal(t)
	accounts := []string{"ann", "amy", "bo", "bob", "dave", "dora"}
	start := map[string]int{}
	total := 0
	for i, a := range accounts {
		start[a] = 100 * (i + 1)
		total += start[a]
	}
	v := newVault(start)
	groups := make([][]transfer, 12)
	for g := range groups {
		rng := rand.New(rand.NewPCG(uint64(g), 30))
		for range 100 {
			from, to := accounts[rng.IntN(len(accounts))], accounts[rng.IntN(len(accounts))]
			groups[g] = append(groups[g], transfer{from, to, 1 + rng.IntN(80)})
		}
	}
	errs := v.run(t, groups...)
	want := map[string]int{}
	for a, c := range start {
		want[a] = c
	}
	for g, trs := range groups {
		for i, tr := range trs {
			if errs[g][i] == nil {
				want[tr.from] -= tr.amount
				want[tr.to] += tr.amount
			}
		}
	}
	got := v.balances()
	sum := 0
	for a, c := range got {
		sum += c
		assert.GreaterOrEqual(t, c, 0, "%s's balance went below zero", a)
	}
	assert.Equal(t, total, sum, "money appeared or vanished: the total of all balances changed")
	assert.Equal(t, want, got, "the balances do not match the transfers that reported success")
}

// TestNamesThatShareAPrefix: opposite transfers at the same moment between
// accounts whose names share their first letter, or where one name is the
// start of the other, or that have the same length, or that differ only in
// case ("Bob" and "bob" are two accounts). The order in which the two
// accounts are locked must follow the whole names, byte for byte.
func TestNamesThatShareAPrefix(t *testing.T) {
	check.Seal(t)
	for _, pair := range [][2]string{{"ann", "amy"}, {"bo", "bob"}, {"dave", "dora"}, {"acct-10", "acct-1"}, {"Bob", "bob"}, {"acme", "ACME"}} {
		a, b := pair[0], pair[1]
		v := newVault(map[string]int{a: 100, b: 100})
		v.barrier = true
		errs := v.run(t,
			[]transfer{{a, b, 10}, {a, b, 5}},
			[]transfer{{b, a, 20}, {b, a, 1}})
		for _, g := range errs {
			for _, err := range g {
				assert.NoError(t, err)
			}
		}
		if !assert.Equal(t, map[string]int{a: 106, b: 94}, v.balances(), "transfers between %s and %s", a, b) {
			return
		}
	}
}

// TestNoDoubleSpend: alice has 100 and sends 60 to bob and 60 to carol at
// the same moment: one of the two must fail, and nobody's balance goes
// below zero.
func TestNoDoubleSpend(t *testing.T) {
	check.Seal(t)
	v := newVault(map[string]int{"alice": 100, "bob": 0, "carol": 0})
	v.barrier = true
	errs := v.run(t, []transfer{{"alice", "bob", 60}}, []transfer{{"alice", "carol", 60}})
	ok := 0
	for _, g := range errs {
		if g[0] == nil {
			ok++
		} else {
			assert.ErrorIs(t, g[0], bt.ErrInsufficientFunds)
		}
	}
	got := v.balances()
	assert.Equal(t, 1, ok, "alice had 100 and two transfers of 60 ran at once: exactly one can succeed, the other\n"+
		"must fail with ErrInsufficientFunds. Balances after: %v. Check the balance and move the money\n"+
		"under the same locks: a balance read before (or under other locks) may be stale when you act on it.", got)
	assert.Equal(t, 100, got["alice"]+got["bob"]+got["carol"], "money appeared or vanished: %v", got)
}

// TestTransfersWithoutSharedAccountsRunAtOnce: alice pays bob while carol
// pays dave. They share no account, so each may hold its locks while the
// other does: neither waits for the other.
func TestTransfersWithoutSharedAccountsRunAtOnce(t *testing.T) {
	check.Seal(t)
	v := newVault(map[string]int{"alice": 100, "bob": 100, "carol": 100, "dave": 100})
	v.barrier = true
	v.run(t, []transfer{{"alice", "bob", 10}}, []transfer{{"carol", "dave", 20}})
	v.mu.Lock()
	defer v.mu.Unlock()
	assert.GreaterOrEqual(t, v.peakLocked, 3, "alice->bob and carol->dave share no account, but they never held their locks at the\n"+
		"same time: one waited for the other. Do not put one lock around every transfer: the accounts'\n"+
		"own locks, taken in one order, are enough.")
	assert.Equal(t, map[string]int{"alice": 90, "bob": 110, "carol": 80, "dave": 120}, v.balancesLocked())
}

// TestNoLostUpdate: bob pays alice while amy pays bob, at the same moment,
// 40 times. Both transfers lock bob; a transfer that lets go of an account
// between reading its balance and writing it back can lose the other's
// update, when it is the one that gets bob first, which is up to the
// scheduler: so 40 tries (the mutant unlock-between-read-and-write failed
// 20 of 20 runs, with and without -race, on 1 and 2 cores).
func TestNoLostUpdate(t *testing.T) {
	check.Seal(t)
	for range 40 {
		v := newVault(map[string]int{"alice": 100, "amy": 100, "bob": 100})
		v.barrier = true
		errs := v.run(t, []transfer{{"bob", "alice", 10}}, []transfer{{"amy", "bob", 20}})
		assert.NoError(t, errs[0][0])
		assert.NoError(t, errs[1][0])
		if !assert.Equal(t, map[string]int{"alice": 110, "amy": 80, "bob": 110}, v.balances(),
			"bob->alice 10 and amy->bob 20 at the same moment: an update was lost. Hold both accounts' locks\n"+
				"from the moment you read a balance until you have written it back.") {
			return
		}
	}
}

// TestManyAccountNames: opposite transfers between every pair of many
// account names (case variants, anagrams, shared starts, same lengths): an
// order that lets two different names tie, and then locks from first, waits
// forever on one of these pairs. Only an order on the whole names passes.
func TestManyAccountNames(t *testing.T) {
	check.Seal(t)
	names := []string{"bob", "Bob", "BOB", "acme", "Acme", "ann", "nan", "amy", "may", "bo",
		"dave", "dora", "eve", "Eve", "acct-1", "acct-10", "acct-2", "zoe", "Zoe", "x", "X", "carol", "coral"}
	for i, a := range names {
		for _, b := range names[i+1:] {
			v := newVault(map[string]int{a: 100, b: 100})
			v.barrier = true
			errs := v.run(t, []transfer{{a, b, 10}}, []transfer{{b, a, 20}})
			for _, g := range errs {
				for _, err := range g {
					assert.NoError(t, err, "transfers between %q and %q", a, b)
				}
			}
			if !assert.Equal(t, map[string]int{a: 110, b: 90}, v.balances(), "transfers between %q and %q", a, b) || t.Failed() {
				t.Logf("The accounts were %q and %q: one transfer went from %q to %q, the other back, at once.", a, b, a, b)
				return
			}
			if !v.barrier {
				return // they did not run at once: TestTransfersWithoutSharedAccountsRunAtOnce says more
			}
		}
	}
}
