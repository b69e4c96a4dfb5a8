//go:build gclhidden

package hammer

import "sync"

// A Hammer drives nails. There is only one, so only one person may hold it
// at a time.
type Hammer interface {
	// Hit drives the person's nail-th nail (1, 2, 3, ...).
	Hit(person string, nail int)
}

// A Person has Nails nails to drive into their part of the wall.
type Person struct {
	Name  string
	Nails int
}

// Work: a shared lock keeps people from hitting at once, but nobody says
// whose turn is next.
func Work(h Hammer, people []Person) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range people {
		wg.Go(func() {
			for nail := 1; nail <= p.Nails; nail++ {
				mu.Lock()
				h.Hit(p.Name, nail)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
