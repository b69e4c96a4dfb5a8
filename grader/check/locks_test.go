package check

import (
	"sync"
	"testing"
	"time"
)

type lockedThing struct {
	mu    sync.RWMutex
	inner struct{ m sync.Mutex }
	p     *sync.Mutex
	none  *sync.RWMutex
	n     int
}

func TestLocksOf(t *testing.T) {
	x := &lockedThing{p: new(sync.Mutex)} // x.none stays nil: not a lock to take
	l := LocksOf(x)
	if x.none != nil {
		t.Fatal("x.none must stay nil")
	}
	if len(l.RWMutexes) != 1 || l.RWMutexes[0] != &x.mu {
		t.Errorf("RWMutexes = %v, want &x.mu", l.RWMutexes)
	}
	if len(l.Mutexes) != 2 || l.Mutexes[0] != &x.inner.m || l.Mutexes[1] != x.p {
		t.Errorf("Mutexes = %v, want &x.inner.m and x.p", l.Mutexes)
	}
	if !LocksOf(&struct{ n int }{}).Empty() || !LocksOf(3).Empty() {
		t.Error("LocksOf found locks where there are none")
	}
}

func TestHoldAsReader(t *testing.T) {
	x := &lockedThing{}
	release := LocksOf(x).HoldAsReader()
	reader := Go(func() { x.mu.RLock(); defer x.mu.RUnlock(); _ = x.n })
	exclusive := Go(func() { x.inner.m.Lock(); defer x.inner.m.Unlock(); x.n++ })
	if !WaitParked(5*time.Second, reader, exclusive) || !reader.Ended() || exclusive.Ended() {
		t.Fatalf("with the locks held as a reader, RLock must go on (%q) and Lock wait (%q)", reader.State(), exclusive.State())
	}
	release()
	<-exclusive.Done()
}

// TestStallWriters checks what StallWriters relies on: the first field of
// sync.RWMutex is the mutex that Lock takes before it shuts readers out.
func TestStallWriters(t *testing.T) {
	x := &lockedThing{}
	release := LocksOf(x).StallWriters()
	writers := []*Goroutine{
		Go(func() { x.mu.Lock(); defer x.mu.Unlock(); x.n++ }),
		Go(func() { x.mu.Lock(); defer x.mu.Unlock(); x.n++ }),
	}
	if !WaitParked(5*time.Second, writers...) || writers[0].Ended() || writers[1].Ended() {
		t.Fatal("with the writers stalled, Lock must wait")
	}
	reader := Go(func() { x.mu.RLock(); defer x.mu.RUnlock(); _ = x.n })
	if !WaitEnded(5*time.Second, reader) {
		t.Fatalf("with the writers stalled, RLock must still go on; it is %q (has sync.RWMutex changed?)", reader.State())
	}
	release()
	if !WaitEnded(5*time.Second, writers...) {
		t.Fatal("once released, the writers must get the lock")
	}
}
