//go:build gclhidden

//lint:mistake waitgroup wg.Add inside the goroutine is the mistake
//lint:mistake SA2000 wg.Add inside the goroutine is the mistake

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
	go func() {
		wg.Add(1)
		defer wg.Done()
		hello()
	}()
	wg.Wait()
	fmt.Println("End")
}
