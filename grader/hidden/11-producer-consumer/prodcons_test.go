//go:build gclhidden

package producerconsumer_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	pc "github.com/go-concurrency-lab/course/exercises/11-producer-consumer"
	"github.com/go-concurrency-lab/course/grader/check"
)

// The tests run in synctest bubbles: consuming an item takes a millisecond
// of fake time, and the clock moves only when every goroutine is blocked, so
// how many producers and consumers run at once, and how many items sit in
// the channel, are the same on every run.

// inBubble runs f in a synctest bubble. A wrong answer can leave goroutines
// waiting for ever; synctest then panics ("deadlock"), and inBubble turns
// that into a failure that names where they wait.
func inBubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if !strings.Contains(fmt.Sprint(r), "deadlock") {
			panic(r)
		}
		t.Errorf("goroutines were left waiting for ever (or Run never returned). Consumers that range over the channel\n" +
			"stop only when it is closed: once every producer is done (wait for them with a sync.WaitGroup), close it.")
		// The bubble's own goroutine stays behind after such a panic;
		// name only the others.
		check.NoLeaks(t, goleak.IgnoreTopFunction("testing/synctest.testingSynctestTest"))
	}()
	synctest.Test(t, f)
}

// plant records what the producers and consumers of one test did.
type plant struct {
	mu             sync.Mutex
	sent           int // sends that completed
	producing      int // producers running now
	peakProducing  int
	consuming      int // consume calls running now
	peakConsuming  int
	seen           map[int]int
	unknown        []int // items no producer sent
	release        chan struct{}
	consumeTakes   time.Duration
	consumedAtExit int
}

func newPlant() *plant {
	return &plant{seen: map[int]int{}, consumeTakes: time.Millisecond}
}

// item is the k-th item (from 0) of producer p; never 0, so that a zero
// value received from a closed channel stands out.
func item(p, k int) int { return (p+1)*1000 + k }

// producers returns n producers that send each items apiece.
func (pl *plant) producers(n, each int) []pc.Producer {
	var ps []pc.Producer
	for p := range n {
		ps = append(ps, func(out chan<- int) {
			pl.mu.Lock()
			pl.producing++
			pl.peakProducing = max(pl.peakProducing, pl.producing)
			pl.mu.Unlock()
			for k := range each {
				out <- item(p, k)
				pl.mu.Lock()
				pl.sent++
				pl.mu.Unlock()
			}
			pl.mu.Lock()
			pl.producing--
			pl.mu.Unlock()
		})
	}
	return ps
}

func (pl *plant) consume(v int) {
	pl.mu.Lock()
	if v < 1000 {
		pl.unknown = append(pl.unknown, v)
		pl.mu.Unlock()
		// Not an item of any producer (a zero value from a closed channel):
		// end this consumer (its deferred calls still run) rather than let
		// it consume zeros for ever.
		runtime.Goexit()
	}
	pl.seen[v]++
	pl.consuming++
	pl.peakConsuming = max(pl.peakConsuming, pl.consuming)
	pl.mu.Unlock()
	if pl.release != nil {
		<-pl.release
	}
	time.Sleep(pl.consumeTakes)
	pl.mu.Lock()
	pl.consuming--
	pl.mu.Unlock()
}

func (pl *plant) consumed() int {
	n := 0
	for _, c := range pl.seen {
		n += c
	}
	return n
}

// checkOnce checks that every item of n producers of each items was
// consumed exactly once.
func (pl *plant) checkOnce(t *testing.T, n, each int) {
	t.Helper()
	pl.mu.Lock()
	defer pl.mu.Unlock()
	require.Empty(t, pl.unknown,
		"consume was called with %v, which no producer sent: a receive from a closed channel gives the zero value.\n"+
			"Let the consumers range over the channel (for item := range items), which stops when it is closed and empty.", pl.unknown)
	var lost, twice []int
	for p := range n {
		for k := range each {
			switch c := pl.seen[item(p, k)]; {
			case c == 0:
				lost = append(lost, item(p, k))
			case c > 1:
				twice = append(twice, item(p, k))
			}
		}
	}
	assert.Empty(t, lost, "%d producers sent %d items each; these were never consumed", n, each)
	assert.Empty(t, twice, "these items were consumed more than once; each item must be consumed exactly once")
}

