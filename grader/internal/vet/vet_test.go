package vet

import (
	"flag"
	"testing"
)

var _ = flag.Bool("update", false, "rewrite golden files (none here)")

// The output of go vet -json for two packages, one of which has findings.
const sample = `# example.com/ex/01
{}
# example.com/ex/05
{
	"example.com/ex/05": {
		"copylocks": [
			{
				"posn": "/w/exercises/05/counter.go:13:9",
				"end": "/w/exercises/05/counter.go:13:16",
				"message": "Inc passes lock by value: racycounter.Counter contains sync.Mutex"
			}
		],
		"waitgroup": {"error": "analysis skipped"}
	}
}
`

func TestParse(t *testing.T) {
	got := Parse([]byte(sample))
	fs := got["example.com/ex/05"]
	if len(got) != 1 || len(fs) != 1 {
		t.Fatalf("Parse = %+v", got)
	}
	want := Finding{File: "/w/exercises/05/counter.go", Line: 13, Analyzer: "copylocks", Message: "Inc passes lock by value: racycounter.Counter contains sync.Mutex"}
	if fs[0] != want {
		t.Errorf("finding %+v, want %+v", fs[0], want)
	}
	if len(Parse([]byte("go: cannot find main module\n"))) != 0 {
		t.Error("an error of go vet's own gives findings")
	}
}
