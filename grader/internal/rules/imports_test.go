package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImports(t *testing.T) {
	dir := t.TempDir()
	ex := filepath.Join(dir, "exercises", "02-count")
	write := func(rel, src string) {
		p := filepath.Join(ex, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("count.go", "package count\n\nimport (\n\t\"sync\"\n\t\"os\"\n\t\"m/exercises/02-count/inner\"\n\t\"m/exercises/helper\"\n)\n")
	write("inner/inner.go", "package inner\n\nimport \"unsafe\"\n")
	std := func(p string) *Package { return &Package{ImportPath: p, Standard: true} }
	pkgs := map[string]*Package{
		"m/exercises/02-count": {ImportPath: "m/exercises/02-count", Dir: ex, InModule: true, GoFiles: []string{"count.go"},
			Imports: []string{"m/exercises/02-count/inner", "m/exercises/helper", "os", "sync"},
			Deps:    []string{"m/exercises/02-count/inner", "m/exercises/helper", "os", "sync", "unsafe"},
			Other:   map[string][]string{"assembly": {"x_amd64.s"}}},
		"m/exercises/02-count/inner": {ImportPath: "m/exercises/02-count/inner", Dir: filepath.Join(ex, "inner"), InModule: true,
			GoFiles: []string{"inner.go"}, Imports: []string{"unsafe"}},
		"m/exercises/helper": {ImportPath: "m/exercises/helper", Dir: filepath.Join(dir, "exercises", "helper"), InModule: true},
		"os":                 std("os"), "sync": std("sync"), "unsafe": std("unsafe"),
	}
	rel := func(p string) string { r, _ := filepath.Rel(dir, p); return filepath.ToSlash(r) }
	got := Imports(pkgs, "m/exercises/02-count", ex, AllowedImports(nil), rel)
	var lines []string
	for _, v := range got {
		lines = append(lines, v.String())
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		`exercises/02-count/x_amd64.s: this assembly file would be built into your package`,
		`exercises/02-count/count.go:7: import "m/exercises/helper" is not allowed: it is a package of the course outside this exercise's folder`,
		`exercises/02-count/count.go:5: import "os" is not allowed in this exercise: it allows only these standard packages`,
		`exercises/02-count/inner/inner.go:3: import "unsafe" is not allowed`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("violations:\n%s\nwant one saying %q", all, want)
		}
	}
	if strings.Contains(all, `"sync"`) || strings.Contains(all, `inner" is not allowed`) {
		t.Errorf("allowed imports reported:\n%s", all)
	}
	if len(got) != 4 {
		t.Errorf("%d violations, want 4:\n%s", len(got), all)
	}
	// What the exercise adds is allowed too.
	got = Imports(pkgs, "m/exercises/02-count", ex, AllowedImports([]string{"os", "unsafe"}), rel)
	if len(got) != 2 {
		t.Errorf("with os and unsafe allowed: %v", got)
	}
}

func TestAllowedPrefixes(t *testing.T) {
	for path, want := range map[string]bool{
		"hash/fnv": true, "container/heap": true, "math/rand/v2": true, "sync/atomic": true,
		"os": false, "os/exec": false, "syscall": false, "unsafe": false, "net": false, "plugin": false,
		"testing": false, "io/fs": false, "path/filepath": false, "runtime/debug": false, "embed": false,
		"hashx": false, "mathematics/x": false,
	} {
		if got := allowed(DefaultImports, path); got != want {
			t.Errorf("allowed(%q) = %v, want %v", path, got, want)
		}
	}
}
