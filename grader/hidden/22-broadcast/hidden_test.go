//go:build gclhidden

package broadcast_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-concurrency-lab/course/exercises/22-broadcast"
	"github.com/go-concurrency-lab/course/grader/check"
)

// Most tests run in synctest bubbles (check.InBubble), where time is fake:
// a Publish that waits for a subscriber, even for a moment, is seen to
// take time, and one that waits forever is found at once.

// advice is what a test that ends in a deadlock tells the student.
const advice = "Publish must never wait: a send on a full channel waits, so try it in a select with a default case.\n" +
	"And is every lock you take unlocked again, on every path?"

// stuck holds the brokers of which a Publish never returned. Such a
// Publish most likely holds the broker's lock, and a goroutine waiting for
// a lock is not one that synctest sees as blocked: the test's own clean-up
// calls (Close, unsubscribe) would hang the bubble. later skips them.
var stuck sync.Map

// later returns the test's clean-up call f (Close, an unsubscribe) for a
// defer: it is skipped when a Publish of b never returned, and a panic in
// it fails the test with a message instead of crashing it.
func later(t *testing.T, b *broadcast.Broker[int], what string, f func()) func() {
	return func() {
		if _, ok := stuck.Load(b); ok {
			return
		}
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("%s, called by the test as it ended, panicked: %v.\n"+
					"Close a channel once only: whoever closes it (unsubscribe or Close) must also forget it, under the lock.", what, p)
			}
		}()
		f()
	}
}

// publish calls Publish in a bubble, and fails the test if it takes any
// time at all (fake time) or panics.
func publish(t *testing.T, b *broadcast.Broker[int], msg int) {
	t.Helper()
	publishWithin(t, b, msg, time.Hour, true)
}

// publishWithin calls Publish and fails the test if it panics or does not
// return within patience; with fake, also if it took any time at all.
func publishWithin(t *testing.T, b *broadcast.Broker[int], msg int, patience time.Duration, fake bool) {
	t.Helper()
	start := time.Now()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		b.Publish(msg)
	}()
	select {
	case p := <-done:
		require.Nil(t, p, "Publish(%d) panicked: %v", msg, p)
		if fake {
			require.Zero(t, time.Since(start),
				"Publish(%d) took %v: it waited for a subscriber whose channel was full. Publish must never wait, not\n"+
					"even a little: try the send, and when the channel is full, drop the message for that subscriber\n"+
					"(a select with a default case, and no timer).", msg, time.Since(start))
		}
	case <-time.After(patience):
		stuck.Store(b, true)
		t.Fatalf("Publish(%d) did not return: it is waiting for a subscriber that does not receive.\n"+
			"Publish must never wait: try the send, and when the subscriber's channel is full, drop the message\n"+
			"for that subscriber (a select with a default case).", msg)
	}
}

// buffered receives, without waiting, every message that is in ch now.
// closed tells whether ch was closed after them.
func buffered(ch <-chan int) (msgs []int, closed bool) {
	msgs = []int{}
	for {
		select {
		case m, ok := <-ch:
			if !ok {
				return msgs, true
			}
			msgs = append(msgs, m)
		default:
			return msgs, false
		}
	}
}

// drain receives from ch in a goroutine until ch is closed. The returned
// function waits for that, at most a fake hour, and returns what was
// received and whether ch was closed.
func drain(ch <-chan int) func() ([]int, bool) {
	var got []int
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m := range ch {
			got = append(got, m)
		}
	}()
	return func() ([]int, bool) {
		select {
		case <-done:
			return got, true
		case <-time.After(time.Hour):
			return nil, false
		}
	}
}

func upTo(a, b int) []int {
	s := []int{}
	for i := a; i <= b; i++ {
		s = append(s, i)
	}
	return s
}

