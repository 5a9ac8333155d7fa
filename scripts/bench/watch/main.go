// The program of scripts/bench-watch.sh: it grows many small maps and
// slices that nobody watches (each growth is one call of a runtime growth
// function, so one hit of a watch's breakpoint), times that loop itself
// and prints "maps N SECONDS" and "slices N SECONDS". W and MW are what
// the benchmark watches: they never grow while the loops run.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

var (
	W    = make([]int, 1, 1)
	MW   = map[int]int{1: 1}
	sink any
)

//go:noinline
func stopHere() {}

func main() {
	n := 2000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	stopHere()
	t := time.Now()
	for i := 0; i < n; i++ {
		s := make([]int, 1, 1)
		s = append(s, i) // one growslice
		sink = s
	}
	ds := time.Since(t)
	t = time.Now()
	for i := 0; i < n; i++ {
		// 9 entries: a swiss map's small group becomes a table (one
		// growToTable); a classic map of 8 grows once (one hashGrow, one
		// evacuate)
		m := make(map[int]int)
		for k := 0; k < 9; k++ {
			m[k] = k
		}
		sink = m
	}
	dm := time.Since(t)
	fmt.Printf("slices %d %.6f\nmaps %d %.6f\n", n, ds.Seconds(), n, dm.Seconds())
	stopHere()
}
