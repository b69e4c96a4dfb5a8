package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestTextClosingLine: the last line says what was graded, and what to do.
func TestTextClosingLine(t *testing.T) {
	type testCase struct {
		name    string
		report  *Report
		catalog []string
		want    string
	}
	one := solved()
	one = New(one.Exercises[:1], true, "")
	run := func(t *testing.T, tc testCase) {
		var b bytes.Buffer
		if err := WriteText(&b, tc.report, Options{Exercises: tc.catalog}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(b.String()), "\n")
		if got := lines[len(lines)-1]; got != tc.want {
			t.Errorf("closing line %q, want %q; the report:\n%s", got, tc.want, b.String())
		}
	}
	for _, tc := range []testCase{
		{name: "one exercise", report: one, catalog: []string{"01-wait-for-hello", "07-safe-cache", "08-once"},
			want: "01-wait-for-hello passes."},
		{name: "some exercises", report: solved(), catalog: []string{"01-wait-for-hello", "07-safe-cache", "08-once"},
			want: "All 2 graded exercises pass."},
		{name: "the whole course", report: solved(), catalog: []string{"01-wait-for-hello", "07-safe-cache"},
			want: "Every exercise passes. Well done!"},
		{name: "a failure", report: stubs(),
			want: "Next: fix exercises/01-wait-for-hello, then run `go run ./grader test 01`. Stuck? `go run ./grader hint 01`"},
		{name: "no race detector", report: noRace(),
			want: "Nothing to fix that could be checked here; the race checks will run in the classroom's grader."},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

// TestTextStream: fed one exercise at a time, the stream writes what
// WriteText writes; results replaced after they were written are written
// again, said so.
func TestTextStream(t *testing.T) {
	r := stubs()
	var whole, streamed bytes.Buffer
	if err := WriteText(&whole, r, Options{}); err != nil {
		t.Fatal(err)
	}
	s := NewTextStream(&streamed, Options{})
	for _, e := range r.Exercises {
		if err := s.Exercise(e); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(streamed.String(), e.Exercise) {
			t.Errorf("%s not written as soon as it came", e.Exercise)
		}
	}
	if err := s.Summary(r); err != nil {
		t.Fatal(err)
	}
	if whole.String() != streamed.String() {
		t.Errorf("streamed:\n%s\nwhole:\n%s", streamed.String(), whole.String())
	}

	streamed.Reset()
	s = NewTextStream(&streamed, Options{})
	for _, e := range solved().Exercises {
		s.Exercise(e)
	}
	s.Summary(r)
	if got := streamed.String(); !strings.Contains(got, "do not count") || strings.Count(got, "01-wait-for-hello") < 2 {
		t.Errorf("results replaced after they were written:\n%s", got)
	}
}

// TestTextNoRace: without the race detector, a correct answer shows its
// points and the race check as not checked here, never as a pass.
func TestTextNoRace(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, noRace(), Options{}); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{"not checked here (it will run in the classroom's grader)", "The race detector could not run"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
	for _, bad := range []string{"Next: fix", "✗", "!", "✓ race"} {
		if strings.Contains(got, bad) {
			t.Errorf("%q in:\n%s", bad, got)
		}
	}
}