// TestEverySubscriberGetsEveryMessage: three subscribers, five messages,
// each subscriber has all five, in order, as soon as Publish returns.
func TestEverySubscriberGetsEveryMessage(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		b := broadcast.New[int](10)
		defer later(t, b, "Close", b.Close)()
		var subs []<-chan int
		for range 3 {
			ch, unsub := b.Subscribe()
			defer later(t, b, "unsubscribe", unsub)()
			subs = append(subs, ch)
		}
		for i := 1; i <= 5; i++ {
			publish(t, b, i)
		}
		for i, ch := range subs {
			got, closed := buffered(ch)
			require.False(t, closed, "subscriber %d's channel was closed, but nobody unsubscribed it or closed the broker", i)
			require.Equal(t, upTo(1, 5), got,
				"subscriber %d (buffer 10) should have messages 1 to 5 in its channel, in order, once Publish(5) has\n"+
					"returned. Publish must put the message in every subscriber's channel before it returns.", i)
		}
	})
}

// TestOnlyMessagesAfterSubscribing: a subscriber gets what is published
// after it subscribed, not before.
func TestOnlyMessagesAfterSubscribing(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		b := broadcast.New[int](10)
		defer later(t, b, "Close", b.Close)()
		early, unsub := b.Subscribe()
		defer later(t, b, "unsubscribe", unsub)()
		publish(t, b, 1)
		late, unsub2 := b.Subscribe()
		defer later(t, b, "unsubscribe", unsub2)()
		publish(t, b, 2)
		got, _ := buffered(early)
		assert.Equal(t, []int{1, 2}, got, "the first subscriber was there for both messages")
		got, _ = buffered(late)
		assert.Equal(t, []int{2}, got, "the second subscriber subscribed after message 1: it gets message 2 only")
	})
}

// TestBufferBelowOne: a buffer less than 1 counts as 1: the channel holds
// one message.
func TestBufferBelowOne(t *testing.T) {
	check.Seal(t)
	for _, n := range []int{0, -1} {
		// Real time: a Publish that loops while the channel can take
		// nothing (an unbuffered one) would keep a bubble's clock still.
		var b *broadcast.Broker[int]
		var ch <-chan int
		require.NotPanics(t, func() {
			b = broadcast.New[int](n)
			ch, _ = b.Subscribe()
		}, "New(%d) and Subscribe panicked: a buffer less than 1 counts as 1", n)
		// 500ms of real time: a right answer takes microseconds.
		publishWithin(t, b, 1, 500*time.Millisecond, false)
		publishWithin(t, b, 2, 500*time.Millisecond, false)
		got, _ := buffered(ch)
		assert.Equal(t, []int{1}, got,
			"with New(%d), a buffer less than 1 counts as 1: the subscriber's channel holds message 1, and\n"+
				"message 2 finds it full", n)
		b.Close()
	}
}

// TestSlowSubscriberBlocksNobody: a subscriber that never receives does not
// hold up Publish, not even for a moment, nor the subscriber that keeps up.
func TestSlowSubscriberBlocksNobody(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		b := broadcast.New[int](2)
		defer later(t, b, "Close", b.Close)()
		slow, unsub := b.Subscribe()
		fast, unsub2 := b.Subscribe()
		defer later(t, b, "unsubscribe", unsub2)()
		defer later(t, b, "unsubscribe", unsub)()
		for i := 1; i <= 10; i++ {
			publish(t, b, i)
			got, _ := buffered(fast)
			require.Equal(t, []int{i}, got,
				"the subscriber that receives every message at once should have message %d as soon as Publish(%d)\n"+
					"has returned, although the other subscriber has not received anything", i, i)
		}
		got, closed := buffered(slow)
		assert.False(t, closed, "the slow subscriber's channel was closed, but nobody unsubscribed it")
		assert.Equal(t, []int{1, 2}, got,
			"the slow subscriber never received, and its channel holds 2 messages: it should have messages 1 and 2,\n"+
				"and have missed 3 to 10 (a full channel drops the new message, for that subscriber alone)")
	})
}

