// The golayout demo: a small program whose data is worth looking at.
// scripts/demo.sh builds it with -N -l, stops in breakHere and, from the
// caller's frame, asks golayout about the local `o` and the type main.Order.
// scripts/gallery.py runs the README gallery's commands on it.
package main

import (
	"fmt"
	"os"
)

// Order is declared in a wasteful field order on purpose: on 64-bit targets
// Paid, Qty and Flag each leave a padding hole before the next 8-aligned
// field (56 bytes; 48 if sorted by alignment).
type Order struct {
	Paid  bool
	ID    int64
	Qty   int16
	Price float64
	Note  string
	Flag  bool
}

// A global, so there is something in the data segment too.
var registry = map[string]*Order{}

// keep makes the slices' backing array escape to the heap.
var keep []int

//go:noinline
func breakHere() {}

func main() {
	o := Order{Paid: true, ID: 42, Qty: 3, Price: 9.99, Note: "rush", Flag: true}
	history := []Order{o, {ID: 7, Qty: 1, Price: 1.5, Note: "gift"}}
	stock := map[string]int{"apple": 5, "pear": 0, "plum": 12}
	registry["first"] = &history[0] // not &o: o stays a plain stack local

	// For the README gallery: a map with a table (more than 8 entries),
	// two sub-slices sharing one heap array, a channel whose ring wrapped.
	m := make(map[string]int)
	for i := 0; i < 20; i++ {
		m[fmt.Sprintf("k%d", i)] = i
	}
	arr := make([]int, 8, 10)
	for i := range arr {
		arr[i] = 10 * i
	}
	keep = arr
	a := arr[1:4]
	b := arr[3:6:8]
	ch := make(chan int, 4)
	for i := 1; i <= 4; i++ {
		ch <- i
	}
	<-ch
	<-ch
	ch <- 5 // 3, 4, 5 queued; the ring has wrapped

	breakHere() // o, history, stock, registry, m, a, b and ch are all live here

	fmt.Fprintln(os.Stderr, o.ID, len(history), len(stock), len(registry), len(m), len(a), len(b), len(ch))
}
