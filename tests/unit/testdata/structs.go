// Command structs is the Go program behind the golayout unit tests that
// need a real Go binary (test_session, test_badmem). It is built, then run
// once, by tests/unit/build-testdata.sh; when run it writes what Go itself
// says about its types and globals (unsafe.Sizeof/Alignof/Offsetof, reflect
// type strings and kinds, fmt %v text, addresses and the raw bytes of each
// global and of the memory it points to) as one JSON object to the file
// named by argv[1] (stdout when none; truth.Write), with the smallest
// field order of each struct type found by trying every order (truth.Best).
// The tests then serve those bytes
// from fake memory at the same addresses and compare golayout's answers
// with Go's. Build it with CGO_ENABLED=0 so it is a non-PIE executable:
// the addresses of globals printed at run time are the link-time ones.
package main

import (
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"reflect"
	"runtime"
	"unsafe"

	"golayout.test/truth"
)

type Padded struct {
	A bool
	B int64
	C bool
	D int32
	E string
	F *int
	G [3]uint16
	H float64
}

type Base struct {
	ID  int32
	Tag string
}

// Embeds has an embedded field (its name is the type name, "Base").
type Embeds struct {
	Flag bool
	Base
	Count uint16
	Ratio float32
}

// Tail ends in a zero-size field, which Go pads so that a pointer to it
// stays inside the object.
type Tail struct {
	N int64
	B bool
	Z struct{}
}

type Small struct{ a, b byte }

// NulStruct holds a string with a NUL byte inside: fmt prints it raw.
type NulStruct struct {
	S string
	N int
}

// Scalars has one field of each scalar kind.
type Scalars struct {
	I8   int8
	I16  int16
	I32  int32
	I64  int64
	U8   uint8
	U16  uint16
	U32  uint32
	U64  uint64
	F32  float32
	F64  float64
	C64  complex64
	C128 complex128
	Ok   bool
}

var (
	gInt64   int64   = -1234567890123
	gInt8    int8    = math.MinInt8
	gUint64  uint64  = math.MaxUint64
	gFloat   float64 = 0.1
	gF32     float32 = 16777216
	gC128            = complex(1, -2)
	gBool            = true
	gStr             = "héllo, wörld"
	gArr             = [3]uint16{1, 65535, 7}
	gPointee         = 42
	gPadded          = Padded{A: true, B: -7, C: false, D: 123456, E: "padded", F: &gPointee,
		G: [3]uint16{1, 2, 3}, H: 2.5}
	gSlice   = []int{10, -20, 30}
	gEmbeds  = Embeds{Flag: true, Base: Base{ID: -5, Tag: "base"}, Count: 9, Ratio: 0.1}
	gTail    = Tail{N: 1, B: true}
	gSmall   = Small{'x', 'y'}
	gScalars = Scalars{I8: -8, I16: -16, I32: -32, I64: math.MinInt64, U8: 255, U16: 65535,
		U32: math.MaxUint32, U64: 1 << 63, F32: 1.0 / 3, F64: 1e21, C64: complex(0.5, 1e7),
		C128: complex(-0.0, math.Inf(1)), Ok: true}
	gIface     any      = &gPointee // static: the type word points into .rodata
	gChan      chan int             // made in main: test_golden builds its hchan by hand
	gNulStr    = "a\x00b"
	gNulStruct = NulStruct{S: "a\x00b", N: 7}
)

type fieldTruth struct {
	Name     string  `json:"name"`
	Offset   uintptr `json:"offset"`
	Size     uintptr `json:"size"`
	Align    uintptr `json:"align"`
	Type     string  `json:"type"`
	Embedded bool    `json:"embedded"`
}

type typeTruth struct {
	Name   string       `json:"name"`
	Size   uintptr      `json:"size"`
	Align  uintptr      `json:"align"`
	Fields []fieldTruth `json:"fields"`
	// The smallest size of the fields in any order, and one order with
	// it, found by trying every order (truth.Best).
	BestSize  uintptr  `json:"best_size"`
	BestOrder []string `json:"best_order"`
}

// memTruth is a piece of memory a global points to (string bytes, a
// slice's backing array, a pointee), to be mapped next to the global.
type memTruth struct {
	Address string `json:"address"`
	Hex     string `json:"hex"`
}

type globalTruth struct {
	Name    string     `json:"name"`
	Type    string     `json:"type"`
	Kind    string     `json:"kind"`
	Size    uintptr    `json:"size"`
	Address string     `json:"address"`
	Hex     string     `json:"hex"`
	Value   string     `json:"value"`
	Memory  []memTruth `json:"memory"`
	// For struct globals: fmt %v of each field.
	FieldValues map[string]string `json:"field_values,omitempty"`
}

type document struct {
	GoVersion string        `json:"go_version"`
	GOARCH    string        `json:"goarch"`
	PtrSize   uintptr       `json:"ptr_size"`
	Types     []typeTruth   `json:"types"`
	Globals   []globalTruth `json:"globals"`
}

func addr(p unsafe.Pointer) string { return fmt.Sprintf("%#x", uintptr(p)) }

func bytesAt(p unsafe.Pointer, n uintptr) string {
	if n == 0 {
		return ""
	}
	return hex.EncodeToString(unsafe.Slice((*byte)(p), n))
}

func recType(name string, t reflect.Type) typeTruth {
	tt := typeTruth{Name: name, Size: t.Size(), Align: uintptr(t.Align()), Fields: []fieldTruth{}}
	tt.BestSize, tt.BestOrder = truth.Best(truth.FieldsOf(t))
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tt.Fields = append(tt.Fields, fieldTruth{Name: f.Name, Offset: f.Offset,
			Size: f.Type.Size(), Align: uintptr(f.Type.Align()), Type: f.Type.String(),
			Embedded: f.Anonymous})
	}
	return tt
}

