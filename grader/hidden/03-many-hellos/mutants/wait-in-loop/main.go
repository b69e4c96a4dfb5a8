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

// A goroutine per name, but main waits for each before it starts the next:
// the same lines, one greeting at a time.
func main() {
	fmt.Println("Start")
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Go(func() { greet(name) })
		wg.Wait()
	}
	fmt.Println("End")
}
