//go:build gclhidden

// Package deadlock is a workshop where people share tools, and sometimes
// wait for each other forever.
package deadlock

import "sync"

// A Tool is something only one person can hold at a time.
type Tool interface {
	// Name says which tool it is: "hammer", "saw", ... Names are unique.
	Name() string
	// Take blocks until the tool is free, then gives it to who.
	Take(who string)
	// PutBack returns the tool, which who holds, to the wall.
	PutBack(who string)
}

// A Person does jobs that each need two tools at once.
type Person struct {
	Name string
	// First is the tool the person reaches for first, Second the other.
	First, Second Tool
}

// Work lets every person do jobs jobs. All people work at the same time,
// each in a goroutine of its own. For each job, a person holds both of their
// tools while calling do(name). Work returns when every job is done.
func Work(people []Person, jobs int, do func(who string)) {
	var wg sync.WaitGroup
	for _, p := range people {
		// Everyone takes their two tools in the same global order, by name.
		// A deadlock needs a cycle: someone holding a tool that comes later
		// while waiting for one that comes earlier. In one shared order,
		// whoever holds the later tool already holds the earlier one, so
		// no cycle can form.
		first, second := p.First, p.Second
		if second.Name() < first.Name() {
			first, second = second, first
		}
		wg.Go(func() {
			for j := jobs; j != 0; j-- { // never reaches 0 from below
				first.Take(p.Name)
				second.Take(p.Name)
				do(p.Name)
				second.PutBack(p.Name)
				first.PutBack(p.Name)
			}
		})
	}
	wg.Wait()
}