// TestFullBufferDropsNewMessages: with a full channel the new message is
// dropped; once there is room again, messages arrive again.
func TestFullBufferDropsNewMessages(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		b := broadcast.New[int](3)
		defer later(t, b, "Close", b.Close)()
		ch, unsub := b.Subscribe()
		defer later(t, b, "unsubscribe", unsub)()
		for i := 1; i <= 5; i++ {
			publish(t, b, i)
		}
		got, _ := buffered(ch)
		require.Equal(t, []int{1, 2, 3}, got,
			"with room for 3 messages and nothing received, messages 4 and 5 find the channel full and are dropped:\n"+
				"the subscriber keeps 1, 2, 3. (Dropping the oldest instead is another policy, not this exercise's.)")
		publish(t, b, 6)
		publish(t, b, 7)
		got, _ = buffered(ch)
		assert.Equal(t, []int{6, 7}, got, "after the subscriber emptied its channel, it gets the new messages again")
	})
}

// TestUnsubscribe: the channel is closed the moment unsubscribe returns,
// after what was already delivered; the others go on; unsubscribing twice
// is fine. On one P (check.OneProc), a channel that a goroutine started by
// unsubscribe would close is still open when the test looks, every run.
func TestUnsubscribe(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	check.InBubble(t, advice, func(t *testing.T) {
		b := broadcast.New[int](10)
		defer later(t, b, "Close", b.Close)()
		a, unsubA := b.Subscribe()
		other, unsubOther := b.Subscribe()
		defer later(t, b, "unsubscribe", unsubOther)()
		publish(t, b, 1)
		require.NotPanics(t, unsubA, "unsubscribe panicked")
		got, closed := buffered(a)
		assert.Equal(t, []int{1}, got, "the subscriber got message 1 before it unsubscribed")
		require.True(t, closed,
			"the unsubscribe function returned, and the subscriber's channel was not closed. It must be closed by\n"+
				"then (once), or whoever ranges over it waits forever: close it in the unsubscribe function itself.")
		publish(t, b, 2)
		assert.NotPanics(t, unsubA, "calling the unsubscribe function a second time must do nothing (closing a channel twice panics)")
		publish(t, b, 3)
		rest, _ := buffered(other)
		assert.Equal(t, upTo(1, 3), rest, "the other subscriber still gets every message")
	})
}

// TestClose: every channel is closed the moment Close returns; afterwards
// Publish, Subscribe, unsubscribe and Close are all harmless. On one P, as
// in TestUnsubscribe.
func TestClose(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	check.InBubble(t, advice, func(t *testing.T) {
		b := broadcast.New[int](10)
		var subs []<-chan int
		var unsubs []func()
		for range 3 {
			ch, unsub := b.Subscribe()
			subs = append(subs, ch)
			unsubs = append(unsubs, unsub)
		}
		publish(t, b, 1)
		require.NotPanics(t, b.Close, "Close panicked")
		for i, ch := range subs {
			got, closed := buffered(ch)
			assert.Equal(t, []int{1}, got, "subscriber %d got message 1 before Close", i)
			require.True(t, closed, "Close returned, and subscriber %d's channel was not closed: Close must close every\n"+
				"subscriber's channel before it returns", i)
		}
		assert.NotPanics(t, func() { b.Publish(2) }, "Publish after Close must do nothing (a send on a closed channel panics)")
		assert.NotPanics(t, unsubs[0], "unsubscribing after Close must do nothing (closing a channel twice panics)")
		assert.NotPanics(t, b.Close, "a second Close must do nothing")
		var ch <-chan int
		var unsub func()
		require.NotPanics(t, func() { ch, unsub = b.Subscribe() }, "Subscribe after Close must not panic")
		_, closed := buffered(ch)
		assert.True(t, closed, "Subscribe after Close must return a channel that is already closed: nothing will ever be\n"+
			"published to it, and a subscriber ranging over it must not wait forever")
		assert.NotPanics(t, unsub, "the unsubscribe function of a Subscribe after Close must do nothing")
	})
}

