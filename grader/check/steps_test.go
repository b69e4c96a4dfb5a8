package check

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

func TestReleaseInSteps(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHold()
		var finished atomic.Int32
		// Three waves of two calls at once: each wave starts when the one
		// before has left.
		go func() {
			for range 3 {
				done := make(chan struct{}, 2)
				for range 2 {
					go func() {
						leave, _ := h.Enter(context.Background())
						leave()
						done <- struct{}{}
					}()
				}
				<-done
				<-done
			}
			finished.Store(1)
		}()
		if !ReleaseInSteps(h, func() bool { return finished.Load() == 1 }) {
			t.Fatal("ReleaseInSteps: stuck")
		}
		if h.Peak() != 2 || h.Entered() != 6 {
			t.Fatalf("peak %d, entered %d; want 2, 6", h.Peak(), h.Entered())
		}
		// Stuck: a goroutine that waits for something else, nothing held.
		block := make(chan struct{})
		go func() { <-block }()
		if ReleaseInSteps(h, func() bool { return false }) {
			t.Fatal("ReleaseInSteps: true although nothing could move on")
		}
		close(block)
	})
}
