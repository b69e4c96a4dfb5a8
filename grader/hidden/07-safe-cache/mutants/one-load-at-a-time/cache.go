//go:build gclhidden

// Package safecache is a cache that many goroutines share: the first Get of
// a key loads its value, every later Get returns the value remembered.
package safecache

import "sync"

// Hits never wait and each key is loaded once, but a second mutex makes
// the loads of different keys take turns.
type Loader func(key string) string

type entry struct {
	ready chan struct{}
	value string
}

type Cache struct {
	load    Loader
	mu      sync.RWMutex
	loadMu  sync.Mutex
	entries map[string]*entry
}

func New(load Loader) *Cache {
	return &Cache{load: load, entries: map[string]*entry{}}
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
			c.loadMu.Lock()
			e.value = c.load(key)
			c.loadMu.Unlock()
			close(e.ready)
			return e.value
		}
	}
	<-e.ready
	return e.value
}
