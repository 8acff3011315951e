package imapclient

// Functions the C library calls back (through the trampolines in
// bridge.go). A file with //export may only declare in its preamble.

// #include <stdint.h>
// #include <stddef.h>
// #include <imapclient.h>
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

//export imapcgoBatch
func imapcgoBatch(h C.uintptr_t, items *C.imapc_stream_item, n C.size_t, pending *C.int) (rc C.int) {
	st := cgo.Handle(h).Value().(*streamState)
	defer func() {
		// Wait items reach Go only while it holds messages decoded ahead.
		*pending = 0
		if st.ahead != nil && st.ahead.inFlight > 0 {
			*pending = 1
		}
	}()
	defer st.recover(&rc)
	return st.onBatch(unsafe.Slice(items, int(n)))
}

//export imapcgoLog
func imapcgoLog(level C.uint32_t, target, msg *C.char) {
	logRecord(uint32(level), C.GoString(target), C.GoString(msg))
}

//export imapcgoSASLStep
func imapcgoSASLStep(h C.uintptr_t, challenge *C.uint8_t, n C.size_t, reply *C.imapc_sasl_reply) (rc C.int) {
	return cgo.Handle(h).Value().(*saslState).step(challenge, n, reply)
}
