package imapclient

// #include <stdlib.h>
// #include <imapclient.h>
import "C"

import (
	"context"
	"math"
	"strings"
	"time"
	"unsafe"
)

// Search returns the ids (UIDs or sequence numbers, per UseUID) of the
// messages of the selected folder matching the criteria (nil: all).
// Criteria that match no message because of an empty id list give an
// empty result without asking the server (see SearchCriteria).
func (c *Client) Search(ctx context.Context, criteria *SearchCriteria) ([]uint32, error) {
	ids, _, err := c.search(ctx, "Search", criteria)
	return ids, err
}

// SearchModSeq is Search that also returns the highest MODSEQ of the
// matching messages, which a CONDSTORE server sends when the criteria
// have ModSeq set (RFC 7162): 0 when it sent none.
func (c *Client) SearchModSeq(ctx context.Context, criteria *SearchCriteria) ([]uint32, uint64, error) {
	return c.search(ctx, "SearchModSeq", criteria)
}

func (c *Client) search(ctx context.Context, op string, criteria *SearchCriteria) ([]uint32, uint64, error) {
	q, none, err := c.encodeCriteria(ctx, op, criteria)
	if err != nil {
		return nil, 0, err
	}
	if none {
		return []uint32{}, 0, nil
	}
	var out []uint32
	var modSeq uint64
	err = withCString(op, "criteria", q, func(cq *C.char) error {
		return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
			var l *C.imapc_id_list
			rc := C.imapc_client_search(p, cq, &l, e)
			if rc == C.IMAPC_OK {
				out = goIDs(l)
				modSeq = uint64(C.imapc_id_list_modseq(l))
				C.imapc_id_list_free(l)
			}
			return rc
		})
	})
	return out, modSeq, err
}

// Sort returns the ids of the matching messages ordered by the sort keys
// in order (space-separated, e.g. "REVERSE DATE", "FROM SUBJECT"; RFC 5256).
func (c *Client) Sort(ctx context.Context, order string, criteria *SearchCriteria) ([]uint32, error) {
	const op = "Sort"
	q, none, err := c.encodeCriteria(ctx, op, criteria)
	if err != nil {
		return nil, err
	}
	if none {
		return []uint32{}, nil
	}
	var out []uint32
	err = c.run2(ctx, op, "order", order, "criteria", q, func(p *C.imapc_client, co, cq *C.char, e **C.imapc_error) C.imapc_result {
		var l *C.imapc_id_list
		rc := C.imapc_client_sort(p, co, cq, &l, e)
		if rc == C.IMAPC_OK {
			out = goIDs(l)
			C.imapc_id_list_free(l)
		}
		return rc
	})
	return out, err
}

// Fetch fetches items (IMAP syntax, e.g. "FLAGS ENVELOPE RFC822.SIZE
// INTERNALDATE BODYSTRUCTURE BODY.PEEK[HEADER] BODY.PEEK[1]") of the
// messages of set, buffered, in server order. For large bodies see
// FetchStream. The messages' values are allocated together, a few dozen
// messages (up to about 1 MiB) at a time: a string or section Data kept
// after the rest of the result is dropped keeps its neighbours' memory
// alive too, so copy (strings.Clone, bytes.Clone) the few you keep for
// long out of a large result.
func (c *Client) Fetch(ctx context.Context, set MessageSet, items string) ([]Message, error) {
	const op = "Fetch"
	if set.isIDs && len(set.ids) == 0 {
		return []Message{}, nil
	}
	// Streamed without a threshold: each message is copied into Go as it
	// arrives and the library drops its own copy at once, so the bodies
	// are held once (here), not twice until the end. The copies are
	// decoded on another goroutine meanwhile (fetchPipe).
	p := newFetchPipe(c.fetchSizeHint(set))
	_, err := c.fetchStream(ctx, op, set, items, math.MaxUint64, &StreamOptions{pipe: p})
	out := p.finish()
	if err != nil {
		return nil, err
	}
	if out == nil {
		return []Message{}, nil
	}
	return out, nil
}

// mergedMessages collects FETCH responses in arrival order, merging
// several responses for one message (as a server may send) the way the
// library's buffered fetch does.
type mergedMessages struct {
	out    []Message
	maxSeq uint32
	bySeq  map[uint32]int // built once a sequence number repeats or goes back
	// hint is how many messages to make room for at the first: growing
	// the result by doubling copies it (with the collector's write
	// barriers, as it holds pointers), a tenth of a header sync's time.
	hint int
}

