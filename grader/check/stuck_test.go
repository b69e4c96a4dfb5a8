package check

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
)

func TestNoneCanCome(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHold()
		var wg sync.WaitGroup
		// Goroutines held in the Hold (hold.go: "the student's code" here)
		// are inside the fake when inFake names Enter.
		for range 2 {
			wg.Go(func() {
				leave, _ := h.Enter(context.Background())
				leave()
			})
		}
		synctest.Wait()
		if !NoneCanCome("(*Hold).Enter") {
			t.Error("NoneCanCome: false with every goroutine held in the fake")
		}
		h.Open()
		wg.Wait()
	})
	// A goroutine about to run the student's code may still come.
	dump := "goroutine 7 [runnable]:\ngithub.com/x/check.(*Hold).Enter(0x0)\n\t" + student().Dir + "/hold.go:40 +0x1\n"
	if noneCanCome(dump, student(), []string{"(*Hold).Release"}) {
		t.Error("noneCanCome: true with a runnable goroutine in the student's code")
	}
	dump = "goroutine 7 [sync.Mutex.Lock]:\ngithub.com/x/check.(*Hold).Enter(0x0)\n\t" + student().Dir + "/hold.go:40 +0x1\n"
	if !noneCanCome(dump, student(), []string{"(*Hold).Release"}) {
		t.Error("noneCanCome: false with the only goroutine blocked on a lock")
	}
}