// whilePublishing calls Publish(1) in a goroutine and, as soon as one of
// subs has the message (Publish is then under way), calls stop while
// Publish may still be running. Nothing orders the two but the broker
// itself, so a Publish that sends outside the lock it shares with stop
// either panics (a send on a channel stop closed) or, when its send came
// first, is a data race that the race detector reports: send and close of
// one channel must be ordered. It returns what the Publish goroutine
// panicked with, if anything. Real time: a busy loop would keep a bubble's
// clock from moving.
func whilePublishing(t *testing.T, b *broadcast.Broker[int], subs []<-chan int, stop func()) any {
	t.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		b.Publish(1)
	}()
	deadline := time.Now().Add(500 * time.Millisecond) // a right answer delivers in microseconds
	for delivered := false; !delivered; runtime.Gosched() {
		for _, ch := range subs {
			delivered = delivered || len(ch) > 0 // len does not synchronise: Publish and stop stay unordered
		}
		if time.Now().After(deadline) {
			t.Fatal("Publish(1) did not deliver to any subscriber within 500ms")
		}
	}
	stop()
	select {
	case p := <-done:
		return p
	case <-time.After(2 * time.Second):
		t.Fatal("Publish(1) did not return within 2s")
		return nil
	}
}

// TestCloseWhilePublishing: Close and unsubscribe while a Publish is under
// way: nothing panics, and no send races a close.
func TestCloseWhilePublishing(t *testing.T) {
	check.Seal(t)
	const why = "A send on a channel that is being closed panics, or is a data race: the send, and the close in %s,\n" +
		"must be done under the same lock, so that one waits for the other."
	for _, which := range []string{"Close", "unsubscribe"} {
		b := broadcast.New[int](4)
		var subs []<-chan int
		var unsubs []func()
		for range 8 {
			ch, unsub := b.Subscribe()
			subs = append(subs, ch)
			unsubs = append(unsubs, unsub)
		}
		stop := b.Close
		if which == "unsubscribe" {
			stop = func() {
				for _, u := range unsubs {
					u()
				}
			}
		}
		p := whilePublishing(t, b, subs, stop)
		require.Nil(t, p, "Publish panicked (%v) when %s was called while it was running.\n"+why, p, which, which)
		b.Close()
	}
}

// afterwards runs first in a goroutine of its own and then, once it has
// returned, then in this one. The test learns that first has returned by
// polling len of a buffered channel, which does not synchronise: nothing
// orders first before then but what the broker does itself. Every read and
// write of the broker's state must be under its lock, or the race detector
// reports the two calls' accesses as a data race, every run (whatever the
// real order, accesses that no lock orders are a race to it).
func afterwards(t *testing.T, first, then func()) {
	t.Helper()
	returned := make(chan struct{}, 1)
	go func() {
		first()
		returned <- struct{}{}
	}()
	deadline := time.Now().Add(2 * time.Second)
	for len(returned) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("a call of the broker did not return within 2s")
		}
		runtime.Gosched()
	}
	then()
}

// TestOneAfterAnother: methods called one after the other from different
// goroutines, ordered by nothing but the broker's lock: Subscribe then
// Publish, an unsubscribe then Publish, Close then Subscribe, Close then
// Close, Subscribe then Close. Each call's reads and writes of the
// subscribers and of "closed" must be under the lock, from start to end.
func TestOneAfterAnother(t *testing.T) {
	check.Seal(t)
	type step struct {
		what        string
		first, then func(b *broadcast.Broker[int])
	}
	subscribe := func(b *broadcast.Broker[int]) { b.Subscribe() }
	for _, s := range []step{
		{"Subscribe, then Publish", subscribe, func(b *broadcast.Broker[int]) { b.Publish(1) }},
		{"an unsubscribe, then Publish", func(b *broadcast.Broker[int]) { _, unsub := b.Subscribe(); unsub() }, func(b *broadcast.Broker[int]) { b.Publish(1) }},
		{"Close, then Subscribe", func(b *broadcast.Broker[int]) { b.Close() }, subscribe},
		{"Close, then Close", func(b *broadcast.Broker[int]) { b.Close() }, func(b *broadcast.Broker[int]) { b.Close() }},
		{"Subscribe, then Close", subscribe, func(b *broadcast.Broker[int]) { b.Close() }},
	} {
		b := broadcast.New[int](2)
		b.Subscribe()
		var p any
		func() {
			defer func() { p = recover() }()
			afterwards(t, func() { s.first(b) }, func() { s.then(b) })
		}()
		require.Nil(t, p, "%s, from two goroutines: the second call panicked: %v", s.what, p)
		if t.Failed() {
			t.Logf("%s, from two goroutines one after the other: every read and write of the subscribers and of\n"+
				"\"closed\" must be under the broker's lock, the whole check-and-change inside one Lock/Unlock.", s.what)
			return
		}
	}
}

