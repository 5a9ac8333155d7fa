// Command map is the program of scripts/bench-map.sh: it builds two maps of
// N entries (N = $BENCH_N, default 1000000) as globals, then stops in
// stopHere for the debuggers to show them.
package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
)

var (
	m  map[int]int       // N entries
	ms map[string]string // N entries
)

//go:noinline
func stopHere() {}

func main() {
	debug.SetGCPercent(-1)
	n := 1000000
	if s := os.Getenv("BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	m = make(map[int]int)
	ms = make(map[string]string)
	for i := 0; i < n; i++ {
		m[i] = i * 7
		ms[fmt.Sprintf("key-%07d", i)] = strconv.Itoa(i)
	}
	stopHere()
	fmt.Println(len(m), len(ms))
}
