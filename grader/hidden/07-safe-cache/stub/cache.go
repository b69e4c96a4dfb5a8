// Package safecache is a cache that many goroutines share: the first Get of
// a key loads its value, every later Get returns the value remembered.
package safecache

// A Loader loads the value of key: from a database, a file, another
// service. It is slow, and it may be called from several goroutines at
// once, for different keys.
type Loader func(key string) string

// A Cache remembers the values its Loader loaded. It is safe for
// concurrent use.
//
// TODO: as it stands, it works for one goroutine only. Used from several
// at once, its map is read and written at the same time (a data race, and
// a crash: "concurrent map writes"), and a key that two goroutines ask for
// together is loaded twice.
type Cache struct {
	load   Loader
	values map[string]string
}

// New returns an empty cache that loads missing values with load.
func New(load Loader) *Cache {
	return &Cache{load: load, values: map[string]string{}}
}

// Get returns the value of key, loading it if no Get has yet. Gets of keys
// already loaded run in parallel and never wait for a load in progress;
// loads of different keys run in parallel; and a key is loaded only once,
// however many goroutines ask for it at the same moment: they all wait for
// the one load and get its value.
func (c *Cache) Get(key string) string {
	// TODO: protect the map with a sync.RWMutex (a read lock to look up,
	// the write lock to add), do not hold any lock while loading, and make
	// the goroutines that ask for a key being loaded wait for that load.
	if v, ok := c.values[key]; ok {
		return v
	}
	v := c.load(key)
	c.values[key] = v
	return v
}
