package check

import (
	"fmt"
	"strings"
	"testing"
)

// A LineRule is a rule about the lines one run printed. It returns nil when
// the run keeps the rule, or says what is wrong, in words for a student.
type LineRule func(lines []string) error

// Exactly wants exactly these lines, in this order.
func Exactly(want ...string) LineRule {
	return func(lines []string) error {
		for i := range max(len(want), len(lines)) {
			switch {
			case i >= len(lines):
				return fmt.Errorf("line %d should be %q, but the output ended before it", i+1, want[i])
			case i >= len(want):
				return fmt.Errorf("line %d, %q, should not be there: after %q nothing more should be printed", i+1, lines[i], want[len(want)-1])
			case lines[i] != want[i]:
				return fmt.Errorf("line %d should be %q, but it is %q", i+1, want[i], lines[i])
			}
		}
		return nil
	}
}

// EachOnce wants each of items printed exactly once, in any order, and
// nothing else except the lines in also.
func EachOnce(items []string, also ...string) LineRule {
	return func(lines []string) error {
		count := map[string]int{}
		for _, l := range lines {
			count[l]++
		}
		for _, it := range items {
			switch n := count[it]; {
			case n == 0:
				return fmt.Errorf("%q is missing", it)
			case n > 1:
				return fmt.Errorf("%q is printed %d times, but it should be printed once", it, n)
			}
		}
		allowed := map[string]bool{}
		for _, it := range append(append([]string{}, items...), also...) {
			allowed[it] = true
		}
		for _, l := range lines {
			if !allowed[l] {
				return fmt.Errorf("%q should not be printed", l)
			}
		}
		return nil
	}
}

// Before wants line a printed, and printed before line b.
func Before(a, b string) LineRule {
	return func(lines []string) error {
		ia, ib := index(lines, a), index(lines, b)
		switch {
		case ia < 0:
			return fmt.Errorf("%q is missing", a)
		case ib < 0:
			return fmt.Errorf("%q is missing", b)
		case ia > ib:
			return fmt.Errorf("%q is printed before %q, but it must come after it", b, a)
		}
		return nil
	}
}

// First wants line s printed first; Last wants it printed last.
func First(s string) LineRule {
	return func(lines []string) error {
		if len(lines) == 0 || lines[0] != s {
			return fmt.Errorf("the first line should be %q", s)
		}
		return nil
	}
}

// Last wants line s printed last.
func Last(s string) LineRule {
	return func(lines []string) error {
		if len(lines) == 0 || lines[len(lines)-1] != s {
			return fmt.Errorf("the last line should be %q", s)
		}
		return nil
	}
}

// InOrder wants the lines of seq that were printed to appear in seq's order:
// the sequence one goroutine prints, among lines that others interleave.
// It does not ask for every line of seq to be there; combine with EachOnce.
func InOrder(seq ...string) LineRule {
	return func(lines []string) error {
		pos := map[string]int{}
		for i, s := range seq {
			pos[s] = i
		}
		last, lastLine := -1, ""
		for _, l := range lines {
			p, ok := pos[l]
			if !ok {
				continue
			}
			if p < last {
				return fmt.Errorf("%q is printed after %q, but it belongs before it", l, lastLine)
			}
			last, lastLine = p, l
		}
		return nil
	}
}

// All combines rules: the first that fails is reported.
func All(rules ...LineRule) LineRule {
	return func(lines []string) error {
		for _, r := range rules {
			if err := r(lines); err != nil {
				return err
			}
		}
		return nil
	}
}

// EveryRun fails t unless every run keeps rule. The message counts the runs
// that broke it and shows the first of them line by line. A run that did
// not happen to its end (killed, never started, cut short before main
// returned) keeps no rule, and no runs at all keep none either.
func EveryRun(t *testing.T, runs []Run, rule LineRule, why string) bool {
	t.Helper()
	return everyRun(t, runs, rule, why)
}

func everyRun(t runT, runs []Run, rule LineRule, why string) bool {
	t.Helper()
	if len(runs) == 0 {
		t.Error("The program was not run at all, so what it prints could not be checked.")
		return false
	}
	var bad, cut []Run
	var first error
	var cutWhy string
	for _, r := range runs {
		if ok, w := r.Ended(); !ok {
			if cut == nil {
				cutWhy = w
			}
			cut = append(cut, r)
			continue
		}
		if err := rule(r.Lines); err != nil {
			if first == nil {
				first = err
			}
			bad = append(bad, r)
		}
	}
	switch {
	case len(bad) > 0:
		t.Errorf("%d of %d runs went wrong. %s printed:\n%s\nThe problem: %s.\n%s",
			len(bad)+len(cut), len(runs), bad[0], Show(bad[0].Lines), first, why)
	case len(cut) > 0:
		t.Errorf("%d of %d runs did not run to the end (%s %s), so what they printed does not count.",
			len(cut), len(runs), cut[0], cutWhy)
	default:
		return true
	}
	return false
}

// Show lists lines for a message, one per line, indented.
func Show(lines []string) string {
	if len(lines) == 0 {
		return "  (nothing)"
	}
	var b strings.Builder
	for i, l := range lines {
		if i == 20 && len(lines) > 24 {
			fmt.Fprintf(&b, "  ... %d more lines\n", len(lines)-20)
			break
		}
		fmt.Fprintf(&b, "  %s\n", l)
	}
	return strings.TrimRight(b.String(), "\n")
}

func index(lines []string, s string) int {
	for i, l := range lines {
		if l == s {
			return i
		}
	}
	return -1
}
