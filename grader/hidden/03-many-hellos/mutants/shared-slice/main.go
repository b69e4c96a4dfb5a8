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
	var greeted []string
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			greet(name)
			greeted = append(greeted, name) // every goroutine writes it, no lock
		}()
	}
	wg.Wait()
	fmt.Println("End")
}
