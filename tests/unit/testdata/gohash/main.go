// Command gohash prints test vectors of the Go runtime's hash functions
// for tests/unit/test_gohash.c, as C initialisers: the process's own keys
// (runtime.useAeshash, aeskeysched, hashkey) and memhash / memhash32 /
// memhash64 of fixed inputs with fixed seeds, computed by the runtime.
// Run from tests/unit/testdata with Go 1.22 to 1.27 (1.27 moved the keys
// into internal/runtime/maps: keys_go127.go); Go 1.23+ needs
// -ldflags=-checklinkname=0:
//
//	go run ./gohash                        (AES hash, if the CPU has AES)
//	GODEBUG=cpu.aes=off go run ./gohash    (the fallback)
//
// For other targets set GOARCH: 386 runs natively on an x86-64 host,
// arm64 under qemu-aarch64 (go run finds it through binfmt, or build and
// run qemu-aarch64 ./gohash); GODEBUG=cpu.aes=off works on both.
//
// tests/unit/gohash_vectors.inc holds the output of go1.25.8 and go1.22.12
// on amd64, of go1.26.8 and go1.22.12 on 386 and arm64, and of go1.27.3 on
// all three, each with and without AES.
package main

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"
)

//go:linkname memhash runtime.memhash
func memhash(p unsafe.Pointer, h, s uintptr) uintptr

//go:linkname memhash32 runtime.memhash32
func memhash32(p unsafe.Pointer, h uintptr) uintptr

//go:linkname memhash64 runtime.memhash64
func memhash64(p unsafe.Pointer, h uintptr) uintptr

func main() {
	var data [700]byte
	for i := range data {
		data[i] = byte(i*7 + i>>3 + 1)
	}
	fmt.Printf("/* %s, useAeshash %v */\n", runtime.Version(), useAeshash)
	fmt.Printf("{ .go_minor = %s, .aes = %v, .arch = GL_GOHASH_%s,\n  .aeskeysched = {", runtime.Version()[4:6],
		useAeshash, strings.ToUpper(runtime.GOARCH))
	for i, b := range aeskeysched {
		if i%16 == 0 {
			fmt.Printf("\n\t")
		}
		fmt.Printf("0x%02x, ", b)
	}
	fmt.Printf("},\n  .hashkey = {%#x, %#x, %#x, %#x},\n  .mem = {\n", hashkey[0], hashkey[1], hashkey[2], hashkey[3])
	// every length class of aeshashbody and of the fallback, and unaligned
	// starts (the runtime reads near page ends differently, same result)
	lens := []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 96, 127, 128, 129, 200, 255, 256, 257, 300, 383, 384, 385, 640}
	for i, n := range lens {
		off := i % 5
		seed := uintptr(uint64(0x9e3779b97f4a7c15) * uint64(i+1)) // truncated on 32-bit targets
		fmt.Printf("\t{%d, %d, %#x, %#x},\n", off, n, seed, memhash(unsafe.Pointer(&data[off]), seed, uintptr(n)))
	}
	fmt.Printf("  },\n  .words = {\n")
	for i := 0; i < 8; i++ {
		v := uint64(0x0123456789abcdef) * uint64(i*i+3)
		seed := uintptr(uint64(0x51ed27a3c9f1b043) * uint64(i+1))
		v32 := uint32(v >> 7)
		fmt.Printf("\t{%#x, %#x, %#x, %#x},\n", v, seed, memhash64(unsafe.Pointer(&v), seed),
			memhash32(unsafe.Pointer(&v32), seed))
	}
	fmt.Printf("  },\n},\n")
}
