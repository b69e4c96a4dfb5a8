package traceback

import "strings"

// DescribeCrash explains a panic or fatal error: its first line, then where
// in the student's code each goroutine of the dump was.
func DescribeCrash(stderr string, mine Filter) string {
	var first string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			first = l
			break
		}
	}
	where := DescribeBlocked(Goroutines(stderr), mine)
	if where == "" {
		return "  " + first + "\n"
	}
	return "  " + first + "\n" + where
}
