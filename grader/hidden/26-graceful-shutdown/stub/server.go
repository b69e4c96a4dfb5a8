// Package gracefulshutdown runs jobs until it is told to stop, and then
// stops gracefully: it refuses new jobs, lets the running ones finish, and
// cancels those still running when the grace period is over.
package gracefulshutdown

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrShuttingDown is what Submit returns once the shutdown has begun.
var ErrShuttingDown = errors.New("gracefulshutdown: the server is shutting down")

// ErrForced is what Shutdown returns when jobs were still running at the end
// of the grace period and had to be cancelled.
var ErrForced = errors.New("gracefulshutdown: jobs still running after the grace period were cancelled")

// A Job is a piece of work. It should return soon after ctx is cancelled.
type Job func(ctx context.Context)

// Server runs each submitted job in a goroutine of its own.
type Server struct {
	grace  time.Duration
	ctx    context.Context // handed to every job; cancel it to force a stop
	cancel context.CancelFunc
	jobs   sync.WaitGroup

	// TODO: what else does the server need to know? That the shutdown has
	// begun (so Submit can refuse), and when it has ended (so that every
	// caller of Shutdown can wait for it), with its result.
}

// New returns a running server. The shutdown begins when stop is done or
// when Shutdown is called, whichever comes first; from then on, running
// jobs have grace to return before their context is cancelled.
func New(stop context.Context, grace time.Duration) *Server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{grace: grace, ctx: ctx, cancel: cancel}
	// TODO: begin the shutdown when stop is done. Whatever watches stop
	// must not outlive the server when stop is never cancelled.
	return s
}

// Submit starts job in a goroutine of its own, or returns ErrShuttingDown
// once the shutdown has begun.
func (s *Server) Submit(job Job) error {
	// TODO: refuse the job once the shutdown has begun.
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		job(s.ctx)
	}()
	return nil
}

// Shutdown begins the shutdown, if it has not begun yet, and waits until
// every job has returned. It returns nil if they all returned within the
// grace period, and ErrForced if some had to be cancelled. If ctx is done
// first, Shutdown returns ctx.Err() and the shutdown goes on without it.
// Shutdown may be called any number of times, from any goroutine.
func (s *Server) Shutdown(ctx context.Context) error {
	// TODO: begin the shutdown (only once, however often it is asked for),
	// wait for the running jobs, and when the grace period is over, cancel
	// their context and wait for them to return.
	return nil
}
