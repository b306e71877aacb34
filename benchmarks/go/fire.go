// (e) Fire-and-forget, Go peer: N `go bump()` statements, each adds 1 to a
// shared atomic counter; main polls until the counter reaches N (as the
// Wyn program does).  Prints the counter, then nanoseconds.  Usage: fire [N]
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

var counter int64

func bump() { atomic.AddInt64(&counter, 1) }

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	t0 := time.Now()
	for i := 0; i < n; i++ {
		go bump()
	}
	for atomic.LoadInt64(&counter) < int64(n) {
		time.Sleep(time.Millisecond)
	}
	el := time.Since(t0).Nanoseconds()
	fmt.Println(atomic.LoadInt64(&counter))
	fmt.Println(el)
}
