package check

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
)

func TestEndedAtReturn(t *testing.T) {
	for range 50 { // the verdict must not depend on the run
		synctest.Test(t, func(t *testing.T) {
			h := NewHold()
			var wg sync.WaitGroup
			for range 3 {
				wg.Go(func() {
					leave, _ := h.Enter(context.Background()) // hold.go is "the student's code" here
					leave()
				})
			}
			synctest.Wait() // all three are held
			// Open only tells them to go on: they are still in Enter when it returns.
			ft := &fakeT{}
			if EndedAtReturn(ft, "Open returned", h.Open) {
				t.Fatal("EndedAtReturn: true with three goroutines told to go on but not gone")
			}
			msg := strings.Join(ft.errs, "\n")
			for _, want := range []string{"Open returned, but goroutines of yours had not ended yet", "3 goroutines are", "hold.go:"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not hold %q", msg, want)
				}
			}
			wg.Wait()

			// A call that waits for its goroutines passes, every time.
			h = NewHold()
			for range 3 {
				wg.Go(func() {
					leave, _ := h.Enter(context.Background())
					leave()
				})
			}
			synctest.Wait()
			ft = &fakeT{}
			if !EndedAtReturn(ft, "Stop returned", func() { h.Open(); wg.Wait() }) {
				t.Fatalf("EndedAtReturn after wg.Wait: %q", ft.errs)
			}
		})
	}
}

func TestReport(t *testing.T) {
	var r Report
	r.Errorf("a %d", 1)
	r.Errorf("b")
	ft := &fakeT{}
	if r.Tell(ft) || strings.Join(ft.errs, "|") != "a 1|b" {
		t.Fatalf("Tell: %q", ft.errs)
	}
	if !(&Report{}).Tell(ft) {
		t.Fatal("Tell: false with no failure")
	}
}
