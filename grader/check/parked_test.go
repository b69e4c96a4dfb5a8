package check

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestWaitParked(t *testing.T) {
	var mu sync.Mutex
	locks := 0
	mu.Lock()
	locked := Go(func() { mu.Lock(); defer mu.Unlock(); locks++ })
	ch := make(chan int)
	receiving := Go(func() { <-ch })
	ended := Go(func() {})
	<-ended.Done()
	if !WaitParked(5*time.Second, locked, receiving, ended) {
		t.Fatalf("a goroutine waiting for a lock and one waiting on a channel must count as parked: %q, %q", locked.State(), receiving.State())
	}
	if s := locked.State(); s != "sync.Mutex.Lock" {
		t.Errorf("State of a goroutine waiting for a mutex = %q, want sync.Mutex.Lock", s)
	}
	if s := ended.State(); s != "" {
		t.Errorf("State of an ended goroutine = %q, want \"\"", s)
	}
	mu.Unlock()
	ch <- 1
	<-locked.Done()
	<-receiving.Done()

	var stop atomic.Bool
	spinning := Go(func() {
		for !stop.Load() {
		}
	})
	if WaitParked(20*time.Millisecond, spinning) {
		t.Errorf("a goroutine that spins is not parked, but WaitParked said so (state %q)", spinning.State())
	}
	stop.Store(true)
	<-spinning.Done()
}

func TestParked(t *testing.T) {
	for state, want := range map[string]bool{
		"running": false, "runnable": false, "syscall": false, "GC assist wait": false, "": false,
		"chan receive": true, "chan receive (durable)": true, "sync.RWMutex.RLock": true, "select": true,
		"semacquire": true, "sync.WaitGroup.Wait": true, "sleep": true,
	} {
		if got := Parked(state); got != want {
			t.Errorf("Parked(%q) = %v, want %v", state, got, want)
		}
	}
}

func TestWaitEnded(t *testing.T) {
	quick := Go(func() {})
	if !WaitEnded(5*time.Second, quick) {
		t.Fatal("WaitEnded: a goroutine that returns at once did not end")
	}
	ch := make(chan int)
	stuck := Go(func() { <-ch })
	start := time.Now()
	if WaitEnded(5*time.Second, stuck) {
		t.Fatal("WaitEnded: a goroutine blocked for good counted as ended")
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("WaitEnded took %v to see a goroutine stuck; it must give up within milliseconds", took)
	}
	close(ch)
	<-stuck.Done()
}

func TestWaitEndedWhileOthersWork(t *testing.T) {
	// The goroutine watched waits for workers it started: not stuck while
	// they run, even on one core.
	waiter := Go(func() {
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				deadline := time.Now().Add(200 * time.Millisecond)
				for time.Now().Before(deadline) {
				}
			})
		}
		wg.Wait()
	})
	if !WaitEnded(5*time.Second, waiter) {
		t.Fatal("WaitEnded: a goroutine waiting for busy workers was taken for stuck")
	}
}

type recorder struct{ msgs []string }

func (r *recorder) Helper()                   {}
func (r *recorder) Errorf(f string, a ...any) { r.msgs = append(r.msgs, f) }

func TestQuietAndFinished(t *testing.T) {
	ch := make(chan int)
	var mu sync.Mutex
	held := 0
	mu.Lock()
	g1 := Go(func() { <-ch })
	g2 := Go(func() { mu.Lock(); defer mu.Unlock(); held++ })
	if !Quiet(5 * time.Second) {
		t.Fatal("Quiet: goroutines waiting on a channel and a mutex are quiet")
	}
	if g1.Ended() || g2.Ended() {
		t.Fatal("they cannot have ended")
	}
	// The package's own folder is the "student's" here: these goroutines
	// are in its files.
	var r recorder
	if Finished(&r, "f returned") || len(r.msgs) != 1 {
		t.Errorf("Finished did not fail on goroutines still in the package's files: %v", r.msgs)
	}
	close(ch)
	mu.Unlock()
	WaitEnded(5*time.Second, g1, g2)
	r = recorder{}
	if !Finished(&r, "f returned") {
		t.Errorf("Finished failed once the goroutines had ended: %v", r.msgs)
	}
}

// TestQuietSeesEveryoneArrive: goroutines that allocate while the test
// dumps the stacks wait for the dump to start a garbage collection; they
// are not parked, and Quiet must not return while they are on their way.
func TestQuietSeesEveryoneArrive(t *testing.T) {
	for round := range 100 {
		h := NewHold()
		var wg sync.WaitGroup
		g := Go(func() {
			for range 8 {
				wg.Go(func() {
					leave, _ := h.Enter(context.Background())
					leave()
				})
			}
			wg.Wait()
		})
		Quiet(5 * time.Second)
		if n := h.InFlight(); n < 8 && !g.Ended() {
			t.Fatalf("round %d: %d in flight", round, n)
		}
		h.Open()
		WaitEnded(5e9, g)
	}
}
