package run

import (
	"context"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// update is accepted so that `go test ./grader/... -update` runs here too;
// this package has no golden files.
var _ = flag.Bool("update", false, "rewrite golden files (none here)")

// startGroup starts what go test looks like to the watchdog: a leader (the
// go command; here a shell) in a process group of its own, and under it a
// test binary (here a copy of sleep named pkg.test) running in dir. It
// returns the leader and the test binary's pid.
func startGroup(t *testing.T, dir string) (*exec.Cmd, int) {
	t.Helper()
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep command")
	}
	exe := filepath.Join(t.TempDir(), "pkg.test")
	in, err := os.Open(sleep)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(exe, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	out.Close()
	cmd := exec.Command("sh", "-c", `"$0" 60 & echo $!; wait`, exe)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	var line [32]byte
	n, _ := stdout.Read(line[:])
	pid, err := strconv.Atoi(strings.TrimSpace(string(line[:n])))
	if err != nil {
		t.Fatalf("the shell said %q", line[:n])
	}
	// Wait until the child has become pkg.test (exec after fork).
	for range 400 {
		if exe, _ := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe"); strings.HasSuffix(exe, ".test") {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	return cmd, pid
}

func TestTestProcesses(t *testing.T) {
	dir := t.TempDir()
	leader, pid := startGroup(t, dir)
	found := testProcesses(leader.Process.Pid)
	if len(found) != 1 || found[0].pid != pid || found[0].rssPages <= 0 {
		t.Fatalf("found %+v, want the test process %d (and not the leader %d)", found, pid, leader.Process.Pid)
	}
	if want, _ := filepath.EvalSymlinks(dir); found[0].dir != want {
		t.Errorf("dir %s, want %s", found[0].dir, want)
	}
	if other := testProcesses(os.Getpid()); len(other) != 0 {
		t.Errorf("another group holds %+v", other)
	}
}

func TestWatch(t *testing.T) {
	defer func(every, grace time.Duration) { watchEvery, watchGrace = every, grace }(watchEvery, watchGrace)
	watchEvery, watchGrace = 5*time.Millisecond, 50*time.Millisecond
	type testCase struct {
		name string
		req  func(dir string) Request
		kill bool // send the folder on the kill channel
		want func(Stop) bool
	}
	run := func(t *testing.T, tc testCase) {
		dir := t.TempDir()
		leader, pid := startGroup(t, dir)
		var (
			mu    sync.Mutex
			stops []Stop
		)
		req := tc.req(dir)
		req.Stopped = func(s Stop) {
			mu.Lock()
			stops = append(stops, s)
			mu.Unlock()
		}
		kill := make(chan string, 1)
		if tc.kill {
			kill <- dir
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			watch(ctx, leader.Process.Pid, req, kill)
		}()
		leader.Wait() // the shell's wait returns when the watchdog has killed pkg.test
		cancel()
		<-done
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("the test process %d is still there", pid)
		}
		mu.Lock()
		defer mu.Unlock()
		if tc.want == nil {
			if len(stops) != 0 {
				t.Errorf("stops %+v, want none (the caller knows why)", stops)
			}
			return
		}
		if len(stops) != 1 || stops[0].Dir != dir || !tc.want(stops[0]) {
			t.Errorf("stops %+v, want one for %s", stops, dir)
		}
	}
	for _, tc := range []testCase{
		{"memory", func(dir string) Request {
			return Request{Packages: []Package{{Dir: dir}}, MaxMemory: 1}
		}, false, func(s Stop) bool { return s.Memory > 0 && s.After == 0 }},
		{"time", func(dir string) Request {
			// Past its time plus the grace: SIGQUIT, which a background
			// job of sh ignores, then SIGKILL.
			return Request{Packages: []Package{{Dir: dir, Timeout: time.Nanosecond}}}
		}, false, func(s Stop) bool { return s.After > watchGrace && s.Memory == 0 }},
		{"kill", func(dir string) Request {
			return Request{Packages: []Package{{Dir: dir}}}
		}, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run(t, tc)
		})
	}
}

func TestGoFailed(t *testing.T) {
	for stderr, want := range map[string]string{
		"go: go.mod requires go >= 1.99.0 (running go 1.26.8; GOTOOLCHAIN=local)\n": "this course needs Go 1.99.0 or newer, and the Go installed here is 1.26.8: install a newer Go (go.dev/dl)",
		"go: errors parsing go.mod:\ngo.mod:3: unknown directive: frob\n":           "go test failed before testing anything: go.mod:3: unknown directive: frob",
		"": "go test failed before testing anything",
	} {
		if got := goFailed(stderr).Error(); got != want {
			t.Errorf("goFailed(%q) = %q, want %q", stderr, got, want)
		}
	}
}
