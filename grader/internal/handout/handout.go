// Package handout knows the course as students receive it: which files of
// the instructor's checkout belong to the repository, which of them stay
// with the instructor (the solutions, the instructor's tools), and what
// takes the place of the hidden tests when they are kept private.
//
// The template command writes a handout; the review command compares a
// student's checkout with one, so both read the same rules here.
package handout

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// instructorOnly are files of the course that students never get: they
// need the solutions, or they are the instructor's own tools. (The
// grader's own tests stay out too: see courseTest.)
var instructorOnly = []string{
	"solutions/",
	"docs/instructors.md",
	".github/workflows/review.yml",
	".github/workflows/ci.yml", // the maintainers' CI runs selftest over solutions/
}

// HiddenDir is the folder of the hidden tests, one folder per exercise.
const HiddenDir = "grader/hidden"

// Omitted reports whether the file at rel (slash-separated, relative to
// the course's root) stays out of the handout. With noHidden, the hidden
// archives stay out too.
func Omitted(rel string, noHidden bool) bool {
	for _, p := range instructorOnly {
		if rel == p || strings.HasSuffix(p, "/") && strings.HasPrefix(rel, p) {
			return true
		}
	}
	if courseTest(rel) {
		return true
	}
	return noHidden && hiddenExercise(rel)
}

// hiddenExercise reports whether rel is a file of an exercise's folder of
// hidden tests (grader/hidden/NN-slug/...), or an archive of one.
func hiddenExercise(rel string) bool {
	sub, ok := strings.CutPrefix(rel, HiddenDir+"/")
	return ok && (strings.Contains(sub, "/") || strings.HasSuffix(sub, ".txtar"))
}

// courseTest: the course's own tests (the grader's, the platform
// adapters') and their data are the maintainers'. They grade solutions/ and
// the hidden archives, which a handout may not have, and a student's
// `go test ./...` must pass on a fresh handout. The exercises hold no tests.
func courseTest(rel string) bool {
	if strings.HasPrefix(rel, "exercises/") {
		return false
	}
	return strings.HasSuffix(rel, "_test.go") || strings.Contains("/"+rel, "/testdata/")
}

// MayBeMissing reports whether a student's checkout may lack rel without
// that being a change of theirs: an instructor-only file, or a hidden
// archive of a course that keeps them private.
func MayBeMissing(rel string) bool { return Omitted(rel, true) }

// Private holds the files that take the place of the hidden archives in a
// handout without them (template -no-hidden), by path: the hidden package
// then embeds no archive, and tells whoever runs the grader why.
var Private = map[string][]byte{
	HiddenDir + "/hidden.go": []byte(`// Package hidden would embed the hidden archives of the course. Your
// instructor keeps them private: the grade that counts is computed with
// them, on the instructor's side.
package hidden

import (
	"errors"
	"io/fs"
)

// FS holds no archive: reading it explains why.
var FS fs.FS = private{}

// ErrPrivate says that the hidden tests are not part of this repository.
var ErrPrivate = errors.New("the hidden tests of this course are private: your instructor grades with them, " +
	"so this copy of the grader cannot grade your code (see grader/hidden/README.md; " +
	"with a folder of hidden archives, run the grader with -hidden DIR)")

type private struct{}

func (private) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: ErrPrivate}
}

func (private) Glob(pattern string) ([]string, error) { return nil, ErrPrivate }
`),
	HiddenDir + "/README.md": []byte(`# Hidden tests: private

The hidden tests of this course are kept private by your instructor, so the
grader in this repository cannot grade your code on its own: your work is
graded with the instructor's copy of the tests.

Write your code in exercises/, build it with ` + "`go build ./...`" + ` and
` + "`go vet ./...`" + `, and test it as the exercise's README describes. If your
instructor gave you a folder of hidden archives, grade with
` + "`go run ./grader test -hidden DIR`" + `.
`),
}

// Course is the course's files as the instructor has them: as committed
// (git HEAD) when the course is a git checkout with a commit, so that
// work in progress in the instructor's folder does not leak into a
// handout; else the files on disk.
type Course struct {
	Root  string
	Paths []string          // relative, slash-separated, sorted
	data  map[string][]byte // by path, from git; nil: read from Root
	mode  map[string]os.FileMode
}

// Read returns a file of the course.
func (c *Course) Read(rel string) ([]byte, error) {
	if c.data != nil {
		data, ok := c.data[rel]
		if !ok {
			return nil, fmt.Errorf("%s: not in the course", rel)
		}
		return data, nil
	}
	return os.ReadFile(filepath.Join(c.Root, filepath.FromSlash(rel)))
}

// Mode returns a file's permissions.
func (c *Course) Mode(rel string) os.FileMode {
	if m, ok := c.mode[rel]; ok {
		return m
	}
	if st, err := os.Stat(filepath.Join(c.Root, filepath.FromSlash(rel))); err == nil {
		return st.Mode().Perm()
	}
	return 0o644
}

// FromGit reports whether the files come from git's HEAD.
func (c *Course) FromGit() bool { return c.data != nil }

