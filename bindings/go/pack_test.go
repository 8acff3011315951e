package imapclient

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// packWriter writes the pack format that packReader reads (imapclient.h
// describes it), for tests that need packs without a server.
type packWriter struct{ b []byte }

func (w *packWriter) u8(v uint8)   { w.b = append(w.b, v) }
func (w *packWriter) u32(v uint32) { w.b = binary.LittleEndian.AppendUint32(w.b, v) }
func (w *packWriter) u64(v uint64) { w.b = binary.LittleEndian.AppendUint64(w.b, v) }
func (w *packWriter) str(s string) {
	w.u32(uint32(len(s)))
	w.b = append(append(w.b, s...), 0)
}
func (w *packWriter) absent() { w.u32(packAbsent) }
func (w *packWriter) noDate() { w.u8(0); w.u64(0); w.u32(0) }
func (w *packWriter) params(kv ...string) {
	w.u32(uint32(len(kv) / 2))
	for _, s := range kv {
		w.str(s)
	}
}
func (w *packWriter) addresses(as ...Address) {
	w.u32(uint32(len(as)))
	for _, a := range as {
		w.str(a.Name)
		w.str(a.Mailbox)
		w.str(a.Host)
		w.str(a.Route)
		w.str(a.Addr())
	}
}

func (w *packWriter) envelope(e *Envelope) {
	w.noDate()
	w.str(e.DateRaw)
	w.str(e.Subject)
	for _, l := range [][]Address{e.From, e.Sender, e.ReplyTo, e.To, e.Cc, e.Bcc} {
		w.addresses(l...)
	}
	w.str(e.InReplyTo)
	w.str(e.MessageID)
}

// part writes a part with the fields the test parts set.
func (w *packWriter) part(p *BodyPart) {
	w.str(p.Type)
	w.str(p.Subtype)
	var kv []string
	for _, p := range p.Params {
		kv = append(kv, p.Name, p.Value)
	}
	w.params(kv...)
	w.absent() // id
	w.absent() // description
	w.str(p.Encoding)
	w.u64(p.Size)
	w.u64(p.Lines)
	w.absent() // disposition
	w.params() // disposition parameters
	w.absent() // md5
	w.absent() // location
	w.absent() // languages
	w.str(p.Number)
	if p.Children == nil {
		w.absent()
	} else {
		w.u32(uint32(len(p.Children)))
		for _, c := range p.Children {
			w.part(c)
		}
	}
	if p.Envelope != nil {
		w.u8(1)
		w.envelope(p.Envelope)
		w.part(p.Body)
	} else {
		w.u8(0)
	}
}

func (w *packWriter) message(m *Message) {
	w.u8(packVersion)
	w.u32(m.SeqNum)
	w.u32(m.UID)
	w.u64(uint64(m.Size))
	w.noDate()
	w.u64(m.ModSeq)
	w.u64(m.GmMsgID)
	w.u64(m.GmThrID)
	w.u32(uint32(m.ParseErrors))
	w.u32(uint32(len(m.Flags)))
	for _, f := range m.Flags {
		w.str(f)
	}
	w.absent() // labels
	w.absent() // preview
	w.absent() // email id
	w.absent() // thread id
	w.u32(0)   // sections
	parts := make([]string, 0, len(m.BinarySizes))
	for p := range m.BinarySizes {
		parts = append(parts, p)
	}
	sort.Strings(parts)
	w.u32(uint32(len(parts)))
	for _, p := range parts {
		w.str(p)
		w.u64(m.BinarySizes[p])
	}
	w.u8(1)
	w.envelope(m.Envelope)
	w.u8(1)
	w.part(m.BodyStructure)
}

func addr(name, mailbox, host string) Address {
	return Address{Name: name, Mailbox: mailbox, Host: host}
}

// packTestMessage has every address list filled (one list longer than the
// rest) and a multipart body with a nested message, whose envelope and
// parts are read by the same code as the top level's.
func packTestMessage() *Message {
	inner := &Envelope{
		Subject: "inner",
		From:    []Address{addr("In", "in", "example.org")},
		To:      []Address{addr("", "x", "example.org"), addr("", "y", "example.org")},
	}
	text := func(sub, num string) *BodyPart {
		return &BodyPart{Type: "text", Subtype: sub, Params: Params{{"charset", "utf-8"}}, Encoding: "7bit", Size: 10, Lines: 1, Number: num}
	}
	return &Message{
		SeqNum: 3, UID: 7, Size: 1234,
		Flags:       []string{`\Seen`, "$Label"},
		BinarySizes: map[string]uint64{"2": 1 << 33, "3.1": 0},
		Envelope: &Envelope{
			DateRaw:   "Mon, 01 Jan 2024 08:13:00 +0000",
			Subject:   "Grüße",
			From:      []Address{addr("Kate", "kate", "corp.example")},
			Sender:    []Address{addr("Kate", "kate", "corp.example")},
			ReplyTo:   []Address{addr("List", "list", "corp.example")},
			To:        []Address{addr("A", "a", "x.example"), addr("B", "b", "x.example"), addr("C", "c", "x.example")},
			Cc:        []Address{addr("D", "d", "x.example")},
			Bcc:       []Address{addr("E", "e", "x.example"), addr("F", "f", "x.example")},
			InReplyTo: "<1@x>",
			MessageID: "<2@x>",
		},
		BodyStructure: &BodyPart{
			Type: "multipart", Subtype: "mixed", Params: Params{{"boundary", "b1"}},
			Children: []*BodyPart{
				text("plain", "1"),
				text("html", "2"),
				{
					Type: "message", Subtype: "rfc822", Encoding: "7bit", Size: 99, Lines: 4, Number: "3",
					Envelope: inner,
					Body: &BodyPart{Type: "multipart", Subtype: "alternative",
						Children: []*BodyPart{text("plain", "3.1"), text("html", "3.2")}},
				},
			},
		},
	}
}

