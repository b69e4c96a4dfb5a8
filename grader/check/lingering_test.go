package check

import (
	"strings"
	"testing"
)

func TestLingeringReport(t *testing.T) {
	for _, c := range []struct {
		calls, seen int
		fails       bool
	}{
		{10, 0, false}, {10, 1, false}, {10, 2, true}, {1, 1, true}, {1, 0, false},
	} {
		l := &Lingering{calls: c.calls, seen: c.seen, first: "Play returned, but"}
		var r record
		ok := l.Report(&r)
		if ok == c.fails || c.fails && !strings.Contains(r.msg, "Play returned, but") {
			t.Errorf("calls %d, seen %d: Report = %v, message %q", c.calls, c.seen, ok, r.msg)
		}
	}
}
