//go:build gclhidden

package hammer

import (
	"runtime"
	"sync"
)

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

// Work: everybody watches a shared "whose turn" number, without a lock.
func Work(h Hammer, people []Person) {
	n := len(people)
	left := make([]int, n)
	for i, p := range people {
		left[i] = max(p.Nails, 0)
	}
	next := func(i int) int {
		for k := 1; k <= n; k++ {
			if j := (i + k) % n; left[j] > 0 {
				return j
			}
		}
		return -1
	}
	turn := next(n - 1)
	var wg sync.WaitGroup
	for i, p := range people {
		if left[i] == 0 {
			continue
		}
		wg.Go(func() {
			for nail := 1; nail <= p.Nails; nail++ {
				for turn != i {
					runtime.Gosched()
				}
				h.Hit(p.Name, nail)
				left[i]--
				turn = next(i)
			}
		})
	}
	wg.Wait()
}
