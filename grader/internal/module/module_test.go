package module_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/go-concurrency-lab/course/grader/internal/module"
)

func TestPath(t *testing.T) {
	for in, want := range map[string]string{
		"module example.com/a\n\ngo 1.25\n":     "example.com/a",
		"// c\nmodule \"example.com/q\" // x\n": "example.com/q",
		"go 1.25\n":                             "",
	} {
		if got := module.Path([]byte(in)); got != want {
			t.Errorf("Path(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWriteScratch builds a package of a scratch module that imports one
// of the course's.
func TestWriteScratch(t *testing.T) {
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := module.WriteScratch(dir, "gcl.scratch", root); err != nil {
		t.Fatal(err)
	}
	src := "package p\n\nimport _ \"github.com/go-concurrency-lab/course/grader/check\"\n"
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "./...")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		mod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
		t.Fatalf("go build in the scratch module: %v\n%s\ngo.mod:\n%s", err, out, mod)
	}
}
