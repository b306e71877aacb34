// Language benchmark, Go peer: build a string from N short pieces with a
// strings.Builder.  Prints the length, then nanoseconds.  Usage: strbuild [N]
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	t0 := time.Now()
	var sb strings.Builder
	for i := 0; i < n; i++ {
		sb.WriteString("w")
		sb.WriteString(strconv.Itoa(i % 100))
		sb.WriteString(" ")
	}
	s := sb.String()
	el := time.Since(t0).Nanoseconds()
	fmt.Println(len(s))
	fmt.Println(el)
}
