package imapclient

// #include <stdlib.h>
// #include <imapclient.h>
import "C"

import (
	"context"
	"errors"
	"io"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// SectionInfo describes a body section being streamed.
type SectionInfo struct {
	SeqNum uint32
	UID    uint32 // 0 when the server sends the UID after the body
	Name   string // normalised, e.g. "BODY[]", "BODY[1]", "BODY[]<100>" (a range from 100)
	Size   int64  // total bytes of the section
}

// StreamOptions says where FetchStream delivers messages and body bytes.
// Messages and sections arrive in server order; a message's streamed
// sections come before its OnMessage call. With more than one processor
// (GOMAXPROCS), messages that bring no section for OnSection or
// OnSectionReader are decoded on a goroutine of the package's while the
// library parses the next batch, and reach OnMessage a batch later (never
// later than the moment the library would wait for the server, nor than
// the next section, nor than the end of the fetch). Every callback runs
// on the goroutine that called FetchStream (OnSectionReader: see there) and must
// not call methods of the same Client (they wait for FetchStream, which
// waits for the callback: a deadlock; Close too) nor runtime.Goexit
// (t.Fatal in a test), which leaves the client locked for good. A
// callback's error stops the fetch (the rest of the answer is read and
// discarded) and FetchStream returns that error unchanged (not wrapped:
// compare it with errors.Is against the callback's own error; it does
// not match ErrAborted).
//
// Canceling the context, or Close from another goroutine, stops the
// delivery at once: the binding checks before each callback (each
// OnMessage, OnSection and OnSectionReader call, each Write to a
// section's Writer, each batch handed to the decoding goroutine), so no
// callback starts once it sees either, whatever the library had already
// read. A callback already running cannot be preempted: the cancellation
// and Close wait for it to return (a Writer's Write, or the Read of an
// OnSectionReader, must come back; a reader then reads
// io.ErrUnexpectedEOF).
type StreamOptions struct {
	// Threshold tunes memory, not delivery: body sections larger than
	// this many bytes are never held whole; smaller ones are read whole
	// and also kept in Message.Sections. 0 streams every section. Either
	// way OnSection (or OnSectionReader) sees the bytes of every section.
	Threshold int64
	// DropSectionData leaves Data empty in Message.Sections for the
	// sections that arrive whole too, so that their bytes reach only
	// OnSection (or OnSectionReader), like the streamed ones: one copy
	// fewer for callers that consume every section there.
	DropSectionData bool
	// OnMessage receives each message once complete (its streamed
	// sections are listed with empty Data). The message is the
	// callback's to keep, unless ReuseMessage is set.
	OnMessage func(m *Message) error
	// ReuseMessage lends OnMessage a Message that a later message
	// overwrites, everything it points to included (its Sections, Flags
	// and other slices, its Envelope and BodyStructure and theirs), as
	// the C and Rust streaming calls lend theirs: the callback copies
	// what it keeps. Strings and section Data stay valid (they are never
	// overwritten), so keeping a string needs no copy; but the strings of
	// the messages of one batch of the library's (up to 64) share one
	// allocation, which a kept string keeps alive: a callback that keeps
	// a few strings of many messages for long should clone them
	// (strings.Clone). It saves almost every allocation of the decoding
	// when a stream only reads each message.
	ReuseMessage bool
	// OnSection is called when a streamed section starts; its bytes are
	// written to the returned Writer (nil discards them). The Writer must
	// not keep the slices it is given.
	OnSection func(s SectionInfo) (io.Writer, error)
	// OnSectionReader, used when OnSection is nil, reads a streamed
	// section from r. It runs on its own goroutine while the bytes
	// arrive, one section at a time, so memory stays fixed; whatever it
	// leaves unread is discarded. A section the fetch failed in the
	// middle of ends with io.ErrUnexpectedEOF, not io.EOF.
	OnSectionReader func(s SectionInfo, r io.Reader) error

	// pipe: Fetch's messages go to its decoding goroutine instead of
	// OnMessage.
	pipe *fetchPipe
}

var errReaderDone = errors.New("imapclient: section reader returned")

// readerPanic carries a panic of OnSectionReader, which runs on a
// goroutine of its own, to the caller's goroutine, where FetchStream
// raises it again (as it does for the other callbacks).
type readerPanic struct{ v any }

func (readerPanic) Error() string { return "imapclient: section reader panicked" }

// readerDone is the reader's result: its error, or (after a panic) stop
// with the panic recorded for FetchStream to raise.
func (st *streamState) readerDone(err error) error {
	if p, ok := err.(readerPanic); ok {
		st.panicked, st.hasPanic = p.v, true
	}
	return err
}

// errHalted marks a fetch that stopped delivering because its context
// ended or the client was closed (see streamState.halted); FetchStream
// returns the context's or the close's error instead.
var errHalted = errors.New("imapclient: fetch halted")

// streamState lives behind a cgo.Handle during one FetchStream.
type streamState struct {
	c            *Client
	ctx          context.Context
	delivered    int // messages handed to OnMessage (or, without it, complete)
	opts         *StreamOptions
	wantMessages bool  // message items (OnMessage, or sections in them)
	wantChunks   bool  // chunk items (a section consumer)
	whole        bool  // sections up to the threshold come with their message
	err          error // first callback error
	panicked     any
	hasPanic     bool

	lent      *Message // the message lent to OnMessage (ReuseMessage)
	lentSlabs *slabs   // and its values

	// When only OnMessage takes the stream: its messages are decoded a
	// batch ahead, on a goroutine of their own (see aheadDecoder).
	ahead *aheadDecoder

	// For Fetch's pipe and with ReuseMessage: the packs of the current
	// batch, copied into Go memory at once (one allocation per batch
	// instead of one per message), and where they were in C memory.
	packs    string
	packBase uintptr
	// For Fetch's pipe: room for the rest of the current batch's section
	// data (see batchData).
	data []byte

	// the section being streamed
	open    bool
	seq     uint32
	name    string
	w       io.Writer
	pw      *io.PipeWriter
	done    chan error
	discard bool // the reader returned early: drop the rest
}

func (st *streamState) recover(rc *C.int) {
	if r := recover(); r != nil {
		st.panicked, st.hasPanic = r, true
		*rc = 1
	}
}

// halted reports whether the fetch's context ended or the client was
// closed, and then stops the fetch (the callback returns nonzero): the
// library may hold much data already read, which must not keep reaching
// callbacks for as long as they take to consume it. Checked before every
// callback; two atomic loads.
func (st *streamState) halted() bool {
	if st.c.closed.Load() || st.ctx.Err() != nil {
		st.fail(errHalted)
		return true
	}
	return false
}

func (st *streamState) fail(err error) C.int {
	if st.err == nil {
		st.err = err
	}
	return 1
}

// finishSection ends the open section: closes the pipe and waits for the
// reader.
func (st *streamState) finishSection() C.int {
	return st.endSection(nil)
}

// endSection ends the open section; a reader sees readErr instead of the
// end of the data (nil: io.EOF).
func (st *streamState) endSection(readErr error) C.int {
	if !st.open {
		return 0
	}
	st.open = false
	if st.pw != nil {
		st.pw.CloseWithError(readErr)
		err := st.readerDone(<-st.done)
		st.pw, st.done = nil, nil
		if err != nil {
			return st.fail(err)
		}
	}
	st.w = nil
	return 0
}

// onChunk takes bytes of a section, named by name or, when that is "", by
// the C string section (converted only when the section starts).
func (st *streamState) onChunk(seq, uid uint32, section *C.char, name string, offset, total uint64, data []byte) C.int {
	if st.open && (offset == 0 || seq != st.seq) {
		if rc := st.finishSection(); rc != 0 {
			return rc
		}
	}
	if !st.open {
		st.open, st.seq, st.discard = true, seq, false
		if st.name = name; name == "" {
			st.name = C.GoString(section)
		}
		info := SectionInfo{SeqNum: seq, UID: uid, Name: st.name, Size: int64(total)}
		if st.halted() {
			st.open = false
			return 1
		}
		switch {
		case st.opts.OnSection != nil:
			w, err := st.opts.OnSection(info)
			if err != nil {
				st.open = false
				return st.fail(err)
			}
			st.w = w
		case st.opts.OnSectionReader != nil:
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			fn := st.opts.OnSectionReader
			go func() {
				defer func() {
					if r := recover(); r != nil {
						pr.CloseWithError(errReaderDone)
						done <- readerPanic{r}
					}
				}()
				err := fn(info, pr)
				pr.CloseWithError(errReaderDone)
				done <- err
			}()
			st.pw, st.done = pw, done
			st.w = pw
		}
	}
	if st.w != nil && !st.discard && len(data) > 0 {
		if st.halted() {
			return 1 // the section stays open: endSection cuts it short
		}
		if _, err := st.w.Write(data); err != nil {
			if st.pw == nil {
				st.open = false
				return st.fail(err)
			}
			// The reader returned before the end of the section.
			rerr := st.readerDone(<-st.done)
			st.pw, st.done, st.w = nil, nil, nil
			if rerr != nil {
				st.open = false
				return st.fail(rerr)
			}
			st.discard = true
		}
	}
	if offset+uint64(len(data)) >= total {
		return st.finishSection()
	}
	return 0
}

// onBatch takes a batch of items from the library, in server order.
func (st *streamState) onBatch(items []C.imapc_stream_item) C.int {
	if st.halted() {
		return 1
	}
	if st.ahead != nil {
		if st.aheadable(items) {
			return st.onBatchAhead(items)
		}
		// Sections for OnSection or OnSectionReader: in order, so what
		// was decoded ahead goes first, then this batch as it comes.
		if rc := st.ahead.deliver(st, 0); rc != 0 {
			return rc
		}
	}
	if st.opts.pipe != nil || st.opts.ReuseMessage {
		st.copyPacks(items)
	}
	if st.opts.pipe != nil {
		st.data = batchData(items)
	}
	for i := range items {
		it := &items[i]
		var rc C.int
		switch it.kind {
		case C.IMAPC_STREAM_ITEM_MESSAGE:
			if st.wantMessages {
				rc = st.onMessage(it)
			}
		case C.IMAPC_STREAM_ITEM_CHUNK:
			if st.wantChunks {
				var data []byte
				if it.len > 0 {
					data = unsafe.Slice((*byte)(unsafe.Pointer(it.data)), int(it.len))
				}
				rc = st.onChunk(uint32(it.seq), uint32(it.uid), it.section, "", uint64(it.offset), uint64(it.total), data)
			}
		}
		if rc != 0 {
			// The rest of the batch is dropped with the rest of the answer.
			return rc
		}
	}
	return 0
}

// onBatchAhead hands the batch's messages, copied, to the decoding
// goroutine, and gives OnMessage the messages of the batches decoded
// before it: all of them when the client is about to wait for the server
// (a wait item ends the batch), all but this batch's otherwise, which are
// decoded while the client parses the next. So OnMessage still runs on
// the caller's goroutine, in server order, and no message waits for the
// server longer than the library held it.
//
// Each message's pack is copied on its own (not the batch's in one piece,
// as Fetch does): a message the caller keeps holds on to its own pack
// only. With ReuseMessage the callback copies what it keeps, and the
// batch's packs are copied in one piece.
func (st *streamState) onBatchAhead(items []C.imapc_stream_item) C.int {
	var b *aheadBatch
	wait := false
	if st.opts.ReuseMessage {
		st.copyPacks(items)
	}
	for i := range items {
		it := &items[i]
		switch it.kind {
		case C.IMAPC_STREAM_ITEM_MESSAGE:
			if b == nil {
				b = st.ahead.batch()
			}
			b.raws = append(b.raws, copyRaw(streamedMessage(it), st.batchPack(it), uint32(it.seq), uint32(it.uid),
				!st.opts.DropSectionData, nil))
		case C.IMAPC_STREAM_ITEM_WAIT:
			wait = true
		}
	}
	if b != nil {
		st.ahead.send(b)
	}
	keep := 1
	if wait {
		keep = 0
	}
	return st.ahead.deliver(st, keep)
}

// aheadable tells whether the batch can be decoded ahead: its messages
// have no section data a section consumer must see (in order, from C
// memory) and it has no piece one must.
func (st *streamState) aheadable(items []C.imapc_stream_item) bool {
	if !st.wantChunks {
		return true
	}
	for i := range items {
		switch items[i].kind {
		case C.IMAPC_STREAM_ITEM_CHUNK:
			return false
		case C.IMAPC_STREAM_ITEM_MESSAGE:
			if items[i].section_count != 0 {
				return false
			}
		}
	}
	return true
}

// aheadDecoder decodes a stream's messages for OnMessage on a goroutine
// of its own, a batch behind the library: the decoding of one batch runs
// beside the parsing of the next instead of between them.
type aheadDecoder struct {
	in, out  chan *aheadBatch
	free     []*aheadBatch // delivered batches, for reuse (the caller's goroutine only)
	done     chan struct{}
	inFlight int // batches sent and not yet delivered
	reuse    bool
}

// aheadBatch is a batch on its way: its copies, then its decoded
// messages (or the decoder's panic).
type aheadBatch struct {
	raws     []rawMessage
	msgs     []*Message
	values   []*slabs // with ReuseMessage: msgs' values, reused with them
	panicked any
	hasPanic bool
}

func newAheadDecoder(reuse bool) *aheadDecoder {
	d := &aheadDecoder{
		in:    make(chan *aheadBatch, 2),
		out:   make(chan *aheadBatch, 2),
		done:  make(chan struct{}),
		reuse: reuse,
	}
	go d.run()
	return d
}

func (d *aheadDecoder) run() {
	defer close(d.done)
	for b := range d.in {
		d.decode(b)
		d.out <- b
	}
}

// decode fills b.msgs from b.raws; with ReuseMessage into the messages
// the batch held last time (OnMessage is done with them).
func (d *aheadDecoder) decode(b *aheadBatch) {
	defer func() {
		if r := recover(); r != nil {
			b.panicked, b.hasPanic = r, true
		}
	}()
	for len(b.msgs) < len(b.raws) {
		b.msgs = append(b.msgs, nil)
	}
	b.msgs = b.msgs[:len(b.raws)]
	for d.reuse && len(b.values) < len(b.msgs) {
		b.values = append(b.values, nil)
	}
	for i := range b.raws {
		m := b.msgs[i]
		var sl *slabs
		switch {
		case !d.reuse || m == nil:
			m = newMessage()
			b.msgs[i] = m
		default:
			*m = Message{Sections: m.Sections[:0]}
		}
		if d.reuse {
			if b.values[i] == nil {
				b.values[i] = &slabs{reuse: true}
			}
			sl = b.values[i]
			sl.reset()
		}
		b.raws[i].decode(m, sl)
		b.raws[i] = rawMessage{}
	}
}

// batch is an empty batch to fill, a delivered one when there is one.
func (d *aheadDecoder) batch() *aheadBatch {
	if n := len(d.free); n > 0 {
		b := d.free[n-1]
		d.free = d.free[:n-1]
		return b
	}
	return new(aheadBatch)
}

// send queues b for decoding.
func (d *aheadDecoder) send(b *aheadBatch) {
	d.in <- b
	d.inFlight++
}

// deliver hands OnMessage the messages of the oldest batches until keep
// are left in flight.
func (d *aheadDecoder) deliver(st *streamState, keep int) C.int {
	for d.inFlight > keep {
		b := <-d.out
		d.inFlight--
		if b.hasPanic {
			panic(b.panicked)
		}
		for _, m := range b.msgs {
			if st.halted() {
				return 1
			}
			st.delivered++
			if err := st.opts.OnMessage(m); err != nil {
				return st.fail(err)
			}
		}
		if !d.reuse {
			clear(b.msgs)
		}
		b.raws = b.raws[:0]
		d.free = append(d.free, b)
	}
	return 0
}

// finish delivers what is still in flight (unless a callback stopped the
// fetch or panicked) and stops the goroutine; it must be called once the
// fetch is over, whether it failed or not.
func (d *aheadDecoder) finish(st *streamState) {
	defer func() {
		close(d.in)
		for ; d.inFlight > 0; d.inFlight-- {
			<-d.out
		}
		<-d.done
	}()
	if st.err != nil || st.hasPanic {
		return
	}
	var rc C.int
	defer st.recover(&rc)
	d.deliver(st, 0)
}

// copyPacks copies the packs of a batch's messages into Go memory in one
// piece when they lie one after the other in C memory, as the library
// writes them; batchPack then slices each message's pack out of it.
func (st *streamState) copyPacks(items []C.imapc_stream_item) {
	st.packs, st.packBase = "", 0
	var first *C.imapc_stream_item
	var start, end uintptr
	for i := range items {
		it := &items[i]
		if it.kind != C.IMAPC_STREAM_ITEM_MESSAGE || it.pack == nil {
			continue
		}
		p := uintptr(unsafe.Pointer(it.pack))
		if first == nil {
			first, start, end = it, p, p
		}
		if p != end {
			return // not contiguous: each message is copied alone
		}
		end = p + uintptr(it.pack_len)
	}
	if end > start {
		st.packs = string(unsafe.Slice((*byte)(unsafe.Pointer(first.pack)), end-start))
		st.packBase = start
	}
}

// batchPack is the message's pack from the batch's copy, "" when there
// is none (it is then copied on its own).
func (st *streamState) batchPack(it *C.imapc_stream_item) string {
	if st.packBase == 0 || it.pack == nil {
		return ""
	}
	off := uintptr(unsafe.Pointer(it.pack)) - st.packBase
	n := uintptr(it.pack_len)
	if off > uintptr(len(st.packs)) || n > uintptr(len(st.packs))-off {
		return ""
	}
	return st.packs[off : off+n]
}

func (st *streamState) onMessage(it *C.imapc_stream_item) C.int {
	if rc := st.finishSection(); rc != 0 {
		return rc
	}
	cm := streamedMessage(it)
	if st.opts.pipe != nil {
		st.opts.pipe.push(copyRaw(cm, st.batchPack(it), uint32(it.seq), uint32(it.uid), true, &st.data))
		return 0
	}
	var msg *Message // only for OnMessage, which keeps it (or borrows it)
	if st.opts.OnMessage != nil {
		var sl *slabs
		if st.opts.ReuseMessage {
			if st.lent == nil {
				st.lent, st.lentSlabs = newMessage(), &slabs{reuse: true}
			}
			msg, sl = st.lent, st.lentSlabs
			*msg = Message{Sections: msg.Sections[:0]}
			sl.reset()
		} else {
			msg = newMessage()
		}
		goMessageFrom(msg, cm, st.batchPack(it), sl, !st.opts.DropSectionData)
	}
	if st.whole {
		if rc := st.wholeSections(it, cm, msg); rc != 0 {
			return rc
		}
	}
	if msg == nil {
		st.delivered++ // its sections went to OnSection or OnSectionReader
		return 0
	}
	if st.halted() {
		return 1
	}
	st.delivered++
	if err := st.opts.OnMessage(msg); err != nil {
		return st.fail(err)
	}
	return 0
}

// wholeSections hands the sections that came whole (up to the threshold)
// to the section consumer, from their message: the library passes only
// the pieces of larger sections as chunks. msg is the decoded message, or
// nil when nobody wanted it.
func (st *streamState) wholeSections(it *C.imapc_stream_item, cm cMessage, msg *Message) C.int {
	for i := range cm.sections {
		data := cm.sectionData(i)
		if len(data) == 0 {
			continue
		}
		var name string
		var cname *C.char
		if msg != nil && i < len(msg.Sections) {
			name = msg.Sections[i].Name
		} else {
			cname = C.imapc_message_section_name(cm.m, C.size_t(i))
		}
		if rc := st.onChunk(uint32(it.seq), uint32(it.uid), cname, name, 0, uint64(len(data)), data); rc != 0 {
			return rc
		}
	}
	return 0
}

// FetchStream fetches items of the messages of set like Fetch, but hands
// each message to the callbacks of opts as it arrives, and body sections
// larger than opts.Threshold in chunks, so mail of any size flows through
// fixed memory. It returns the number of messages: on success those of
// the answer; with an error, those delivered before it (handed to
// OnMessage, the one whose callback failed included; without OnMessage,
// those whose sections were all handed to OnSection or OnSectionReader),
// so that a caller can tell how far it got. Canceling ctx or closing the
// client stops the delivery before the next callback (see
// StreamOptions).
func (c *Client) FetchStream(ctx context.Context, set MessageSet, items string, opts *StreamOptions) (int, error) {
	const op = "FetchStream"
	if opts == nil {
		opts = &StreamOptions{}
	}
	if opts.Threshold < 0 {
		return 0, invalidError(op, "negative Threshold")
	}
	if set.isIDs && len(set.ids) == 0 {
		return 0, nil
	}
	return c.fetchStream(ctx, op, set, items, uint64(opts.Threshold), opts)
}

// fetchStream runs a streaming FETCH with the callbacks of opts (Fetch
// uses it too, with no threshold).
func (c *Client) fetchStream(ctx context.Context, op string, set MessageSet, items string, threshold uint64, opts *StreamOptions) (int, error) {
	// The library hands over messages and the pieces of large sections
	// in batches, one call into Go each; a batch of only pieces nobody
	// wants does not reach Go (see imapcgo_on_batch). Sections up to the
	// threshold come whole with their message, and are taken from there.
	chunks := opts.OnSection != nil || opts.OnSectionReader != nil
	st := &streamState{c: c, ctx: ctx, opts: opts, wantChunks: chunks, whole: chunks && threshold > 0}
	// Message items reach Go whenever a callback is set: a section
	// consumer's count of messages delivered needs them (a batch of them
	// is one call into Go).
	st.wantMessages = opts.OnMessage != nil || chunks || opts.pipe != nil
	// Decoding ahead pays only where the decoder can run beside the
	// caller: with one processor (GOMAXPROCS=1) it took 15 to 19 % longer
	// (headers-stream, replay server, medians of 25 and 41 alternating
	// runs).
	ahead := opts.OnMessage != nil && opts.pipe == nil && runtime.GOMAXPROCS(0) > 1
	h := cgo.NewHandle(st)
	defer h.Delete()
	var count C.size_t
	run := func(cs *C.char, ids *C.uint32_t, n C.size_t) error {
		return withCString(op, "items", items, func(ci *C.char) error {
			return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
				if ahead {
					// Started here, where finish is sure to run: an
					// argument error or a closed client never gets here.
					st.ahead = newAheadDecoder(opts.ReuseMessage)
				}
				rc := cFetchStream(p, cs, ids, n, ci, threshold, st.wantMessages, st.wantChunks,
					ahead, h, &count, e)
				if ahead {
					// The messages decoded ahead are OnMessage's still,
					// whatever the outcome.
					st.ahead.finish(st)
					st.ahead = nil
				}
				// After an error, a section still open was cut short: its
				// reader gets io.ErrUnexpectedEOF, not a clean end.
				var cut error
				if rc != C.IMAPC_OK {
					cut = io.ErrUnexpectedEOF
				}
				st.endSection(cut)
				return rc
			})
		})
	}
	err := withSet(op, set, func(cs *C.char) error { return run(cs, nil, 0) },
		func(ids *C.uint32_t, n C.size_t) error { return run(nil, ids, n) })
	if st.hasPanic {
		panic(st.panicked)
	}
	n := int(count)
	if err != nil || st.err != nil {
		n = st.delivered
	}
	var le *Error
	switch {
	case st.err == nil:
		return n, err
	case errors.As(err, &le) && le.Fatal:
		// The connection is gone (a timeout, a close, Close racing the
		// call, the context's interrupt): that outranks what a callback
		// said, often only the io.ErrUnexpectedEOF of the section the
		// failure cut short.
		return n, err
	case st.err == errHalted && c.closed.Load():
		// Close stopped the delivery before its interrupt reached the
		// library (which read the rest of the answer meanwhile).
		return n, &Error{Code: CodeInterrupted, Op: op, Fatal: true, Message: "interrupted: the client was closed"}
	case st.err == errHalted:
		// The context ended; the library read the rest of the answer
		// before the interrupt came, so the connection is still usable.
		return n, ctxError(op, ctx.Err())
	case err != nil && !errors.Is(err, ErrAborted) && errors.Is(st.err, io.ErrUnexpectedEOF):
		// The reader's io.ErrUnexpectedEOF of a section the library's
		// failure cut short: that failure is the error. (A callback that
		// stopped the fetch with an io.ErrUnexpectedEOF of its own made
		// the library answer ABORTED: its error is returned as is.)
		return n, err
	}
	return n, st.err
}

