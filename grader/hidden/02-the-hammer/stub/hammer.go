// Package hammer is the course's opening picture: several people, one hammer.
// Each person has nails to drive into their own part of a wall. They take
// turns: hit one nail, pass the hammer to the next person who still has
// nails, wait for it to come round again.
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

// Work has every person drive all their nails with h, one goroutine per
// person. The hammer goes round in the order of people: each person hits one
// nail, then hands the hammer to the next person who still has nails. Work
// returns when every nail is in and every person's goroutine has ended.
func Work(h Hammer, people []Person) {
	// TODO: start one goroutine per person (skip people with no nails).
	// Each person waits for the hammer, calls h.Hit(name, nail) for one
	// nail, and hands the hammer to the next person who still has nails.
	// Then wait until every person's goroutine has finished.
}
