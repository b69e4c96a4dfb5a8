//go:build gclhidden

package broadcast_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-concurrency-lab/course/exercises/22-broadcast"
	"github.com/go-concurrency-lab/course/grader/check"
)

// blocked is set once a Publish was seen to block: later checks then wait
// less, since the code under test is the same.
var blocked atomic.Bool

func limit() time.Duration {
	if blocked.Load() {
		return 100 * time.Millisecond
	}
	return 2 * time.Second
}

// publish calls Publish and fails the test if it does not return soon.
func publish(t *testing.T, b *broadcast.Broker[int], msg int) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Publish(msg)
	}()
	select {
	case <-done:
	case <-time.After(limit()):
		blocked.Store(true)
		t.Fatalf("Publish(%d) did not return within %v: it is waiting for a subscriber that does not receive.\n"+
			"Publish must never wait: try the send, and when the subscriber's channel is full, drop the message\n"+
			"for that subscriber (a select with a default case).", msg, limit())
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
// function waits for that, at most a little while, and returns what was
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
		case <-time.After(limit()):
			blocked.Store(true)
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
	b := broadcast.New[int](10)
	defer b.Close()
	var subs []<-chan int
	for range 3 {
		ch, unsub := b.Subscribe()
		defer unsub()
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
}

// TestOnlyMessagesAfterSubscribing: a subscriber gets what is published
// after it subscribed, not before.
func TestOnlyMessagesAfterSubscribing(t *testing.T) {
	check.Seal(t)
	b := broadcast.New[int](10)
	defer b.Close()
	early, unsub := b.Subscribe()
	defer unsub()
	publish(t, b, 1)
	late, unsub2 := b.Subscribe()
	defer unsub2()
	publish(t, b, 2)
	got, _ := buffered(early)
	assert.Equal(t, []int{1, 2}, got, "the first subscriber was there for both messages")
	got, _ = buffered(late)
	assert.Equal(t, []int{2}, got, "the second subscriber subscribed after message 1: it gets message 2 only")
}

// TestSlowSubscriberBlocksNobody: a subscriber that never receives does not
// hold up Publish, nor the subscriber that keeps up.
func TestSlowSubscriberBlocksNobody(t *testing.T) {
	check.Seal(t)
	b := broadcast.New[int](2)
	slow, unsub := b.Subscribe()
	defer unsub()
	fast, unsub2 := b.Subscribe()
	defer unsub2()
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
}

// TestFullBufferDropsNewMessages: with a full channel the new message is
// dropped; once there is room again, messages arrive again.
func TestFullBufferDropsNewMessages(t *testing.T) {
	check.Seal(t)
	b := broadcast.New[int](3)
	defer b.Close()
	ch, unsub := b.Subscribe()
	defer unsub()
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
}

// TestUnsubscribe: unsubscribing closes the channel after what was already
// delivered; the others go on; unsubscribing twice is fine.
func TestUnsubscribe(t *testing.T) {
	check.Seal(t)
	b := broadcast.New[int](10)
	defer b.Close()
	a, unsubA := b.Subscribe()
	other, unsubOther := b.Subscribe()
	defer unsubOther()
	wait := drain(a)
	publish(t, b, 1)
	require.NotPanics(t, unsubA, "unsubscribe panicked")
	publish(t, b, 2)
	got, ended := wait()
	require.True(t, ended,
		"a goroutine ranging over the channel of an unsubscribed subscriber never ended: unsubscribing must\n"+
			"close the subscriber's channel (once), or whoever receives from it waits forever")
	assert.Equal(t, []int{1}, got, "the subscriber got message 1 before it unsubscribed, and nothing after")
	assert.NotPanics(t, unsubA, "calling the unsubscribe function a second time must do nothing (closing a channel twice panics)")
	publish(t, b, 3)
	rest, _ := buffered(other)
	assert.Equal(t, upTo(1, 3), rest, "the other subscriber still gets every message")
}

// TestClose: Close closes every subscriber's channel; afterwards Publish,
// Subscribe, unsubscribe and Close are all harmless.
func TestClose(t *testing.T) {
	check.Seal(t)
	b := broadcast.New[int](10)
	var waits []func() ([]int, bool)
	var unsubs []func()
	for range 3 {
		ch, unsub := b.Subscribe()
		unsubs = append(unsubs, unsub)
		waits = append(waits, drain(ch))
	}
	publish(t, b, 1)
	require.NotPanics(t, b.Close, "Close panicked")
	for i, wait := range waits {
		got, ended := wait()
		require.True(t, ended,
			"after Close, a goroutine ranging over subscriber %d's channel never ended: Close must close every\n"+
				"subscriber's channel", i)
		assert.Equal(t, []int{1}, got, "subscriber %d got message 1 before Close", i)
	}
	assert.NotPanics(t, func() { b.Publish(2) }, "Publish after Close must do nothing (a send on a closed channel panics)")
	assert.NotPanics(t, unsubs[0], "unsubscribing after Close must do nothing (closing a channel twice panics)")
	assert.NotPanics(t, b.Close, "a second Close must do nothing")
	var ch <-chan int
	require.NotPanics(t, func() {
		var unsub func()
		ch, unsub = b.Subscribe()
		unsub()
	}, "Subscribe after Close, and its unsubscribe, must not panic")
	_, closed := buffered(ch)
	assert.True(t, closed, "Subscribe after Close must return a closed channel: nothing will ever be published to it")
}

// TestConcurrentUse: publishers, subscribers and unsubscribers all at
// once; nothing panics, nothing races.
func TestConcurrentUse(t *testing.T) {
	check.Seal(t)
	b := broadcast.New[int](4)
	var wg sync.WaitGroup
	for p := range 4 {
		wg.Go(func() {
			for i := range 200 {
				b.Publish(p*1000 + i)
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			for range 50 {
				ch, unsub := b.Subscribe()
				buffered(ch)
				unsub()
				for range ch {
				}
			}
		})
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("4 publishers and 4 subscribers working at once did not finish within 5 seconds:\n" +
			"is a Publish waiting for a subscriber, or a lock never unlocked?")
	}
	b.Close()
}

// TestNoGoroutineLeft: subscribers that range over their channels all end,
// whether they unsubscribe or the broker closes; nothing else is left.
func TestNoGoroutineLeft(t *testing.T) {
	check.Seal(t)
	b := broadcast.New[int](2)
	var waits []func() ([]int, bool)
	var unsubs []func()
	for range 4 {
		ch, unsub := b.Subscribe()
		unsubs = append(unsubs, unsub)
		waits = append(waits, drain(ch))
	}
	for i := range 5 {
		b.Publish(i)
	}
	unsubs[0]()
	unsubs[1]()
	b.Close()
	for _, wait := range waits {
		_, ended := wait()
		require.True(t, ended, "a goroutine ranging over a subscriber's channel did not end after Close")
	}
	check.NoLeaks(t)
}
