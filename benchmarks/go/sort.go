// Language benchmark, Go peer: sort N ints made by the same linear
// congruential generator as sort.wyn.  Prints the position-weighted
// checksum, then nanoseconds for the sort.  Usage: sort [N]
package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"time"
)

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	xs := make([]int, 0)
	x := 42
	for i := 0; i < n; i++ {
		x = (x*1103515245 + 12345) % 2147483648
		xs = append(xs, x)
	}
	t0 := time.Now()
	sort.Ints(xs)
	el := time.Since(t0).Nanoseconds()
	check := 0
	for i, v := range xs {
		check += v * (i % 100)
	}
	fmt.Println(check)
	fmt.Println(el)
}
