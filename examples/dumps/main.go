// A program for golayout's scripted dumps (dump.gdb, dump.lldb): a map
// that grows in steps, with a function called after each step for a
// breakpoint to stop at. The scripts record the map at every call while
// the program runs to its end. It prints what each step left in the map,
// so the dumps can be checked against it (tests/integration/examples.py).
package main

import "fmt"

var counts = map[string]int{}

//go:noinline
func checkpoint(step int) { _ = step }

func main() {
	for step := 1; step <= 4; step++ {
		for len(counts) < 5*step*step {
			counts[fmt.Sprintf("key%03d", len(counts))] = step
		}
		checkpoint(step)
		fmt.Printf("golayout-example: step %d: len %d\n", step, len(counts))
	}
}
