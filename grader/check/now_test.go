package check

import (
	"strings"
	"testing"
	"testing/synctest"
)

func TestGoneNow(t *testing.T) {
	OneProc(t)
	synctest.Test(t, func(t *testing.T) {
		h := NewHold()
		go func() {
			leave, _ := h.Enter(t.Context()) // hold.go is a non-test file of this folder: "the student's code" here
			leave()
		}()
		synctest.Wait()
		h.Open() // the goroutine can go on now, but has no CPU yet
		ft := &fakeT{}
		if GoneNow(ft, "Stop returned") {
			t.Fatal("GoneNow: true with a goroutine woken but not yet run")
		}
		msg := strings.Join(ft.errs, "\n")
		for _, want := range []string{"Stop returned, but goroutines of yours were still there", "hold.go:"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q does not hold %q", msg, want)
			}
		}
		synctest.Wait()
		ft = &fakeT{}
		if !GoneNow(ft, "Stop returned") || len(ft.errs) != 0 {
			t.Fatalf("GoneNow after it ended: %q", ft.errs)
		}
	})
}
