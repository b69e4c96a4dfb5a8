package report

import (
	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

// Report models for the platform formats' tests: built by hand, in the
// shapes verdict produces, so the tests run in milliseconds.

// exerciseOf builds an exercise's result from its checks, totalled the way
// verdict totals them: a check scores its points when it passes.
func exerciseOf(name, title string, checks ...verdict.Check) verdict.Result {
	r := verdict.Result{Exercise: name, Title: title, Status: verdict.Pass, Checks: checks, Seconds: 0.42}
	for i := range r.Checks {
		c := &r.Checks[i]
		c.Score = 0
		if c.Status == verdict.Pass {
			c.Score = c.MaxScore
		}
		r.Score += c.Score
		r.MaxScore += c.MaxScore
		switch {
		case c.Status == verdict.Error:
			r.Status = verdict.Error
		case c.Status != verdict.Pass && r.Status == verdict.Pass:
			r.Status = verdict.Fail
		}
	}
	return r
}

func chk(name string, s verdict.Status, points int, msg string) verdict.Check {
	return verdict.Check{Name: catalog.Check(name), Status: s, MaxScore: points, Message: msg}
}

// The points of two exercises of unequal weights, so that per-check
// totals differ from per-exercise ones.
var (
	points01 = []struct {
		name   string
		points int
	}{{"build", 0}, {"behaviour", 4}, {"ordering", 2}, {"race", 1}, {"leaks", 1}, {"rules", 1}, {"time", 1}}
	points07 = []struct {
		name   string
		points int
	}{{"build", 0}, {"behaviour", 4}, {"race", 2}, {"leaks", 1}, {"time", 1}}
)

var gateMsg = verdict.GatedPrefix + " code that does not do the job yet earns no points."

func solved() *Report {
	var a, b []verdict.Check
	for _, p := range points01 {
		a = append(a, chk(p.name, verdict.Pass, p.points, ""))
	}
	for _, p := range points07 {
		b = append(b, chk(p.name, verdict.Pass, p.points, ""))
	}
	return New([]verdict.Result{
		exerciseOf("01-wait-for-hello", "Wait for hello", a...),
		exerciseOf("07-safe-cache", "Safe cache", b...),
	}, true, "")
}

// stubs: behaviour fails, everything else is gated.
func stubs() *Report {
	var a, b []verdict.Check
	for _, p := range points01 {
		switch p.name {
		case "build":
			a = append(a, chk(p.name, verdict.Pass, 0, ""))
		case "behaviour":
			a = append(a, chk(p.name, verdict.Fail, p.points, "The program must print Start, hello world and End, each once.\nhello world is missing: main returned first."))
		case "ordering":
			a = append(a, chk(p.name, verdict.Fail, p.points, "The order must be Start, hello world, End on every run."))
		case "rules":
			a = append(a, chk(p.name, verdict.Fail, p.points, "exercises/01-wait-for-hello/main.go:17: time.Sleep is not synchronisation, 100% sure: use a WaitGroup."))
		default:
			a = append(a, chk(p.name, verdict.Skip, p.points, gateMsg))
		}
	}
	for _, p := range points07 {
		switch p.name {
		case "build":
			b = append(b, chk(p.name, verdict.Pass, 0, ""))
		case "behaviour":
			b = append(b, chk(p.name, verdict.Fail, p.points, "TestLoadsOnce: Get(\"a\") returned \"\", want \"A\".\nThe stub returns nothing yet: see the TODO in cache.go:21."))
		default:
			b = append(b, chk(p.name, verdict.Skip, p.points, gateMsg))
		}
	}
	return New([]verdict.Result{
		exerciseOf("01-wait-for-hello", "Wait for hello", a...),
		exerciseOf("07-safe-cache", "Safe cache", b...),
	}, true, "")
}

// broken: 01 does not compile; 07 is half done (behaviour passes, a race).
func broken() *Report {
	var a, b []verdict.Check
	for _, p := range points01 {
		if p.name == "build" {
			a = append(a, chk(p.name, verdict.Error, 0, "Your code does not compile:\n  exercises/01-wait-for-hello/main.go:9:2: undefined: wg\n  exercises/01-wait-for-hello/main.go:12:3: declared and not used: x"))
			continue
		}
		a = append(a, chk(p.name, verdict.Skip, p.points, "Not checked: the code does not build yet."))
	}
	for _, p := range points07 {
		switch p.name {
		case "race":
			b = append(b, chk(p.name, verdict.Fail, p.points, "The race detector found a data race:\n  write by goroutine 7 at exercises/07-safe-cache/cache.go:31 (in Get)\n  read by goroutine 8 at exercises/07-safe-cache/cache.go:25 (in Get)\n"))
		default:
			b = append(b, chk(p.name, verdict.Pass, p.points, ""))
		}
	}
	return New([]verdict.Result{
		exerciseOf("01-wait-for-hello", "Wait for hello", a...),
		exerciseOf("07-safe-cache", "Safe cache", b...),
	}, true, "")
}

// noRace: solved, but graded where the race detector could not run.
func noRace() *Report {
	r := solved()
	why := "cgo is disabled (CGO_ENABLED=0)"
	for i := range r.Exercises {
		e := &r.Exercises[i]
		c := e.Check("race")
		c.Status, c.Message = verdict.Error, "Not checked: "+why+". Data races could not be looked for."
	}
	var results []verdict.Result
	for _, e := range r.Exercises {
		results = append(results, exerciseOf(e.Exercise, e.Title, e.Checks...))
	}
	return New(results, false, why)
}

// many: twelve failing exercises, each with a long message full of the
// characters workflow commands must escape.
func many() *Report {
	var results []verdict.Result
	for i := range 12 {
		name := string(rune('a'+i)) + "-x"
		name = strings.Repeat("1", 1) + string(rune('0'+i%10)) + name
		results = append(results, exerciseOf(name, "Title, with: punctuation",
			chk("build", verdict.Pass, 0, ""),
			chk("behaviour", verdict.Fail, 3, "50% done,\r\nline: two\n"+strings.Repeat("é long message ", 300)),
			chk("leaks", verdict.Fail, 2, "a goroutine is still running at exercises/"+name+"/x.go:5 (in run)"),
		))
	}
	return New(results, true, "")
}

func fixtures() map[string]*Report {
	return map[string]*Report{"solved": solved(), "stubs": stubs(), "broken": broken(), "norace": noRace(), "many": many()}
}

func testOptions(env map[string]string) Options {
	return Options{
		Files: map[string]string{
			"01-wait-for-hello": "exercises/01-wait-for-hello/main.go",
			"07-safe-cache":     "exercises/07-safe-cache/cache.go",
		},
		Getenv: func(k string) string { return env[k] },
	}
}
