package check

import (
	"runtime"
	"sync"
)

// AllAtOnce runs work(0) ... work(g-1), each in a goroutine of its own,
// all released at the same moment, and returns when every one has
// returned. It runs them on at least four threads: a lost update needs
// goroutines that really run at the same time, which GOMAXPROCS=1 would
// rarely give.
func AllAtOnce(g int, work func(i int)) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(4, runtime.NumCPU())))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range g {
		wg.Go(func() {
			<-start
			work(i)
		})
	}
	close(start)
	wg.Wait()
}
