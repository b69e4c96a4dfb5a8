//go:build gclhidden

package main

import "fmt"

func hello() {
	fmt.Println("hello world")
}

func main() {
	fmt.Println("Start")
	hello()
	fmt.Println("End")
}
