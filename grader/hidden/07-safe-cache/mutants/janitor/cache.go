//go:build gclhidden

// Package safecache is a cache that many goroutines share: the first Get of
// a key loads its value, every later Get returns the value remembered.
package safecache

import (
	"sync"
	"time"
)

// Correct, but New starts a goroutine that tidies up every minute and
// never ends: a goroutine left running for every cache ever made.
type Loader func(key string) string

type entry struct {
	ready chan struct{}
	value string
}

type Cache struct {
	load    Loader
	mu      sync.RWMutex
	entries map[string]*entry
}

func New(load Loader) *Cache {
	c := &Cache{load: load, entries: map[string]*entry{}}
	go func() {
		for range time.Tick(time.Minute) {
			c.mu.Lock()
			_ = len(c.entries) // report the cache's size
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *Cache) Get(key string) string {
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok {
		c.mu.Lock()
		e, ok = c.entries[key]
		if !ok {
			e = &entry{ready: make(chan struct{})}
			c.entries[key] = e
		}
		c.mu.Unlock()
		if !ok {
			e.value = c.load(key)
			close(e.ready)
			return e.value
		}
	}
	<-e.ready
	return e.value
}
