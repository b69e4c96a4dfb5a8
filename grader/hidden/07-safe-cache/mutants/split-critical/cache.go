//go:build gclhidden

// Package safecache is a cache that many goroutines share: the first Get of
// a key loads its value, every later Get returns the value remembered.
package safecache

import "sync"

// A Loader loads the value of key: from a database, a file, another
// service. It is slow, and it may be called from several goroutines at
// once, for different keys.
type Loader func(key string) string

// A Cache remembers the values its Loader loaded. It is safe for
// concurrent use.
type Cache struct {
	load Loader

	mu      sync.RWMutex // guards entries (the map, not the entries' values)
	entries map[string]*entry
}

// An entry is one key's value, or the promise of it while it loads: its
// value is written once, before ready is closed, and read only after.
type entry struct {
	ready chan struct{}
	value string
}

// New returns an empty cache that loads missing values with load.
func New(load Loader) *Cache {
	return &Cache{load: load, entries: map[string]*entry{}}
}

// Get returns the value of key, loading it if no Get has yet. Gets of keys
// already loaded run in parallel and never wait for a load in progress;
// loads of different keys run in parallel; and a key is loaded only once,
// however many goroutines ask for it at the same moment: they all wait for
// the one load and get its value.
func (c *Cache) Get(key string) string {
	// Most Gets find the key: a read lock lets them all in at once.
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok {
		c.mu.Lock()
		// Another goroutine may have added the key between RUnlock and
		// Lock: look again before deciding to load it.
		e, ok = c.entries[key]
		c.mu.Unlock()
		c.mu.Lock() // the check and the insert under two different Locks
		if !ok {
			e = &entry{ready: make(chan struct{})}
			c.entries[key] = e
		}
		c.mu.Unlock()
		if !ok {
			// Load without holding the lock, so that nobody else
			// waits for this key's load but the Gets of this key.
			e.value = c.load(key)
			close(e.ready)
			return e.value
		}
	}
	<-e.ready // at once if the value is there; otherwise until it is
	return e.value
}
