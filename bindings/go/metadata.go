package imapclient

// #include <stdlib.h>
// #include <imapclient.h>
import "C"

import (
	"context"
	"strings"
	"unsafe"
)

// MetadataDepth says how far below the named entries GetMetadata looks
// (RFC 5464 DEPTH).
type MetadataDepth int

const (
	// MetadataDepth0: the named entries only.
	MetadataDepth0 MetadataDepth = iota
	// MetadataDepth1: and their immediate children.
	MetadataDepth1
	// MetadataDepthInfinity: and everything below them.
	MetadataDepthInfinity
)

// MetadataOptions are GetMetadata's options; nil means none.
type MetadataOptions struct {
	// MaxSize leaves out values longer than this many bytes (MAXSIZE);
	// Metadata.LongEntries then says how long the longest was. 0: no
	// limit.
	MaxSize uint64
	Depth   MetadataDepth
}

// MetadataEntry is one metadata entry: its name ("/private/comment") and
// value. A nil Value is no value: NIL from the server, and removal for
// SetMetadata; an empty non-nil Value is the empty string.
type MetadataEntry struct {
	Name  string
	Value []byte
}

// Metadata is GetMetadata's answer.
type Metadata struct {
	// Entries in the server's order.
	Entries []MetadataEntry
	// LongEntries is, with a MaxSize, the size of the longest value left
	// out; 0 when none was.
	LongEntries uint64
}

// Get returns the value of entry name (ASCII case-insensitive, as entry
// names are) and whether it has one.
func (m *Metadata) Get(name string) ([]byte, bool) {
	for _, e := range m.Entries {
		if strings.EqualFold(e.Name, name) {
			return e.Value, e.Value != nil
		}
	}
	return nil, false
}

func takeMetadata(l *C.imapc_metadata_list) *Metadata {
	defer C.imapc_metadata_list_free(l)
	n := int(C.imapc_metadata_list_count(l))
	m := &Metadata{
		Entries:     make([]MetadataEntry, n),
		LongEntries: uint64(C.imapc_metadata_list_long_entries(l)),
	}
	for i := range m.Entries {
		e := &m.Entries[i]
		e.Name = C.GoString(C.imapc_metadata_list_name(l, C.size_t(i)))
		var d *C.uint8_t
		var size C.size_t
		if C.imapc_metadata_list_value(l, C.size_t(i), &d, &size) {
			e.Value = make([]byte, int(size))
			if size > 0 {
				copy(e.Value, unsafe.Slice((*byte)(unsafe.Pointer(d)), int(size)))
			}
		}
	}
	return m
}

// GetMetadata returns the values of these entries of folder, or of the
// server's own entries when folder is "" (GETMETADATA, RFC 5464).
// Entries without a value come back with a nil Value, or not at all, as
// the server chooses. Entry names must be "/private" or "/shared" or
// below them, without "*", "%", "//", a trailing "/" or control
// characters (ErrInvalidArgument, nothing sent). It fails with
// ErrCapability when the server lacks METADATA (METADATA-SERVER is
// enough for "").
func (c *Client) GetMetadata(ctx context.Context, folder string, entries []string, opts *MetadataOptions) (*Metadata, error) {
	const op = "GetMetadata"
	var o MetadataOptions
	if opts != nil {
		o = *opts
	}
	var depth C.uint32_t
	switch o.Depth {
	case MetadataDepth0:
		depth = C.IMAPC_METADATA_DEPTH_0
	case MetadataDepth1:
		depth = C.IMAPC_METADATA_DEPTH_1
	case MetadataDepthInfinity:
		depth = C.IMAPC_METADATA_DEPTH_INFINITY
	default:
		return nil, invalidError(op, "unknown MetadataDepth")
	}
	var out *Metadata
	err := withCStrings(op, "entry", entries, func(ce **C.char, n C.size_t) error {
		return c.folderCall(ctx, op, folder, func(p *C.imapc_client, cf *C.char, e **C.imapc_error) C.imapc_result {
			var max *C.uint64_t
			if o.MaxSize > 0 {
				v := C.uint64_t(o.MaxSize)
				max = &v
			}
			var l *C.imapc_metadata_list
			rc := C.imapc_client_get_metadata(p, cf, ce, n, max, depth, &l, e)
			if rc == C.IMAPC_OK {
				out = takeMetadata(l)
			}
			return rc
		})
	})
	return out, err
}

// SetMetadata sets these entries of folder ("" for the server's) in one
// command (SETMETADATA, RFC 5464); an entry with a nil Value is removed.
// Values may hold any bytes. A server's refusal is ErrNo with the reason
// in the message, e.g. "[METADATA MAXSIZE 1024]" for a value too long.
func (c *Client) SetMetadata(ctx context.Context, folder string, entries []MetadataEntry) error {
	const op = "SetMetadata"
	names := make([]string, len(entries))
	// C copies of the values: the library reads them during the call.
	values := make([]*C.uint8_t, len(entries))
	lens := make([]C.size_t, len(entries))
	defer func() {
		for _, v := range values {
			if v != nil {
				C.free(unsafe.Pointer(v))
			}
		}
	}()
	for i, en := range entries {
		names[i] = en.Name
		if en.Value != nil {
			// malloc(0) may return NULL, which would mean removal.
			p := (*C.uint8_t)(C.malloc(C.size_t(len(en.Value) + 1)))
			if len(en.Value) > 0 {
				copy(unsafe.Slice((*byte)(unsafe.Pointer(p)), len(en.Value)), en.Value)
			}
			values[i], lens[i] = p, C.size_t(len(en.Value))
		}
	}
	return withCStrings(op, "entry", names, func(ce **C.char, n C.size_t) error {
		return c.folderCall(ctx, op, folder, func(p *C.imapc_client, cf *C.char, e **C.imapc_error) C.imapc_result {
			var cv **C.uint8_t
			var cl *C.size_t
			if n > 0 {
				cv, cl = &values[0], &lens[0]
			}
			return C.imapc_client_set_metadata(p, cf, ce, cv, cl, n, e)
		})
	})
}
