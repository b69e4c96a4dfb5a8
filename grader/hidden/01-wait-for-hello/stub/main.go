package main

import "fmt"

func hello() {
	fmt.Println("hello world")
}

func main() {
	fmt.Println("Start")
	go hello()
	// TODO: main returns here, often before hello gets to print.
	// Make main wait until hello has finished.
	fmt.Println("End")
}
