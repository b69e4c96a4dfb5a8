//go:build gclhidden

package hammer

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

// Work: one loop does everybody's hammering, turn by turn.
func Work(h Hammer, people []Person) {
	for round := 1; ; round++ {
		more := false
		for _, p := range people {
			if p.Nails >= round {
				h.Hit(p.Name, round)
				more = true
			}
		}
		if !more {
			return
		}
	}
}
