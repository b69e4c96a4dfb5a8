// Command lint holds the course's Go to the same standard everywhere, the
// hidden tests and mutants included. Run it with `make lint-go` from the
// course's root; `make check` does.
//
// It checks, and fails on any finding:
//   - go.mod and go.sum are tidy (`go mod tidy -diff`);
//   - staticcheck over the module's packages, except the stubs (exercises/
//     and their copies in grader/hidden/*/stub), where an unused field is
//     what a stub is;
//   - gofmt, go vet and staticcheck over every hidden test and mutant,
//     compiled as the grader compiles them: the hidden tests laid into a
//     copy of the reference solution (in-package tests of package main
//     included), each mutant with the hidden tests in a package of its own.
//     Findings name the files in grader/hidden/, not the scratch copies.
//
// A mutant whose very mistake is a finding (a copied lock, an empty
// critical section) says so in a comment line of its own,
//
//	//lint:mistake copylocks the copied mutex is the bug
//
// naming the vet analyzer or the staticcheck check that may report it in
// that file; staticcheck's own //lint:ignore works as well.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/go-concurrency-lab/course/grader/hidden"
	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/grade"
	"github.com/go-concurrency-lab/course/grader/internal/module"
)

// staticcheck is the version the course is checked with.
const staticcheck = "honnef.co/go/tools/cmd/staticcheck@v0.8.2"

func main() {
	keep := flag.Bool("keep", false, "keep the scratch module and print its path")
	flag.Parse()
	n, err := run(*keep)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lint:", err)
		os.Exit(2)
	}
	if n > 0 {
		fmt.Fprintf(os.Stderr, "lint: %d finding(s)\n", n)
		os.Exit(1)
	}
	fmt.Println("lint: go.mod tidy; staticcheck, and gofmt, vet and staticcheck of the hidden tests and mutants: no findings")
}

// finding is one problem at a place in the course.
type finding struct {
	file    string // relative to the course's root
	line    int
	col     int
	check   string // analyzer or staticcheck check
	message string
}

func (f finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s (%s)", f.file, f.line, f.col, f.message, f.check)
}

func run(keep bool) (int, error) {
	root, err := os.Getwd()
	if err != nil {
		return 0, err
	}
	if _, err := os.Stat(filepath.Join(root, "grader", "hidden")); err != nil {
		return 0, fmt.Errorf("run me from the course's root (no grader/hidden here)")
	}
	var findings []finding
	count := 0
	report := func(fs []finding) {
		// A hidden test is compiled into every mutant's copy too: say each
		// finding once.
		seen := map[string]bool{}
		var lines []string
		for _, f := range fs {
			if s := f.String(); !seen[s] {
				seen[s] = true
				lines = append(lines, s)
			}
		}
		sort.Strings(lines)
		for _, l := range lines {
			fmt.Println(l)
		}
		count += len(lines)
	}

	// go.mod and go.sum as `go mod tidy` would have them.
	if out, err := goCmd(root, "mod", "tidy", "-diff"); err != nil {
		fmt.Printf("go.mod/go.sum are not tidy: run `go mod tidy`\n%s", out)
		count++
	}

	// gofmt of the hidden files as they are in the repository.
	out, err := exec.Command("gofmt", "-l", filepath.Join(root, "grader", "hidden")).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("gofmt: %v\n%s", err, out)
	}
	for _, l := range strings.Fields(string(out)) {
		rel, _ := filepath.Rel(root, l)
		findings = append(findings, finding{file: filepath.ToSlash(rel), line: 1, col: 1, check: "gofmt", message: "not gofmt-ed: run gofmt -w"})
	}

	// staticcheck over the module, but for the stubs.
	pkgs, err := goCmd(root, "list", "./...")
	if err != nil {
		return 0, fmt.Errorf("go list: %v\n%s", err, pkgs)
	}
	var checked []string
	for _, p := range strings.Fields(string(pkgs)) {
		if !strings.Contains(p, "/exercises/") && !regexp.MustCompile(`/grader/hidden/[^/]+/stub$`).MatchString(p) {
			checked = append(checked, p)
		}
	}
	sc, err := staticcheckJSON(root, checked)
	if err != nil {
		return 0, err
	}
	findings = append(findings, relative(sc, root)...)

	// The hidden tests and mutants, in a scratch module.
	cat, err := catalog.Load(hidden.FS)
	if err != nil {
		return 0, err
	}
	scratch, err := os.MkdirTemp("", "gcl-lint-")
	if err != nil {
		return 0, err
	}
	if keep {
		fmt.Println("scratch module:", scratch)
	} else {
		defer os.RemoveAll(scratch)
	}
	back, mistakes, err := layOut(root, scratch, cat)
	if err != nil {
		return 0, err
	}
	vet, err := vetJSON(scratch)
	if err != nil {
		return 0, err
	}
	sc, err = staticcheckJSON(scratch, []string{"./..."})
	if err != nil {
		return 0, err
	}
	for _, f := range append(vet, sc...) {
		orig, ok := back[f.file]
		if !ok {
			continue // a copy of a solution file: checked in the module itself
		}
		if mistakes[orig][f.check] {
			continue
		}
		rel, _ := filepath.Rel(root, orig)
		f.file = filepath.ToSlash(rel)
		findings = append(findings, f)
	}
	report(findings)
	return count, nil
}

