package imapclient

// #include <stdlib.h>
// #include <imapclient.h>
import "C"

import (
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// System flags for Store and Append.
const (
	FlagSeen     = `\Seen`
	FlagAnswered = `\Answered`
	FlagFlagged  = `\Flagged`
	FlagDeleted  = `\Deleted`
	FlagDraft    = `\Draft`
	FlagRecent   = `\Recent` // set by the server only
)

// MessageSet names messages: UIDs or sequence numbers, as the client's
// UseUID says (UIDs by default). Build one from ids (IDs) or from IMAP
// set syntax (Set, e.g. "1:5,9,12:*").
type MessageSet struct {
	str   string
	ids   []uint32
	isIDs bool
}

// IDs is the set of these ids.
func IDs(ids ...uint32) MessageSet { return MessageSet{ids: ids, isIDs: true} }

// Set is a set in IMAP syntax ("2,4:7,9,12:*"); the library checks it.
func Set(s string) MessageSet { return MessageSet{str: s} }

// Range is the set from..to; to == 0 means "*" (the last message).
func Range(from, to uint32) MessageSet {
	if to == 0 {
		return Set(strconv.FormatUint(uint64(from), 10) + ":*")
	}
	return Set(strconv.FormatUint(uint64(from), 10) + ":" + strconv.FormatUint(uint64(to), 10))
}

// All is every message of the folder ("1:*").
var All = Set("1:*")

// IsEmpty reports whether the set names no message (an empty id list).
func (s MessageSet) IsEmpty() bool { return (s.isIDs && len(s.ids) == 0) || (!s.isIDs && s.str == "") }

// String returns the set in IMAP syntax (ids are compressed into ranges).
func (s MessageSet) String() string {
	if !s.isIDs {
		return s.str
	}
	var b strings.Builder
	for i := 0; i < len(s.ids); {
		j := i
		for j+1 < len(s.ids) && s.ids[j+1] == s.ids[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatUint(uint64(s.ids[i]), 10))
		if j > i {
			b.WriteByte(':')
			b.WriteString(strconv.FormatUint(uint64(s.ids[j]), 10))
		}
		i = j + 1
	}
	return b.String()
}

// withSet hands the set to fstr (as a C string) or fids (as an array).
func withSet(op string, s MessageSet, fstr func(cs *C.char) error, fids func(p *C.uint32_t, n C.size_t) error) error {
	if s.isIDs {
		if len(s.ids) == 0 {
			return invalidError(op, "empty message set")
		}
		return fids((*C.uint32_t)(unsafe.Pointer(&s.ids[0])), C.size_t(len(s.ids)))
	}
	return withCString(op, "message set", s.str, fstr)
}

// Address is one address of an envelope.
type Address struct {
	Name    string // display name, RFC 2047 decoded
	Mailbox string // local part; the group name at a group start
	Host    string // domain; "" at a group start or end
	Route   string // obsolete source route
}

// Addr returns "mailbox@host" (or whichever part exists).
func (a Address) Addr() string {
	switch {
	case a.Mailbox != "" && a.Host != "":
		return a.Mailbox + "@" + a.Host
	case a.Mailbox != "":
		return a.Mailbox
	default:
		return a.Host
	}
}

// Envelope is a message's ENVELOPE.
type Envelope struct {
	Date      time.Time // zero when absent or unparsable; see DateRaw
	DateRaw   string
	Subject   string // RFC 2047 decoded
	From      []Address
	Sender    []Address
	ReplyTo   []Address
	To        []Address
	Cc        []Address
	Bcc       []Address
	InReplyTo string
	MessageID string
}

// Param is one MIME parameter of a body part: Name in lower case, Value
// as the server sent it.
type Param struct {
	Name, Value string
}

// Params holds the MIME parameters of a body part (charset, boundary,
// name...) in the order the server sent them, repeats included. Names
// are in lower case; look one up with Get or Lookup, which ignore ASCII
// case. A slice rather than a map: it keeps order and repeats, and it is
// one allocation where a map is two and four times the time (a 10 000
// message header sync spent 13 % of its CPU building maps).
type Params []Param

// Lookup returns the value of the first parameter named name (ASCII
// case ignored) and whether there is one.
func (ps Params) Lookup(name string) (string, bool) {
	for _, p := range ps {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}

// Get returns the value of the first parameter named name (ASCII case
// ignored), "" when there is none.
func (ps Params) Get(name string) string {
	v, _ := ps.Lookup(name)
	return v
}

// BodyPart is one node of a BODYSTRUCTURE tree.
type BodyPart struct {
	Type, Subtype string // lower case: "text", "plain"
	Params        Params // Content-Type parameters
	ID            string
	Description   string
	Encoding      string // as sent: "BASE64", "7BIT"...
	Size          uint64 // encoded octets; 0 for multipart
	Lines         uint64 // text/* and message/rfc822
	Disposition   string // lower case: "inline", "attachment"; "" when none
	// DispositionParams holds the Content-Disposition parameters
	// (filename, size, creation-date...).
	DispositionParams Params
	MD5               string
	Location          string
	Languages         []string
	// Number is the IMAP part number ("1", "2.1") to fetch this part
	// with BODY.PEEK[Number]; "" for a multipart root.
	Number   string
	Children []*BodyPart
	// For message/rfc822 parts: the enclosed message.
	Envelope *Envelope
	Body     *BodyPart
}

// MediaType returns "type/subtype".
func (p *BodyPart) MediaType() string { return p.Type + "/" + p.Subtype }

// Filename returns the attachment's file name (disposition filename, or
// the Content-Type name parameter), "" when none, decoded: an RFC 2231
// parameter (charset'language'percent-encoded text, as
// filename*=UTF-8'en'R%C3%A9sum%C3%A9.pdf, or continuations filename*0*,
// filename*1... when the server did not join them) is preferred to the
// plain one and decoded from UTF-8, US-ASCII or ISO-8859-1; RFC 2047
// encoded words in a plain one (name="=?UTF-8?B?...?=", not standard
// there but common) are decoded as mime.WordDecoder does. A value in a
// charset it cannot decode is returned as it came.
func (p *BodyPart) Filename() string {
	if f := paramText(p.DispositionParams, "filename"); f != "" {
		return f
	}
	return paramText(p.Params, "name")
}

// Walk calls f for p and every part below it, depth first; f returns
// false to skip a part's children.
func (p *BodyPart) Walk(f func(*BodyPart) bool) {
	if p == nil || !f(p) {
		return
	}
	for _, c := range p.Children {
		c.Walk(f)
	}
	if p.Body != nil {
		p.Body.Walk(f)
	}
}

// Section is one body section of a fetched message.
type Section struct {
	Name string // normalised: "BODY[]", "BODY[HEADER]", "BODY[1]"
	Data []byte // empty for a section delivered in chunks by FetchStream
}

// Message is one message of a Fetch result. Fields not fetched are zero.
type Message struct {
	SeqNum        uint32 // 0 for a response whose number did not parse (ParseErrors says so)
	UID           uint32 // 0 when not fetched (always fetched with UseUID on)
	Flags         []string
	InternalDate  time.Time
	Size          int64 // RFC822.SIZE
	Envelope      *Envelope
	BodyStructure *BodyPart
	Sections      []Section
	// BinarySizes are the BINARY.SIZE items (RFC 3516) by body part
	// ("2", "1.3"): a part's size once its transfer encoding is undone,
	// known before fetching it. Nil when none was fetched.
	BinarySizes map[string]uint64
	ModSeq      uint64
	Preview     string
	EmailID     string
	ThreadID    string
	GmMsgID     uint64
	GmThrID     uint64
	GmLabels    []string
	// ParseErrors counts FETCH items of this message that did not parse
	// (the rest is still usable).
	ParseErrors int
}

// HasFlag reports whether the message has the flag (case-insensitive).
func (m *Message) HasFlag(flag string) bool {
	for _, f := range m.Flags {
		if strings.EqualFold(f, flag) {
			return true
		}
	}
	return false
}

// merge folds a later FETCH response for the same message into m, as the
// library's buffered fetch does: each item present in o replaces m's.
func (m *Message) merge(o *Message) {
	if o.UID != 0 {
		m.UID = o.UID
	}
	if o.Flags != nil {
		m.Flags = o.Flags
	}
	if !o.InternalDate.IsZero() {
		m.InternalDate = o.InternalDate
	}
	if o.Size != 0 {
		m.Size = o.Size
	}
	if o.Envelope != nil {
		m.Envelope = o.Envelope
	}
	if o.BodyStructure != nil {
		m.BodyStructure = o.BodyStructure
	}
next:
	for _, s := range o.Sections {
		for i := range m.Sections {
			if m.Sections[i].Name == s.Name {
				m.Sections[i] = s
				continue next
			}
		}
		m.Sections = append(m.Sections, s)
	}
	for part, n := range o.BinarySizes {
		if m.BinarySizes == nil {
			m.BinarySizes = make(map[string]uint64, len(o.BinarySizes))
		}
		m.BinarySizes[part] = n
	}
	if o.ModSeq != 0 {
		m.ModSeq = o.ModSeq
	}
	if o.Preview != "" {
		m.Preview = o.Preview
	}
	if o.EmailID != "" {
		m.EmailID = o.EmailID
	}
	if o.ThreadID != "" {
		m.ThreadID = o.ThreadID
	}
	if o.GmMsgID != 0 {
		m.GmMsgID = o.GmMsgID
	}
	if o.GmThrID != 0 {
		m.GmThrID = o.GmThrID
	}
	if o.GmLabels != nil {
		m.GmLabels = o.GmLabels
	}
	m.ParseErrors += o.ParseErrors
}

// Section returns the data of a body section by name as requested
// ("BODY.PEEK[]", "BODY[HEADER]", "RFC822", "BINARY[1]"...), nil when
// absent.
func (m *Message) Section(name string) []byte {
	want := NormalizeSection(name)
	for _, s := range m.Sections {
		if s.Name == want {
			return s.Data
		}
	}
	return nil
}

// NormalizeSection returns the name under which a requested section comes
// back: "BODY.PEEK[1]" is "BODY[1]", "RFC822" is "BODY[]", and a range
// keeps its origin as the server answers it: "BODY.PEEK[1]<0.100>" is
// "BODY[1]<0>" (a range is its own section, not "BODY[1]").
func NormalizeSection(name string) string {
	up := strings.ToUpper(strings.TrimSpace(name))
	up = strings.Replace(up, "BODY.PEEK[", "BODY[", 1)
	up = strings.Replace(up, "BINARY.PEEK[", "BINARY[", 1)
	switch up {
	case "RFC822":
		return "BODY[]"
	case "RFC822.HEADER":
		return "BODY[HEADER]"
	case "RFC822.TEXT":
		return "BODY[TEXT]"
	}
	if i := strings.IndexByte(up, ']'); i >= 0 {
		// A partial range "<0.100>" of a request is "<0>" in the answer;
		// anything else after "]" is dropped.
		if rest, ok := strings.CutPrefix(up[i+1:], "<"); ok {
			origin := rest[:strings.IndexAny(rest+">", ".>")]
			if origin != "" && strings.Trim(origin, "0123456789") == "" {
				return up[:i+1] + "<" + origin + ">"
			}
		}
		return up[:i+1]
	}
	return up
}

func optString(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// cMessage is what Go reads of a message, borrowed from the library: its
// pack and the data of its sections (an item of a streaming batch carries
// both, so decoding a streamed message calls nothing in C).
type cMessage struct {
	m        *C.imapc_message
	pack     []byte
	sections []C.imapc_bytes
}

// streamedMessage is the message of a batch item.
func streamedMessage(it *C.imapc_stream_item) cMessage {
	cm := cMessage{m: it.message}
	if it.pack != nil {
		cm.pack = unsafe.Slice((*byte)(unsafe.Pointer(it.pack)), int(it.pack_len))
	}
	if it.sections != nil {
		cm.sections = unsafe.Slice(it.sections, int(it.section_count))
	}
	return cm
}

// heldMessage asks the library for the pack and sections of m (a message
// of an event list).
func heldMessage(m *C.imapc_message) cMessage {
	cm := cMessage{m: m}
	var data *C.uint8_t
	var n C.size_t
	if C.imapc_message_pack(m, &data, &n) && n > 0 {
		cm.pack = unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n))
	}
	cm.sections = make([]C.imapc_bytes, int(C.imapc_message_section_count(m)))
	for i := range cm.sections {
		s := &cm.sections[i]
		if !C.imapc_message_section_data(m, C.size_t(i), &data, &n) {
			data, n = nil, 0
		}
		s.data, s.len = data, n
	}
	return cm
}

// sectionData is the data of section i, borrowed like cm; nil when empty
// or NIL.
func (cm cMessage) sectionData(i int) []byte {
	if i >= len(cm.sections) || cm.sections[i].data == nil || cm.sections[i].len == 0 {
		return nil
	}
	s := cm.sections[i]
	return unsafe.Slice((*byte)(unsafe.Pointer(s.data)), int(s.len))
}

// packVersion is the pack format this package reads.
const packVersion = C.IMAPC_PACK_VERSION

// What decodePack found.
const (
	packDecoded = iota
	packEmpty
	packOtherVersion // of another version than the header this package was built with
)

// decodePack decodes a message's pack into m, all but the section data.
// For an empty pack m is zeroed; for one of another version too, and then
// only the ids are trustworthy: the caller sets them (ParseErrors is 1).
func decodePack(m *Message, pack string, sl *slabs) int {
	if len(pack) == 0 {
		*m = Message{}
		return packEmpty
	}
	r := newPackReader(pack, sl)
	if v := r.u8(); v != packVersion {
		*m = Message{ParseErrors: 1}
		return packOtherVersion
	}
	r.message(m)
	if r.bad {
		m.ParseErrors++
	}
	return packDecoded
}

// goMessage copies a message into Go memory, into m (section data only if
// withData; otherwise Data is empty).
func goMessage(m *Message, cm cMessage, withData bool) {
	goMessageFrom(m, cm, "", nil, withData)
}

// goMessageFrom is goMessage with the message's pack copied already (""
// when not: it is copied here) and its values from the slabs sl (nil:
// each value its own allocation).
func goMessageFrom(m *Message, cm cMessage, pack string, sl *slabs, withData bool) {
	switch decodePack(m, cm.goPack(pack), sl) {
	case packEmpty:
		return
	case packOtherVersion:
		// Asked of the library only here: a call into C per message
		// costs (this runs for every message of a stream).
		m.SeqNum, m.UID = uint32(C.imapc_message_seq(cm.m)), uint32(C.imapc_message_uid(cm.m))
		return
	}
	for i := range m.Sections {
		if d := cm.sectionData(i); withData && len(d) > 0 {
			m.Sections[i].Data = make([]byte, len(d))
			copy(m.Sections[i].Data, d)
		} else {
			m.Sections[i].Data = []byte{}
		}
	}
}

// rawMessage is a message copied into Go while the library lends it (its
// pack and section data), to be decoded later, elsewhere: Fetch decodes on
// a goroutine of its own while the library goes on reading and parsing.
type rawMessage struct {
	pack     string
	seq, uid uint32
	data     [][]byte // by section; nil when NIL, empty or streamed
}

// copyRaw copies a message of a batch into Go memory: its pack is pack
// when copied already, else ("") copied here (an empty pack copies to ""
// as well); its section data only if withData, into the front of *room
// when it has room (see batchData; nil: each section its own allocation).
func copyRaw(cm cMessage, pack string, seq, uid uint32, withData bool, room *[]byte) rawMessage {
	raw := rawMessage{pack: cm.goPack(pack), seq: seq, uid: uid}
	if withData && len(cm.sections) > 0 {
		raw.data = make([][]byte, len(cm.sections))
		for i := range raw.data {
			d := cm.sectionData(i)
			switch {
			case len(d) == 0:
			case room != nil && len(d) <= len(*room):
				// Capped: appending to one section cannot write over
				// the next.
				raw.data[i] = (*room)[:len(d):len(d)]
				copy(raw.data[i], d)
				*room = (*room)[len(d):]
			default:
				raw.data[i] = append([]byte(nil), d...)
			}
		}
	}
	return raw
}

// goPack is the message's pack in Go memory: copied when the batch's copy
// holds it (see streamState.batchPack), else copied here (an empty pack
// copies to "" as well).
func (cm cMessage) goPack(copied string) string {
	if copied != "" {
		return copied
	}
	return string(cm.pack)
}

// batchData is one allocation for the section data of a batch's messages
// (nil when they have none), for copyRaw to hand out: a buffered
// download made one allocation per message, and the garbage collector's
// work on each, 10 % of the time of Fetch's (157 MB in 10 000 messages).
// A section kept alone keeps its batch's data alive (the library's
// batches hold up to 1 MiB of messages, or one larger message), so only
// Fetch, whose messages are kept together, uses it.
func batchData(items []C.imapc_stream_item) []byte {
	total := 0
	for i := range items {
		it := &items[i]
		if it.kind == C.IMAPC_STREAM_ITEM_MESSAGE && it.sections != nil {
			for _, s := range unsafe.Slice(it.sections, int(it.section_count)) {
				total += int(s.len)
			}
		}
	}
	if total == 0 {
		return nil
	}
	return make([]byte, total)
}

// decode is goMessage for a copied message, with its section data.
func (raw *rawMessage) decode(m *Message, sl *slabs) {
	switch decodePack(m, raw.pack, sl) {
	case packEmpty:
		return
	case packOtherVersion:
		m.SeqNum, m.UID = raw.seq, raw.uid
		return
	}
	for i := range m.Sections {
		if i < len(raw.data) && raw.data[i] != nil {
			m.Sections[i].Data = raw.data[i]
		} else {
			m.Sections[i].Data = []byte{}
		}
	}
}

// messageAndSection holds a message and its first section in one
// allocation: most fetches have one section at most, and a streaming
// fetch allocates a message for each.
type messageAndSection struct {
	m Message
	s [1]Section
}

// newMessage is an empty message with room for one section.
func newMessage() *Message {
	x := new(messageAndSection)
	x.m.Sections = x.s[:0]
	return &x.m
}

func goIDs(l *C.imapc_id_list) []uint32 {
	n := int(C.imapc_id_list_count(l))
	if n == 0 {
		return []uint32{}
	}
	out := make([]uint32, n)
	copy(out, unsafe.Slice((*uint32)(unsafe.Pointer(C.imapc_id_list_data(l))), n))
	return out
}
