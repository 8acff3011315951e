package imapclient

import (
	"encoding/binary"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// packReader decodes a message flattened by imapc_message_pack (the format
// is described in imapclient.h). s is one Go copy of the whole pack; every
// string field is a substring of it, so a message costs one string
// allocation however many fields it has. Reads past the end give zero
// values and set bad.
type packReader struct {
	s   string
	b   []byte // s's bytes, for the fixed-size reads; never written
	pos int
	bad bool
	sl  *slabs // where the values go; nil: each its own allocation
}

func newPackReader(s string, sl *slabs) packReader {
	return packReader{s: s, b: unsafe.Slice(unsafe.StringData(s), len(s)), sl: sl}
}

// slab hands out pieces of larger arrays: many small values in one
// allocation. A piece keeps its whole array alive, so only a result whose
// messages are kept together (Fetch's) uses them.
//
// A reused slab (see slabs.reuse) holds one message's values of a kind
// instead, in one array that the next message's values overwrite.
type slab[T any] struct {
	free []T
	// reused: the array, and how much of it the current message holds.
	buf  []T
	used int
}

// slabBytes is about the size of one array of a slab.
const slabBytes = 16 << 10

func (s *slab[T]) take(n int) []T {
	if n > len(s.free) {
		per := max(16, slabBytes/int(unsafe.Sizeof(*new(T))))
		if n > per/4 {
			return make([]T, n)
		}
		s.free = make([]T, per)
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

// get is take, or reuse for a reused slab.
func (s *slab[T]) get(reused bool, n int) []T {
	if reused {
		return s.reuse(n)
	}
	return s.take(n)
}

// reuse is take for a reused slab: the next n elements of its array, a
// larger array when they do not fit (the pieces already handed out stay
// where they are, in the old one; the next message has the new one).
func (s *slab[T]) reuse(n int) []T {
	if n > len(s.buf)-s.used {
		s.buf, s.used = make([]T, max(2*len(s.buf), 2*n, 4)), 0
	}
	out := s.buf[s.used : s.used+n : s.used+n]
	s.used += n
	return out
}

// reset makes a reused slab's array free for the next message, zeroed so
// that nothing of the last one stays reachable from it.
func (s *slab[T]) reset() {
	clear(s.buf[:s.used])
	s.used = 0
}

// slabs are the decoder's slabs, one per kind of value; the methods
// allocate one by one on a nil *slabs.
//
// Reused slabs (reuse set) are the values of one lent message
// (StreamOptions.ReuseMessage): reset before each message, they hand out
// the same memory again, so that a stream that only reads each message
// allocates for its values only while the arrays grow to the largest
// message. Shared among messages, slabs cost the GC more than they save
// (a live piece keeps its whole array, and every pack that array points
// to, alive; 17 % slower for a stream), hence one set per lent message.
type slabs struct {
	reuse     bool
	strs      slab[string]
	params    slab[Param]
	addresses slab[Address]
	envelopes slab[Envelope]
	parts     slab[BodyPart]
	partPtrs  slab[*BodyPart]
}

// reset readies reused slabs for the next message.
func (sl *slabs) reset() {
	sl.strs.reset()
	sl.params.reset()
	sl.addresses.reset()
	sl.envelopes.reset()
	sl.parts.reset()
	sl.partPtrs.reset()
}

func (sl *slabs) strings(n int) []string {
	if sl == nil {
		return make([]string, n)
	}
	return sl.strs.get(sl.reuse, n)
}

func (sl *slabs) paramList(n int) Params {
	if sl == nil {
		return make(Params, n)
	}
	return sl.params.get(sl.reuse, n)
}

func (sl *slabs) addressList(n int) []Address {
	if sl == nil {
		return make([]Address, n)
	}
	return sl.addresses.get(sl.reuse, n)
}

func (sl *slabs) envelope() *Envelope {
	if sl == nil {
		return new(Envelope)
	}
	return &sl.envelopes.get(sl.reuse, 1)[0]
}

func (sl *slabs) partList(n int) []BodyPart {
	if sl == nil {
		return make([]BodyPart, n)
	}
	return sl.parts.get(sl.reuse, n)
}

func (sl *slabs) partPtrList(n int) []*BodyPart {
	if sl == nil {
		return make([]*BodyPart, n)
	}
	return sl.partPtrs.get(sl.reuse, n)
}

const packAbsent = 0xFFFFFFFF

// The fixed-size reads check the bounds once and load the bytes as one
// word: they run a dozen times a message.

func (r *packReader) u8() uint8 {
	if r.bad || r.pos >= len(r.b) {
		r.bad = true
		return 0
	}
	v := r.b[r.pos]
	r.pos++
	return v
}

// word is the next n bytes of a fixed-size value; nil past the end.
func (r *packReader) word(n int) []byte {
	if r.bad || n > len(r.b)-r.pos {
		r.bad = true
		return nil
	}
	b := r.b[r.pos : r.pos+n]
	r.pos += n
	return b
}

func (r *packReader) u32() uint32 {
	if b := r.word(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (r *packReader) u64() uint64 {
	if b := r.word(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

// str reads a string; "" when absent. The length, the bytes and the NUL
// for C are checked against the end at once: it runs some forty times a
// message.
func (r *packReader) str() string {
	p := r.pos
	if r.bad || len(r.b)-p < 4 {
		r.bad = true
		return ""
	}
	n := binary.LittleEndian.Uint32(r.b[p:])
	if n == packAbsent {
		r.pos = p + 4
		return ""
	}
	// n+1 is at most 2^32, so the sum cannot overflow an int.
	if uint64(n)+1 > uint64(len(r.b)-p-4) {
		r.bad = true
		return ""
	}
	end := p + 4 + int(n)
	r.pos = end + 1
	return r.s[p+4 : end]
}

// count reads a count; -1 when absent.
func (r *packReader) count() int {
	n := r.u32()
	if n == packAbsent {
		return -1
	}
	if int(n) > len(r.s)-r.pos {
		r.bad = true
		return 0
	}
	return int(n)
}

// strs reads a list: nil when absent or empty, as goStrings gives; present
// tells the two apart.
func (r *packReader) strs() (v []string, present bool) {
	n := r.count()
	if n <= 0 {
		return nil, n == 0
	}
	v = r.sl.strings(n)
	for i := range v {
		v[i] = r.str()
	}
	return v, true
}

// zones caches one *time.Location per offset: FixedZone allocates.
var zones sync.Map

func goTime(t int64, offMinutes int32) time.Time {
	z, ok := zones.Load(offMinutes)
	if !ok {
		z, _ = zones.LoadOrStore(offMinutes, time.FixedZone("", int(offMinutes)*60))
	}
	return time.Unix(t, 0).In(z.(*time.Location))
}

func (r *packReader) date() time.Time {
	present := r.u8() != 0
	t := int64(r.u64())
	off := int32(r.u32())
	if !present {
		return time.Time{}
	}
	return goTime(t, off)
}

// params reads name/value pairs, names in lower case; nil when there are
// none.
func (r *packReader) params() Params {
	n := r.count()
	if n <= 0 {
		return nil
	}
	ps := r.sl.paramList(n)
	for i := range ps {
		ps[i] = Param{Name: lowerName(r.str()), Value: r.str()}
	}
	return ps
}

// commonParams are the parameter names most parts carry, in lower case.
var commonParams = [...]string{"charset", "name", "filename", "boundary", "format", "delsp", "type", "size"}

// lowerName is a parameter name in lower case. strings.ToLower allocates
// for a name with capitals, and servers such as Gmail and Exchange send
// them all in capitals ("CHARSET"): the common ones come from a table.
func lowerName(s string) string {
	for _, c := range commonParams {
		if len(c) == len(s) && strings.EqualFold(c, s) {
			return c
		}
	}
	return strings.ToLower(s)
}

// skipStr passes over a string without reading it.
func (r *packReader) skipStr() {
	r.str() // a substring of the pack: nothing is copied
}

// addressCount is how many addresses the n lists ahead hold, read
// without moving on: an envelope's lists share one allocation.
func (r *packReader) addressCount(lists int) int {
	ahead, total := *r, 0
	for i := 0; i < lists && !ahead.bad; i++ {
		n := ahead.count()
		if n <= 0 {
			continue
		}
		total += n
		for j := 0; j < n*5; j++ {
			ahead.skipStr()
		}
	}
	return total
}

// addresses reads a list into the front of *room (which addressCount
// sized; empty with slabs), leaving the rest in *room; capped, so that
// appending to one list cannot write over the next.
func (r *packReader) addresses(room *[]Address) []Address {
	n := r.count()
	if n <= 0 {
		return nil
	}
	// From slabs, room is empty: the list takes its piece here. Alone,
	// it cannot happen (addressCount read the same counts), but a slip
	// there must not become a panic.
	if n > len(*room) {
		*room = r.sl.addressList(n)
	}
	out := (*room)[:n:n]
	*room = (*room)[n:]
	for i := range out {
		out[i] = Address{Name: r.str(), Mailbox: r.str(), Host: r.str(), Route: r.str()}
		r.str() // "mailbox@host", for C
	}
	return out
}

func (r *packReader) envelope() *Envelope {
	e := r.sl.envelope()
	e.Date = r.date()
	e.DateRaw = r.str()
	e.Subject = r.str()
	// Alone, the six lists share one allocation, counted ahead; from
	// slabs each list takes its own piece as it comes (see addresses).
	var room []Address
	if r.sl == nil {
		room = make([]Address, r.addressCount(6))
	}
	e.From = r.addresses(&room)
	e.Sender = r.addresses(&room)
	e.ReplyTo = r.addresses(&room)
	e.To = r.addresses(&room)
	e.Cc = r.addresses(&room)
	e.Bcc = r.addresses(&room)
	e.InReplyTo = r.str()
	e.MessageID = r.str()
	return e
}

func (r *packReader) part() *BodyPart {
	b := &r.sl.partList(1)[0]
	r.partInto(b)
	return b
}

func (r *packReader) partInto(b *BodyPart) {
	b.Type = r.str()
	b.Subtype = r.str()
	b.Params = r.params()
	b.ID = r.str()
	b.Description = r.str()
	b.Encoding = r.str()
	b.Size = r.u64()
	b.Lines = r.u64()
	b.Disposition = r.str()
	b.DispositionParams = r.params()
	b.MD5 = r.str()
	b.Location = r.str()
	b.Languages, _ = r.strs()
	b.Number = r.str()
	if n := r.count(); n > 0 {
		// The children in one allocation, as the envelope's addresses.
		parts := r.sl.partList(n)
		b.Children = r.sl.partPtrList(n)
		for i := range parts {
			b.Children[i] = &parts[i]
			r.partInto(&parts[i])
		}
	}
	if r.u8() != 0 {
		b.Envelope = r.envelope()
		b.Body = r.part()
	}
}

// message reads everything after the version byte into m, whose Sections
// may bring room for the sections (see newMessage); section data is not in
// the pack (goMessage fills it in).
func (r *packReader) message(m *Message) {
	m.SeqNum = r.u32()
	m.UID = r.u32()
	m.Size = int64(r.u64())
	m.InternalDate = r.date()
	m.ModSeq = r.u64()
	m.GmMsgID = r.u64()
	m.GmThrID = r.u64()
	m.ParseErrors = int(r.u32())
	var fetched bool
	if m.Flags, fetched = r.strs(); fetched && m.Flags == nil {
		m.Flags = []string{}
	}
	m.GmLabels, _ = r.strs()
	m.Preview = r.str()
	m.EmailID = r.str()
	m.ThreadID = r.str()
	if n := r.count(); n > 0 {
		if cap(m.Sections) >= n {
			m.Sections = m.Sections[:n]
		} else {
			m.Sections = make([]Section, n)
		}
		for i := range m.Sections {
			m.Sections[i].Name = r.str()
		}
	} else {
		m.Sections = nil
	}
	m.BinarySizes = nil
	if n := r.count(); n > 0 {
		m.BinarySizes = make(map[string]uint64, n)
		for i := 0; i < n; i++ {
			part := r.str()
			m.BinarySizes[part] = r.u64()
		}
	}
	if r.u8() != 0 {
		m.Envelope = r.envelope()
	}
	if r.u8() != 0 {
		m.BodyStructure = r.part()
	}
}
