package check

import "fmt"

// Lingering repeats GoneNow over many calls of the same kind (many games,
// many runs) and fails only when goroutines were seen at the moment of
// return in at least two of them.
//
// GoneNow, after OneProc, sees a goroutine that a call did not wait for
// every time, or (under the race detector, whose scheduler picks among
// ready goroutines at random) about every other time. A correct answer is
// seen only when the runtime preempts its goroutine in the few
// instructions between the signal it gives as it ends (wg.Done, a deferred
// close) and its end: measured on a loaded 2-core machine, under -race,
// about once in 25,000 calls. One sighting is therefore not proof; two in
// one test are, for every purpose.
type Lingering struct {
	calls, seen int
	first       string
}

// Look calls GoneNow for one call that has just returned; what names it,
// e.g. "Play(3, hit) returned". Call it right after the call, on one P
// (OneProc), inside a bubble.
func (l *Lingering) Look(what string) {
	l.calls++
	var r record
	if !GoneNow(&r, what) {
		l.seen++
		if l.first == "" {
			l.first = r.msg
		}
	}
}

// Report fails t when goroutines were left at the moment of return in two
// or more of the calls looked at (or in the only one), naming the first.
func (l *Lingering) Report(t TB) bool {
	t.Helper()
	if l.seen == 0 || l.seen < 2 && l.calls > 1 {
		return true
	}
	t.Errorf("%s\n(seen at the moment of return in %d of %d calls)", l.first, l.seen, l.calls)
	return false
}

// record is a TB that keeps the first failure message.
type record struct{ msg string }

func (r *record) Helper() {}

func (r *record) Errorf(format string, args ...any) {
	if r.msg == "" {
		r.msg = fmt.Sprintf(format, args...)
	}
}
