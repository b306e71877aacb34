// (b)/(c) Spawn capacity, Go peer: create N goroutines, then collect all
// results in order.  Mode "future" (default): one buffered channel per
// goroutine, like a future.  Mode "wg": results into a slice, one
// WaitGroup (Go's cheapest way).  Prints the checked sum, then nanoseconds.
// Usage: spawn_many [N] [future|wg]
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

func work(i int) int { return i % 7 }

func main() {
	n := 100000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	mode := "future"
	if len(os.Args) > 2 {
		mode = os.Args[2]
	}
	total := 0
	t0 := time.Now()
	if mode == "wg" {
		res := make([]int, n)
		var wg sync.WaitGroup
		wg.Add(n)
		for i := 0; i < n; i++ {
			go func(i int) { res[i] = work(i); wg.Done() }(i)
		}
		wg.Wait()
		for _, v := range res {
			total += v
		}
	} else {
		futs := make([]chan int, n)
		for i := 0; i < n; i++ {
			f := make(chan int, 1)
			futs[i] = f
			go func(i int) { f <- work(i) }(i)
		}
		for i := 0; i < n; i++ {
			total += <-futs[i]
		}
	}
	el := time.Since(t0).Nanoseconds()
	fmt.Println(total)
	fmt.Println(el)
}