var mistakeRE = regexp.MustCompile(`(?m)^//lint:mistake (\S+)`)

// layOut writes into scratch a module with, for each exercise, a copy of
// its solution with the hidden tests laid in (scratch/NN/solution) and one
// copy per mutant (scratch/NN/mutant/NAME). It returns, for each file of
// the scratch module that stands for a file of grader/hidden, that file,
// and per such file the checks its //lint:mistake lines allow.
func layOut(root, scratch string, cat *catalog.Catalog) (map[string]string, map[string]map[string]bool, error) {
	const path = "gcl.lint"
	if err := module.WriteScratch(scratch, path, root); err != nil {
		return nil, nil, err
	}
	back := map[string]string{}
	mistakes := map[string]map[string]bool{}
	for _, e := range cat.Exercises {
		solDir := filepath.Join(root, "solutions", e.Name)
		hiddenDir := filepath.Join(root, "grader", "hidden", e.Name)
		sol, err := readGo(solDir)
		if err != nil {
			return nil, nil, err
		}
		variant := func(rel string, student map[string][]byte) error {
			dir := filepath.Join(scratch, filepath.FromSlash(rel))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			for n, data := range student {
				if err := os.WriteFile(filepath.Join(dir, n), data, 0o644); err != nil {
					return err
				}
			}
			for n, data := range grade.HiddenTests(e, path+"/"+rel) {
				if err := os.WriteFile(filepath.Join(dir, n), data, 0o644); err != nil {
					return err
				}
				back[filepath.Join(dir, n)] = filepath.Join(hiddenDir, n)
			}
			return nil
		}
		if err := variant(e.Number()+"/solution", sol); err != nil {
			return nil, nil, err
		}
		for _, m := range e.Mutants {
			files := map[string][]byte{}
			for n, d := range sol {
				files[n] = d
			}
			files[e.File] = m.Data
			rel := e.Number() + "/mutant/" + m.Name
			if err := variant(rel, files); err != nil {
				return nil, nil, err
			}
			orig := filepath.Join(hiddenDir, "mutants", m.Name, e.File)
			back[filepath.Join(scratch, filepath.FromSlash(rel), e.File)] = orig
			allowed := map[string]bool{}
			for _, mm := range mistakeRE.FindAllSubmatch(m.Data, -1) {
				allowed[string(mm[1])] = true
				allowed["vet/"+string(mm[1])] = true
			}
			mistakes[orig] = allowed
		}
	}
	return back, mistakes, nil
}

func readGo(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, de := range entries {
		n := de.Name()
		if de.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		files[n] = data
	}
	return files, nil
}

func goCmd(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	return cmd.CombinedOutput()
}

var posRE = regexp.MustCompile(`^(.*):(\d+):(\d+)$`)

func parsePos(posn string) (file string, line, col int) {
	m := posRE.FindStringSubmatch(posn)
	if m == nil {
		return posn, 0, 0
	}
	fmt.Sscan(m[2], &line)
	fmt.Sscan(m[3], &col)
	return m[1], line, col
}

// vetJSON runs go vet -json in dir and returns its findings.
func vetJSON(dir string) ([]finding, error) {
	cmd := exec.Command("go", "vet", "-json", "./...")
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	// go vet -json writes its JSON to stderr, between "# pkg" lines.
	text := stderr.String() + stdout.String()
	var out []finding
	dec := json.NewDecoder(strings.NewReader(stripComments(text)))
	for {
		var doc map[string]map[string]json.RawMessage
		if e := dec.Decode(&doc); e != nil {
			break
		}
		for _, analyzers := range doc {
			for name, raw := range analyzers {
				var diags []struct {
					Posn    string `json:"posn"`
					Message string `json:"message"`
				}
				if json.Unmarshal(raw, &diags) != nil {
					var e struct{ Error string }
					json.Unmarshal(raw, &e)
					out = append(out, finding{file: dir, check: name, message: e.Error})
					continue
				}
				for _, d := range diags {
					f, l, c := parsePos(d.Posn)
					out = append(out, finding{file: f, line: l, col: c, check: "vet/" + name, message: d.Message})
				}
			}
		}
	}
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("go vet: %v\n%s", err, text)
	}
	return out, nil
}

// stripComments drops go vet's "# package" lines around its JSON.
func stripComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// staticcheckJSON runs staticcheck over pkgs in dir.
func staticcheckJSON(dir string, pkgs []string) ([]finding, error) {
	cmd := exec.Command("go", append([]string{"run", staticcheck, "-f", "json"}, pkgs...)...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var out []finding
	dec := json.NewDecoder(&stdout)
	for {
		var d struct {
			Code     string `json:"code"`
			Message  string `json:"message"`
			Location struct {
				File   string `json:"file"`
				Line   int    `json:"line"`
				Column int    `json:"column"`
			} `json:"location"`
		}
		if e := dec.Decode(&d); e != nil {
			break
		}
		out = append(out, finding{file: d.Location.File, line: d.Location.Line, col: d.Location.Column, check: d.Code, message: d.Message})
	}
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("staticcheck: %v\n%s", err, stderr.String())
	}
	return out, nil
}

// relative names the files of fs relative to root.
func relative(fs []finding, root string) []finding {
	for i := range fs {
		if r, err := filepath.Rel(root, fs[i].file); err == nil {
			fs[i].file = filepath.ToSlash(r)
		}
	}
	return fs
}
