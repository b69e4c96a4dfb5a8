//go:build gclhidden

package main

import "fmt"

func hello() {
	fmt.Println("hello world")
}

// The order is right, but the goroutine sends "done" twice: nobody receives
// the second, so it is still blocked there when main returns.
func main() {
	fmt.Println("Start")
	done := make(chan bool)
	go func() {
		hello()
		done <- true
		done <- true
	}()
	<-done
	fmt.Println("End")
}
