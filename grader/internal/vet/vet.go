// Package vet runs go vet's analyzers over the student's packages: the
// mistakes they find (a copied lock, a WaitGroup.Add inside the goroutine, a
// lost cancel) are often the real cause of a failing test, so the grader
// reports them first, at their lines.
package vet

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/run"
)

// Analyzers are the analyzers run: those that catch concurrency mistakes,
// and those that go test runs by default (cmd/go: "atomic", "bool",
// "buildtags", "directive", "errorsas", "ifaceassert", "nilfunc", "printf",
// "stringintconv", "tests").
var Analyzers = []string{
	"copylocks", "lostcancel", "loopclosure", "unusedresult", "waitgroup", "defers",
	"atomic", "bools", "buildtag", "directive", "errorsas", "ifaceassert", "nilfunc", "printf", "stringintconv", "tests",
}

// Finding is one diagnostic of an analyzer.
type Finding struct {
	File     string // absolute, as go vet names it
	Line     int
	Analyzer string
	Message  string
}

// Request says what to vet.
type Request struct {
	Dir              string   // the module root: go vet runs there
	ModFile, SumFile []byte   // the module files to build with; nil uses the tree's own
	Packages         []string // import paths
}

// Run vets the packages and returns the findings by import path. A package
// that does not build has none: the build check reports it. Run never fails
// the grading: an error of go vet's own leaves the findings it gave.
func Run(ctx context.Context, req Request) map[string][]Finding {
	if len(req.Packages) == 0 {
		return nil
	}
	args := []string{"vet", "-json", "-mod=readonly"}
	for _, a := range Analyzers {
		args = append(args, "-"+a)
	}
	if req.ModFile != nil {
		tmp, err := os.MkdirTemp("", "grader-vet-")
		if err != nil {
			return nil
		}
		defer os.RemoveAll(tmp)
		if os.WriteFile(filepath.Join(tmp, "go.mod"), req.ModFile, 0o644) != nil ||
			os.WriteFile(filepath.Join(tmp, "go.sum"), req.SumFile, 0o644) != nil {
			return nil
		}
		args = append(args, "-modfile="+filepath.Join(tmp, "go.mod"))
	}
	cmd := exec.CommandContext(ctx, "go", append(args, req.Packages...)...)
	cmd.Dir = req.Dir
	cmd.Env = run.Env()
	out, _ := cmd.CombinedOutput()
	return Parse(out)
}

// Parse reads the output of go vet -json: for each package a "# path" line
// and a JSON object {"path": {"analyzer": [{"posn": "f.go:12:7", "message": ...}]}}.
// An analyzer that could not run gives {"error": ...} in place of the list.
func Parse(out []byte) map[string][]Finding {
	var text bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		if l := sc.Text(); !strings.HasPrefix(l, "#") {
			text.WriteString(l + "\n")
		}
	}
	res := map[string][]Finding{}
	dec := json.NewDecoder(&text)
	for {
		var doc map[string]map[string]json.RawMessage
		if err := dec.Decode(&doc); err != nil {
			break
		}
		for pkg, byAnalyzer := range doc {
			for analyzer, raw := range byAnalyzer {
				var ds []struct {
					Posn    string `json:"posn"`
					Message string `json:"message"`
				}
				if json.Unmarshal(raw, &ds) != nil {
					continue
				}
				for _, d := range ds {
					file, line := position(d.Posn)
					res[pkg] = append(res[pkg], Finding{File: file, Line: line, Analyzer: analyzer, Message: d.Message})
				}
			}
		}
	}
	return res
}

// position splits "file.go:12:7" into the file and the line.
func position(posn string) (string, int) {
	parts := strings.Split(posn, ":")
	if len(parts) < 3 {
		return posn, 0
	}
	line, _ := strconv.Atoi(parts[len(parts)-2])
	return strings.Join(parts[:len(parts)-2], ":"), line
}
