package check

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// fakeT records failures instead of failing.
type fakeT struct{ errs []string }

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func TestSettled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHold()
		for range 2 {
			go h.Enter(t.Context()) // hold.go is a non-test file of this folder: "the student's code" here
		}
		ft := &fakeT{}
		if Settled(ft, "Stop returned") {
			t.Fatal("Settled: true with two goroutines held")
		}
		msg := strings.Join(ft.errs, "\n")
		for _, want := range []string{"Stop returned, but goroutines of yours were still there", "2 goroutines wait", "hold.go:"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q does not hold %q", msg, want)
			}
		}
		h.Open()
		ft = &fakeT{}
		if !Settled(ft, "Stop returned") || len(ft.errs) != 0 {
			t.Fatalf("Settled after they ended: %q", ft.errs)
		}
	})
}

func TestBubbleFailedPassesOtherPanics(t *testing.T) {
	defer func() {
		if r := recover(); r != "boom" {
			t.Fatalf("recovered %v, want the panic to go on", r)
		}
	}()
	bubbleFailed(&fakeT{}, "boom", "advice", "", student())
}

// TestInBubbleDeadlock runs a test that deadlocks in a bubble, as a child
// process, and reads its failure.
func TestInBubbleDeadlock(t *testing.T) {
	if os.Getenv("CHECK_DEADLOCK_CHILD") != "" {
		InBubble(t, "Advice for the student.", func(t *testing.T) {
			h := NewHold()
			go h.Enter(t.Context())
			synctest.Wait()
			select {} // the test itself blocks: every goroutine of the bubble is blocked
		})
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInBubbleDeadlock$", "-test.v")
	cmd.Env = append(os.Environ(), "CHECK_DEADLOCK_CHILD=1", "GORACE=atexit_sleep_ms=0")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the deadlocked test passed:\n%s", out)
	}
	for _, want := range []string{"--- FAIL: TestInBubbleDeadlock", "a deadlock", "1 goroutine waits", "hold.go:", "Advice for the student."} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output does not hold %q:\n%s", want, out)
		}
	}
}

// TestInBubbleStuckOnLock runs a test whose goroutines wait for a mutex
// that nobody unlocks, which synctest does not see as a deadlock, as a
// child process: the watch stops it within a few seconds, not at the
// -timeout, and says where they wait.
func TestInBubbleStuckOnLock(t *testing.T) {
	if os.Getenv("CHECK_LOCKED_CHILD") != "" {
		InBubble(t, "Advice for the student.", func(t *testing.T) {
			h := NewHold()
			h.mu.Lock() // held by a goroutine that then waits: nobody unlocks it
			go h.Release(1)
			select {}
		})
		return
	}
	start := time.Now()
	cmd := exec.Command(os.Args[0], "-test.run=^TestInBubbleStuckOnLock$", "-test.v", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), "CHECK_LOCKED_CHILD=1", "GORACE=atexit_sleep_ms=0")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the stuck test passed:\n%s", out)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("the stuck test was stopped after %v, want within a few seconds", took)
	}
	for _, want := range []string{"The test was stopped", "1 goroutine waits to lock a mutex", "hold.go:", "Advice for the student.", TimeMarker} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output does not hold %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "panic: test timed out") {
		t.Errorf("the -timeout stopped the test, not the watch:\n%s", out)
	}
}

func TestLockStuck(t *testing.T) {
	const dump = `goroutine 7 [sync.Mutex.Lock, synctest bubble 3]:
sync.(*Mutex).Lock(...)

goroutine 8 [chan receive (durable), synctest bubble 3]:
main.f()

goroutine 9 [running]:
main.watch()

goroutine 10 [runnable, synctest bubble 4]:
main.g()`
	if _, stuck := lockStuck(dump, 3); !stuck {
		t.Error("bubble 3: one goroutine waits for a lock, one durably: want stuck")
	}
	if _, stuck := lockStuck(dump, 4); stuck {
		t.Error("bubble 4 has a runnable goroutine: want not stuck")
	}
	wg := strings.Replace(dump, "sync.Mutex.Lock,", "sync.WaitGroup.Wait,", 1)
	if _, stuck := lockStuck(wg, 3); !stuck {
		t.Error("bubble 3: a Wait on a WaitGroup from outside the bubble (a copy), one waits durably: want stuck")
	}
	wgDurable := strings.Replace(dump, "sync.Mutex.Lock,", "sync.WaitGroup.Wait (durable),", 1)
	if _, stuck := lockStuck(wgDurable, 3); stuck {
		t.Error("bubble 3: a durable WaitGroup.Wait is synctest's to report: want not stuck")
	}
	durable := strings.Replace(dump, "sync.Mutex.Lock,", "select (durable),", 1)
	if _, stuck := lockStuck(durable, 3); stuck {
		t.Error("bubble 3 with no lock wait: that is synctest's own deadlock, want not stuck")
	}
	outside := strings.Replace(dump, "chan receive (durable)", "chan receive", 1)
	if _, stuck := lockStuck(outside, 3); stuck {
		t.Error("a goroutine waits for a channel from outside the bubble: want not stuck")
	}
}
