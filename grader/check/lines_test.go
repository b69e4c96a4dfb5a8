package check

import (
	"flag"
	"strings"
	"testing"
)

// update is accepted so that `go test ./grader/... -update` runs here too;
// this package has no golden files.
var _ = flag.Bool("update", false, "rewrite golden files (none here)")

func TestLineRules(t *testing.T) {
	type testCase struct {
		name  string
		rule  LineRule
		lines []string
		want  string // "" for no error, else a substring of it
	}
	run := func(t *testing.T, tc testCase) {
		err := tc.rule(tc.lines)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: unexpected error %v", tc.lines, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: error %v, want one with %q", tc.lines, err, tc.want)
		}
	}
	abc := []string{"a", "b", "c"}
	for _, tc := range []testCase{
		{"exactly", Exactly(abc...), abc, ""},
		{"exactly: wrong line", Exactly(abc...), []string{"a", "c", "b"}, `line 2 should be "b", but it is "c"`},
		{"exactly: too short", Exactly(abc...), []string{"a"}, `line 2 should be "b", but the output ended before it`},
		{"exactly: too long", Exactly(abc...), []string{"a", "b", "c", "d"}, `line 4, "d", should not be there: after "c" nothing more should be printed`},
		{"exactly: nothing wanted, nothing printed", Exactly(), nil, ""},
		{"each once: any order", EachOnce(abc), []string{"c", "a", "b"}, ""},
		{"each once: missing", EachOnce(abc), []string{"a", "b"}, `"c" is missing`},
		{"each once: twice", EachOnce(abc), []string{"a", "b", "c", "b"}, `"b" is printed 2 times`},
		{"each once: a stranger", EachOnce(abc), []string{"a", "b", "c", "x"}, `"x" should not be printed`},
		{"each once: allowed extras", EachOnce(abc, "x"), []string{"x", "a", "b", "x", "c"}, ""},
		{"before", Before("a", "c"), abc, ""},
		{"before: wrong order", Before("c", "a"), abc, `"a" is printed before "c", but it must come after it`},
		{"before: missing", Before("a", "z"), abc, `"z" is missing`},
		{"first", First("a"), abc, ""},
		{"first: wrong", First("b"), abc, `the first line should be "b"`},
		{"first: empty", First("a"), nil, `the first line should be "a"`},
		{"last", Last("c"), abc, ""},
		{"last: wrong", Last("a"), abc, `the last line should be "a"`},
		{"in order: interleaved", InOrder("a", "c"), []string{"a", "x", "c"}, ""},
		{"in order: broken", InOrder("a", "c"), []string{"c", "a"}, `"a" is printed after "c", but it belongs before it`},
		{"in order: missing lines are another rule's job", InOrder("a", "b", "c"), []string{"a", "c"}, ""},
		{"all: the first broken rule", All(First("a"), Last("b"), Last("z")), abc, `the last line should be "b"`},
		{"all: every rule kept", All(First("a"), Last("c"), EachOnce(abc)), abc, ""},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestShow(t *testing.T) {
	if got := Show(nil); got != "  (nothing)" {
		t.Errorf("Show(nil) = %q", got)
	}
	var many []string
	for range 30 {
		many = append(many, "x")
	}
	got := Show(many)
	if !strings.HasSuffix(got, "  ... 10 more lines") || strings.Count(got, "\n") != 20 {
		t.Errorf("Show of 30 lines:\n%s", got)
	}
}