// fetchSizeHint is how many messages a Fetch of set may bring: the ids
// given, or for All the size of the folder when it was selected; 0 when
// unknown. A hint only: a wrong one costs a copy or room, never a result.
// At most maxSizeHint: the folder size is the server's word (a hostile
// `* 4294967295 EXISTS` asked for 900 GB up front), and beyond it append
// grows the result as messages actually arrive.
func (c *Client) fetchSizeHint(set MessageSet) int {
	switch {
	case set.isIDs:
		return min(len(set.ids), maxSizeHint)
	case set.str == All.str:
		return min(int(c.exists.Load()), maxSizeHint)
	}
	return 0
}

// maxSizeHint bounds fetchSizeHint: 14 MB of Message.
const maxSizeHint = 1 << 16

func (ms *mergedMessages) add(m *Message) {
	// SeqNum 0: a FETCH response whose number did not parse (the message
	// carries the error). Two such are two messages, never merged.
	if m.SeqNum != 0 && m.SeqNum <= ms.maxSeq {
		if ms.bySeq == nil {
			ms.bySeq = make(map[uint32]int, len(ms.out))
			for i := range ms.out {
				ms.bySeq[ms.out[i].SeqNum] = i
			}
		}
		if i, ok := ms.bySeq[m.SeqNum]; ok {
			ms.out[i].merge(m)
			return
		}
	}
	ms.maxSeq = max(ms.maxSeq, m.SeqNum)
	if ms.bySeq != nil {
		ms.bySeq[m.SeqNum] = len(ms.out)
	}
	if ms.out == nil && ms.hint > 0 {
		ms.out = make([]Message, 0, ms.hint)
		touchPages(ms.out[:cap(ms.out)])
	}
	full := len(ms.out) == cap(ms.out)
	ms.out = append(ms.out, *m)
	if full { // append moved it into a larger array
		touchPages(ms.out[len(ms.out):cap(ms.out)])
	}
}

// touchPages writes a zero byte (over a zero byte) in each 4 KiB page of
// s, fresh room of the result, at once. Otherwise the collector, which
// scans the whole array and not just its length, is often the first to
// read a page the kernel has not given yet: the kernel then maps its
// shared zero page, and the decoder's first write to that page costs a
// copy-on-write fault and a TLB flush on every CPU the process runs on.
// Measured on the 100 000-message header sync (perf stat, 5 runs): TLB
// flush IPIs 6 808 to 3 139 a run, CPU 12 to 23 % less. The write goes
// through a byte pointer: a typed store (with its write barrier while the
// collector marks) is slow enough that the collector reads most pages
// first, and then the flushes double. Writing zero over zero changes no
// pointer, so no barrier is needed.
func touchPages(s []Message) {
	n := uintptr(len(s)) * unsafe.Sizeof(Message{})
	if n == 0 {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), n)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 0
	}
}

// result is the messages; when a hint overshot by more than half, in a
// slice of their own size, so that the caller does not keep the room.
func (ms *mergedMessages) result() []Message {
	if ms.hint > 0 && cap(ms.out)-len(ms.out) > len(ms.out) {
		return append([]Message(nil), ms.out...)
	}
	return ms.out
}

const (
	storeAdd    = C.IMAPC_STORE_ADD
	storeRemove = C.IMAPC_STORE_REMOVE
	storeSet    = C.IMAPC_STORE_SET
)

// checkFlags refuses flags that cannot be sent as atoms in a
// space-separated list: empty, or with a space, CR, LF or NUL.
func checkFlags(op string, flags []string) error {
	for _, f := range flags {
		if f == "" || strings.ContainsAny(f, " \r\n\x00") {
			return invalidError(op, "bad flag "+`"`+f+`"`)
		}
	}
	return nil
}

// StoreAction says what Store does with the flags.
type StoreAction int

const (
	StoreAdd    StoreAction = storeAdd    // add them (+FLAGS)
	StoreRemove StoreAction = storeRemove // remove them (-FLAGS)
	StoreSet    StoreAction = storeSet    // replace the flags with them (FLAGS)
)

// StoreOptions are the optional parts of Store.
type StoreOptions struct {
	// UnchangedSince, when above 0, stores only on the messages whose
	// MODSEQ is not above it (CONDSTORE UNCHANGEDSINCE, RFC 7162): a
	// message changed since is left as it is and reported in
	// StoreResult.Modified.
	UnchangedSince uint64
}

