// Command heapgraph builds a live heap for scripts/bench-heapgraph: about
// $BENCH_OBJECTS objects (default 1000000) of 96 bytes with pointers (a
// chain pointer and two cross pointers to earlier nodes), in 1000 chains
// from a global, plus one 64 KiB noscan buffer per 1000 nodes; then it
// stops in main.stopHere.
package main

import (
	"os"
	"runtime"
	"strconv"
)

type Node struct { // 96 bytes: size class 96
	Next *Node
	Kids [2]*Node
	Val  [9]int64
}

var (
	chains []*Node
	bufs   [][]byte
)

//go:noinline
func stopHere() {}

func main() {
	n := 1000000
	if s := os.Getenv("BENCH_OBJECTS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	chains = make([]*Node, 1000)
	all := make([]*Node, 0, n)
	seed := uint64(1)
	for i := 0; i < n; i++ {
		c := i % len(chains)
		x := &Node{Next: chains[c]}
		if len(all) > 0 {
			seed = seed*6364136223846793005 + 1442695040888963407
			x.Kids[0] = all[int(seed>>33)%len(all)]
			x.Kids[1] = all[int(seed>>13)%len(all)]
		}
		chains[c] = x
		all = append(all, x)
		if i%1000 == 0 {
			bufs = append(bufs, make([]byte, 64<<10))
		}
	}
	all = nil
	runtime.GC()
	stopHere()
	runtime.KeepAlive(chains)
}
