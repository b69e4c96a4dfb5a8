package run

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSandbox(t *testing.T) {
	if ok, why := SandboxAvailable(context.Background()); !ok {
		t.Skip(why)
	}
	root := t.TempDir()
	hidden := filepath.Join(root, "hidden")
	os.Mkdir(hidden, 0o755)
	os.WriteFile(filepath.Join(hidden, "secret_test.go"), []byte("secret"), 0o644)
	work := filepath.Join(root, "exercises", "01")
	os.MkdirAll(work, 0o755)
	t.Chdir(work)
	path, argv, err := sandboxed(root, []string{hidden, filepath.Join(root, "exercises")}, []string{"/bin/sh", "-c", `
		echo x > /tmp/private && echo tmp-ok
		(echo x > ` + filepath.Join(root, "mine") + `) 2>/dev/null || echo root-read-only
		test -e ` + filepath.Join(hidden, "secret_test.go") + ` || echo hidden-empty
		test -d ` + work + ` && echo work-shown
		ls /proc | grep -c '^[0-9]'
	`})
	if err != nil {
		t.Fatal(err)
	}
	out, err := (&exec.Cmd{Path: path, Args: argv}).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := strings.Fields(string(out))
	want := []string{"tmp-ok", "root-read-only", "hidden-empty", "work-shown"}
	if len(got) != 5 || strings.Join(got[:4], " ") != strings.Join(want, " ") {
		t.Fatalf("the sandbox said %q, want %q and a count of processes", got, want)
	}
	// Its own PID namespace: the sandbox's init, the shell, ls and grep.
	if got[4] > "9" || len(got[4]) > 1 {
		t.Errorf("%s processes in sight: not a PID namespace of its own", got[4])
	}
}
