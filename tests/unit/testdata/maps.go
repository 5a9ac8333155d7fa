// Command maps is the Go program behind tests/unit/test_maps.c. The tests
// only need its DWARF: the map types of the globals below make the linker
// emit the runtime's map layouts (hash<K,V> and bucket<K,V> for classic
// maps, map<K,V>, table<K,V> and the group type for swiss maps), and the
// globals give fixed addresses. The tests build the map memory by hand in
// a fake debugger backend; the values set here are never read.
//
// build-testdata.sh builds it twice: maps-classic (go1.22, or go1.24 with
// GOEXPERIMENT=noswissmap) and maps-swiss (the installed go, 1.24+).
// CGO_ENABLED=0 keeps it a non-PIE executable.
package main

import (
	"fmt"
	"os"
)

var (
	gNil      map[string]int      // stays nil
	gStrInt   map[string]int      // string keys: key bytes behind a pointer
	gI64Int   map[int64]int       // the plain case
	gIndirect map[int64][20]int64 // 160-byte elems: stored indirectly
	gBigKey   map[[20]int64]int   // 160-byte keys: stored indirectly
	gI32Bool  map[int32]bool      // small slots with padding
	gNested   map[string][]string // elems that point elsewhere
)

func main() {
	gStrInt = map[string]int{"a": 1, "bb": 2}
	gI64Int = map[int64]int{1: 10, -2: 20}
	gIndirect = map[int64][20]int64{7: {1, 2, 3}}
	gBigKey = map[[20]int64]int{{1}: 1}
	gI32Bool = map[int32]bool{3: true}
	gNested = map[string][]string{"x": {"y"}}
	n := len(gNil) + len(gStrInt) + len(gI64Int) + len(gIndirect) + len(gBigKey) +
		len(gI32Bool) + len(gNested)
	if len(os.Args) > 1 {
		fmt.Println(n, gStrInt, gI64Int, gIndirect, gBigKey, gI32Bool, gNested)
	}
}
