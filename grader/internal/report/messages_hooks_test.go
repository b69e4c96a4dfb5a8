package report

import (
	"testing"

	"github.com/go-concurrency-lab/course/grader/internal/rules"
	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

// recordVet runs go vet over the recorded cases; nil when not recorded.
func recordVet(t *testing.T, tmp string, vs []*corpusVariant) map[string][]byte { return nil }

// applyCorpusInput gives the replayed input what grade would have.
func applyCorpusInput(in *verdict.Input, c *messageCase, sources []rules.Source) {}
