package main

import (
	"fmt"
	"sync"
)

func hello() {
	fmt.Println("hello world")
}

func main() {
	fmt.Println("Start")
	var wg sync.WaitGroup
	// WaitGroup.Go counts the goroutine in before it starts and out when
	// hello returns, so Wait cannot miss it.
	wg.Go(hello)
	wg.Wait()
	fmt.Println("End")
}
