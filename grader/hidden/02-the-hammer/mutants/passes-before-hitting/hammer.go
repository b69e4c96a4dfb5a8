//go:build gclhidden

// Package hammer is the course's opening picture: several people, one hammer.
// Each person has nails to drive into their own part of a wall. They take
// turns: hit one nail, pass the hammer to the next person who still has
// nails, wait for it to come round again.
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

// Work has every person drive all their nails with h, one goroutine per
// person. The hammer goes round in the order of people: each person hits one
// nail, then hands the hammer to the next person who still has nails. Work
// returns when every nail is in and every person's goroutine has ended.
func Work(h Hammer, people []Person) {
	n := len(people)
	left := make([]int, n)
	turn := make([]chan struct{}, n)
	for i, p := range people {
		left[i] = max(p.Nails, 0)
		// Room for one: a person who is the only one left passes the
		// hammer to themselves without blocking.
		turn[i] = make(chan struct{}, 1)
	}
	// pass hands the hammer on from person i to the next one who still has
	// nails. Only the holder of the hammer calls it, and the hand-off over
	// the channel orders one holder's updates of left before the next
	// holder's reads, so left needs no lock of its own.
	pass := func(i int) {
		for k := 1; k <= n; k++ {
			if j := (i + k) % n; left[j] > 0 {
				turn[j] <- struct{}{}
				return
			}
		}
		// Nobody has nails left: the hammer goes back in the toolbox.
	}
	var wg sync.WaitGroup
	for i, p := range people {
		if left[i] == 0 {
			continue
		}
		wg.Go(func() {
			for nail := 1; nail <= p.Nails; nail++ {
				<-turn[i] // wait for the hammer
				left[i]--
				pass(i) // hand it on first, then hit: two people swing at once
				h.Hit(p.Name, nail)
			}
		})
	}
	pass(n - 1) // the first person with nails starts
	wg.Wait()
}
