//go:build gclhidden

package heartbeat_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"

	heartbeat "github.com/go-concurrency-lab/course/exercises/14-heartbeat"
	"github.com/go-concurrency-lab/course/grader/check"
)

// The tests run inside synctest bubbles: time is fake, so "ten intervals"
// pass instantly and every beat happens at an exact instant.
const hbInterval = time.Second

// hbRecorder is the beat function the tests hand to Start. It records when
// each beat began and how many are running. Each beat takes `work` of
// (fake) time.
type hbRecorder struct {
	mu        sync.Mutex
	start     time.Time
	work      time.Duration
	at        []time.Duration // when each beat began, measured from Start
	running   int
	stopped   bool // set by the test just before it cancels ctx
	lateBeats int  // beats that began after the test cancelled ctx
}

func hbNewRecorder(work time.Duration) *hbRecorder {
	return &hbRecorder{start: time.Now(), work: work}
}

func (r *hbRecorder) beat() {
	r.mu.Lock()
	if r.stopped {
		r.lateBeats++
		r.mu.Unlock()
		// The heartbeat ignored the cancellation. End its goroutine here
		// (its deferred calls still run) so that the test can report the
		// mistake instead of ticking forever.
		runtime.Goexit()
	}
	if len(r.at) >= 1000 {
		r.lateBeats++
		r.mu.Unlock()
		// A thousand beats: no test waits that long. Start must have run
		// the loop itself instead of in a goroutine (or it never stops);
		// end here rather than beat for ever.
		runtime.Goexit()
	}
	r.at = append(r.at, time.Since(r.start))
	r.running++
	r.mu.Unlock()
	time.Sleep(r.work)
	r.mu.Lock()
	r.running--
	r.mu.Unlock()
}

// times returns when each beat began, from Start, as "1s", "2s", ...
func (r *hbRecorder) times() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := []string{}
	for _, d := range r.at {
		s = append(s, d.String())
	}
	return s
}

func (r *hbRecorder) stop(cancel context.CancelFunc) {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	cancel()
}

// hbWindDown cancels ctx and lets a few intervals of fake time pass, so that
// no goroutine of the heartbeat is still running when the test function
// returns, even after a failed assertion: synctest.Test panics if one is.
func hbWindDown(r *hbRecorder, cancel context.CancelFunc) {
	r.stop(cancel)
	time.Sleep(5 * hbInterval)
}

func (r *hbRecorder) late() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lateBeats
}

// hbMultiples returns 1, 2, ..., n intervals, as hbRecorder.times does.
func hbMultiples(n int) []string {
	s := []string{}
	for i := 1; i <= n; i++ {
		s = append(s, (time.Duration(i) * hbInterval).String())
	}
	return s
}

// hbClosed reports whether done is closed now.
func hbClosed(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// hbNotAtNextTick is the advice when the heartbeat stops late.
const hbNotAtNextTick = "A heartbeat must stop as soon as ctx is done, not at the next tick: wait for ctx.Done() and\n" +
	"the ticker in the same select, and return from the goroutine in the ctx.Done() case\n" +
	"(defer close(done) at the top of the goroutine closes the channel then). A loop that looks at\n" +
	"ctx.Err() only after each tick goes on for up to a whole interval."

// hbStopAndWait cancels ctx while no beat is running and expects done to
// be closed before any time passes, and no beat to begin afterwards.
func hbStopAndWait(t *testing.T, r *hbRecorder, cancel context.CancelFunc, done <-chan struct{}) {
	t.Helper()
	r.stop(cancel)
	synctest.Wait()
	if !hbClosed(done) {
		t.Errorf("ctx was cancelled while no beat was running, and the channel Start returned was still open (no time\n" +
			"had passed since the cancel). " + hbNotAtNextTick)
	}
	time.Sleep(3 * hbInterval)
	assert.Zero(t, r.late(),
		"beat was called after ctx was cancelled. The loop must return when ctx.Done() is closed:\n"+
			"select on both ctx.Done() and the ticker's channel, and return from the goroutine in the ctx.Done() case.")
	if hbClosed(done) {
		check.Settled(t, "the channel Start returned was closed")
	}
}

// TestBeatsOncePerInterval: in 5½ intervals, exactly 5 beats, at 1, 2, 3, 4
// and 5 intervals after Start.
func TestBeatsOncePerInterval(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, hbStuck, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		r := hbNewRecorder(0)
		defer hbWindDown(r, cancel)
		done := heartbeat.Start(ctx, hbInterval, r.beat)
		time.Sleep(5*hbInterval + hbInterval/2)
		assert.Equal(t, hbMultiples(5), r.times(),
			"beat must be called once per interval: 5 times in 5½ intervals, at 1, 2, 3, 4 and 5 intervals after Start\n"+
				"(the times are the beats' start times, from Start). The first beat comes after one interval, not at once.\n"+
				"A time.Ticker made with the interval does exactly this.")
		hbStopAndWait(t, r, cancel, done)
	})
}

