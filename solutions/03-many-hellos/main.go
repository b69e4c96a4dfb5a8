package main

import (
	"fmt"
	"sync"
)

var names = []string{"Ada", "Grace", "Ken", "Barbara", "Rob", "Frances"}

func greet(name string) {
	fmt.Println("hello, " + name)
}

func main() {
	fmt.Println("Start")
	var wg sync.WaitGroup
	for _, name := range names {
		// Go adds one to the counter before the goroutine starts, so Wait
		// cannot run ahead of a goroutine that has not begun yet.
		wg.Go(func() { greet(name) })
	}
	wg.Wait()
	fmt.Println("End")
}
