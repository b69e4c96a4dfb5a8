//go:build gclhidden

// Package pingpong has two goroutines take turns, strictly, by passing a
// ball back and forth over unbuffered channels.
package pingpong

// The players are right, but Play returns as soon as it has started them.
func Play(n int, hit func(player string)) {
	if n <= 0 {
		return
	}
	toPing, toPong := make(chan int), make(chan int)
	go player("ping", toPing, toPong, n, hit)
	go player("pong", toPong, toPing, n, hit)
	go func() { toPing <- 0 }()
}

func player(name string, in <-chan int, out chan<- int, n int, hit func(string)) {
	for hits := range in {
		hit(name)
		hits++
		if hits == n {
			close(out)
			return
		}
		out <- hits
	}
}
