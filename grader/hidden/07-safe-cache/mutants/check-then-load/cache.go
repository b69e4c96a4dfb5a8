//go:build gclhidden

// Package safecache is a cache that many goroutines share.
package safecache

import "sync"

// A Loader loads the value of key.
type Loader func(key string) string

// A Cache looks up under the read lock, loads with no lock, stores under the
// write lock: two goroutines that miss together both load.
type Cache struct {
	load   Loader
	mu     sync.RWMutex
	values map[string]string
}

// New returns an empty cache.
func New(load Loader) *Cache {
	return &Cache{load: load, values: map[string]string{}}
}

// Get returns the value of key.
func (c *Cache) Get(key string) string {
	c.mu.RLock()
	v, ok := c.values[key]
	c.mu.RUnlock()
	if ok {
		return v
	}
	v = c.load(key)
	c.mu.Lock()
	c.values[key] = v
	c.mu.Unlock()
	return v
}
