// Command gc is the program of scripts/bench-gc.sh: it builds a live heap of
// about $BENCH_HEAP_MB MiB (default 1024) out of objects of several size
// classes, with and without pointers, plus some large objects, and stops in
// main.stopHere, where `golayout gc` is timed.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
)

type node struct {
	next *node
	val  [5]int
}

var (
	small   []*node  // 48-byte objects with pointers
	buffers [][]byte // noscan objects of several size classes
	ptrs    [][]*int // pointer arrays with malloc headers
	large   [][]byte // large objects, own spans
	sink    int
)

//go:noinline
func stopHere() {}

func main() {
	mb := 1024
	if s := os.Getenv("BENCH_HEAP_MB"); s != "" {
		mb, _ = strconv.Atoi(s)
	}
	debug.SetGCPercent(-1) // everything stays live anyway; no cycle at the stop
	total := mb << 20
	quarter := total / 4
	for n := 0; n < quarter; n += 48 {
		small = append(small, &node{val: [5]int{n}})
	}
	sizes := []int{16, 96, 256, 640, 1536, 3072, 8192, 20480}
	for n, i := 0, 0; n < quarter; n, i = n+sizes[i%len(sizes)], i+1 {
		buffers = append(buffers, make([]byte, sizes[i%len(sizes)]))
	}
	for n := 0; n < quarter; n += 1024 * 8 {
		ptrs = append(ptrs, make([]*int, 1024))
	}
	for n := 0; n < quarter; n += 1 << 20 {
		large = append(large, make([]byte, 1<<20))
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("heap: %d MiB in use, %d objects\n", ms.HeapInuse>>20, ms.HeapObjects)
	stopHere()
	sink += len(small) + len(buffers) + len(ptrs) + len(large)
}