// StoreResult is what the server reported of a Store.
type StoreResult struct {
	// Messages has the new flags of the stored messages as the server
	// sent them (with ModSeq under CONDSTORE).
	Messages []Message
	// Modified are the ids that UnchangedSince kept from being changed.
	Modified []uint32
}

func (c *Client) store(ctx context.Context, op string, set MessageSet, action C.uint32_t, flags []string, opts *StoreOptions, res *StoreResult) error {
	if set.isIDs && len(set.ids) == 0 {
		return nil
	}
	if err := checkFlags(op, flags); err != nil {
		return err
	}
	var unchanged C.uint64_t
	if opts != nil {
		unchanged = C.uint64_t(opts.UnchangedSince)
	}
	// The set as a string, ids compressed into ranges.
	return withCString(op, "flags", strings.Join(flags, " "), func(cf *C.char) error {
		return withCString(op, "message set", set.String(), func(cs *C.char) error {
			return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
				if res == nil {
					return C.imapc_client_store(p, cs, action, cf, C.IMAPC_STORE_SILENT, unchanged, nil, e)
				}
				var l *C.imapc_message_list
				rc := C.imapc_client_store(p, cs, action, cf, 0, unchanged, &l, e)
				if rc == C.IMAPC_OK {
					res.Messages = goMessageList(l)
					if n := int(C.imapc_message_list_modified_count(l)); n > 0 {
						res.Modified = make([]uint32, n)
						for i := range res.Modified {
							res.Modified[i] = uint32(C.imapc_message_list_modified(l, C.size_t(i)))
						}
					}
					C.imapc_message_list_free(l)
				}
				return rc
			})
		})
	})
}

// Store adds, removes or sets flags on the messages and returns what the
// server reported: their new flags, and with opts.UnchangedSince the
// messages it kept from changing. AddFlags, RemoveFlags and SetFlags are
// the same without the report.
func (c *Client) Store(ctx context.Context, set MessageSet, action StoreAction, flags []string, opts *StoreOptions) (*StoreResult, error) {
	switch action {
	case StoreAdd, StoreRemove, StoreSet:
	default:
		return nil, invalidError("Store", "unknown StoreAction")
	}
	res := &StoreResult{Messages: []Message{}}
	if err := c.store(ctx, "Store", set, C.uint32_t(action), flags, opts, res); err != nil {
		return nil, err
	}
	return res, nil
}

// AddFlags adds flags (FlagSeen, FlagFlagged, keywords...) to the messages.
func (c *Client) AddFlags(ctx context.Context, set MessageSet, flags ...string) error {
	return c.store(ctx, "AddFlags", set, storeAdd, flags, nil, nil)
}

// RemoveFlags removes flags from the messages.
func (c *Client) RemoveFlags(ctx context.Context, set MessageSet, flags ...string) error {
	return c.store(ctx, "RemoveFlags", set, storeRemove, flags, nil, nil)
}

// SetFlags replaces the flags of the messages with these.
func (c *Client) SetFlags(ctx context.Context, set MessageSet, flags ...string) error {
	return c.store(ctx, "SetFlags", set, storeSet, flags, nil, nil)
}

// AppendOptions are the optional parts of Append.
type AppendOptions struct {
	Flags []string
	// Date is the INTERNALDATE (with its zone); zero: the server's now.
	Date time.Time
}

// Append stores a message (raw RFC 5322 bytes) in folder and returns its
// UID (0 when the server does not say: no UIDPLUS).
func (c *Client) Append(ctx context.Context, folder string, msg []byte, opts *AppendOptions) (uint32, error) {
	const op = "Append"
	if opts == nil {
		opts = &AppendOptions{}
	}
	// The flags go to the library space-separated: one holding a space
	// would become two flags.
	if err := checkFlags(op, opts.Flags); err != nil {
		return 0, err
	}
	var uid C.uint32_t
	err := withCString(op, "flags", strings.Join(opts.Flags, " "), func(cf *C.char) error {
		return c.folderCall(ctx, op, folder, func(p *C.imapc_client, cfo *C.char, e **C.imapc_error) C.imapc_result {
			var data *C.uint8_t
			if len(msg) > 0 {
				data = (*C.uint8_t)(unsafe.Pointer(&msg[0]))
			}
			if opts.Date.IsZero() {
				return C.imapc_client_append(p, cfo, data, C.size_t(len(msg)), cf, nil, 0, &uid, e)
			}
			_, off := opts.Date.Zone()
			t := C.int64_t(opts.Date.Unix())
			return C.imapc_client_append(p, cfo, data, C.size_t(len(msg)), cf, &t, C.int32_t(off/60), &uid, e)
		})
	})
	return uint32(uid), err
}

