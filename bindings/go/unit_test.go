package imapclient

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestErrorMatching(t *testing.T) {
	cases := []struct {
		code Code
		is   []error
		not  []error
	}{
		{CodeAuthFailed, []error{ErrAuth}, []error{ErrNo, ErrTLS}},
		{CodeTLSExpired, []error{ErrTLS}, []error{ErrTimeout}},
		{CodeStartTLSFailed, []error{ErrTLS}, nil},
		{CodeTLSConfig, []error{ErrTLS}, nil},
		{CodeTimeout, []error{ErrTimeout}, []error{ErrCanceled}},
		{CodeNo, []error{ErrNo}, []error{ErrBad}},
		{CodeBad, []error{ErrBad}, []error{ErrNo}},
		{CodeBye, []error{ErrBye}, nil},
		{CodeCapabilityMissing, []error{ErrCapability}, nil},
		{CodeConnectionClosed, []error{ErrClosed}, nil},
		{CodeInterrupted, []error{ErrCanceled}, []error{ErrClosed}},
		{CodeInvalidArgument, []error{ErrInvalidArgument}, nil},
	}
	for _, tc := range cases {
		err := fmt.Errorf("wrapped: %w", &Error{Code: tc.code, Op: "X", Message: "m"})
		for _, s := range tc.is {
			if !errors.Is(err, s) {
				t.Errorf("%v should match %v", tc.code, s)
			}
		}
		for _, s := range tc.not {
			if errors.Is(err, s) {
				t.Errorf("%v should not match %v", tc.code, s)
			}
		}
		var ie *Error
		if !errors.As(err, &ie) || ie.Code != tc.code {
			t.Errorf("errors.As %v", err)
		}
		if !errors.Is(err, &Error{Code: tc.code}) {
			t.Errorf("%v should match an *Error of the same code", tc.code)
		}
	}
	e := &Error{Code: CodeNo, Op: "Select", Message: "Mailbox doesn't exist"}
	if got := e.Error(); got != "imapclient: Select: IMAPC_ERR_NO: Mailbox doesn't exist" {
		t.Errorf("Error() = %q", got)
	}
	ce := ctxError("Fetch", context.DeadlineExceeded)
	if !errors.Is(ce, ErrTimeout) || !errors.Is(ce, context.DeadlineExceeded) {
		t.Errorf("ctxError deadline: %v", ce)
	}
	if CodeTLSNameMismatch.String() != "IMAPC_ERR_TLS_NAME_MISMATCH" {
		t.Errorf("name %q", CodeTLSNameMismatch.String())
	}
}

func TestMessageSet(t *testing.T) {
	for _, tc := range []struct {
		set  MessageSet
		want string
	}{
		{IDs(1, 2, 3, 5, 7, 8), "1:3,5,7:8"},
		{IDs(9), "9"},
		{IDs(), ""},
		{Set("1:*"), "1:*"},
		{Range(4, 0), "4:*"},
		{Range(4, 9), "4:9"},
		{IDs(3, 1), "3,1"},
	} {
		if got := tc.set.String(); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.set, got, tc.want)
		}
	}
	if !IDs().IsEmpty() || All.IsEmpty() {
		t.Error("IsEmpty")
	}
}