func TestPackDecode(t *testing.T) {
	want := packTestMessage()
	var w packWriter
	w.message(want)
	// Alone (FetchStream) and from shared slabs (Fetch): there, several
	// messages decoded one after the other must not share a value either.
	for _, sl := range []*slabs{nil, {}} {
		var all []*Message
		for range 3 {
			got := new(Message)
			if r := decodePack(got, string(w.b), sl); r != packDecoded || got.ParseErrors != 0 {
				t.Fatalf("decodePack = %d, ParseErrors %d", r, got.ParseErrors)
			}
			// The writer leaves out what the test message does not set;
			// so does the comparison.
			got.Sections = nil
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("slabs %v: decoded\n%+v\nwant\n%+v", sl != nil, got, want)
			}
			all = append(all, got)
		}
		got := all[1]

		// The six lists share one allocation: each must stay its own.
		e := got.Envelope
		for _, l := range [][]Address{e.From, e.Sender, e.ReplyTo, e.To, e.Cc, e.Bcc} {
			if cap(l) != len(l) {
				t.Errorf("list %+v has room beyond its end (cap %d)", l, cap(l))
			}
		}
		before := e.Sender[0]
		e.From = append(e.From, addr("New", "new", "example.org"))
		e.Bcc = append(e.Bcc, addr("New", "new", "example.org"))
		if e.Sender[0] != before {
			t.Errorf("appending to From overwrote Sender: %+v", e.Sender[0])
		}
		// So do the children of a part.
		kids := got.BodyStructure.Children
		kids[0].Subtype = "changed"
		if kids[1].Subtype != "html" || kids[2].Body.Children[0].Subtype != "plain" {
			t.Errorf("children share their fields: %+v", kids)
		}
		got.Flags = append(got.Flags, "$New")
		got.BodyStructure.Params = append(got.BodyStructure.Params, Param{"x", "y"})
		got.BodyStructure.Children = append(got.BodyStructure.Children, &BodyPart{Type: "text", Subtype: "x"})
		got.Envelope.Subject = "changed"
		// And the messages decoded before and after are untouched.
		for _, other := range []*Message{all[0], all[2]} {
			other.Sections = nil
			if !reflect.DeepEqual(other, want) {
				t.Errorf("slabs %v: a change to one message changed another:\n%+v", sl != nil, other)
			}
		}
	}
}

// Reused slabs (ReuseMessage) decode each message into the same memory:
// a small message after the large test message has nothing of it left
// (children, parameters, addresses, the nested envelope), and the large
// one decodes right again after it.
func TestPackDecodeReused(t *testing.T) {
	big := packTestMessage()
	small := &Message{
		SeqNum: 4, UID: 8, Flags: []string{`\Seen`},
		Envelope:      &Envelope{Subject: "small", From: []Address{addr("", "s", "example.org")}},
		BodyStructure: &BodyPart{Type: "text", Subtype: "plain", Size: 3, Number: "1"},
	}
	var wb, ws packWriter
	wb.message(big)
	ws.message(small)
	sl := &slabs{reuse: true}
	m := new(Message)
	var envelopes []*Envelope
	for i, want := range []*Message{big, small, big, small} {
		*m = Message{}
		sl.reset()
		pack := wb.b
		if want == small {
			pack = ws.b
		}
		if r := decodePack(m, string(pack), sl); r != packDecoded || m.ParseErrors != 0 {
			t.Fatalf("decode %d: %d, ParseErrors %d", i, r, m.ParseErrors)
		}
		m.Sections = nil
		if !reflect.DeepEqual(m, want) {
			t.Fatalf("decode %d:\n%s\nwant\n%s", i, describe(m), describe(want))
		}
		envelopes = append(envelopes, m.Envelope)
	}
	// The same memory each time, once the arrays have grown.
	if envelopes[2] != envelopes[3] {
		t.Errorf("envelopes not reused: %p, %p", envelopes[2], envelopes[3])
	}
}

func BenchmarkDecodePack(b *testing.B) {
	var w packWriter
	w.message(packTestMessage())
	pack := string(w.b)
	for _, reuse := range []bool{false, true} {
		b.Run(fmt.Sprintf("reuse=%v", reuse), func(b *testing.B) {
			sl := &slabs{reuse: true}
			m := new(Message)
			b.ReportAllocs()
			for range b.N {
				if reuse {
					*m = Message{}
					sl.reset()
					decodePack(m, pack, sl)
				} else {
					decodePack(new(Message), pack, nil)
				}
			}
		})
	}
}