// CopyResult maps source UIDs to the new UIDs in the destination
// (COPYUID, when the server has UIDPLUS; empty otherwise).
type CopyResult struct {
	UIDValidity uint32
	SourceUIDs  []uint32
	DestUIDs    []uint32
}

func goCopyResult(r *C.imapc_copy_result) *CopyResult {
	n := int(C.imapc_copy_result_count(r))
	out := &CopyResult{
		UIDValidity: uint32(C.imapc_copy_result_uid_validity(r)),
		SourceUIDs:  make([]uint32, n),
		DestUIDs:    make([]uint32, n),
	}
	for i := 0; i < n; i++ {
		out.SourceUIDs[i] = uint32(C.imapc_copy_result_source_uid(r, C.size_t(i)))
		out.DestUIDs[i] = uint32(C.imapc_copy_result_dest_uid(r, C.size_t(i)))
	}
	return out
}

func (c *Client) copyMove(ctx context.Context, op string, set MessageSet, folder string, move bool) (*CopyResult, error) {
	if set.isIDs && len(set.ids) == 0 {
		return &CopyResult{}, nil
	}
	var out *CopyResult
	take := func(rc C.imapc_result, r *C.imapc_copy_result) C.imapc_result {
		if rc == C.IMAPC_OK {
			out = goCopyResult(r)
			C.imapc_copy_result_free(r)
		}
		return rc
	}
	err := withCString(op, "folder", folder, func(cf *C.char) error {
		return withSet(op, set, func(cs *C.char) error {
			return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
				var r *C.imapc_copy_result
				if move {
					return take(C.imapc_client_move(p, cs, cf, &r, e), r)
				}
				return take(C.imapc_client_copy(p, cs, cf, &r, e), r)
			})
		}, func(ids *C.uint32_t, n C.size_t) error {
			return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
				var r *C.imapc_copy_result
				if move {
					return take(C.imapc_client_move_ids(p, ids, n, cf, &r, e), r)
				}
				return take(C.imapc_client_copy_ids(p, ids, n, cf, &r, e), r)
			})
		})
	})
	return out, err
}

// Copy copies the messages to folder.
func (c *Client) Copy(ctx context.Context, set MessageSet, folder string) (*CopyResult, error) {
	return c.copyMove(ctx, "Copy", set, folder, false)
}

// Move moves the messages to folder (MOVE, or COPY + \Deleted + UID
// EXPUNGE of exactly those messages when the server lacks MOVE). When it
// takes more than one command, the messages are fixed by UID first, so
// renumbering expunges and newly arrived mail change nothing.
func (c *Client) Move(ctx context.Context, set MessageSet, folder string) (*CopyResult, error) {
	return c.copyMove(ctx, "Move", set, folder, true)
}

// Expunge removes every \Deleted message of the selected folder and
// returns the expunged sequence numbers in the server's order (each
// counted after the ones before were removed), whatever UseUID says; once
// QRESYNC is enabled the server reports VANISHED instead and they are
// UIDs.
func (c *Client) Expunge(ctx context.Context) ([]uint32, error) {
	var out []uint32
	err := c.run(ctx, "Expunge", func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		var l *C.imapc_id_list
		rc := C.imapc_client_expunge(p, &l, e)
		if rc == C.IMAPC_OK {
			out = goIDs(l)
			C.imapc_id_list_free(l)
		}
		return rc
	})
	return out, err
}

// UIDExpunge removes only these \Deleted messages (UIDPLUS); the set holds
// UIDs whatever UseUID says. Returns what Expunge returns.
func (c *Client) UIDExpunge(ctx context.Context, uids MessageSet) ([]uint32, error) {
	const op = "UIDExpunge"
	if uids.isIDs && len(uids.ids) == 0 {
		return []uint32{}, nil
	}
	var out []uint32
	take := func(rc C.imapc_result, l *C.imapc_id_list) C.imapc_result {
		if rc == C.IMAPC_OK {
			out = goIDs(l)
			C.imapc_id_list_free(l)
		}
		return rc
	}
	err := withSet(op, uids, func(cs *C.char) error {
		return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
			var l *C.imapc_id_list
			return take(C.imapc_client_uid_expunge(p, cs, &l, e), l)
		})
	}, func(ids *C.uint32_t, n C.size_t) error {
		return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
			var l *C.imapc_id_list
			return take(C.imapc_client_uid_expunge_ids(p, ids, n, &l, e), l)
		})
	})
	return out, err
}
