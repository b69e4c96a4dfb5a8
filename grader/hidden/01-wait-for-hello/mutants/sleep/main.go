//go:build gclhidden

package main

import (
	"fmt"
	"time"
)

func hello() {
	fmt.Println("hello world")
}

func main() {
	fmt.Println("Start")
	go hello()
	time.Sleep(100 * time.Millisecond)
	fmt.Println("End")
}
