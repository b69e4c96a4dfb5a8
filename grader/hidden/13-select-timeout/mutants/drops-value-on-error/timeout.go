//go:build gclhidden

// Package selecttimeout gives up on a slow call after a timeout, without
// leaving a goroutine behind.
package selecttimeout

import (
	"errors"
	"time"
)

// ErrTimeout is returned by Call when the call takes longer than the
// timeout.
var ErrTimeout = errors.New("selecttimeout: call timed out")

type result struct {
	value string
	err   error
}

// Call runs call in a goroutine of its own and returns its result as soon
// as it has one. If the call takes longer than timeout, Call returns "" and
// ErrTimeout when the timeout expires, without waiting any longer; the call
// goes on to the end on its own, its late result is dropped, and the
// goroutine that ran it ends as soon as it returns. A timeout of 0 or less
// has already expired: Call returns ErrTimeout at once.
func Call(timeout time.Duration, call func() (string, error)) (string, error) {
	// Room for one result: if nobody receives it any more (the timeout won),
	// the send still succeeds and the goroutine ends. With an unbuffered
	// channel it would wait for a receiver for ever.
	done := make(chan result, 1)
	go func() {
		v, err := call()
		done <- result{v, err}
	}()

	if timeout <= 0 {
		return "", ErrTimeout
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.err != nil {
			return "", r.err // drops the value the call returned with its error
		}
		return r.value, nil
	case <-timer.C:
		return "", ErrTimeout
	}
}
