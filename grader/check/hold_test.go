package check

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestHoldCountsAndReleases(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHold()
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				leave, err := h.Enter(t.Context())
				if err != nil {
					t.Errorf("Enter: %v", err)
				}
				time.Sleep(time.Second)
				leave()
			})
		}
		if !h.WaitInFlight(3, time.Minute) {
			t.Fatalf("WaitInFlight(3): false with %d in flight", h.InFlight())
		}
		synctest.Wait()
		if h.Left() != 0 {
			t.Fatalf("a call left before any release: left %d", h.Left())
		}
		h.Release(1)
		synctest.Wait()
		time.Sleep(time.Second)
		synctest.Wait()
		if h.Left() != 1 || h.InFlight() != 2 {
			t.Fatalf("after Release(1): left %d, in flight %d; want 1 and 2", h.Left(), h.InFlight())
		}
		h.Open()
		wg.Wait()
		if h.Peak() != 3 || h.Entered() != 3 || h.Left() != 3 || h.InFlight() != 0 {
			t.Fatalf("peak %d entered %d left %d in flight %d; want 3 3 3 0", h.Peak(), h.Entered(), h.Left(), h.InFlight())
		}
		// Once open, calls go straight through.
		leave, err := h.Enter(context.TODO())
		leave()
		leave() // a second call of leave counts nothing
		if err != nil || h.Left() != 4 || h.InFlight() != 0 {
			t.Fatalf("Enter after Open: err %v, left %d, in flight %d", err, h.Left(), h.InFlight())
		}
	})
}

func TestHoldReleaseBeforeEnter(t *testing.T) {
	h := NewHold()
	h.Release(2)
	for range 2 {
		leave, err := h.Enter(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		leave()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	leave, err := h.Enter(ctx) // no release left: held until ctx ends
	if err != context.DeadlineExceeded {
		t.Fatalf("third Enter: err %v, want the context's error", err)
	}
	if h.InFlight() != 1 {
		t.Fatalf("a call that ended by its context is in flight until leave: got %d", h.InFlight())
	}
	leave()
}

func TestHoldWaitTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHold()
		go func() {
			leave, _ := h.Enter(t.Context())
			defer leave()
		}()
		start := time.Now()
		if h.WaitInFlight(2, time.Minute) {
			t.Fatal("WaitInFlight(2) true with one call")
		}
		if time.Since(start) != time.Minute {
			t.Fatalf("WaitInFlight waited %v, want its limit", time.Since(start))
		}
		if !h.WaitEntered(1, 0) {
			t.Fatal("WaitEntered(1): false")
		}
		h.Open()
	})
}
