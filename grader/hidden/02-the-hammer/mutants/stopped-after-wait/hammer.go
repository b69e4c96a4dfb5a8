//go:build gclhidden

// Package hammer is the course's opening picture: several people, one hammer.
package hammer

import "sync"

// A Hammer drives nails.
type Hammer interface {
	Hit(person string, nail int)
}

// A Person has Nails nails to drive into their part of the wall.
type Person struct {
	Name  string
	Nails int
}

// Work has every person drive all their nails with h.
//
// The mistake: everyone sits in a ring and passes the hammer to the next
// one, on and on, those who are done included; the WaitGroup counts nails,
// not goroutines, and the ring is told to stop by close(stop) after Wait.
// Work then returns while the ring's goroutines are still there, woken but
// not ended (README requirement 5).
func Work(h Hammer, people []Person) {
	n := len(people)
	total := 0
	for _, p := range people {
		total += max(p.Nails, 0)
	}
	if total == 0 {
		return
	}
	turn := make([]chan struct{}, n)
	for i := range turn {
		turn[i] = make(chan struct{}, 1)
	}
	stop := make(chan struct{})
	var done sync.WaitGroup
	done.Add(total)
	for i, p := range people {
		go func() {
			nail := 0
			for {
				select {
				case <-stop:
					return
				case <-turn[i]:
				}
				if nail < p.Nails {
					nail++
					h.Hit(p.Name, nail)
					done.Done()
				}
				turn[(i+1)%n] <- struct{}{}
			}
		}()
	}
	turn[0] <- struct{}{}
	done.Wait()
	close(stop)
}
