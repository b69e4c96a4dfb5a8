//go:build gclhidden

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
	wg.Add(1)
	go func() {
		defer wg.Done()
		hello()
	}()
	fmt.Println("End")
	wg.Wait()
}
