package check

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
)

// A goroutine that waits for a sync.Mutex (or for a WaitGroup created
// outside the bubble, a copy) is not "durably blocked" in the
// words of testing/synctest: the bubble does not count it as idle, so fake
// time stops, and synctest never reports the deadlock when the lock is held
// by a goroutine that waits itself, or by one that ended without unlocking.
// The test would then hang until go test's -timeout, 30 or 60 seconds
// later. A watch, outside the bubble, looks at the bubble's goroutines in
// real time instead, and stops the tests once they have all waited, at
// least one of them for a lock, for lockedFor.
const (
	lockedFor  = time.Second
	watchEvery = 100 * time.Millisecond
)

// stopProcess ends the test binary once a watch has reported; a variable
// so that the watch's own tests can look at the report instead.
var stopProcess = func() { os.Exit(1) }

// headerOf: the header line of one goroutine of a dump, its id and status
// ("sync.Mutex.Lock, synctest bubble 3", "chan receive (durable), synctest
// bubble 3", "running").
var headerOf = regexp.MustCompile(`^goroutine (\d+) \[([^\]]*)\]:`)

// lockWaits are the wait reasons of a goroutine that waits for a lock, or
// for a WaitGroup that is not the bubble's own (a copy: its Add was not
// called in the bubble, so synctest does not count the Wait as durable):
// only an Unlock or a Done by another goroutine ends them.
var lockWaits = []string{"sync.Mutex.Lock", "sync.RWMutex.Lock", "sync.RWMutex.RLock", "sync.WaitGroup.Wait"}

// watchBubble watches the bubble whose number f stores in bubble once it
// runs, until stop is closed. It reports to t, with advice, when the
// bubble is stuck on a lock, and stops the process.
func watchBubble(t TB, advice string, bubble *atomic.Int64, stop <-chan struct{}) {
	tick := time.NewTicker(watchEvery)
	defer tick.Stop()
	var since time.Time // when the bubble was first seen stuck as it is now
	var last string
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		n := bubble.Load()
		if n == 0 {
			continue
		}
		dump := allStacks()
		state, stuck := lockStuck(dump, int(n))
		switch {
		case !stuck:
			since, last = time.Time{}, ""
		case state != last:
			since, last = time.Now(), state
		case time.Since(since) >= lockedFor:
			select {
			case <-stop: // it ended after all, while the dump was read
				return
			default:
			}
			t.Errorf("%s", lockedMessage(dump, int(n), advice))
			stopProcess()
			return
		}
	}
}

// lockStuck reports whether every goroutine of bubble n in dump waits, each
// either durably (for something only the bubble can do) or for a lock, and
// at least one for a lock: then nothing can run again. state sums up who
// waits where, so that a watch can tell that nothing moved between dumps.
func lockStuck(dump string, n int) (state string, stuck bool) {
	tag := fmt.Sprintf("synctest bubble %d", n)
	var b strings.Builder
	locked := false
	for _, block := range strings.Split(dump, "\n\n") {
		m := headerOf.FindStringSubmatch(block)
		if m == nil || !strings.Contains(m[2], tag) {
			continue
		}
		status := m[2]
		switch {
		case strings.Contains(status, "(durable)"):
		case isLockWait(status):
			locked = true
		default:
			return "", false // running, runnable, or waiting for something outside the bubble
		}
		b.WriteString(m[1] + " " + status + "\n")
	}
	return b.String(), locked
}

func isLockWait(status string) bool {
	for _, w := range lockWaits {
		if strings.HasPrefix(status, w+",") || strings.HasPrefix(status, w+" ") || status == w {
			return true
		}
	}
	return false
}

// lockedMessage says that the test was stopped, where the student's
// goroutines wait, and what to look at.
func lockedMessage(dump string, n int, advice string) string {
	where := describeGrouped(bubbled(dump, n), student())
	if where == "" {
		where = "  (none of them in your code)\n"
	}
	return fmt.Sprintf("The test was stopped: for %v every one of its goroutines waited, and some of them for a\n"+
		"mutex (or a WaitGroup) that nobody could release any more: the goroutine that holds it waits too,\n"+
		"or it ended without unlocking. They wait here:\n%s"+
		"Look for a Lock without its Unlock on some path (defer mu.Unlock() right after mu.Lock() covers\n"+
		"them all), a goroutine that waits while it holds the lock, or a mutex or WaitGroup copied (a value\n"+
		"receiver, or passed by value): the copy is not the one the others use.\n%s\n%s",
		lockedFor, where, strings.TrimSpace(advice), TimeMarker)
}
