//go:build gclhidden

package producerconsumer_test

import (
	"runtime"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	pc "github.com/go-concurrency-lab/course/exercises/11-producer-consumer"
	"github.com/go-concurrency-lab/course/grader/check"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests run in synctest bubbles: consuming an item takes a millisecond
// of fake time, and the clock moves only when every goroutine is blocked, so
// how many producers and consumers run at once, and how many items sit in
// the channel, are the same on every run.

// stuck is the advice when a test ends with goroutines left waiting.
const stuck = "goroutines were left waiting for ever (or Run never returned). Consumers that range over the channel\n" +
	"stop only when it is closed: once every producer is done (wait for them with a sync.WaitGroup), close it.\n" +
	"And someone must receive: with consumers below 1, start one consumer all the same."

// plant records what the producers and consumers of one test did.
type plant struct {
	mu            sync.Mutex
	sent          int // sends that completed
	producing     int // producers running now
	peakProducing int
	consuming     int // consume calls running now
	peakConsuming int
	seen          map[int]int
	unknown       []int // items no producer sent
	release       chan struct{}
	consumeTakes  time.Duration
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
	check.InBubble(t, stuck, func(t *testing.T) {
		pl := newPlant()
		pc.Run(pl.producers(3, 10), 4, 2, pl.consume)
		pl.mu.Lock()
		atReturn := pl.consumed()
		pl.mu.Unlock()
		check.Settled(t, "Run returned")
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
	check.InBubble(t, stuck, func(t *testing.T) {
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
// send exactly as many items as the buffer holds, plus one per consumer;
// with buffer 0 the channel is unbuffered, and they send one per consumer.
func TestBufferHoldsItems(t *testing.T) {
	check.Seal(t)
	for _, buffer := range []int{3, 0} {
		check.InBubble(t, stuck, func(t *testing.T) {
			pl := newPlant()
			pl.release = make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				pc.Run(pl.producers(1, 20), 2, buffer, pl.consume)
			}()
			synctest.Wait()
			pl.mu.Lock()
			sent := pl.sent
			pl.mu.Unlock()
			close(pl.release)
			<-done
			assert.Equal(t, 2+buffer, sent,
				"2 consumers were busy with an item each, and the channel must hold %d more (buffer = %d): the producer should\n"+
					"have sent %d items and be waiting on the next; it had sent %d. Make the channel with room for buffer items:\n"+
					"make(chan int, buffer).", buffer, buffer, 2+buffer, sent)
			pl.checkOnce(t, 1, 20)
		})
	}
}

// TestNoItemDropped: when the producers are done, the channel still holds
// 50 items and both consumers are busy. The consumers must take every item
// left before they stop: closing says "no more will come", not "throw the
// rest away". A consumer that stops on a signal of its own, in a select
// with the receive, picks at random among the ready cases; it would keep
// all 50 items only with odds of about 2^-50, so it fails every run.
func TestNoItemDropped(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		pl := newPlant()
		pl.release = make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			pc.Run(pl.producers(1, 52), 2, 50, pl.consume)
		}()
		synctest.Wait()
		pl.mu.Lock()
		producing, sent := pl.producing, pl.sent
		pl.mu.Unlock()
		require.Equal(t, 0, producing, "the producer should have sent its 52 items (2 to the busy consumers, 50 into the buffer) and returned")
		require.Equal(t, 52, sent, "the producer should have sent its 52 items (2 to the busy consumers, 50 into the buffer)")
		close(pl.release)
		<-done
		pl.mu.Lock()
		got := pl.consumed()
		pl.mu.Unlock()
		require.Equal(t, 52, got,
			"the producer was done while 50 items were still in the channel, and only %d of the 52 items were consumed.\n"+
				"Consumers must take every item left before they stop: for item := range items stops only when the channel\n"+
				"is closed and empty. A select on a quit signal of your own stops while items are left.", got)
		pl.checkOnce(t, 1, 52)
	})
}

// TestConsumersBelowOne: consumers 0 or negative counts as one consumer.
func TestConsumersBelowOne(t *testing.T) {
	check.Seal(t)
	for _, consumers := range []int{0, -1} {
		check.InBubble(t, "with consumers = "+strconv.Itoa(consumers)+", nobody received, and the producers waited for ever.\n"+
			"consumers below 1 counts as 1: start one consumer all the same (max(consumers, 1)).", func(t *testing.T) {
			pl := newPlant()
			pc.Run(pl.producers(2, 5), consumers, 1, pl.consume)
			check.Settled(t, "Run returned")
			pl.checkOnce(t, 2, 5)
		})
	}
}

// TestNoProducers: with no producer at all, Run returns at once.
func TestNoProducers(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		pl := newPlant()
		pc.Run(nil, 3, 1, pl.consume)
		pl.checkOnce(t, 0, 0)
	})
}

// TestManyItems: 8 producers, 5 consumers, 400 items, under the race
// detector.
func TestManyItems(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, stuck, func(t *testing.T) {
		pl := newPlant()
		pl.consumeTakes = 0
		pc.Run(pl.producers(8, 50), 5, 4, pl.consume)
		pl.checkOnce(t, 8, 50)
	})
}

// TestNoGoroutineLeft: when Run has returned, every goroutine it started
// has ended: check.Settled finds none, without letting any time pass.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	for i := range 6 {
		check.InBubble(t, stuck, func(t *testing.T) {
			pl := newPlant()
			pl.consumeTakes = time.Duration(i%2) * time.Millisecond
			pc.Run(pl.producers(3, 5), 2+i%3, i%3, pl.consume)
			check.Settled(t, "Run returned")
			pl.checkOnce(t, 3, 5)
		})
	}
}
