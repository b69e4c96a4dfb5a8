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
	var mu sync.Mutex // one job at a time: nobody can deadlock
	for _, p := range people {
		wg.Go(func() {
			for range jobs {
				mu.Lock()
				p.First.Take(p.Name)
				p.Second.Take(p.Name)
				do(p.Name)
				p.Second.PutBack(p.Name)
				p.First.PutBack(p.Name)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
