//go:build gclhidden

// Package safecache is a cache that many goroutines share.
package safecache

import "sync"

// A Loader loads the value of key.
type Loader func(key string) string

// A Cache holds its write lock for the whole Get, the load included.
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
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.values[key]; ok {
		return v
	}
	v := c.load(key)
	c.values[key] = v
	return v
}
