package imapclient

// Functions the C library calls back (through the trampolines in
// bridge.go). A file with //export may only declare in its preamble.

// #include <stdint.h>
// #include <stddef.h>
// #include <imapclient.h>
// #include "imapcgo.h"
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

//export imapcgoMessage
func imapcgoMessage(h C.uintptr_t, g *C.struct_imapcgo_msg) (rc C.int) {
	st := cgo.Handle(h).Value().(*streamState)
	defer st.recover(&rc)
	return st.onMessage(g)
}

//export imapcgoChunk
func imapcgoChunk(h C.uintptr_t, seq, uid C.uint32_t, section *C.char, offset, total C.uint64_t, data *C.uint8_t, n C.size_t) (rc C.int) {
	st := cgo.Handle(h).Value().(*streamState)
	defer st.recover(&rc)
	var b []byte
	if n > 0 {
		b = unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n))
	}
	return st.onChunk(uint32(seq), uint32(uid), section, "", uint64(offset), uint64(total), b)
}

//export imapcgoLog
func imapcgoLog(level C.uint32_t, target, msg *C.char) {
	logRecord(uint32(level), C.GoString(target), C.GoString(msg))
}
