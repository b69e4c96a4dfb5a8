package review

import (
	"fmt"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-concurrency-lab/course/grader/internal/catalog"
	"github.com/go-concurrency-lab/course/grader/internal/handout"
)

// Reference is the course as the instructor has it: a digest of each file
// outside exercises/, to compare students' checkouts with.
type Reference struct {
	files map[string]string   // path: digest
	alt   map[string][]string // path: other digests a handout may have
}

// NewReference reads the instructor's checkout at root, leaving out the
// files and folders in skip: students' checkouts kept inside the course's
// folder, and what the review itself writes there.
func NewReference(root string, skip []string) (*Reference, error) {
	c, err := handout.Open(root)
	if err != nil {
		return nil, fmt.Errorf("reading the course at %s: %w", root, err)
	}
	var skipRel []string
	for _, d := range skip {
		if d == "" || d == "-" {
			continue
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			skipRel = append(skipRel, filepath.ToSlash(rel))
		}
	}
	ref := &Reference{files: map[string]string{}, alt: map[string][]string{}}
	for _, rel := range c.Paths {
		if studentOwned(rel) || strings.HasPrefix(rel, "solutions/") || underAny(rel, skipRel) {
			continue
		}
		data, err := c.Read(rel)
		if err != nil {
			return nil, err
		}
		ref.files[rel] = handout.HashBytes(data)
	}
	for rel, data := range handout.Private {
		ref.alt[rel] = append(ref.alt[rel], handout.HashBytes(data))
	}
	return ref, nil
}

// studentOwned: the files a student may change at will.
func studentOwned(rel string) bool {
	return strings.HasPrefix(rel, "exercises/") || rel == ".grader" || strings.HasPrefix(rel, ".grader/")
}

// ignored are files editors and systems leave behind.
func ignored(rel string) bool {
	base := path.Base(rel)
	if base == ".DS_Store" || base == "Thumbs.db" || strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") {
		return true
	}
	first, _, _ := strings.Cut(rel, "/")
	return first == ".idea" || first == ".vscode"
}

// maxHashed bounds the files read to compare them with the course's.
const maxHashed = 64 << 20

// maxListed bounds how many paths one flag names.
const maxListed = 8

// tampering compares a student's checkout with the course and looks for
// what hides code from the grader in the exercise folders.
func (ref *Reference) tampering(dir string, exercises []*catalog.Exercise) []Flag {
	files, err := handout.Walk(dir)
	if err != nil {
		return []Flag{{Kind: FlagUnreadable, Detail: err.Error()}}
	}
	var changed, added, deleted []string
	seen := map[string]bool{}
	for _, rel := range files {
		if studentOwned(rel) || ignored(rel) {
			continue
		}
		seen[rel] = true
		want, ok := ref.files[rel]
		alts := ref.alt[rel]
		if !ok && len(alts) == 0 {
			if !strings.HasPrefix(rel, "solutions/") {
				added = append(added, rel)
			}
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if st, err := os.Lstat(p); err != nil || st.Size() > maxHashed {
			changed = append(changed, rel) // the course has no file that big
			continue
		}
		got, err := handout.HashFile(p)
		if err != nil {
			changed = append(changed, rel)
			continue
		}
		if got != want && !contains(alts, got) {
			changed = append(changed, rel)
		}
	}
	for rel := range ref.files {
		if !seen[rel] && !handout.MayBeMissing(rel) {
			deleted = append(deleted, rel)
		}
	}
	var flags []Flag
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		flags = append(flags, Flag{Kind: FlagNotModule, Detail: "no go.mod: graded with the course's"})
	}
	for _, f := range []struct {
		kind  string
		paths []string
	}{{FlagChanged, changed}, {FlagAdded, added}, {FlagDeleted, deleted}} {
		if len(f.paths) > 0 {
			flags = append(flags, Flag{Kind: f.kind, Detail: listPaths(f.paths)})
		}
	}
	for _, e := range exercises {
		flags = append(flags, exerciseFlags(dir, e)...)
	}
	return flags
}

// exerciseFlags looks in one exercise folder for test files (the grader
// leaves them out, but adding them is an attempt to change the grading)
// and for build constraints, which can hide the stub's file from the build
// behind another.
func exerciseFlags(dir string, e *catalog.Exercise) []Flag {
	folder := filepath.Join(dir, "exercises", e.Name)
	entries, err := os.ReadDir(folder)
	if err != nil {
		return []Flag{{Kind: FlagMissing, Exercise: e.Name, Detail: "exercises/" + e.Name + " is missing"}}
	}
	var tests, tagged []string
	for _, de := range entries {
		name := de.Name()
		if de.IsDir() || !strings.HasSuffix(name, ".go") {
			continue
		}
		rel := "exercises/" + e.Name + "/" + name
		if strings.HasSuffix(name, "_test.go") {
			tests = append(tests, rel)
			continue
		}
		if why := constrained(filepath.Join(folder, name), name); why != "" {
			tagged = append(tagged, rel+" ("+why+")")
		}
	}
	var flags []Flag
	if len(tests) > 0 {
		flags = append(flags, Flag{Kind: FlagTestFile, Exercise: e.Name, Detail: listPaths(tests)})
	}
	if len(tagged) > 0 {
		flags = append(flags, Flag{Kind: FlagBuildTag, Exercise: e.Name, Detail: listPaths(tagged)})
	}
	return flags
}

// constrained says why a file is built only on some systems or with some
// tags: a //go:build or // +build line, or a _GOOS/_GOARCH name suffix.
func constrained(file, name string) string {
	data, err := handout.ReadRegular(file, maxSourceSize)
	if err != nil {
		return ""
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, data, parser.ParseComments|parser.PackageClauseOnly)
	if err == nil {
		for _, cg := range f.Comments {
			if cg.Pos() > f.Package {
				break
			}
			for _, c := range cg.List {
				if constraint.IsGoBuild(c.Text) || constraint.IsPlusBuild(c.Text) {
					return strings.TrimSpace(c.Text)
				}
			}
		}
	}
	// The go command reads name_GOOS, name_GOARCH and name_GOOS_GOARCH.
	parts := strings.Split(strings.TrimSuffix(name, ".go"), "_")
	n := len(parts)
	switch {
	case n >= 3 && knownOS[parts[n-2]] && knownArch[parts[n-1]]:
		return "file name suffix _" + parts[n-2] + "_" + parts[n-1]
	case n >= 2 && (knownOS[parts[n-1]] || knownArch[parts[n-1]]):
		return "file name suffix _" + parts[n-1]
	}
	return ""
}

var knownOS = setOf("aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos")
var knownArch = setOf("386 amd64 arm arm64 loong64 mips mips64 mips64le mipsle ppc64 ppc64le riscv64 s390x sparc64 wasm")

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

func listPaths(paths []string) string {
	sort.Strings(paths)
	if len(paths) <= maxListed {
		return strings.Join(paths, ", ")
	}
	return strings.Join(paths[:maxListed], ", ") + fmt.Sprintf(" and %d more", len(paths)-maxListed)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func underAny(rel string, dirs []string) bool {
	for _, d := range dirs {
		if d == "." || rel == d || strings.HasPrefix(rel, d+"/") {
			return true
		}
	}
	return false
}
