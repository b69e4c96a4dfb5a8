package check

import (
	"runtime"
	"sync/atomic"
	"testing"
)

func TestAllAtOnce(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	var ran atomic.Int64
	var seen [8]atomic.Bool
	var procs atomic.Int64
	AllAtOnce(8, func(i int) {
		ran.Add(1)
		seen[i].Store(true)
		procs.Store(int64(runtime.GOMAXPROCS(0)))
	})
	if ran.Load() != 8 {
		t.Fatalf("work ran %d times, want 8", ran.Load())
	}
	for i := range seen {
		if !seen[i].Load() {
			t.Errorf("work(%d) never ran", i)
		}
	}
	if procs.Load() < 4 {
		t.Errorf("GOMAXPROCS during the work %d, want at least 4", procs.Load())
	}
	if runtime.GOMAXPROCS(0) != before {
		t.Errorf("GOMAXPROCS after AllAtOnce %d, want it put back to %d", runtime.GOMAXPROCS(0), before)
	}
}