// Every truncation of a pack decodes without a panic, with a parse error.
func TestPackTruncated(t *testing.T) {
	var w packWriter
	w.message(packTestMessage())
	sl := new(slabs)
	for n := 1; n < len(w.b); n++ {
		var m Message
		if decodePack(&m, string(w.b[:n]), sl) != packDecoded || m.ParseErrors == 0 {
			t.Fatalf("pack cut at %d of %d bytes: no parse error", n, len(w.b))
		}
	}
}

// Corrupt packs (every u32 replaced by counts small and large, every
// byte flipped) decode without a panic; a count larger than the rest of
// the pack is flagged.
func TestPackCorrupt(t *testing.T) {
	var w packWriter
	w.message(packTestMessage())
	b := w.b
	sl := new(slabs)
	for i := 1; i+4 <= len(b); i++ {
		for _, v := range []uint32{0, 1, 2, 5, 1000, packAbsent - 1, packAbsent} {
			c := append([]byte(nil), b...)
			binary.LittleEndian.PutUint32(c[i:], v)
			var m Message
			decodePack(&m, string(c), sl)
		}
		c := append([]byte(nil), b...)
		c[i] ^= 0xff
		var m Message
		decodePack(&m, string(c), sl)
	}
	// The To list's count (3, the only list of three) raised past the end.
	var head packWriter
	head.addresses(packTestMessage().Envelope.To...)
	at := indexOf(b, head.b)
	if at < 0 {
		t.Fatal("To list not found in the pack")
	}
	c := append([]byte(nil), b...)
	binary.LittleEndian.PutUint32(c[at:], 1000)
	var m Message
	if decodePack(&m, string(c), sl); m.ParseErrors == 0 {
		t.Errorf("To count raised to 1000: no parse error")
	}
}

func indexOf(b, sub []byte) int {
	for i := 0; i+len(sub) <= len(b); i++ {
		if string(b[i:i+len(sub)]) == string(sub) {
			return i
		}
	}
	return -1
}

// Parameters keep the server's order and repeats; names arrive in lower
// case and are looked up ignoring case.
func TestParams(t *testing.T) {
	m := &Message{UID: 1, Envelope: &Envelope{Subject: "p"}, BodyStructure: &BodyPart{
		Type: "application", Subtype: "pdf", Encoding: "base64", Size: 10, Number: "1",
		Params: Params{{"NAME", "first.pdf"}, {"X-Extra", "1"}, {"name", "second.pdf"}},
	}}
	var w packWriter
	w.message(m)
	var got Message
	if r := decodePack(&got, string(w.b), nil); r != packDecoded || got.ParseErrors != 0 {
		t.Fatalf("decodePack = %d, ParseErrors %d", r, got.ParseErrors)
	}
	p := got.BodyStructure
	want := Params{{"name", "first.pdf"}, {"x-extra", "1"}, {"name", "second.pdf"}}
	if !reflect.DeepEqual(p.Params, want) {
		t.Fatalf("Params = %+v, want %+v", p.Params, want)
	}
	if v := p.Params.Get("Name"); v != "first.pdf" {
		t.Errorf(`Get("Name") = %q, want the first one`, v)
	}
	if v, ok := p.Params.Lookup("X-EXTRA"); !ok || v != "1" {
		t.Errorf(`Lookup("X-EXTRA") = %q, %v`, v, ok)
	}
	if v, ok := p.Params.Lookup("charset"); ok || v != "" {
		t.Errorf(`Lookup("charset") = %q, %v; want absent`, v, ok)
	}
	if p.DispositionParams != nil {
		t.Errorf("DispositionParams = %+v, want nil", p.DispositionParams)
	}
	if f := p.Filename(); f != "first.pdf" {
		t.Errorf("Filename() = %q (no disposition: the Content-Type name)", f)
	}
	p.DispositionParams = Params{{"filename", "disp.pdf"}}
	if f := p.Filename(); f != "disp.pdf" {
		t.Errorf("Filename() = %q, want the disposition's", f)
	}
	var none Params
	if none.Get("x") != "" {
		t.Error("Get on nil Params")
	}
}

// Parameter names come out in lower case without an allocation when they
// are common ones, whatever case the server used.
func TestLowerName(t *testing.T) {
	for in, want := range map[string]string{
		"CHARSET": "charset", "Charset": "charset", "charset": "charset",
		"FILENAME": "filename", "X-Unix-Mode": "x-unix-mode", "": "", "NAMEX": "namex",
	} {
		if got := lowerName(in); got != want {
			t.Errorf("lowerName(%q) = %q, want %q", in, got, want)
		}
	}
	in := strings.Clone("CHARSET")
	if n := testing.AllocsPerRun(100, func() { _ = lowerName(in) }); n != 0 {
		t.Errorf("lowerName(CHARSET) allocates %.0f times", n)
	}
}
