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
	// An unbuffered channel and a send that gives up when nobody is
	// receiving: no leak after a timeout, but a result that comes before
	// Call waits in its select is thrown away, and Call times out.
	done := make(chan result)
	go func() {
		v, err := call()
		select {
		case done <- result{v, err}:
		default:
		}
	}()

	if timeout <= 0 {
		return "", ErrTimeout
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.value, r.err
	case <-timer.C:
		return "", ErrTimeout
	}
}