// TestEveryItemOnce: 3 producers, 4 consumers: every item is consumed
// exactly once, and all of them before Run returns.
func TestEveryItemOnce(t *testing.T) {
	check.Seal(t)
	inBubble(t, func(t *testing.T) {
		pl := newPlant()
		pc.Run(pl.producers(3, 10), 4, 2, pl.consume)
		pl.mu.Lock()
		atReturn := pl.consumed()
		pl.mu.Unlock()
		time.Sleep(time.Second)
		synctest.Wait()
		pl.checkOnce(t, 3, 10)
		assert.Equal(t, 30, atReturn,
			"when Run returned, %d of the 30 items had been consumed. Run must wait for the consumers too:\n"+
				"after closing the channel, wait until every consumer has finished its range loop.", atReturn)
	})
}

// TestAllRunAtOnce: every producer and every consumer runs in a goroutine
// of its own, at the same time.
func TestAllRunAtOnce(t *testing.T) {
	check.Seal(t)
	inBubble(t, func(t *testing.T) {
		pl := newPlant()
		pc.Run(pl.producers(3, 10), 4, 2, pl.consume)
		pl.checkOnce(t, 3, 10)
		assert.Equal(t, 3, pl.peakProducing,
			"with 3 producers, at most %d ran at the same time. Start each producer in a goroutine of its own.", pl.peakProducing)
		assert.Equal(t, 4, pl.peakConsuming,
			"with 4 consumers, at most %d consumed at the same time. Start that many consumer goroutines,\n"+
				"each ranging over the same channel.", pl.peakConsuming)
	})
}

// TestBufferHoldsItems: while the consumers are busy, the producers can
// send exactly as many items as the buffer holds, plus one per consumer.
func TestBufferHoldsItems(t *testing.T) {
	check.Seal(t)
	inBubble(t, func(t *testing.T) {
		pl := newPlant()
		pl.release = make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			pc.Run(pl.producers(1, 20), 2, 3, pl.consume)
		}()
		synctest.Wait()
		pl.mu.Lock()
		sent := pl.sent
		pl.mu.Unlock()
		close(pl.release)
		<-done
		assert.Equal(t, 5, sent,
			"2 consumers were busy with an item each, and the channel must hold 3 more (buffer = 3): the producer should\n"+
				"have sent 5 items and be waiting on the 6th; it had sent %d. Make the channel with room for buffer items:\n"+
				"make(chan int, buffer).", sent)
		pl.checkOnce(t, 1, 20)
	})
}

// TestNoProducers: with no producer at all, Run returns at once.
func TestNoProducers(t *testing.T) {
	check.Seal(t)
	inBubble(t, func(t *testing.T) {
		pl := newPlant()
		pc.Run(nil, 3, 1, pl.consume)
		pl.checkOnce(t, 0, 0)
	})
}

// TestManyItems: 8 producers, 5 consumers, 400 items, under the race
// detector.
func TestManyItems(t *testing.T) {
	check.Seal(t)
	inBubble(t, func(t *testing.T) {
		pl := newPlant()
		pl.consumeTakes = 0
		pc.Run(pl.producers(8, 50), 5, 4, pl.consume)
		pl.checkOnce(t, 8, 50)
	})
}

// TestNoGoroutineLeft: once Run returns, every goroutine it started has
// ended (real time).
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	pl := newPlant()
	pl.consumeTakes = 0
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		pc.Run(pl.producers(3, 5), 2, 1, pl.consume)
	}()
	select {
	case <-returned:
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return within 2 seconds: is the channel closed once every producer is done?")
	}
	pl.checkOnce(t, 3, 5)
	check.NoLeaks(t)
}
