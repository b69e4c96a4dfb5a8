//go:build gclhidden

// MUTANT (requirement 3: never deadlocks whatever the tools are called): the order
// is by a small hash of the name (FNV-1a mod 8), "cheaper than comparing
// strings"; two names that land in the same bucket keep each person's own
// order, so the circular wait is possible for such names.
package deadlock

import (
	"hash/fnv"
	"sync"
)

func bucket(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32() % 8
}

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
	var wg sync.WaitGroup
	for _, p := range people {
		a, b := p.First, p.Second
		if bucket(b.Name()) < bucket(a.Name()) {
			a, b = b, a
		}
		wg.Go(func() {
			for range jobs {
				a.Take(p.Name)
				b.Take(p.Name)
				do(p.Name)
				b.PutBack(p.Name)
				a.PutBack(p.Name)
			}
		})
	}
	wg.Wait()
}