// pointees lists the memory that the value at p of type t refers to and
// that fmt %v reads: string bytes, slice elements, and what they refer to.
func pointees(t reflect.Type, p unsafe.Pointer) []memTruth {
	var out []memTruth
	switch t.Kind() {
	case reflect.String:
		s := *(*string)(p)
		if len(s) > 0 {
			d := unsafe.Pointer(unsafe.StringData(s))
			out = append(out, memTruth{addr(d), bytesAt(d, uintptr(len(s)))})
		}
	case reflect.Slice:
		h := (*[3]uintptr)(p)
		if h[1] > 0 {
			d := unsafe.Pointer(h[0])
			out = append(out, memTruth{addr(d), bytesAt(d, h[1]*t.Elem().Size())})
			for i := uintptr(0); i < h[1]; i++ {
				out = append(out, pointees(t.Elem(), unsafe.Add(d, i*t.Elem().Size()))...)
			}
		}
	case reflect.Array:
		for i := 0; i < t.Len(); i++ {
			out = append(out, pointees(t.Elem(), unsafe.Add(p, uintptr(i)*t.Elem().Size()))...)
		}
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			out = append(out, pointees(f.Type, unsafe.Add(p, f.Offset))...)
		}
	}
	return out
}

func recGlobal(name string, p any) globalTruth {
	v := reflect.ValueOf(p).Elem() // p is a pointer to the global
	t := v.Type()
	ptr := v.Addr().UnsafePointer()
	g := globalTruth{Name: name, Type: t.String(), Kind: t.Kind().String(), Size: t.Size(),
		Address: addr(ptr), Hex: bytesAt(ptr, t.Size()), Value: fmt.Sprintf("%v", v.Interface()),
		Memory: pointees(t, ptr)}
	if g.Memory == nil {
		g.Memory = []memTruth{}
	}
	if t.Kind() == reflect.Struct {
		g.FieldValues = map[string]string{}
		for i := 0; i < t.NumField(); i++ {
			// fmt's text of the field (fmt takes a reflect.Value
			// as the value it holds; unexported fields too). No field
			// here is a pointer to a composite, which would print as
			// &{...} at top level but as an address inside the struct.
			g.FieldValues[t.Field(i).Name] = fmt.Sprintf("%v", v.Field(i))
		}
	}
	return g
}

func main() {
	gChan = make(chan int, 4)
	gChan <- len(os.Args)
	d := document{
		GoVersion: runtime.Version(),
		GOARCH:    runtime.GOARCH,
		PtrSize:   unsafe.Sizeof(uintptr(0)),
		Types: []typeTruth{
			recType("main.Padded", reflect.TypeOf(Padded{})),
			recType("main.Base", reflect.TypeOf(Base{})),
			recType("main.Embeds", reflect.TypeOf(Embeds{})),
			recType("main.Tail", reflect.TypeOf(Tail{})),
			recType("main.Small", reflect.TypeOf(Small{})),
			recType("main.Scalars", reflect.TypeOf(Scalars{})),
		},
		Globals: []globalTruth{
			recGlobal("main.gInt64", &gInt64),
			recGlobal("main.gInt8", &gInt8),
			recGlobal("main.gUint64", &gUint64),
			recGlobal("main.gFloat", &gFloat),
			recGlobal("main.gF32", &gF32),
			recGlobal("main.gC128", &gC128),
			recGlobal("main.gBool", &gBool),
			recGlobal("main.gStr", &gStr),
			recGlobal("main.gArr", &gArr),
			recGlobal("main.gPointee", &gPointee),
			recGlobal("main.gPadded", &gPadded),
			recGlobal("main.gSlice", &gSlice),
			recGlobal("main.gEmbeds", &gEmbeds),
			recGlobal("main.gTail", &gTail),
			recGlobal("main.gSmall", &gSmall),
			recGlobal("main.gScalars", &gScalars),
			recGlobal("main.gIface", &gIface),
			recGlobal("main.gNulStr", &gNulStr),
			recGlobal("main.gNulStruct", &gNulStruct),
		},
	}
	// Cross-check the reflect offsets against unsafe.Offsetof, the
	// compiler's own answer, so the document cannot drift from it.
	check := map[string]uintptr{
		"Padded.B": unsafe.Offsetof(gPadded.B), "Padded.D": unsafe.Offsetof(gPadded.D),
		"Padded.E": unsafe.Offsetof(gPadded.E), "Padded.H": unsafe.Offsetof(gPadded.H),
		"Embeds.Base": unsafe.Offsetof(gEmbeds.Base), "Embeds.Ratio": unsafe.Offsetof(gEmbeds.Ratio),
		"Tail.Z": unsafe.Offsetof(gTail.Z),
	}
	for _, tt := range d.Types {
		for _, f := range tt.Fields {
			if want, ok := check[tt.Name[len("main."):]+"."+f.Name]; ok && want != f.Offset {
				fmt.Fprintf(os.Stderr, "%s.%s: reflect offset %d, unsafe.Offsetof %d\n",
					tt.Name, f.Name, f.Offset, want)
				os.Exit(1)
			}
		}
	}
	if unsafe.Sizeof(gPadded) != d.Types[0].Size || unsafe.Sizeof(gTail) != d.Types[3].Size {
		fmt.Fprintln(os.Stderr, "reflect and unsafe disagree on sizes")
		os.Exit(1)
	}
	truth.Write(d)
}
