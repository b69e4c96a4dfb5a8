//go:build gclhidden

// Package safecache is a cache that many goroutines share: the first Get of
// a key loads its value, every later Get returns the value remembered.
package safecache

import "sync"

// "Is the key there?" asked as "is its value non-empty?": a key whose
// value is "" is loaded again on every Get.
type Loader func(key string) string

type Cache struct {
	load    Loader
	mu      sync.RWMutex
	values  map[string]string
	loading map[string]chan struct{}
}

func New(load Loader) *Cache {
	return &Cache{load: load, values: map[string]string{}, loading: map[string]chan struct{}{}}
}

func (c *Cache) Get(key string) string {
	c.mu.RLock()
	v := c.values[key]
	c.mu.RUnlock()
	if v != "" {
		return v
	}
	c.mu.Lock()
	if v := c.values[key]; v != "" {
		c.mu.Unlock()
		return v
	}
	if ch, ok := c.loading[key]; ok {
		c.mu.Unlock()
		<-ch
		c.mu.RLock()
		defer c.mu.RUnlock()
		return c.values[key]
	}
	ch := make(chan struct{})
	c.loading[key] = ch
	c.mu.Unlock()
	v = c.load(key)
	c.mu.Lock()
	c.values[key] = v
	delete(c.loading, key)
	c.mu.Unlock()
	close(ch)
	return v
}