func TestSearchEncoding(t *testing.T) {
	day := time.Date(2024, 2, 1, 23, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		c    *SearchCriteria
		want string
	}{
		{nil, "ALL"},
		{&SearchCriteria{}, "ALL"},
		{&SearchCriteria{Flags: []string{FlagSeen, "$Work"}, NotFlags: []string{FlagDeleted, "$Junk"}}, "SEEN KEYWORD $Work UNDELETED UNKEYWORD $Junk"},
		{&SearchCriteria{Since: day, Before: day}, "SINCE 1-Feb-2024 BEFORE 1-Feb-2024"},
		{&SearchCriteria{Subject: []string{`a "b" \c`}}, `SUBJECT "a \"b\" \\c"`},
		{&SearchCriteria{Header: []HeaderMatch{{"X-Mailer", "Go"}}, Larger: 10}, `HEADER "X-Mailer" "Go" LARGER 10`},
		{&SearchCriteria{ModSeq: 7, Smaller: 9}, `SMALLER 9 MODSEQ 7`},
		{&SearchCriteria{UIDs: ptr(IDs(1, 2, 3)), Not: []SearchCriteria{{From: []string{"x"}}}}, `UID 1:3 NOT (FROM "x")`},
		{&SearchCriteria{Or: [][2]SearchCriteria{{{Text: []string{"ü"}}, {Body: []string{"b"}}}}}, `OR (TEXT "ü") (BODY "b")`},
		// An empty id list matches nothing; Not and Or fold around it.
		{&SearchCriteria{UIDs: ptr(IDs()), Flags: []string{FlagSeen}}, "NOT ALL"},
		{&SearchCriteria{SeqNums: ptr(IDs())}, "NOT ALL"},
		{&SearchCriteria{Flags: []string{FlagSeen}, Not: []SearchCriteria{{UIDs: ptr(IDs())}}}, "SEEN"},
		{&SearchCriteria{Not: []SearchCriteria{{UIDs: ptr(IDs())}}}, "ALL"},
		{&SearchCriteria{Or: [][2]SearchCriteria{{{UIDs: ptr(IDs())}, {Body: []string{"b"}}}}}, `(BODY "b")`},
		{&SearchCriteria{Or: [][2]SearchCriteria{{{Body: []string{"b"}}, {SeqNums: ptr(IDs())}}}}, `(BODY "b")`},
		{&SearchCriteria{Or: [][2]SearchCriteria{{{UIDs: ptr(IDs())}, {SeqNums: ptr(IDs())}}}}, "NOT ALL"},
		{&SearchCriteria{Not: []SearchCriteria{{Or: [][2]SearchCriteria{{{UIDs: ptr(IDs())}, {SeqNums: ptr(IDs())}}}}}}, "ALL"},
		{&SearchCriteria{GmailRaw: `has:attachment "q3"`, GmailThrID: 1278455344230334865, GmailMsgID: 42}, `X-GM-RAW "has:attachment \"q3\"" X-GM-MSGID 42 X-GM-THRID 1278455344230334865`},
	} {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	if _, _, err := (&SearchCriteria{Flags: []string{"bad flag"}}).encode(); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad keyword: %v", err)
	}
	for _, tc := range []struct {
		c    *SearchCriteria
		want bool
	}{
		{nil, false},
		{&SearchCriteria{Raw: "X-GM-RAW x"}, false},
		{&SearchCriteria{GmailMsgID: 1}, true},
		{&SearchCriteria{Not: []SearchCriteria{{GmailRaw: "x"}}}, true},
		{&SearchCriteria{Or: [][2]SearchCriteria{{{}, {GmailThrID: 2}}}}, true},
	} {
		if got := tc.c.usesGmail(); got != tc.want {
			t.Errorf("usesGmail(%s) = %v", tc.c, got)
		}
	}
}

