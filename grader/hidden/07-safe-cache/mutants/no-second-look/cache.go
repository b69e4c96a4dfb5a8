//go:build gclhidden

// Package safecache is a cache that many goroutines share: the first Get of
// a key loads its value, every later Get returns the value remembered.
package safecache

import "sync"

// Look up under RLock; on a miss, take the write lock and add the key
// without looking again: a goroutine that found the key missing while
// another was between RUnlock and Lock replaces that goroutine's entry and
// loads the key a second time.
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
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if ok {
		<-e.ready
		return e.value
	}
	c.mu.Lock()
	e = &entry{ready: make(chan struct{})}
	c.entries[key] = e
	c.mu.Unlock()
	e.value = c.load(key)
	close(e.ready)
	return e.value
}
