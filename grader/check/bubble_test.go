package check

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/synctest"
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
