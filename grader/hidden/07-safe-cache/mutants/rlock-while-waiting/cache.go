//go:build gclhidden

// Package safecache is a cache that many goroutines share: the first Get of
// a key loads its value, every later Get returns the value remembered.
package safecache

import "sync"

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

func New(load Loader) *Cache { return &Cache{load: load, entries: map[string]*entry{}} }

// A Get that finds its key waits for the load while it holds the read
// lock: a Get of another key, which needs the write lock, waits for that
// load too, and so does every lookup after it (a waiting writer shuts new
// readers out).
func (c *Cache) Get(key string) string {
	c.mu.RLock()
	e, ok := c.entries[key]
	if ok {
		<-e.ready
		c.mu.RUnlock()
		return e.value
	}
	c.mu.RUnlock()
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
	}
	<-e.ready
	return e.value
}
