//go:build gclhidden

// Package safecache is a cache that many goroutines share: the first Get of
// a key loads its value, every later Get returns the value remembered.
package safecache

import "sync"

// An RWMutex, but every lookup takes the write lock: correct, and no lock
// is held while loading, but lookups of cached keys take turns.
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
	return &Cache{load: load, entries: map[string]*entry{}}
}

func (c *Cache) Get(key string) string {
	c.mu.Lock()
	e, ok := c.entries[key]
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
