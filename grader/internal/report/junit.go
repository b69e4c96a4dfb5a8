package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

func init() { register("junit", writeJUnit) }

// JUnit XML as CI systems read it (the Ant/Surefire shape): one
// <testsuite> per exercise, one <testcase> per check, classname the
// exercise. A check that fails has a <failure>, one that could not be
// decided (the code does not build, the race detector is missing) an
// <error>, one not scored yet a <skipped>. Each suite's properties carry
// its points.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure"`
	Error     *junitProblem `xml:"error"`
	Skipped   *junitProblem `xml:"skipped"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	// Text is a CDATA section, so that a message's lines stay readable in
	// the file; xmlText has taken out what XML cannot hold.
	Text string `xml:",cdata"`
}

// xmlText replaces the characters XML 1.0 does not allow (the control
// characters of a terminal, say) with U+FFFD.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}

func writeJUnit(w io.Writer, r *Report, _ Options) error {
	all := junitSuites{Name: "Go Concurrency Lab"}
	total := 0.0
	for _, e := range r.Exercises {
		s := junitSuite{
			Name: e.Exercise,
			Time: seconds(e.Seconds),
			Properties: []junitProperty{
				{"title", e.Title}, {"status", string(e.Status)},
				{"score", fmt.Sprint(e.Score)}, {"max_score", fmt.Sprint(e.MaxScore)},
			},
		}
		total += e.Seconds
		for _, c := range e.Checks {
			tc := junitCase{Name: string(c.Name), Classname: e.Exercise, Time: "0"}
			text := c.Message
			if c.Detail != "" {
				// JUnit has room for the detail: after the message.
				text += "\n\n--- detail\n" + c.Detail
			}
			p := &junitProblem{Message: firstLine(c.Message), Text: xmlText(text)}
			switch c.Status {
			case verdict.Fail:
				p.Type = "fail"
				tc.Failure = p
				s.Failures++
			case verdict.Error:
				p.Type = "error"
				tc.Error = p
				s.Errors++
			case verdict.Skip:
				tc.Skipped = &junitProblem{Message: firstLine(c.Message)}
				s.Skipped++
			}
			s.Cases = append(s.Cases, tc)
			s.Tests++
		}
		for _, v := range e.Vet {
			s.SystemOut += "go vet: " + v + "\n"
		}
		for _, n := range e.Notices {
			s.SystemOut += n + "\n"
		}
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Errors += s.Errors
		all.Skipped += s.Skipped
		all.Suites = append(all.Suites, s)
	}
	all.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(s float64) string { return fmt.Sprintf("%.3f", s) }
