// (g) N goroutines each sleeping 100 ms, then awaited, Go peer.
// Prints the checked sum, then nanoseconds.  Usage: sleep [N]
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func nap(i int) int {
	time.Sleep(100 * time.Millisecond)
	return i
}

func main() {
	n := 10000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	t0 := time.Now()
	futs := make([]chan int, n)
	for i := 0; i < n; i++ {
		f := make(chan int, 1)
		futs[i] = f
		go func(i int) { f <- nap(i) }(i)
	}
	total := 0
	for i := 0; i < n; i++ {
		total += <-futs[i]
	}
	el := time.Since(t0).Nanoseconds()
	fmt.Println(total)
	fmt.Println(el)
}
