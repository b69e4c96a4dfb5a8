package report

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/go-concurrency-lab/course/grader/internal/rules"
	"github.com/go-concurrency-lab/course/grader/internal/verdict"
	"github.com/go-concurrency-lab/course/grader/internal/vet"
)

// recordVet runs go vet's analyzers over the recorded cases, as grade does,
// and returns each case's findings as JSON, by import path.
func recordVet(t *testing.T, tmp string, vs []*corpusVariant) map[string][]byte {
	t.Helper()
	var pkgs []string
	for _, v := range vs {
		pkgs = append(pkgs, v.ip)
	}
	out := map[string][]byte{}
	for ip, fs := range vet.Run(context.Background(), vet.Request{Dir: tmp, Packages: pkgs}) {
		data, err := json.MarshalIndent(fs, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		out[ip] = append(data, '\n')
	}
	return out
}

// applyCorpusInput gives the replayed input what grade gives it: the
// student's files and go vet's findings.
func applyCorpusInput(in *verdict.Input, c *messageCase, sources []rules.Source) {
	in.Sources = sources
	var fs []vet.Finding
	if json.Unmarshal(c.vet, &fs) == nil {
		for _, f := range fs {
			in.Vet = append(in.Vet, verdict.VetFinding{File: f.File, Line: f.Line, Analyzer: f.Analyzer, Message: f.Message})
		}
	}
}
