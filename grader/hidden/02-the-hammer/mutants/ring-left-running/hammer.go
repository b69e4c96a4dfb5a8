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

// Work: the people stand in a ring and pass the hammer round and round;
// those who are done just pass it on. Work returns when all nails are in,
// but nobody tells the ring to stop.
func Work(h Hammer, people []Person) {
	n := len(people)
	if n == 0 {
		return
	}
	ring := make([]chan struct{}, n)
	for i := range ring {
		ring[i] = make(chan struct{}, 1)
	}
	var nails sync.WaitGroup
	for _, p := range people {
		nails.Add(max(p.Nails, 0))
	}
	for i, p := range people {
		go func() {
			nail := 0
			for range ring[i] {
				if nail < p.Nails {
					nail++
					h.Hit(p.Name, nail)
					nails.Done()
				}
				ring[(i+1)%n] <- struct{}{}
			}
		}()
	}
	ring[0] <- struct{}{}
	nails.Wait()
}
