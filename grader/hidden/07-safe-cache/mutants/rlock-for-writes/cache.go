//go:build gclhidden

// Package safecache is a cache that many goroutines share.
package safecache

import "sync"

// A Loader loads the value of key.
type Loader func(key string) string

// A Cache takes the read lock for everything, writes included.
type Cache struct {
	load    Loader
	mu      sync.RWMutex
	entries map[string]*entry
}

type entry struct {
	ready chan struct{}
	value string
}

// New returns an empty cache.
func New(load Loader) *Cache {
	return &Cache{load: load, entries: map[string]*entry{}}
}

// Get returns the value of key.
func (c *Cache) Get(key string) string {
	c.mu.RLock()
	e, ok := c.entries[key]
	if !ok {
		e = &entry{ready: make(chan struct{})}
		c.entries[key] = e
	}
	c.mu.RUnlock()
	if !ok {
		e.value = c.load(key)
		close(e.ready)
	}
	<-e.ready
	return e.value
}
