//go:build !go1.27

package main

import "unsafe"

// The runtime's hash keys (runtime/alg.go, Go 1.22 to 1.26).

// runtime.hashRandomBytes: 128 on 64-bit targets, 64 on 32-bit ones
const hashRandomBytes = unsafe.Sizeof(uintptr(0)) / 4 * 64

//go:linkname useAeshash runtime.useAeshash
var useAeshash bool

//go:linkname aeskeysched runtime.aeskeysched
var aeskeysched [hashRandomBytes]byte

//go:linkname hashkey runtime.hashkey
var hashkey [4]uintptr