// fetchPipe decodes Fetch's messages on a goroutine of its own, in order,
// while the library reads and parses the rest of the answer: on a machine
// with a core to spare the decoding (and the garbage collector's work on
// its results) runs beside the parsing instead of after each message.
type fetchPipe struct {
	ch       chan []rawMessage
	done     chan struct{}
	batch    []rawMessage
	ms       mergedMessages
	panicked any
}

// pipeBatch messages go to the decoder at a time.
const pipeBatch = 128

// newFetchPipe expects about sizeHint messages (see mergedMessages).
func newFetchPipe(sizeHint int) *fetchPipe {
	p := &fetchPipe{ch: make(chan []rawMessage, 4), done: make(chan struct{})}
	p.ms.hint = sizeHint
	go p.run()
	return p
}

func (p *fetchPipe) run() {
	defer close(p.done)
	defer func() {
		if r := recover(); r != nil {
			p.panicked = r
			for range p.ch { // let the sender finish
			}
		}
	}()
	// The result's messages are kept together: their values can share
	// arrays (slabs), a fraction of the allocations and of the
	// collector's work.
	var sl slabs
	for batch := range p.ch {
		for i := range batch {
			var m Message
			batch[i].decode(&m, &sl)
			p.ms.add(&m)
		}
	}
}

func (p *fetchPipe) push(raw rawMessage) {
	if p.batch == nil {
		p.batch = make([]rawMessage, 0, pipeBatch)
	}
	p.batch = append(p.batch, raw)
	if len(p.batch) == pipeBatch {
		p.ch <- p.batch
		p.batch = nil
	}
}

// finish waits for the decoder and returns the messages; it must be
// called once the fetch is over, whether it failed or not. A panic of the
// decoder is raised again here, on the caller's goroutine.
func (p *fetchPipe) finish() []Message {
	if len(p.batch) > 0 {
		p.ch <- p.batch
		p.batch = nil
	}
	close(p.ch)
	<-p.done
	if p.panicked != nil {
		panic(p.panicked)
	}
	return p.ms.result()
}
