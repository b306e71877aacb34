// (c) Memory per parked task, Go peer: N goroutines all blocked receiving
// on one unbuffered channel; then main sends 0..N-1 and sums the results.
// Prints the checked sum, then nanoseconds.  Usage: parked [N]
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

func main() {
	n := 100000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	t0 := time.Now()
	ch := make(chan int)
	var started int64
	futs := make([]chan int, n)
	for i := 0; i < n; i++ {
		f := make(chan int, 1)
		futs[i] = f
		go func() {
			atomic.AddInt64(&started, 1)
			f <- <-ch
		}()
	}
	for atomic.LoadInt64(&started) < int64(n) {
		time.Sleep(time.Millisecond)
	}
	for i := 0; i < n; i++ {
		ch <- i
	}
	total := 0
	for i := 0; i < n; i++ {
		total += <-futs[i]
	}
	el := time.Since(t0).Nanoseconds()
	fmt.Println(total)
	fmt.Println(el)
}
