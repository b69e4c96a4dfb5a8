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

func main() {
	fmt.Println("Start")
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			greet(name)
		}()
	}
	fmt.Println("End")
	wg.Wait()
}
