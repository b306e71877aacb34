// Language benchmark, Go peer: count the words of a text file (single
// spaces between words) in a map.  Prints "DISTINCT COUNT_OF_KEY", then
// nanoseconds for reading, splitting and counting.  Usage: wordcount FILE KEY
package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

func main() {
	path, key := os.Args[1], os.Args[2]
	t0 := time.Now()
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	counts := map[string]int{}
	for _, w := range strings.Split(string(data), " ") {
		counts[w]++
	}
	el := time.Since(t0).Nanoseconds()
	fmt.Printf("%d %d\n", len(counts), counts[key])
	fmt.Println(el)
}
