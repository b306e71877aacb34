// HTTP load-test server, Go peer of wyn/http_server.wyn (net/http).
// Listens on a free loopback port and prints it on the first line, then
// answers every request with 200 "hello from wyn" (the same body, so wrk
// moves the same bytes); /quit is answered and ends the process.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	body := []byte("hello from wyn")
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/quit" {
			w.Write([]byte("bye"))
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
			go os.Exit(0)
			return
		}
		w.Write(body)
	})
	http.Serve(ln, nil)
}