func TestNormalizeSection(t *testing.T) {
	for in, want := range map[string]string{
		"BODY.PEEK[]":         "BODY[]",
		"body.peek[header]":   "BODY[HEADER]",
		"RFC822":              "BODY[]",
		"RFC822.HEADER":       "BODY[HEADER]",
		"BODY.PEEK[1]<0.100>": "BODY[1]<0>",
		"BODY.PEEK[]<100.50>": "BODY[]<100>",
		"body[]<7>":           "BODY[]<7>",
		"BODY[]<x>":           "BODY[]",
		"BODY[]<>":            "BODY[]",
		"BODY[]<12":           "BODY[]<12>",
		"BINARY.PEEK[2]":      "BINARY[2]",
		"BODY[1.2.MIME]":      "BODY[1.2.MIME]",
	} {
		if got := NormalizeSection(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

func TestVersion(t *testing.T) {
	if v := Version(); v == "" {
		t.Error("empty version")
	}
}

func TestDialArguments(t *testing.T) {
	ctx := context.Background()
	if _, err := Dial(ctx, "localhost:99999", nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad port: %v", err)
	}
	if _, err := Dial(ctx, "localhost:1", &Options{TLS: TLSMode(9)}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad mode: %v", err)
	}
	// Refused before connecting (nothing listens on port 1).
	if _, err := Dial(ctx, "localhost:1", &Options{TLS: TLSNone, MaxDepth: MaxDepthLimit + 1}); !errors.Is(err, ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "IMAPC_MAX_DEPTH_LIMIT") {
		t.Errorf("MaxDepth above MaxDepthLimit: %v", err)
	}
	if _, err := Dial(ctx, "localhost:1", &Options{TLSConfig: &TLSConfig{MinVersion: 0x0301}}); !errors.Is(err, ErrTLS) {
		t.Errorf("bad min version: %v", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Dial(canceled, "localhost:1", nil); !errors.Is(err, ErrCanceled) {
		t.Errorf("canceled: %v", err)
	}
}

// Several FETCH responses for one message fold into one, each item present
// in the later one replacing the earlier (the library's buffered merge).
func TestMessageMerge(t *testing.T) {
	date := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	m := Message{SeqNum: 3, UID: 30, Flags: []string{`\Seen`}, Size: 100, InternalDate: date,
		Sections: []Section{{Name: "BODY[HEADER]", Data: []byte("h")}}, ParseErrors: 1}
	m.merge(&Message{SeqNum: 3, Flags: []string{}, ModSeq: 7,
		Sections: []Section{{Name: "BODY[HEADER]", Data: []byte("h2")}, {Name: "BODY[1]", Data: []byte("b")}},
		Envelope: &Envelope{Subject: "s"}, ParseErrors: 1})
	if m.UID != 30 || m.Size != 100 || !m.InternalDate.Equal(date) {
		t.Errorf("absent items must not clear: %+v", m)
	}
	if m.Flags == nil || len(m.Flags) != 0 || m.ModSeq != 7 || m.Envelope == nil || m.Envelope.Subject != "s" {
		t.Errorf("present items must replace: %+v", m)
	}
	if len(m.Sections) != 2 || string(m.Section("BODY.PEEK[HEADER]")) != "h2" || string(m.Section("BODY[1]")) != "b" {
		t.Errorf("sections: %+v", m.Sections)
	}
	if m.ParseErrors != 2 {
		t.Errorf("parse errors add up: %d", m.ParseErrors)
	}
}

func TestMergedMessages(t *testing.T) {
	var ms mergedMessages
	for _, m := range []Message{
		{SeqNum: 2, UID: 20}, {SeqNum: 5, UID: 50}, {SeqNum: 2, ModSeq: 9}, {SeqNum: 1, UID: 10},
		{SeqNum: 1, Size: 3}, {SeqNum: 7, UID: 70},
	} {
		ms.add(&m)
	}
	got := ""
	for _, m := range ms.out {
		got += fmt.Sprintf("%d/%d/%d/%d ", m.SeqNum, m.UID, m.ModSeq, m.Size)
	}
	if want := "2/20/9/0 5/50/0/0 1/10/0/3 7/70/0/0 "; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// The size hint gives the result its room at once; a wrong hint changes
// nothing but the room.
func TestMergedMessagesHint(t *testing.T) {
	for _, hint := range []int{0, 1, 3, 4, 100} {
		ms := mergedMessages{hint: hint}
		var first *Message
		for i := uint32(1); i <= 4; i++ {
			ms.add(&Message{SeqNum: i, UID: 10 * i})
			if i == 1 {
				first = &ms.out[0]
			}
		}
		out := ms.result()
		if len(out) != 4 || out[0].UID != 10 || out[3].UID != 40 {
			t.Errorf("hint %d: %+v", hint, out)
		}
		if hint == 4 && (&ms.out[0] != first || cap(out) != 4) {
			t.Errorf("hint 4: the result moved or has room %d", cap(out))
		}
		if cap(out) > 8 {
			t.Errorf("hint %d: the result keeps room for %d", hint, cap(out))
		}
	}
}

// touchPages writes into the room of the result as it is made or grows;
// what is already there must come through intact: many pages' worth of
// messages, with and without a hint, every byte of a field checked.
func TestMergedMessagesTouchKeepsValues(t *testing.T) {
	const n = 3000 // about 150 pages of Message
	for _, hint := range []int{0, 1, 700, n, 2 * n} {
		ms := mergedMessages{hint: hint}
		for i := uint32(1); i <= n; i++ {
			ms.add(&Message{SeqNum: i, UID: i + 7, Size: ^int64(i), ModSeq: ^uint64(0), Preview: "p"})
		}
		out := ms.result()
		if len(out) != n {
			t.Fatalf("hint %d: %d messages", hint, len(out))
		}
		for i := range out {
			m := &out[i]
			s := uint32(i + 1)
			if m.SeqNum != s || m.UID != s+7 || m.Size != ^int64(s) || m.ModSeq != ^uint64(0) || m.Preview != "p" {
				t.Fatalf("hint %d: message %d is %+v", hint, i, *m)
			}
		}
	}
}

func TestCloseOnNilClient(t *testing.T) {
	var c *Client
	if err := c.Close(); err != nil {
		t.Fatalf("Close on nil: %v", err)
	}
	// The usual mistake it forgives: a deferred Close before the error
	// check of a Dial that failed.
	c, err := Dial(context.Background(), "127.0.0.1:1", &Options{TLS: TLSNone})
	defer c.Close()
	if err == nil || c != nil {
		t.Fatalf("Dial to a closed port: %v, %v", c, err)
	}
}

func TestAuthenticateNilMechanismPointer(t *testing.T) {
	// Not connected: the argument check comes first.
	var c Client
	for _, m := range []SASL{(*CustomSASL)(nil), (*PlainAuth)(nil), (*XOAuth2)(nil), (*OAuthBearer)(nil)} {
		if err := c.Authenticate(context.Background(), m); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%T(nil): %v, want ErrInvalidArgument", m, err)
		}
	}
}

// Filename decodes RFC 2231 parameters (joined by the server, as Dovecot
// sends them, or in continuations) and RFC 2047 encoded words, and
// prefers the disposition's filename to the type's name: it returned
// "" for the first and the encoded text for the second.
func TestFilenameDecoding(t *testing.T) {
	for _, tc := range []struct {
		disp, typ Params
		want      string
	}{
		{Params{{"filename*", "UTF-8''R%C3%A9sum%C3%A9.pdf"}}, nil, "Résumé.pdf"},
		{Params{{"filename*", "utf-8'en'a%20b.txt"}}, nil, "a b.txt"},
		{Params{{"filename*", "iso-8859-1''caf%E9.txt"}}, nil, "café.txt"},
		{Params{{"filename*", "us-ascii'en-us'plain.txt"}}, nil, "plain.txt"},
		{nil, Params{{"name*", "UTF-8''%E6%97%A5%E6%9C%AC.txt"}}, "日本.txt"},
		// Extended before plain.
		{Params{{"filename", "fallback.pdf"}, {"filename*", "UTF-8''R%C3%A9sum%C3%A9.pdf"}}, nil, "Résumé.pdf"},
		// Continuations, the first encoded, a later one plain.
		{Params{{"filename*1", "name.txt"}, {"filename*0*", "UTF-8''Lang%C3%A9"}}, nil, "Langéname.txt"},
		{Params{{"filename*0", "long-"}, {"filename*1", "name"}, {"filename*2", ".txt"}}, nil, "long-name.txt"},
		// RFC 2047 in a plain value.
		{nil, Params{{"name", "=?UTF-8?B?w6TDtsO8LmJpbg==?="}}, "äöü.bin"},
		{Params{{"filename", "=?ISO-8859-1?Q?caf=E9.txt?="}}, nil, "café.txt"},
		// The disposition's before the type's; plain names unchanged.
		{Params{{"filename", "a.txt"}}, Params{{"name", "b.txt"}}, "a.txt"},
		{nil, Params{{"name", "b.txt"}}, "b.txt"},
		{Params{{"filename", "100% =? done.txt"}}, nil, "100% =? done.txt"},
		// What cannot be decoded comes back as it came.
		{Params{{"filename*", "x-unknown''a%41"}}, nil, "x-unknown''a%41"},
		{Params{{"filename*", "x-unknown''a%41"}, {"filename", "plain.txt"}}, nil, "plain.txt"},
		{Params{{"filename*", "UTF-8''bad%ZZ"}}, nil, "UTF-8''bad%ZZ"},
		{Params{{"filename*", "UTF-8''%FF"}}, nil, "UTF-8''%FF"},
		{nil, Params{{"name", "=?x-unknown?Q?a?="}}, "=?x-unknown?Q?a?="},
		{nil, nil, ""},
	} {
		p := &BodyPart{DispositionParams: tc.disp, Params: tc.typ}
		if got := p.Filename(); got != tc.want {
			t.Errorf("Filename of %v / %v = %q, want %q", tc.disp, tc.typ, got, tc.want)
		}
	}
}