// Open reads the course at root. Either way .git, the grader's own .grader
// folder and nested modules (student checkouts kept inside the course's
// folder, say) are left out.
func Open(root string) (*Course, error) {
	if c, ok := gitHead(root); ok {
		return c, nil
	}
	paths, err := Walk(root)
	if err != nil {
		return nil, err
	}
	return &Course{Root: root, Paths: paths}, nil
}

// Walk lists every file under root, relative and slash-separated, sorted,
// skipping .git, .grader and folders below root that hold a go.mod or a
// .git of their own.
func Walk(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // an unreadable folder: report what can be read
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if p == root {
				return nil
			}
			if d.Name() == ".git" || rel == ".grader" {
				return filepath.SkipDir
			}
			for _, marker := range []string{"go.mod", ".git"} {
				if _, err := os.Lstat(filepath.Join(p, marker)); err == nil {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if d.Type().IsRegular() || d.Type()&os.ModeSymlink != 0 {
			files = append(files, rel)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// gitHead reads the files of git's HEAD commit, when root is the top of
// a git checkout with a commit and git is installed.
func gitHead(root string) (*Course, bool) {
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		return nil, false
	}
	cmd := exec.Command("git", "-C", root, "archive", "--format=tar", "HEAD")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, false
	}
	if err := cmd.Start(); err != nil {
		return nil, false
	}
	c := &Course{Root: root, data: map[string][]byte{}, mode: map[string]os.FileMode{}}
	tr := tar.NewReader(out)
	var readErr error
	for {
		h, err := tr.Next()
		if err != nil {
			if err != io.EOF {
				readErr = err
			}
			break
		}
		if h.Typeflag != tar.TypeReg || strings.HasPrefix(h.Name, ".grader/") {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			readErr = err
			break
		}
		c.Paths = append(c.Paths, h.Name)
		c.data[h.Name] = data
		c.mode[h.Name] = os.FileMode(h.Mode).Perm()
	}
	io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil || readErr != nil {
		return nil, false
	}
	sort.Strings(c.Paths)
	return c, true
}

// Write writes the handout of the course into out, which must be empty or
// not exist yet. It returns the files written.
func Write(c *Course, out string, noHidden bool) ([]string, error) {
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty: write the template into a new folder", out)
	}
	absOut, _ := filepath.Abs(out)
	var written []string
	for _, rel := range c.Paths {
		if Omitted(rel, noHidden) || noHidden && Private[rel] != nil {
			continue
		}
		if inside(filepath.Join(c.Root, filepath.FromSlash(rel)), absOut) {
			continue
		}
		data, err := c.Read(rel)
		if err != nil {
			return nil, err
		}
		if err := writeFile(filepath.Join(out, filepath.FromSlash(rel)), data, c.Mode(rel)); err != nil {
			return nil, err
		}
		written = append(written, rel)
	}
	if noHidden {
		for rel, data := range Private {
			if err := writeFile(filepath.Join(out, filepath.FromSlash(rel)), data, 0o644); err != nil {
				return nil, err
			}
			written = append(written, rel)
		}
	}
	sort.Strings(written)
	return written, nil
}

func inside(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func writeFile(dst string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, perm)
}

// Hash returns a digest of a file's contents with line endings made
// uniform, so that a checkout on Windows (git's autocrlf) is not a change.
func Hash(r io.Reader) (string, error) {
	h := sha256.New()
	buf := make([]byte, 64<<10)
	pendingCR := false
	for {
		n, err := r.Read(buf)
		chunk := buf[:n]
		if pendingCR && (len(chunk) == 0 || chunk[0] != '\n') {
			h.Write([]byte{'\r'})
		}
		pendingCR = false
		if len(chunk) > 0 && chunk[len(chunk)-1] == '\r' {
			chunk, pendingCR = chunk[:len(chunk)-1], true
		}
		h.Write(bytes.ReplaceAll(chunk, []byte("\r\n"), []byte("\n")))
		if err == io.EOF {
			if pendingCR {
				h.Write([]byte{'\r'})
			}
			return hex.EncodeToString(h.Sum(nil)), nil
		}
		if err != nil {
			return "", err
		}
	}
}

// HashFile is Hash of a file's contents. It never follows a symbolic link
// (a link's digest is that of its target's name) and opens nothing but
// regular files, so that a checkout's link to /dev/zero or a named pipe
// cannot stall the reader.
func HashFile(p string) (string, error) {
	st, err := os.Lstat(p)
	if err != nil {
		return "", err
	}
	switch {
	case st.Mode()&os.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		return HashBytes([]byte("symlink " + target)), nil
	case !st.Mode().IsRegular():
		return HashBytes([]byte("irregular " + st.Mode().String())), nil
	}
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return Hash(f)
}

// ReadRegular reads a regular file of at most max bytes; a symbolic link,
// a device, a pipe or a bigger file is an error.
func ReadRegular(p string, max int64) ([]byte, error) {
	st, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", p)
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", p, max)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max))
}

// HashBytes is Hash of data.
func HashBytes(data []byte) string {
	s, _ := Hash(bytes.NewReader(data))
	return s
}
