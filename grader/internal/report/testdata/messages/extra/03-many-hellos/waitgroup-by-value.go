package main

import (
	"fmt"
	"sync"
)

var names = []string{"Ada", "Grace", "Ken", "Barbara", "Rob", "Frances"}

// A common mistake: the WaitGroup passed by value, so each goroutine's
// Done counts down a copy (go vet: copylocks) and Wait waits for ever.
func greet(name string, wg sync.WaitGroup) {
	defer wg.Done()
	fmt.Println("hello, " + name)
}

func main() {
	fmt.Println("Start")
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go greet(name, wg)
	}
	wg.Wait()
	fmt.Println("End")
}
