//go:build go1.27

package main

import "unsafe"

// The runtime's hash keys (internal/runtime/maps/runtime_alg.go from Go 1.27).

// runtime.hashRandomBytes: 128 on 64-bit targets, 64 on 32-bit ones
const hashRandomBytes = unsafe.Sizeof(uintptr(0)) / 4 * 64

//go:linkname useAeshash internal/runtime/maps.UseAeshash
var useAeshash bool

//go:linkname aeskeysched internal/runtime/maps.aeskeysched
var aeskeysched [hashRandomBytes]byte

//go:linkname hashkey internal/runtime/maps.hashkey
var hashkey [4]uintptr
