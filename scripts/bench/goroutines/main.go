// Command goroutines is the program of scripts/bench-goroutines.sh: it
// starts $BENCH_GOROUTINES goroutines (default 100000), parks them all on
// channels, each a few calls deep (a tenth of them 40 calls deep, with
// stacks that grew), and stops in main.stopHere, where `golayout
// goroutines` and `golayout stack` of a deep goroutine are timed.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
)

var (
	block   = make(chan struct{})
	started sync.WaitGroup
	sink    int
)

//go:noinline
func stopHere() {}

//go:noinline
func park(depth int, pad [64]byte) int {
	if depth > 0 {
		return park(depth-1, pad) + int(pad[depth%64])
	}
	started.Done()
	<-block
	return 0
}

func worker(i int) {
	depth := 2
	if i%10 == 0 {
		depth = 40
	}
	sink += park(depth, [64]byte{byte(i)})
}

// deep parks one goroutine $BENCH_FRAMES calls deep (default 10000): the
// stack whose unwinding `golayout stack GOID` is timed on.
//
//go:noinline
func deep(n int) int {
	if n > 0 {
		return deep(n-1) + 1
	}
	started.Done()
	<-block
	return 0
}

func env(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

func main() {
	n := env("BENCH_GOROUTINES", 100000)
	started.Add(n + 1)
	for i := 0; i < n; i++ {
		go worker(i)
	}
	go deep(env("BENCH_FRAMES", 10000))
	started.Wait()
	runtime.Gosched()
	fmt.Println(runtime.NumGoroutine(), "goroutines")
	stopHere()
	close(block)
}
