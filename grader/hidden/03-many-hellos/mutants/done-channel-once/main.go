//go:build gclhidden

package main

import "fmt"

var names = []string{"Ada", "Grace", "Ken", "Barbara", "Rob", "Frances"}

func greet(name string) {
	fmt.Println("hello, " + name)
}

func main() {
	fmt.Println("Start")
	done := make(chan bool)
	for _, name := range names {
		go func() {
			greet(name)
			done <- true
		}()
	}
	<-done // waits for the first greeting only
	fmt.Println("End")
}
