//go:build gclhidden

package main

import (
	"fmt"
	"runtime"
)

func hello() {
	fmt.Println("hello world")
}

func main() {
	fmt.Println("Start")
	go hello()
	runtime.Gosched()
	fmt.Println("End")
}
