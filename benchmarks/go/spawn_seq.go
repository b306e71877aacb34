// (a) Sequential spawn+await, Go peer: a goroutine per operation whose
// result comes back on its own channel (a future), received at once.
// Prints the checked sum, then nanoseconds.  Usage: spawn_seq [N]
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func work(i int) int { return i % 7 }

func main() {
	n := 10000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	total := 0
	t0 := time.Now()
	for i := 0; i < n; i++ {
		f := make(chan int, 1)
		go func(i int) { f <- work(i) }(i)
		total += <-f
	}
	el := time.Since(t0).Nanoseconds()
	fmt.Println(total)
	fmt.Println(el)
}