// TestSlowBeatKeepsPace: a beat that takes a quarter of an interval does not
// shift the beats that follow.
func TestSlowBeatKeepsPace(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, hbStuck, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		r := hbNewRecorder(hbInterval / 4)
		defer hbWindDown(r, cancel)
		done := heartbeat.Start(ctx, hbInterval, r.beat)
		time.Sleep(10*hbInterval + hbInterval/2)
		assert.Equal(t, hbMultiples(10), r.times(),
			"each beat here takes a quarter of an interval, and the beats must still come at 1, 2, 3, ... intervals\n"+
				"after Start: 10 beats in 10½ intervals. Waiting a full interval after each beat (time.Sleep or\n"+
				"time.After in the loop) makes the beats drift later and later. A time.Ticker keeps the pace.")
		hbStopAndWait(t, r, cancel, done)
	})
}

// TestStopsWhenCancelled: cancelled in the middle of a beat, the heartbeat
// lets that beat finish, then closes its channel, and beats no more.
func TestStopsWhenCancelled(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, hbStuck, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		r := hbNewRecorder(hbInterval / 4)
		defer hbWindDown(r, cancel)
		done := heartbeat.Start(ctx, hbInterval, r.beat)
		// The third beat runs from 3 to 3¼ intervals; cancel in between.
		time.Sleep(3*hbInterval + hbInterval/10)
		r.stop(cancel)
		synctest.Wait()
		assert.False(t, hbClosed(done),
			"the channel Start returned was closed while a beat was still running. Closing it says\n"+
				"\"beat will not run again\", so close it only when the goroutine that calls beat returns\n"+
				"(defer close(done) in that goroutine), and call beat in that goroutine, not in a new one.")
		// The beat returns at 3¼ intervals: the channel must be closed then.
		time.Sleep(3*hbInterval + hbInterval/4 - time.Since(r.start))
		synctest.Wait()
		if hbClosed(done) {
			check.Settled(t, "the channel Start returned was closed")
		} else {
			t.Errorf("ctx was cancelled during a beat, the beat returned, and the channel Start returned was still open.\n" + hbNotAtNextTick)
		}
		time.Sleep(5 * hbInterval)
		assert.Zero(t, r.late(), "beat was called after ctx was cancelled: the loop must return once ctx.Done() is closed.")
		assert.Equal(t, hbMultiples(3), r.times(), "cancelled after 3 beats, the heartbeat must have beaten exactly 3 times")
	})
}