// TestConcurrentUse: publishers, subscribers and unsubscribers all at
// once; nothing panics, nothing races.
func TestConcurrentUse(t *testing.T) {
	check.Seal(t)
	b := broadcast.New[int](4)
	var wg sync.WaitGroup
	panics := make(chan string, 8)
	guard := func(f func()) func() {
		return func() {
			defer func() {
				if p := recover(); p != nil {
					panics <- fmt.Sprint("a call panicked: ", p)
				}
			}()
			f()
		}
	}
	for p := range 4 {
		wg.Go(guard(func() {
			for i := range 200 {
				b.Publish(p*1000 + i)
			}
		}))
	}
	for range 4 {
		wg.Go(guard(func() {
			for range 50 {
				ch, unsub := b.Subscribe()
				buffered(ch)
				unsub()
				if _, closed := buffered(ch); !closed {
					panics <- "the channel was still open after its unsubscribe function returned"
					return
				}
			}
		}))
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second): // real time: a right answer takes a few milliseconds
		t.Fatal("4 publishers and 4 subscribers working at once did not finish within 2 seconds:\n" +
			"is a Publish waiting for a subscriber, or a lock never unlocked?")
	}
	close(panics)
	for p := range panics {
		t.Errorf("with publishers and subscribers working at once: %s", p)
	}
	b.Close()
}

// TestNoGoroutineLeft: subscribers that range over their channels all end,
// whether they unsubscribe or the broker closes, and no goroutine of the
// broker is left once Close has returned.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	check.InBubble(t, advice, func(t *testing.T) {
		b := broadcast.New[int](2)
		var waits []func() ([]int, bool)
		var unsubs []func()
		for range 4 {
			ch, unsub := b.Subscribe()
			unsubs = append(unsubs, unsub)
			waits = append(waits, drain(ch))
		}
		for i := range 5 {
			publish(t, b, i)
		}
		unsubs[0]()
		unsubs[1]()
		b.Close()
		check.Settled(t, "Close returned")
		for i, wait := range waits {
			_, ended := wait()
			require.True(t, ended, "a goroutine ranging over subscriber %d's channel did not end after %s", i,
				map[bool]string{true: "it unsubscribed", false: "Close"}[i < 2])
		}
	})
}

// rounds is how many times TestNoGapInCriticalSections plays each scene,
// a bubble each. One is enough as a rule: the only way a scene can miss
// the gap is the scheduler's fairness rule, which now and then (one pick
// in 61) runs a goroutine that yielded again at once, or a preemption of
// the test goroutine before its call (sysmon, after 10ms of running; the
// calls take microseconds). Eight rounds make a miss in all of them
// unthinkable.
const rounds = 8

// goCalls starts each of fs in a goroutine of its own. On one P
// (check.OneProc) they do not run until the test goroutine blocks or
// yields. The function it returns waits for them all and returns what
// each one panicked with (nil when it did not).
func goCalls(fs ...func()) func() []any {
	var wg sync.WaitGroup
	panics := make([]any, len(fs))
	for i, f := range fs {
		wg.Go(func() {
			defer func() { panics[i] = recover() }()
			f()
		})
	}
	return func() []any {
		wg.Wait()
		return panics
	}
}

