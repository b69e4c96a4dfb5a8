package main

import (
	"fmt"
	"sync"
)

func hello() {
	fmt.Println("hello world")
}

// A common mistake: Add without the Done that balances it, so Wait waits
// for ever.
func main() {
	fmt.Println("Start")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		hello()
	}()
	wg.Wait()
	fmt.Println("End")
}
