package run

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestGuard(t *testing.T) {
	type testCase struct {
		name   string
		do     func(t *testing.T, file string)
		linux  bool // only inotify can see it
		change bool
	}
	run := func(t *testing.T, tc testCase) {
		if tc.linux && runtime.GOOS != "linux" {
			t.Skip("needs inotify")
		}
		dir := t.TempDir()
		file := filepath.Join(dir, "p0", "hidden_test.go")
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte("package p\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		changed := guard(dir)
		tc.do(t, file)
		if got := changed(); got != tc.change {
			t.Errorf("changed() = %v, want %v", got, tc.change)
		}
	}
	for _, tc := range []testCase{
		{"read", func(t *testing.T, file string) {
			if _, err := os.ReadFile(file); err != nil {
				t.Fatal(err)
			}
		}, false, false},
		{"rewritten", func(t *testing.T, file string) {
			os.WriteFile(file, []byte("package p // mine\n"), 0o644)
		}, false, true},
		{"removed", func(t *testing.T, file string) { os.Remove(file) }, false, true},
		{"added", func(t *testing.T, file string) {
			os.WriteFile(filepath.Join(filepath.Dir(file), "more_test.go"), []byte("package p\n"), 0o644)
		}, false, true},
		{"rewritten and restored", func(t *testing.T, file string) {
			os.WriteFile(file, []byte("package p // mine\n"), 0o644)
			os.WriteFile(file, []byte("package p\n"), 0o644)
		}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}
