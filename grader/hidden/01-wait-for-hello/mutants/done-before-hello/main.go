//go:build gclhidden

package main

import (
	"fmt"
	"sync"
)

func hello() {
	fmt.Println("hello world")
}

// The goroutine says it is done before it says hello: main's Wait can
// return, and End come out, while hello world is still on its way.
func main() {
	fmt.Println("Start")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		wg.Done()
		hello()
	}()
	wg.Wait()
	fmt.Println("End")
}