// TestLongBeatCancelled: a beat takes 2½ intervals, and ctx is cancelled
// while it runs; by the time it returns, the ticker has a tick waiting, so
// ctx.Done() and the tick are both ready. The heartbeat must stop then, not
// start one more beat: a select with both cases ready takes either, at
// random, so a loop that only selects on the two starts one more beat half
// the time. The test does this 40 times (fake time: no real time passes):
// such a loop gets through all of them once in 2^40 runs.
func TestLongBeatCancelled(t *testing.T) {
	check.Seal(t)
	const reps = 40
	check.InBubble(t, hbStuck, func(t *testing.T) {
		for i := range reps {
			ctx, cancel := context.WithCancel(context.Background())
			r := hbNewRecorder(2*hbInterval + hbInterval/2)
			done := heartbeat.Start(ctx, hbInterval, r.beat)
			// The first beat runs from 1 to 3½ intervals; cancel at 1½.
			time.Sleep(hbInterval + hbInterval/2)
			r.stop(cancel)
			time.Sleep(2 * hbInterval) // the beat returns at 3½ intervals
			synctest.Wait()
			if r.late() > 0 {
				t.Errorf("ctx was cancelled during a beat that took 2½ intervals, and when that beat returned another\n"+
					"one began (in run %d of %d). A tick was waiting by then, and ctx.Done() was closed: a select with\n"+
					"both ready takes either, at random. Once ctx is done no beat may begin: look at ctx.Err() before\n"+
					"each beat (after the tick has come), and return if it is not nil.", i+1, reps)
				return
			}
			if !hbClosed(done) {
				t.Errorf("ctx was cancelled during a beat that took 2½ intervals, the beat returned, and the channel Start\n" +
					"returned was still open. " + hbNotAtNextTick)
				hbWindDown(r, cancel)
				return
			}
			check.Settled(t, "the channel Start returned was closed")
		}
	})
}

// TestAlreadyCancelled: with a ctx that is already cancelled, Start beats
// not at all, and the channel is closed before any time passes.
func TestAlreadyCancelled(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, hbStuck, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		r := hbNewRecorder(0)
		r.stop(cancel)
		done := heartbeat.Start(ctx, hbInterval, r.beat)
		synctest.Wait()
		if !hbClosed(done) {
			t.Errorf("Start was given a ctx that was already cancelled, and the channel it returned was still open\n" +
				"before any time had passed. " + hbNotAtNextTick)
		}
		time.Sleep(3 * hbInterval)
		assert.Zero(t, r.late(), "Start was given a ctx that was already cancelled: beat must not be called at all")
	})
}

// TestDeadline: a ctx that ends by its deadline stops the heartbeat as a
// cancel does, at the deadline.
func TestDeadline(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, hbStuck, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*hbInterval+hbInterval/2)
		defer cancel()
		r := hbNewRecorder(0)
		done := heartbeat.Start(ctx, hbInterval, r.beat)
		time.Sleep(2*hbInterval + hbInterval/2)
		synctest.Wait()
		if !hbClosed(done) {
			t.Errorf("ctx reached its deadline, 2½ intervals after Start, and the channel Start returned was still open.\n" +
				"A deadline ends ctx just as cancel does: ctx.Done() is closed. " + hbNotAtNextTick)
		}
		r.mu.Lock()
		r.stopped = true
		r.mu.Unlock()
		time.Sleep(3 * hbInterval)
		assert.Zero(t, r.late(), "beat was called after ctx's deadline")
		assert.Equal(t, hbMultiples(2), r.times(), "with a deadline 2½ intervals after Start, the heartbeat must have beaten twice, at 1 and 2 intervals")
	})
}

// TestBadInterval: Start panics when interval is not positive, as
// time.NewTicker does, in the goroutine that called Start.
func TestBadInterval(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, hbStuck, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		for _, d := range []time.Duration{0, -hbInterval} {
			assert.Panics(t, func() { heartbeat.Start(ctx, d, func() {}) },
				"Start(ctx, %v, beat) must panic: an interval must be positive. Make the ticker in Start itself, before\n"+
					"the go statement (time.NewTicker panics then, where the caller can see it), not in the goroutine,\n"+
					"where the panic would end the whole program.", d)
		}
	})
}

// TestNoGoroutineLeft: once the channel Start returned is closed, no
// goroutine of the heartbeat is left (check.Settled: no time passes).
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, hbStuck, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		r := hbNewRecorder(hbInterval / 4)
		done := heartbeat.Start(ctx, hbInterval, r.beat)
		time.Sleep(3*hbInterval + hbInterval/2)
		r.stop(cancel)
		select {
		case <-done:
			check.Settled(t, "the channel Start returned was closed")
		case <-time.After(3 * hbInterval):
			t.Errorf("3 intervals after ctx was cancelled, the channel Start returned is still open")
		}
	})
}

// hbStuck is the advice when a test ends with the heartbeat's goroutines
// blocked.
const hbStuck = "when the test ended, goroutines of the heartbeat were still blocked, with nothing left that could\n" +
	"wake them. The goroutine must end when ctx is done, and close the channel Start returned as it ends."
