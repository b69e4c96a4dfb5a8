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

// Work: after their last nail, a person goes home with the hammer.
func Work(h Hammer, people []Person) {
	n := len(people)
	left := make([]int, n)
	turn := make([]chan struct{}, n)
	for i, p := range people {
		left[i] = max(p.Nails, 0)
		turn[i] = make(chan struct{}, 1)
	}
	pass := func(i int) {
		for k := 1; k <= n; k++ {
			if j := (i + k) % n; left[j] > 0 {
				turn[j] <- struct{}{}
				return
			}
		}
	}
	var wg sync.WaitGroup
	for i, p := range people {
		if left[i] == 0 {
			continue
		}
		wg.Go(func() {
			for nail := 1; nail <= p.Nails; nail++ {
				<-turn[i]
				h.Hit(p.Name, nail)
				left[i]--
				if left[i] > 0 {
					pass(i)
				}
			}
		})
	}
	pass(n - 1)
	wg.Wait()
}
