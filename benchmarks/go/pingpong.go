// (f) Unbuffered channel ping-pong, Go peer: N round trips.
// Prints the final value (N), then nanoseconds.  Usage: pingpong [N]
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	n := 100000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	ping := make(chan int)
	pong := make(chan int)
	t0 := time.Now()
	go func() {
		for i := 0; i < n; i++ {
			v := <-ping
			pong <- v + 1
		}
	}()
	v := 0
	for i := 0; i < n; i++ {
		ping <- v
		v = <-pong
	}
	el := time.Since(t0).Nanoseconds()
	fmt.Println(v)
	fmt.Println(el)
}
