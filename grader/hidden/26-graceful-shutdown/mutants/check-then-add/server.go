//go:build gclhidden

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
	ctx    context.Context // handed to every job; cancelled to force a stop
	cancel context.CancelFunc
	jobs   sync.WaitGroup

	mu      sync.RWMutex
	closing bool // set once, under mu

	begin    sync.Once
	stopping chan struct{} // closed when the shutdown begins
	done     chan struct{} // closed when every job has returned
	err      error         // written before done is closed
}

// New returns a running server. The shutdown begins when stop is done or
// when Shutdown is called, whichever comes first; from then on, running
// jobs have grace to return before their context is cancelled.
func New(stop context.Context, grace time.Duration) *Server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		grace:    grace,
		ctx:      ctx,
		cancel:   cancel,
		stopping: make(chan struct{}),
		done:     make(chan struct{}),
	}
	// Watch the stop signal, but only until the shutdown has begun in
	// some other way: otherwise this goroutine would outlive the server
	// whenever stop is never cancelled.
	go func() {
		select {
		case <-stop.Done():
			s.beginShutdown()
		case <-s.stopping:
		}
	}()
	return s
}

// Submit starts job in a goroutine of its own, or returns ErrShuttingDown
// once the shutdown has begun.
func (s *Server) Submit(job Job) error {
	// Checked under the read lock, counted under the write lock: a
	// shutdown can begin in between.
	s.mu.RLock()
	closing := s.closing
	s.mu.RUnlock()
	if closing {
		return ErrShuttingDown
	}
	s.mu.Lock()
	s.jobs.Add(1)
	s.mu.Unlock()
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
	s.beginShutdown()
	select {
	case <-s.done:
		return s.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Server) beginShutdown() {
	s.begin.Do(func() {
		s.mu.Lock()
		s.closing = true
		s.mu.Unlock()
		close(s.stopping)
		go s.drain()
	})
}

// drain waits for the jobs, cancels them when the grace period is over,
// and closes done once the last one has returned.
func (s *Server) drain() {
	finished := make(chan struct{})
	go func() {
		s.jobs.Wait()
		close(finished)
	}()
	grace := time.NewTimer(s.grace)
	defer grace.Stop()
	select {
	case <-finished:
	case <-grace.C:
		s.err = ErrForced
		s.cancel()
		<-finished // cancelled jobs still get to clean up and return
	}
	s.cancel()
	close(s.done)
}
