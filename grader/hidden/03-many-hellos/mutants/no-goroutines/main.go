//go:build gclhidden

package main

import "fmt"

var names = []string{"Ada", "Grace", "Ken", "Barbara", "Rob", "Frances"}

func greet(name string) {
	fmt.Println("hello, " + name)
}

func main() {
	fmt.Println("Start")
	for _, name := range names {
		greet(name)
	}
	fmt.Println("End")
}
