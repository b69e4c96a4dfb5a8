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

// Work: each person keeps the hammer until all their nails are in.
func Work(h Hammer, people []Person) {
	n := len(people)
	turn := make([]chan struct{}, n+1)
	for i := range turn {
		turn[i] = make(chan struct{}, 1)
	}
	var wg sync.WaitGroup
	for i, p := range people {
		wg.Go(func() {
			<-turn[i]
			for nail := 1; nail <= p.Nails; nail++ {
				h.Hit(p.Name, nail)
			}
			turn[i+1] <- struct{}{}
		})
	}
	turn[0] <- struct{}{}
	wg.Wait()
}
