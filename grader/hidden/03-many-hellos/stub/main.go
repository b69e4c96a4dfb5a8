package main

import "fmt"

var names = []string{"Ada", "Grace", "Ken", "Barbara", "Rob", "Frances"}

func greet(name string) {
	fmt.Println("hello, " + name)
}

func main() {
	fmt.Println("Start")
	for _, name := range names {
		go greet(name)
	}
	// TODO: main returns here, before most greetings are printed.
	// Make main wait until every greet goroutine has finished.
	fmt.Println("End")
}
