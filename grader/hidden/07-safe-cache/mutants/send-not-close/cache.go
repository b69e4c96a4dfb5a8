//go:build gclhidden

// Package safecache is a cache that many goroutines share.
package safecache

import "sync"

// A Loader loads the value of key.
type Loader func(key string) string

// A Cache hands a loaded value to the goroutines waiting for it by sending
// it once on a channel: one of them gets it, the others wait forever.
type Cache struct {
	load    Loader
	mu      sync.RWMutex
	values  map[string]string
	loading map[string]chan string
}

// New returns an empty cache.
func New(load Loader) *Cache {
	return &Cache{load: load, values: map[string]string{}, loading: map[string]chan string{}}
}

// Get returns the value of key.
func (c *Cache) Get(key string) string {
	c.mu.RLock()
	v, ok := c.values[key]
	c.mu.RUnlock()
	if ok {
		return v
	}
	c.mu.Lock()
	if v, ok := c.values[key]; ok {
		c.mu.Unlock()
		return v
	}
	if ch, ok := c.loading[key]; ok {
		c.mu.Unlock()
		return <-ch
	}
	ch := make(chan string, 1)
	c.loading[key] = ch
	c.mu.Unlock()

	v = c.load(key)
	c.mu.Lock()
	c.values[key] = v
	delete(c.loading, key)
	c.mu.Unlock()
	ch <- v
	return v
}
