//go:build gclhidden

package main

import (
	"fmt"
	"sync"
)

var names = []string{"Ada", "Grace", "Ken", "Barbara", "Rob", "Frances"}

func greet(name string) {
	fmt.Println("hello, " + name)
}

// Each goroutine says it is done before it greets: main's Wait can return,
// and End come out, while the last greeting is still on its way.
func main() {
	fmt.Println("Start")
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func() {
			wg.Done()
			greet(name)
		}()
	}
	wg.Wait()
	fmt.Println("End")
}
