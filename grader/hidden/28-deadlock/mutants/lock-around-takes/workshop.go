//go:build gclhidden

// MUTANT (requirement 2: "two people who need different tools must be able to work
// at once"): a person picks up both tools
// while holding a pickup mutex, and lets go of it before the job. It cannot
// deadlock (only the pickup holder can hold one tool while waiting), but
// the pickup holder may be waiting for a tool that someone busy holds, and
// meanwhile nobody else can pick up anything: Carol, who needs other tools
// than Alice, waits behind Bob, who waits for Alice's hammer.
package deadlock

import "sync"

type Tool interface {
	Name() string
	Take(who string)
	PutBack(who string)
}

type Person struct {
	Name          string
	First, Second Tool
}

func Work(people []Person, jobs int, do func(who string)) {
	var pickup sync.Mutex
	var wg sync.WaitGroup
	for _, p := range people {
		wg.Go(func() {
			for range jobs {
				pickup.Lock()
				p.First.Take(p.Name)
				p.Second.Take(p.Name)
				pickup.Unlock()
				do(p.Name)
				p.Second.PutBack(p.Name)
				p.First.PutBack(p.Name)
			}
		})
	}
	wg.Wait()
}
