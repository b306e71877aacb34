// (d) Deep recursion inside a goroutine, Go peer (goroutine stacks grow by
// copying up to a 1 GB limit).  Prints the depth reached, then nanoseconds.
// Usage: deep [DEPTH]
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func recurse(n int) int {
	if n <= 0 {
		return 0
	}
	return recurse(n-1) + 1
}

func main() {
	depth := 1000000
	if len(os.Args) > 1 {
		depth, _ = strconv.Atoi(os.Args[1])
	}
	t0 := time.Now()
	f := make(chan int, 1)
	go func() { f <- recurse(depth) }()
	got := <-f
	el := time.Since(t0).Nanoseconds()
	fmt.Println(got)
	fmt.Println(el)
}
