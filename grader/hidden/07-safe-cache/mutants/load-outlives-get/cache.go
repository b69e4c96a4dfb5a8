//go:build gclhidden

// Package safecache is a cache that many goroutines share: the first Get of
// a key loads its value, every later Get returns the value remembered.
package safecache

import "sync"

// The mistake: the load runs in a goroutine the cache starts; it hands the
// value to the Get that asked, and only then stores it and wakes the
// others, so it is still running when that Get returns (README
// requirement 7).
type Loader func(key string) string

type entry struct {
	done  chan struct{}
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
	if !ok {
		c.mu.Lock()
		e, ok = c.entries[key]
		if !ok {
			e = &entry{done: make(chan struct{})}
			c.entries[key] = e
		}
		c.mu.Unlock()
		if !ok {
			res := make(chan string)
			go func() {
				v := c.load(key)
				res <- v
				c.mu.Lock()
				e.value = v
				c.mu.Unlock()
				close(e.done)
			}()
			return <-res
		}
	}
	<-e.done
	return e.value
}