// TestNoGapInCriticalSections: each method checks the broker and changes
// it under one hold of the lock. The test runs on one P with the grader's
// yield after every Unlock statement in the student's code
// (check.YieldAtUnlocks): the test goroutine calls a method while other
// calls wait, ready, in goroutines of their own; a method that lets the
// mutex go before it is done stops right there, and every one of those
// calls runs in the gap, whatever their order. A Subscribe that checks
// closed, unlocks and adds its channel under another Lock then adds it
// after Close has closed the others: it is never closed. A field read or
// written after the Unlock races with the calls that ran in the gap under
// the lock (race detector), and a Close that forgets its channels only
// after its Unlock lets an unsubscribe or a Publish use them, closed.
// A correct broker passes under any order of the calls.
func TestNoGapInCriticalSections(t *testing.T) {
	check.Seal(t)
	check.OneProc(t)
	check.YieldAtUnlocks(t)
	t.Run("SubscribeWhileClosing", func(t *testing.T) {
		for i := 0; i < rounds && !t.Failed(); i++ {
			check.InBubble(t, advice, func(t *testing.T) {
				b := broadcast.New[int](2)
				_, unsub := b.Subscribe()
				wait := goCalls(b.Close)
				ch, unsub2 := b.Subscribe()
				p := wait()
				require.Nil(t, p[0], "Close, called while a Subscribe ran, panicked: %v", p[0])
				_, closed := buffered(ch)
				require.True(t, closed,
					"Subscribe and Close ran at the same time, and once both had returned, the channel Subscribe gave\n"+
						"was still open: Close had already closed the others, nothing will ever close this one, and a\n"+
						"subscriber ranging over it waits forever. Subscribe must check closed and add its channel under\n"+
						"one Lock, with no Unlock in between: a Close that runs in the gap misses the channel.")
				assert.NotPanics(t, unsub, "unsubscribing after Close must do nothing")
				assert.NotPanics(t, unsub2, "unsubscribing after Close must do nothing")
			})
		}
	})
	t.Run("UnsubscribeWhilePublishing", func(t *testing.T) {
		// Race detector: an unsubscribe that reads or changes the
		// subscribers, or closes the channel, after it let the mutex go
		// does it while the Publish that ran in the gap sent on it.
		for i := 0; i < rounds && !t.Failed(); i++ {
			check.InBubble(t, advice, func(t *testing.T) {
				b := broadcast.New[int](2)
				defer later(t, b, "Close", b.Close)()
				ch, unsub := b.Subscribe()
				other, unsubOther := b.Subscribe()
				defer later(t, b, "unsubscribe", unsubOther)()
				wait := goCalls(func() { b.Publish(1) })
				unsub()
				p := wait()
				require.Nil(t, p[0], "Publish, called while an unsubscribe ran, panicked: %v.\n"+
					"The unsubscribe must forget the channel and close it under the lock Publish holds while it sends.", p[0])
				_, closed := buffered(ch)
				require.True(t, closed, "the unsubscribe function returned, and the subscriber's channel was not closed")
				got, _ := buffered(other)
				assert.Equal(t, []int{1}, got, "the other subscriber must get the message published meanwhile")
			})
		}
	})
	t.Run("PublishAndUnsubscribeWhileClosing", func(t *testing.T) {
		for i := 0; i < rounds && !t.Failed(); i++ {
			check.InBubble(t, advice, func(t *testing.T) {
				b := broadcast.New[int](2)
				ch, unsub := b.Subscribe()
				other, _ := b.Subscribe()
				wait := goCalls(unsub, func() { b.Publish(1) })
				b.Close()
				p := wait()
				require.Nil(t, p[0], "an unsubscribe, called while Close ran, panicked: %v.\n"+
					"Close let the mutex go before it had forgotten the channels it closed, and the unsubscribe that ran\n"+
					"in the gap found its channel still there and closed it again. Close must close the channels and\n"+
					"forget them (clear the map, or drop it) under one Lock, and unsubscribe do its check and close\n"+
					"under one Lock too.", p[0])
				require.Nil(t, p[1], "Publish, called while Close ran, panicked: %v.\n"+
					"Close let the mutex go before it had forgotten the channels it closed, and the Publish that ran in\n"+
					"the gap sent on them. Close must close the channels and forget them (clear the map, or drop it)\n"+
					"under one Lock.", p[1])
				for _, c := range []<-chan int{ch, other} {
					_, closed := buffered(c)
					require.True(t, closed, "Close returned, and a subscriber's channel was not closed")
				}
			})
		}
	})
}
