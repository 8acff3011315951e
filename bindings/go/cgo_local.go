//go:build !imapclient_system

package imapclient

// By default the package links the library from this repository's build
// tree (run `make lib` at the repository root first), so tests and tools
// need no installation. Build with -tags imapclient_system to use an
// installed library found through pkg-config instead.

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: -L${SRCDIR}/../../target/release -limapclient -Wl,-rpath,${SRCDIR}/../../target/release
import "C"
