//go:build gclhidden

//lint:mistake waitgroup wg.Add inside the goroutine is the mistake
//lint:mistake SA2000 wg.Add inside the goroutine is the mistake

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
		go func() {
			wg.Add(1)
			defer wg.Done()
			greet(name)
		}()
	}
	wg.Wait()
	fmt.Println("End")
}
