package imapclient

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDialModes(t *testing.T) {
	e := serverEnv(t)
	ctx := testCtx(t)
	for _, tc := range []struct {
		name string
		mode TLSMode
		tls  bool
	}{{"implicit", TLSImplicit, true}, {"starttls", TLSStartTLS, true}, {"none", TLSNone, false}} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Dial(ctx, e.addr(tc.mode), e.options(tc.mode))
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			defer c.Close()
			if got := c.IsTLS(); got != tc.tls {
				t.Errorf("IsTLS = %v, want %v", got, tc.tls)
			}
			// The fixture's login_greeting, without its response code.
			if g, err := c.Greeting(); g != "libimapclient fixture ready." || err != nil {
				t.Errorf("Greeting = %q, %v", g, err)
			}
			if err := c.Login(ctx, e.user, e.pass); err != nil {
				t.Fatalf("Login: %v", err)
			}
			caps, err := c.Capabilities()
			if err != nil || !slices.ContainsFunc(caps, func(s string) bool { return strings.EqualFold(s, "IMAP4rev1") }) {
				t.Errorf("Capabilities = %v, %v", caps, err)
			}
			if !c.HasCapability("idle") {
				t.Error("HasCapability(idle) = false")
			}
			if err := c.Noop(ctx); err != nil {
				t.Errorf("Noop: %v", err)
			}
			if err := c.Logout(ctx); err != nil {
				t.Errorf("Logout: %v", err)
			}
			if err := c.Noop(ctx); !errors.Is(err, ErrClosed) {
				t.Errorf("Noop after Logout = %v, want ErrClosed", err)
			}
			c.Close()
			c.Close() // idempotent
			if err := c.Noop(ctx); !errors.Is(err, ErrClosed) {
				t.Errorf("Noop after Close = %v, want ErrClosed", err)
			}
		})
	}
}

func TestTLSVerification(t *testing.T) {
	e := serverEnv(t)
	ctx := testCtx(t)
	addr := e.addr(TLSImplicit)
	ca, err := os.ReadFile(e.caFile)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		opts     Options
		wantCode Code // 0: success
	}{
		{"system roots", Options{}, CodeTLSUnknownIssuer},
		{"untrusted CA", Options{TLSConfig: &TLSConfig{CAFile: e.cert("untrusted-ca.pem")}}, CodeTLSUnknownIssuer},
		{"CA file", Options{TLSConfig: &TLSConfig{CAFile: e.caFile}}, 0},
		{"CA PEM", Options{TLSConfig: &TLSConfig{CAPEM: ca}}, 0},
		{"CA plus system roots", Options{TLSConfig: &TLSConfig{CAPEM: ca, UseSystemRoots: true}}, 0},
		{"wrong name", Options{ServerName: "wrong.example", TLSConfig: &TLSConfig{CAFile: e.caFile}}, CodeTLSNameMismatch},
		{"wrong name, host check off", Options{ServerName: "wrong.example", TLSConfig: &TLSConfig{CAFile: e.caFile, DangerousSkipHostnameVerification: true}}, 0},
		{"host check off still checks chain", Options{TLSConfig: &TLSConfig{DangerousSkipHostnameVerification: true}}, CodeTLSUnknownIssuer},
		{"verification off", Options{TLSConfig: &TLSConfig{DangerousSkipVerification: true}}, 0},
		{"TLS 1.3 minimum", Options{TLSConfig: &TLSConfig{CAFile: e.caFile, MinVersion: tls.VersionTLS13}}, 0},
		{"bad CA file", Options{TLSConfig: &TLSConfig{CAFile: e.cert("does-not-exist.pem")}}, CodeTLSConfig},
		{"bad CA PEM", Options{TLSConfig: &TLSConfig{CAPEM: []byte("not a certificate")}}, CodeTLSConfig},
		{"bad client key", Options{TLSConfig: &TLSConfig{CAFile: e.caFile, ClientCertPEM: ca, ClientKeyPEM: []byte("junk")}}, CodeTLSConfig},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Dial(ctx, addr, &tc.opts)
			if tc.wantCode == 0 {
				if err != nil {
					t.Fatalf("Dial: %v", err)
				}
				defer c.Close()
				if !c.IsTLS() {
					t.Error("IsTLS = false")
				}
				return
			}
			if err == nil {
				c.Close()
				t.Fatalf("Dial succeeded, want %v", tc.wantCode)
			}
			if !errors.Is(err, ErrTLS) {
				t.Errorf("errors.Is(%v, ErrTLS) = false", err)
			}
			var ie *Error
			if !errors.As(err, &ie) || ie.Code != tc.wantCode {
				t.Errorf("code of %v: want %v", err, tc.wantCode)
			}
		})
	}
	t.Run("starttls untrusted", func(t *testing.T) {
		_, err := Dial(ctx, e.addr(TLSStartTLS), &Options{TLS: TLSStartTLS})
		if !errors.Is(err, ErrTLS) {
			t.Errorf("err = %v, want ErrTLS", err)
		}
	})
}

func TestLoginAndAuthenticate(t *testing.T) {
	e := serverEnv(t)
	ctx := testCtx(t)
	dial := func() *Client { return dialOnly(t) }
	err := dial().Login(ctx, e.user, "wrong")
	var ie *Error
	if !errors.Is(err, ErrAuth) || !errors.As(err, &ie) || ie.Code != CodeAuthFailed {
		t.Errorf("bad password: %v, want ErrAuth", err)
	}
	if err := dial().Authenticate(ctx, PlainAuth{Username: e.user, Password: e.pass}); err != nil {
		t.Errorf("AUTHENTICATE PLAIN: %v", err)
	}
	if err := dial().Authenticate(ctx, PlainAuth{Username: e.user, Password: "nope"}); !errors.Is(err, ErrAuth) {
		t.Errorf("AUTHENTICATE PLAIN, bad password: %v, want ErrAuth", err)
	}
	// The fixture offers no OAuth mechanism: they fail
	// before anything is sent.
	for _, m := range []SASL{XOAuth2{Username: e.user, Token: "t"}, OAuthBearer{Username: e.user, Token: "t"}} {
		err := dial().Authenticate(ctx, m)
		if !errors.Is(err, ErrCapability) {
			t.Errorf("%s: %v", m.Mechanism(), err)
		}
	}
	if err := dial().Login(ctx, "a\x00b", "x"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("NUL in user: %v", err)
	}
	// The Unicode user of the fixture.
	if err := dial().Login(ctx, "ünï", "pässwörd"); err != nil {
		t.Errorf("Unicode login: %v", err)
	}
}

func TestFolders(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	folders, err := c.ListFolders(ctx, "", "*")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]Folder{}
	for _, f := range folders {
		names[f.Name] = f
	}
	for _, want := range []string{"INBOX", "Entwürfe", "Entwürfe/日本語", "Archive/2024", "Sent"} {
		if _, ok := names[want]; !ok {
			t.Errorf("folder %q missing from %v", want, folders)
		}
	}
	if f := names["Entwürfe/日本語"]; f.Delimiter != '/' || !strings.Contains(string(f.RawName), "&") {
		t.Errorf("Entwürfe/日本語: delimiter %q, raw %q", f.Delimiter, f.RawName)
	}
	st, err := c.Status(ctx, "Entwürfe/日本語")
	if err != nil {
		t.Fatal(err)
	}
	if st.Messages != 2 || !st.Has(StatusMessages) || !st.Has(StatusUIDNext) {
		t.Errorf("Status = %+v", st)
	}
	ms, err := c.Select(ctx, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if ms.Exists != 14 || ms.ReadOnly || ms.UIDValidity == 0 || ms.UIDNext < 15 || !slices.Contains(ms.Flags, FlagSeen) {
		t.Errorf("Select INBOX = %+v", ms)
	}
	if err := c.Unselect(ctx); err != nil {
		t.Errorf("Unselect: %v", err)
	}
	ms, err = c.Examine(ctx, "Archive/2024")
	if err != nil || !ms.ReadOnly || ms.Exists != 2 {
		t.Errorf("Examine = %+v, %v", ms, err)
	}
	if err := c.AddFlags(ctx, IDs(1), FlagSeen); !errors.Is(err, ErrIllegalState) && !errors.Is(err, ErrNo) {
		t.Errorf("store on EXAMINE: %v", err)
	}
	_, err = c.Select(ctx, "No such folder")
	var ie *Error
	if !errors.Is(err, ErrNo) || !errors.As(err, &ie) || ie.Message == "" {
		t.Errorf("Select missing folder: %v", err)
	}
	if ok, err := c.FolderExists(ctx, "Entwürfe"); !ok || err != nil {
		t.Errorf("FolderExists(Entwürfe) = %v, %v", ok, err)
	}
	if sent, err := c.SpecialFolder(ctx, `\Sent`); err != nil || sent != "Sent" {
		t.Errorf("SpecialFolder(Sent) = %q, %v", sent, err)
	}

	// Create, rename and delete non-ASCII names.
	base := tempFolder(t, c, "ü")
	sub := base + "/Überraschung 日本"
	if err := c.CreateFolder(ctx, sub); err != nil {
		t.Fatal(err)
	}
	renamed := base + "/Ärger"
	if err := c.RenameFolder(ctx, sub, renamed); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListFolders(ctx, "", base+"/*")
	if err != nil || len(list) != 1 || list[0].Name != renamed {
		t.Errorf("after rename: %+v, %v", list, err)
	}
	if err := c.DeleteFolder(ctx, renamed); err != nil {
		t.Error(err)
	}

	// FolderEncode off: names pass through as modified UTF-7.
	if err := c.SetFolderEncode(false); err != nil || c.FolderEncode() {
		t.Fatalf("SetFolderEncode(false): %v", err)
	}
	st, err = c.Status(ctx, "Entw&APw-rfe")
	if err != nil || st.Messages != 1 {
		t.Errorf("Status raw name: %+v, %v", st, err)
	}
	c.SetFolderEncode(true)
}

// FolderExists finds a folder whose name has the LIST wildcards % or *
// (it refused such names with ErrInvalidArgument), exactly: the pattern
// the name makes matching other folders does not count.
func TestFolderExistsWithWildcards(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	parent := tempFolder(t, c, "wild")
	for _, name := range []string{parent + "/50% off*", parent + "/50X offY"} {
		if err := c.CreateFolder(ctx, name); err != nil {
			t.Fatalf("CreateFolder %q: %v", name, err)
		}
		t.Cleanup(func() { c.DeleteFolder(ctx, name) }) // before the parent's
	}
	for name, want := range map[string]bool{
		parent + "/50% off*": true,
		parent + "/50% off":  false,
		parent + "/%":        false,
		parent + "/*":        false,
		parent + "/50X offY": true,
		parent + "/50% offY": false,
	} {
		if ok, err := c.FolderExists(ctx, name); ok != want || err != nil {
			t.Errorf("FolderExists(%q) = %v, %v; want %v", name, ok, err, want)
		}
	}
}

func TestSearch(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	if _, err := c.Examine(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		crit *SearchCriteria
		want []uint32
	}{
		{"all", nil, []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}},
		{"flagged", &SearchCriteria{Flags: []string{FlagFlagged}}, []uint32{4, 7}},
		{"flagged and seen", &SearchCriteria{Flags: []string{FlagFlagged, FlagSeen}}, []uint32{4}},
		{"flagged, not seen", &SearchCriteria{Flags: []string{FlagFlagged}, NotFlags: []string{FlagSeen}}, []uint32{7}},
		{"umlaut subject", &SearchCriteria{Subject: []string{"Grüße"}}, []uint32{2}},
		{"japanese subject", &SearchCriteria{Subject: []string{"日本語"}}, []uint32{12}},
		{"latin-1 subject", &SearchCriteria{Subject: []string{"Café"}}, []uint32{3}},
		{"keyword", &SearchCriteria{Flags: []string{"$Forwarded"}}, []uint32{6}},
		{"or", &SearchCriteria{Or: [][2]SearchCriteria{{{Subject: []string{"Grüße"}}, {Subject: []string{"日本語"}}}}}, []uint32{2, 12}},
		{"not", &SearchCriteria{UIDs: ptr(Range(1, 5)), Not: []SearchCriteria{{Flags: []string{FlagSeen}}}}, []uint32{3}},
		{"larger", &SearchCriteria{Larger: 50_000}, []uint32{9}},
		{"quoted", &SearchCriteria{Subject: []string{`"no \ such`}}, []uint32{}},
		{"raw", &SearchCriteria{Raw: "UID 2:3"}, []uint32{2, 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Search(ctx, tc.crit)
			if err != nil {
				t.Fatalf("Search(%s): %v", tc.crit, err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Search(%s) = %v, want %v", tc.crit, got, tc.want)
			}
		})
	}
	if _, err := c.Search(ctx, &SearchCriteria{Subject: []string{"a\r\nb"}}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("CRLF in criteria: %v", err)
	}
	// Gmail keys on Dovecot: refused before sending (Dovecot would answer
	// BAD), nested too, for Sort and Thread as well.
	gm := &SearchCriteria{Flags: []string{FlagSeen}, Not: []SearchCriteria{{GmailRaw: "in:spam"}}}
	if _, err := c.Search(ctx, gm); !errors.Is(err, ErrCapability) {
		t.Errorf("Gmail search on Dovecot: %v", err)
	}
	if _, err := c.Sort(ctx, "ARRIVAL", gm); !errors.Is(err, ErrCapability) {
		t.Errorf("Gmail sort on Dovecot: %v", err)
	}
	if _, err := c.Thread(ctx, "REFERENCES", &SearchCriteria{GmailThrID: 5}); !errors.Is(err, ErrCapability) {
		t.Errorf("Gmail thread on Dovecot: %v", err)
	}
	// Sequence numbers instead of UIDs (equal in the fixture).
	if err := c.SetUseUID(false); err != nil || c.UseUID() {
		t.Fatal(err)
	}
	got, err := c.Search(ctx, &SearchCriteria{Flags: []string{FlagFlagged}})
	if err != nil || !slices.Equal(got, []uint32{4, 7}) {
		t.Errorf("seq search = %v, %v", got, err)
	}
	c.SetUseUID(true)
	sorted, err := c.Sort(ctx, "REVERSE ARRIVAL", &SearchCriteria{Flags: []string{FlagFlagged}})
	if err == nil && !slices.Equal(sorted, []uint32{7, 4}) {
		t.Errorf("Sort = %v", sorted)
	} else if err != nil && !errors.Is(err, ErrCapability) {
		t.Errorf("Sort: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// A response over a limit that the library could skip fails its call with
// a non-fatal CodeLimitExceeded; the same client goes on.
func TestLimitExceededSkipped(t *testing.T) {
	e := serverEnv(t)
	ctx := testCtx(t)
	opts := e.options(TLSStartTLS)
	opts.MaxLiteral = 1024 // the seeded INBOX holds messages of up to 100 kB
	c, err := Dial(ctx, e.addr(TLSStartTLS), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, e.user, e.pass); err != nil {
		t.Fatal(err)
	}
	st, err := c.Examine(ctx, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Fetch(ctx, All, "BODY.PEEK[]")
	var ie *Error
	if !errors.As(err, &ie) || ie.Code != CodeLimitExceeded || ie.Fatal || !errors.Is(err, ErrProtocol) {
		t.Fatalf("Fetch = %v (%+v), want a non-fatal CodeLimitExceeded", err, ie)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatalf("Noop after a skipped response: %v", err)
	}
	msgs, err := c.Fetch(ctx, All, "UID RFC822.SIZE")
	if err != nil || uint32(len(msgs)) != st.Exists {
		t.Fatalf("Fetch after a skipped response: %d of %d messages, %v", len(msgs), st.Exists, err)
	}
}

// Folder names with control characters are refused before anything is
// sent; the session goes on.
func TestFolderNameControlCharacters(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	for _, name := range []string{"x\r\nA1 DELETE INBOX", "tab\there", "nul\x00byte"} {
		err := c.CreateFolder(ctx, name)
		var ie *Error
		if !errors.Is(err, ErrInvalidArgument) || !errors.As(err, &ie) || ie.Fatal {
			t.Errorf("CreateFolder(%q) = %v, want a non-fatal ErrInvalidArgument", name, err)
		}
		if _, err := c.Select(ctx, name); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Select(%q) = %v, want ErrInvalidArgument", name, err)
		}
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.FolderExists(ctx, "INBOX"); err != nil || !ok {
		t.Errorf("INBOX exists: %v, %v", ok, err)
	}
}

func TestFetch(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	if _, err := c.Examine(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(ctx, All, "UID FLAGS ENVELOPE RFC822.SIZE INTERNALDATE BODYSTRUCTURE")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 14 {
		t.Fatalf("%d messages", len(msgs))
	}
	// Sized from EXAMINE's count (fetchSizeHint): no room to spare.
	if cap(msgs) != 14 {
		t.Errorf("result has room for %d", cap(msgs))
	}
	byUID := map[uint32]*Message{}
	for i := range msgs {
		m := &msgs[i]
		byUID[m.UID] = m
		if m.Envelope == nil || m.BodyStructure == nil || m.Size == 0 || m.InternalDate.IsZero() || m.Flags == nil {
			t.Errorf("UID %d incomplete: %+v", m.UID, m)
		}
	}
	if s := byUID[2].Envelope.Subject; s != "Grüße aus München ☕" {
		t.Errorf("subject 2 = %q", s)
	}
	if s := byUID[3].Envelope.Subject; s != "Café crème" {
		t.Errorf("subject 3 = %q", s)
	}
	if s := byUID[12].Envelope.Subject; s != "日本語の件名" {
		t.Errorf("subject 12 = %q", s)
	}
	if !byUID[4].HasFlag(FlagFlagged) || byUID[3].HasFlag(FlagSeen) || !byUID[6].HasFlag("$forwarded") {
		t.Errorf("flags: 4 %v, 3 %v, 6 %v", byUID[4].Flags, byUID[3].Flags, byUID[6].Flags)
	}
	if from := byUID[1].Envelope.From; len(from) != 1 || from[0].Addr() == "" || byUID[1].Envelope.Date.IsZero() {
		t.Errorf("envelope 1: %+v", byUID[1].Envelope)
	}
	if env := byUID[7].Envelope; len(env.Cc) == 0 || len(env.ReplyTo) == 0 || len(env.To) < 2 {
		t.Errorf("envelope 7: %+v", env)
	}
	// Body structures: alternative, attachment, nested message.
	if bs := byUID[4].BodyStructure; bs.MediaType() != "multipart/alternative" || len(bs.Children) != 2 || bs.Children[1].Subtype != "html" {
		t.Errorf("structure 4: %+v", bs)
	}
	var pdf *BodyPart
	byUID[5].BodyStructure.Walk(func(p *BodyPart) bool {
		if p.Subtype == "pdf" {
			pdf = p
		}
		return true
	})
	if pdf == nil || pdf.Filename() != "report-q1.pdf" || pdf.Disposition != "attachment" || pdf.Number == "" {
		t.Errorf("PDF part: %+v", pdf)
	}
	var nested bool
	byUID[6].BodyStructure.Walk(func(p *BodyPart) bool {
		nested = nested || (p.MediaType() == "message/rfc822" && p.Envelope != nil && p.Body != nil)
		return true
	})
	if !nested {
		t.Error("UID 6: no message/rfc822 part with envelope")
	}

	// Sections as []byte, by ids.
	msgs, err = c.Fetch(ctx, IDs(2, 9, 12), "BODY.PEEK[] BODY.PEEK[HEADER] BODY.PEEK[1]<0.10>")
	if err != nil || len(msgs) != 3 {
		t.Fatalf("Fetch sections: %d, %v", len(msgs), err)
	}
	for _, m := range msgs {
		full, hdr := m.Section("BODY.PEEK[]"), m.Section("BODY[HEADER]")
		if len(full) == 0 || !bytes.HasPrefix(full, hdr) || !bytes.HasSuffix(hdr, []byte("\r\n\r\n")) {
			t.Errorf("UID %d: full %d bytes, header %d", m.UID, len(full), len(hdr))
		}
		if p := m.Section("BODY.PEEK[1]<0.10>"); len(p) == 0 || len(p) > 10 {
			t.Errorf("UID %d: partial %q", m.UID, p)
		}
		if p := m.Section("BODY[1]"); p != nil {
			t.Errorf("UID %d: a range found as the whole part: %q", m.UID, p)
		}
		if m.UID == 9 && len(full) < 90_000 {
			t.Errorf("UID 9 is %d bytes", len(full))
		}
	}
	// Two ranges of one section and the whole of it: three sections,
	// each found by its name as requested (before, the second range
	// replaced the first under "BODY[]").
	msgs, err = c.Fetch(ctx, IDs(9), "BODY.PEEK[]<0.10> BODY.PEEK[]<10.10> BODY.PEEK[]")
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Fetch ranges: %d, %v", len(msgs), err)
	}
	full := msgs[0].Section("BODY[]")
	if len(full) < 20 ||
		!bytes.Equal(msgs[0].Section("BODY.PEEK[]<0.10>"), full[:10]) ||
		!bytes.Equal(msgs[0].Section("BODY.PEEK[]<10.10>"), full[10:20]) {
		t.Errorf("ranges: %+v", msgs[0].Sections)
	}
	var names []string
	for _, s := range msgs[0].Sections {
		names = append(names, s.Name)
	}
	if strings.Join(names, " ") != "BODY[]<0> BODY[]<10> BODY[]" {
		t.Errorf("section names %q", names)
	}
	if got, err := c.Fetch(ctx, IDs(), "FLAGS"); err != nil || len(got) != 0 {
		t.Errorf("empty set: %v, %v", got, err)
	}
	if _, err := c.Fetch(ctx, Set("1:x"), "FLAGS"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad set: %v", err)
	}
}

// Filename decodes the names of real attachments as Dovecot's
// BODYSTRUCTURE gives them: RFC 2231 (Dovecot sends "filename*" with the
// continuations joined) and RFC 2047 encoded words in plain parameters.
func TestFilenamesFromTheServer(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	folder := tempFolder(t, c, "filenames")
	msg := "From: a@example.org\r\nSubject: attachments\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n" +
		"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n" +
		"--XX\r\nContent-Type: application/pdf; name*=UTF-8''R%C3%A9sum%C3%A9.pdf\r\n" +
		"Content-Disposition: attachment; filename*=UTF-8''R%C3%A9sum%C3%A9.pdf\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8=\r\n" +
		"--XX\r\nContent-Type: application/octet-stream; name=\"=?UTF-8?B?w6TDtsO8LmJpbg==?=\"\r\n\r\nxx\r\n" +
		"--XX\r\nContent-Type: text/plain\r\n" +
		"Content-Disposition: attachment; filename*0*=UTF-8''Lang%C3%A9; filename*1=\"name.txt\"\r\n\r\nxx\r\n" +
		"--XX\r\nContent-Type: text/plain; name=\"type-name.txt\"\r\n" +
		"Content-Disposition: attachment; filename=\"=?ISO-8859-1?Q?caf=E9.txt?=\"\r\n\r\nxx\r\n" +
		"--XX--\r\n"
	if _, err := c.Append(ctx, folder, []byte(msg), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Examine(ctx, folder); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(ctx, All, "BODYSTRUCTURE")
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Fetch: %d, %v", len(msgs), err)
	}
	var got []string
	msgs[0].BodyStructure.Walk(func(p *BodyPart) bool {
		if p.Number != "" && p.Number != "1" && len(p.Children) == 0 {
			got = append(got, p.Filename())
			t.Logf("part %s: params %v, disposition %v: %q", p.Number, p.Params, p.DispositionParams, p.Filename())
		}
		return true
	})
	want := []string{"Résumé.pdf", "äöü.bin", "Langéname.txt", "café.txt"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Filename of the attachments = %q, want %q", got, want)
	}
}

func TestFetchStream(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	if _, err := c.Examine(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	buffered, err := c.Fetch(ctx, All, "BODY.PEEK[]")
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint32][]byte{}
	for _, m := range buffered {
		want[m.UID] = m.Section("BODY[]")
	}
	// Fetch copies a batch's sections into one allocation, each capped:
	// appending to one cannot write over the next.
	for i := range buffered {
		if d := buffered[i].Section("BODY[]"); len(d) == 0 || cap(d) != len(d) {
			t.Fatalf("UID %d: BODY[] of %d bytes, room for %d", buffered[i].UID, len(d), cap(d))
		}
	}
	first := buffered[0].Section("BODY[]")
	second := bytes.Clone(buffered[1].Section("BODY[]"))
	_ = append(first, "overwrite?"...)
	if !bytes.Equal(buffered[1].Section("BODY[]"), second) {
		t.Fatal("appending to one message's section changed the next")
	}

	t.Run("writer", func(t *testing.T) {
		got := map[uint32]*bytes.Buffer{}
		seqToBuf := map[uint32]*bytes.Buffer{}
		var msgs int
		n, err := c.FetchStream(ctx, All, "UID BODY.PEEK[] FLAGS", &StreamOptions{
			OnSection: func(s SectionInfo) (io.Writer, error) {
				if s.Name != "BODY[]" || s.Size <= 0 {
					t.Errorf("section %+v", s)
				}
				b := &bytes.Buffer{}
				seqToBuf[s.SeqNum] = b
				return b, nil
			},
			OnMessage: func(m *Message) error {
				msgs++
				got[m.UID] = seqToBuf[m.SeqNum]
				if m.Flags == nil {
					t.Errorf("UID %d: no flags", m.UID)
				}
				return nil
			},
		})
		if err != nil || n != 14 || msgs != 14 {
			t.Fatalf("FetchStream = %d, %v (%d messages)", n, err, msgs)
		}
		for uid, w := range want {
			if got[uid] == nil || !bytes.Equal(got[uid].Bytes(), w) {
				t.Errorf("UID %d differs", uid)
			}
		}
	})

	t.Run("reader", func(t *testing.T) {
		var mu sync.Mutex
		sizes := map[uint32]int{}
		_, err := c.FetchStream(ctx, IDs(1, 9, 12), "BODY.PEEK[]", &StreamOptions{
			OnSectionReader: func(s SectionInfo, r io.Reader) error {
				// Read in small pieces: the bytes flow through a pipe.
				n, err := io.CopyBuffer(io.Discard, r, make([]byte, 512))
				mu.Lock()
				sizes[s.SeqNum] = int(n)
				mu.Unlock()
				return err
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, uid := range []uint32{1, 9, 12} {
			if sizes[uid] != len(want[uid]) {
				t.Errorf("UID %d: read %d, want %d", uid, sizes[uid], len(want[uid]))
			}
		}
	})

	t.Run("reader with threshold", func(t *testing.T) {
		// Sections up to the threshold reach the reader from their
		// message, larger ones in chunks: all arrive, in order.
		var got []uint32
		sizes := map[uint32]int{}
		_, err := c.FetchStream(ctx, All, "BODY.PEEK[]", &StreamOptions{
			Threshold: 50_000,
			OnSectionReader: func(s SectionInfo, r io.Reader) error {
				n, err := io.Copy(io.Discard, r)
				got = append(got, s.SeqNum)
				sizes[s.SeqNum] = int(n)
				if s.Name != "BODY[]" || s.Size != n {
					t.Errorf("section %+v, read %d", s, n)
				}
				return err
			},
		})
		if err != nil || len(got) != len(want) {
			t.Fatalf("err %v, sections %v", err, got)
		}
		for i, seq := range got {
			if i > 0 && seq <= got[i-1] {
				t.Errorf("out of order: %v", got)
			}
			if sizes[seq] != len(want[seq]) {
				t.Errorf("seq %d: read %d, want %d", seq, sizes[seq], len(want[seq]))
			}
		}
	})

	t.Run("reader stops early", func(t *testing.T) {
		var calls int
		_, err := c.FetchStream(ctx, IDs(9, 10), "BODY.PEEK[]", &StreamOptions{
			OnSectionReader: func(s SectionInfo, r io.Reader) error {
				calls++
				_, err := io.ReadFull(r, make([]byte, 10))
				return err
			},
		})
		if err != nil || calls != 2 {
			t.Errorf("err %v, calls %d", err, calls)
		}
	})

	t.Run("threshold", func(t *testing.T) {
		var streamed, small int
		_, err := c.FetchStream(ctx, All, "BODY.PEEK[]", &StreamOptions{
			Threshold: 50_000,
			OnSection: func(s SectionInfo) (io.Writer, error) { streamed++; return nil, nil },
			OnMessage: func(m *Message) error {
				if d := m.Section("BODY[]"); len(d) > 0 {
					small++
				}
				return nil
			},
		})
		// Every section reaches OnSection; only the small ones are also
		// kept in the message.
		if err != nil || streamed != 14 || small != 13 {
			t.Errorf("err %v, streamed %d, buffered %d", err, streamed, small)
		}
	})

	t.Run("drop section data", func(t *testing.T) {
		var bytesSeen, kept int
		_, err := c.FetchStream(ctx, All, "BODY.PEEK[]", &StreamOptions{
			Threshold:       50_000,
			DropSectionData: true,
			OnSection: func(s SectionInfo) (io.Writer, error) {
				return writerFunc(func(p []byte) { bytesSeen += len(p) }), nil
			},
			OnMessage: func(m *Message) error {
				if s := m.Section("BODY[]"); s == nil || len(s) > 0 {
					kept++
				}
				return nil
			},
		})
		total := 0
		for _, w := range want {
			total += len(w)
		}
		// The bytes reach the writer only; the section is listed, empty.
		if err != nil || kept != 0 || bytesSeen != total {
			t.Errorf("err %v, kept %d, bytes %d of %d", err, kept, bytesSeen, total)
		}
	})

	t.Run("reuse message", func(t *testing.T) {
		// One Message lent for every message, overwritten each time: the
		// values read during each call are each message's own.
		collect := func(reuse bool) (ptrs map[*Message]bool, uids []uint32, data map[uint32][]byte, flags int) {
			ptrs, data = map[*Message]bool{}, map[uint32][]byte{}
			_, err := c.FetchStream(ctx, All, "UID FLAGS BODY.PEEK[]", &StreamOptions{
				Threshold:    50_000,
				ReuseMessage: reuse,
				OnSection:    func(SectionInfo) (io.Writer, error) { return nil, nil },
				OnMessage: func(m *Message) error {
					ptrs[m] = true
					uids = append(uids, m.UID)
					if m.Flags != nil {
						flags++
					}
					if d := m.Section("BODY[]"); len(d) > 0 {
						data[m.UID] = bytes.Clone(d)
					}
					if len(m.Sections) != 1 || m.Envelope != nil {
						t.Errorf("UID %d: sections %d, envelope %v (left from another message?)", m.UID, len(m.Sections), m.Envelope)
					}
					return nil
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		ptrs, uids, data, flags := collect(true)
		kept, keptUIDs, keptData, keptFlags := collect(false)
		if len(ptrs) != 1 || len(kept) != len(want) {
			t.Errorf("%d messages lent, %d kept; want 1 and %d", len(ptrs), len(kept), len(want))
		}
		if !slices.Equal(uids, keptUIDs) || len(uids) != len(want) || flags != len(want) || keptFlags != flags {
			t.Errorf("UIDs %v / %v, flags %d / %d", uids, keptUIDs, flags, keptFlags)
		}
		if len(data) != 13 || len(keptData) != 13 {
			t.Errorf("small sections: %d lent, %d kept; want 13", len(data), len(keptData))
		}
		for uid, d := range data {
			if !bytes.Equal(d, want[uid]) || !bytes.Equal(keptData[uid], want[uid]) {
				t.Errorf("UID %d: data differs", uid)
			}
		}
	})

	t.Run("batched delivery keeps order and values", func(t *testing.T) {
		// The library hands messages and pieces over in batches; each
		// must still reach Go once, in order: a section's bytes (whole
		// or in pieces) before its message, every byte as buffered.
		const threshold = 600 // about half the messages come in pieces
		type event struct {
			seq  uint32
			name string
		}
		var events []event
		var cur *bytes.Buffer
		sections := map[uint32][]byte{}
		pieces := 0
		n, err := c.FetchStream(ctx, All, "UID BODY.PEEK[]", &StreamOptions{
			Threshold:       threshold,
			DropSectionData: true,
			OnSection: func(s SectionInfo) (io.Writer, error) {
				events = append(events, event{s.SeqNum, "section"})
				if _, dup := sections[s.SeqNum]; dup {
					t.Errorf("seq %d: a second section", s.SeqNum)
				}
				cur = &bytes.Buffer{}
				seq, want := s.SeqNum, s.Size
				return writerFunc(func(p []byte) {
					if int64(len(p)) < want {
						pieces++
					}
					cur.Write(p)
					sections[seq] = cur.Bytes()
				}), nil
			},
			OnMessage: func(m *Message) error {
				events = append(events, event{m.SeqNum, "message"})
				if m.UID == 0 || len(m.Sections) != 1 || len(m.Sections[0].Data) != 0 {
					t.Errorf("message %+v", m)
				}
				if !bytes.Equal(sections[m.SeqNum], want[m.UID]) {
					t.Errorf("seq %d (UID %d): %d bytes, want %d", m.SeqNum, m.UID, len(sections[m.SeqNum]), len(want[m.UID]))
				}
				return nil
			},
		})
		if err != nil || n != len(want) {
			t.Fatalf("FetchStream = %d, %v", n, err)
		}
		var wantEvents []event
		for seq := uint32(1); seq <= uint32(len(want)); seq++ {
			wantEvents = append(wantEvents, event{seq, "section"}, event{seq, "message"})
		}
		if !slices.Equal(events, wantEvents) {
			t.Errorf("events %v\nwant   %v", events, wantEvents)
		}
		if pieces == 0 {
			t.Errorf("no section came in pieces")
		}
	})

	t.Run("stop in the middle of a batch", func(t *testing.T) {
		// FLAGS of 14 messages come in one or two batches: a stop at the
		// 3rd message drops the rest, and nothing is called after it.
		stop := errors.New("enough")
		var seqs []uint32
		_, err := c.FetchStream(ctx, All, "FLAGS BODY.PEEK[HEADER]", &StreamOptions{
			Threshold: 1 << 20,
			OnSection: func(s SectionInfo) (io.Writer, error) {
				if len(seqs) >= 3 {
					t.Errorf("section of seq %d after the stop", s.SeqNum)
				}
				return nil, nil
			},
			OnMessage: func(m *Message) error {
				seqs = append(seqs, m.SeqNum)
				if len(seqs) == 3 {
					return stop
				}
				return nil
			},
		})
		if err != stop || !slices.Equal(seqs, []uint32{1, 2, 3}) {
			t.Errorf("err %v, messages %v", err, seqs)
		}
		if err := c.Noop(ctx); err != nil {
			t.Errorf("Noop after the stop: %v", err)
		}
	})

	t.Run("callback error", func(t *testing.T) {
		stop := errors.New("enough")
		var seen int
		_, err := c.FetchStream(ctx, All, "FLAGS", &StreamOptions{OnMessage: func(m *Message) error {
			seen++
			if seen == 3 {
				return stop
			}
			return nil
		}})
		if err != stop || seen != 3 {
			t.Errorf("err %v, seen %d", err, seen)
		}
		// The connection is still usable after an abort.
		if err := c.Noop(ctx); err != nil {
			t.Errorf("Noop after abort: %v", err)
		}
	})

	t.Run("panic propagates", func(t *testing.T) {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v", r)
			}
		}()
		c.FetchStream(ctx, IDs(1), "FLAGS", &StreamOptions{OnMessage: func(*Message) error { panic("boom") }})
	})
	if err := c.Noop(ctx); err != nil {
		t.Errorf("Noop after panic: %v", err)
	}
}

type writerFunc func(p []byte)

func (f writerFunc) Write(p []byte) (int, error) { f(p); return len(p), nil }

// With ReuseMessage a lent Message and everything it points to is
// overwritten by the next message: each message must still read exactly
// as Fetch returns it, nothing left over from a larger message before it
// (children, parameters, addresses), in both ways FetchStream decodes
// (ahead, on a goroutine of its own, with two processors; in place with
// one). The folder holds INBOX's varied messages (alternative,
// attachments, a nested message, RFC 2047 subjects) eleven times over,
// more than two of the library's batches, so that the ahead decoder
// reuses its messages too. Strings kept from the lent messages stay valid.
func TestFetchStreamReuseMessageValues(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	folder := tempFolder(t, c, "reuse")
	if _, err := c.Examine(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 11; i++ {
		if _, err := c.Copy(ctx, All, folder); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Examine(ctx, folder); err != nil {
		t.Fatal(err)
	}
	// Without sections (Threshold 0, the default, streams any), and
	// with a header section small enough to come whole, in the message.
	for _, run := range []struct {
		items     string
		threshold int64
	}{
		{"UID FLAGS ENVELOPE BODYSTRUCTURE INTERNALDATE RFC822.SIZE", 0},
		{"UID FLAGS ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]", 1 << 20},
	} {
		want, err := c.Fetch(ctx, All, run.items)
		if err != nil || len(want) != 154 {
			t.Fatalf("Fetch: %d messages, %v", len(want), err)
		}
		for _, procs := range []int{2, 1} {
			t.Run(fmt.Sprintf("threshold=%d/GOMAXPROCS=%d", run.threshold, procs), func(t *testing.T) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				var subjects []string
				envelopes := map[*Envelope]bool{}
				i := 0
				n, err := c.FetchStream(ctx, All, run.items, &StreamOptions{
					Threshold:    run.threshold,
					ReuseMessage: true,
					OnMessage: func(m *Message) error {
						if i < len(want) && !reflect.DeepEqual(*m, want[i]) {
							t.Errorf("message %d (UID %d) differs from Fetch's:\n got %s\nwant %s",
								i+1, m.UID, describe(m), describe(&want[i]))
						}
						subjects = append(subjects, m.Envelope.Subject)
						envelopes[m.Envelope] = true
						i++
						return nil
					},
				})
				if err != nil || n != len(want) || i != len(want) {
					t.Fatalf("FetchStream = %d, %v; OnMessage saw %d", n, err, i)
				}
				for j, s := range subjects {
					if s != want[j].Envelope.Subject {
						t.Errorf("kept subject %d = %q, want %q", j+1, s, want[j].Envelope.Subject)
					}
				}
				// The envelopes were lent memory, not one allocation each.
				if len(envelopes) >= len(want)/2 {
					t.Errorf("%d envelopes for %d messages: not reused", len(envelopes), len(want))
				}
			})
		}
	}
}

// describe renders a message with its envelope and body structure (which
// %+v would print as pointers).
func describe(m *Message) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%+v", *m)
	if m.Envelope != nil {
		fmt.Fprintf(&b, " envelope %+v", *m.Envelope)
	}
	m.BodyStructure.Walk(func(p *BodyPart) bool {
		fmt.Fprintf(&b, " part %+v", *p)
		return true
	})
	return b.String()
}

func TestStoreAppendCopyMoveExpunge(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	src := tempFolder(t, c, "src")
	dst := tempFolder(t, c, "dst")
	date := time.Date(2024, 2, 29, 13, 14, 15, 0, time.FixedZone("", 90*60))
	var uids []uint32
	for i, subj := range []string{"eins", "zwei ü", "drei 三", "vier"} {
		opts := &AppendOptions{Flags: []string{FlagDraft}}
		if i == 0 {
			opts = &AppendOptions{Flags: []string{FlagSeen, "$Go"}, Date: date}
		}
		uid, err := c.Append(ctx, src, testMessage(subj, "Hallo "+subj), opts)
		if err != nil {
			t.Fatalf("Append: %v", err)
		}
		uids = append(uids, uid)
	}
	if uids[0] == 0 || uids[3] != uids[0]+3 {
		t.Fatalf("APPENDUID: %v", uids)
	}
	// A flag with a space would be two flags on the wire: refused, and
	// nothing is stored.
	for _, bad := range []string{"$A $B", "", "x\r\n"} {
		_, err := c.Append(ctx, src, testMessage("bad", "bad"), &AppendOptions{Flags: []string{FlagSeen, bad}})
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Append with flag %q: %v, want ErrInvalidArgument", bad, err)
		}
	}
	// A date INTERNALDATE cannot carry: refused before anything is sent.
	// Before, it went out as written, Dovecot refused the line before the
	// literal and read the message (sent at once with LITERAL+) as
	// commands: this one's body deleted the folder dst.
	hostile := []byte("Subject: hostile\r\n\r\nX1 DELETE " + dst + "\r\n")
	for _, d := range []time.Time{
		time.Date(10000, 6, 1, 12, 0, 0, 0, time.UTC),
		time.Date(-5, 6, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2024, 6, 1, 12, 0, 0, 0, time.FixedZone("", 30*3600)),
	} {
		_, err := c.Append(ctx, src, hostile, &AppendOptions{Date: d})
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Append dated %v: %v, want ErrInvalidArgument", d, err)
		}
		_, _, err = c.MultiAppend(ctx, src, []AppendMessage{{Data: hostile}, {Data: hostile, Date: d}})
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("MultiAppend dated %v: %v, want ErrInvalidArgument", d, err)
		}
	}
	if ok, err := c.FolderExists(ctx, dst); err != nil || !ok {
		t.Errorf("folder %s after hostile appends: %v, %v", dst, ok, err)
	}
	if st, err := c.Status(ctx, src); err != nil || st.Messages != 4 {
		t.Errorf("after refused appends: %+v, %v; want 4 messages", st, err)
	}
	if _, err := c.Select(ctx, src); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(ctx, IDs(uids[0]), "FLAGS INTERNALDATE ENVELOPE")
	if err != nil || len(msgs) != 1 {
		t.Fatal(err)
	}
	m := msgs[0]
	if !m.HasFlag(FlagSeen) || !m.HasFlag("$Go") || !m.InternalDate.Equal(date) {
		t.Errorf("appended: flags %v, date %v", m.Flags, m.InternalDate)
	}

	flagsOf := func(id uint32) []string {
		t.Helper()
		ms, err := c.Fetch(ctx, IDs(id), "FLAGS")
		if err != nil || len(ms) != 1 {
			t.Fatalf("Fetch flags: %v", err)
		}
		return ms[0].Flags
	}
	if err := c.AddFlags(ctx, IDs(uids[1], uids[2]), FlagFlagged, "$Label"); err != nil {
		t.Fatal(err)
	}
	if f := flagsOf(uids[1]); !slices.Contains(f, FlagFlagged) || !slices.Contains(f, "$Label") {
		t.Errorf("after AddFlags: %v", f)
	}
	if err := c.RemoveFlags(ctx, Set(IDs(uids[1]).String()), "$Label"); err != nil {
		t.Fatal(err)
	}
	if f := flagsOf(uids[1]); slices.Contains(f, "$Label") {
		t.Errorf("after RemoveFlags: %v", f)
	}
	if err := c.SetFlags(ctx, IDs(uids[2]), FlagAnswered); err != nil {
		t.Fatal(err)
	}
	if f := slices.DeleteFunc(flagsOf(uids[2]), func(s string) bool { return s == FlagRecent }); !slices.Equal(f, []string{FlagAnswered}) {
		t.Errorf("after SetFlags: %v", f)
	}
	if err := c.AddFlags(ctx, IDs(1), "bad flag"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad flag: %v", err)
	}

	// Copy one, move one.
	cr, err := c.Copy(ctx, IDs(uids[0]), dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(cr.SourceUIDs) != 1 || cr.SourceUIDs[0] != uids[0] || cr.DestUIDs[0] == 0 || cr.UIDValidity == 0 {
		t.Errorf("COPYUID %+v", cr)
	}
	mr, err := c.Move(ctx, IDs(uids[3]), dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(mr.DestUIDs) != 1 {
		t.Errorf("move COPYUID %+v", mr)
	}
	if _, err := c.Copy(ctx, All, "gotest-no-such-folder"); !errors.Is(err, ErrNo) {
		t.Errorf("copy to missing folder: %v", err)
	} else {
		var ie *Error
		errors.As(err, &ie)
		if ie.ResponseCode != "TRYCREATE" {
			t.Logf("response code %q (TRYCREATE expected by RFC 3501)", ie.ResponseCode)
		}
	}
	if st, err := c.Status(ctx, dst); err != nil || st.Messages != 2 {
		t.Errorf("dst status %+v, %v", st, err)
	}

	// Expunge: \Deleted on the second message.
	if err := c.AddFlags(ctx, IDs(uids[1]), FlagDeleted); err != nil {
		t.Fatal(err)
	}
	exp, err := c.Expunge(ctx)
	if err != nil || len(exp) != 1 || exp[0] != 2 {
		t.Errorf("Expunge = %v, %v", exp, err)
	}
	// UID EXPUNGE touches only the given UIDs.
	if err := c.AddFlags(ctx, All, FlagDeleted); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UIDExpunge(ctx, IDs(uids[2])); err != nil {
		t.Fatal(err)
	}
	left, err := c.Search(ctx, nil)
	if err != nil || !slices.Equal(left, []uint32{uids[0]}) {
		t.Errorf("left %v, %v", left, err)
	}
	if err := c.CloseFolder(ctx); err != nil {
		t.Error(err)
	}
	if st, err := c.Status(ctx, src); err != nil || st.Messages != 0 {
		t.Errorf("src status after CLOSE %+v, %v", st, err)
	}
}

func TestIdle(t *testing.T) {
	a := dialLogin(t)
	b := dialLogin(t)
	ctx := testCtx(t)
	folder := tempFolder(t, a, "idle")
	if _, err := a.Select(ctx, folder); err != nil {
		t.Fatal(err)
	}
	idle, err := a.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Noop(ctx); !errors.Is(err, ErrIllegalState) {
		t.Errorf("Noop during IDLE: %v", err)
	}
	start := time.Now()
	if _, err := b.Append(ctx, folder, testMessage("idle 1", "x"), nil); err != nil {
		t.Fatal(err)
	}
	var gotExists bool
	timeout := time.After(10 * time.Second)
	for !gotExists {
		select {
		case ev, ok := <-idle.Events():
			if !ok {
				t.Fatalf("events closed: %v", idle.Stop())
			}
			if ev.Kind == EventExists && ev.Number == 1 {
				gotExists = true
			}
		case <-timeout:
			t.Fatal("no EXISTS within 10 s")
		}
	}
	t.Logf("EXISTS after %v", time.Since(start))
	// An event nobody reads is not lost: it is either still in the
	// channel, kept for Events after Stop, or reported again by NOOP.
	if _, err := b.Append(ctx, folder, testMessage("idle 2", "y"), nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	stopStart := time.Now()
	if err := idle.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if d := time.Since(stopStart); d > 2*time.Second {
		t.Errorf("Stop took %v", d)
	}
	if err := idle.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	var rest []Event
	for ev := range idle.Events() {
		rest = append(rest, ev)
	}
	if err := a.Noop(ctx); err != nil {
		t.Errorf("Noop after IDLE: %v", err)
	}
	evs, err := a.Events()
	if err != nil {
		t.Fatal(err)
	}
	rest = append(rest, evs...)
	if !slices.ContainsFunc(rest, func(e Event) bool { return e.Kind == EventExists && e.Number == 2 }) {
		t.Errorf("EXISTS 2 lost: %+v", rest)
	}
	if err := a.Noop(ctx); err != nil {
		t.Errorf("Noop after IDLE: %v", err)
	}

	// A context ends IDLE politely too.
	ictx, cancel := context.WithCancel(ctx)
	idle, err = a.Idle(ictx)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-idle.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("IDLE did not end with its context")
	}
	if err := idle.Stop(); err != nil {
		t.Errorf("Stop after cancel: %v", err)
	}
	if err := a.Noop(ctx); err != nil {
		t.Errorf("Noop after canceled IDLE: %v", err)
	}

	// Close interrupts a running IDLE.
	idle, err = a.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	<-idle.Done()
}

func TestEventsAfterNoop(t *testing.T) {
	a := dialLogin(t)
	b := dialLogin(t)
	ctx := testCtx(t)
	folder := tempFolder(t, a, "events")
	if _, err := a.Select(ctx, folder); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Append(ctx, folder, testMessage("ev", "x"), nil); err != nil {
		t.Fatal(err)
	}
	if err := a.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	evs, err := a.Events()
	if err != nil || !slices.ContainsFunc(evs, func(e Event) bool { return e.Kind == EventExists && e.Number == 1 }) {
		t.Errorf("events %+v, %v", evs, err)
	}
}

func TestConcurrentClients(t *testing.T) {
	e := serverEnv(t)
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := Dial(ctx, e.addr(TLSImplicit), e.options(TLSImplicit))
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			if err := c.Login(ctx, e.user, e.pass); err != nil {
				errs <- err
				return
			}
			if _, err := c.Examine(ctx, "INBOX"); err != nil {
				errs <- err
				return
			}
			for j := 0; j < 5; j++ {
				ms, err := c.Fetch(ctx, All, "FLAGS ENVELOPE BODY.PEEK[HEADER]")
				if err != nil || len(ms) != 14 {
					errs <- err
					return
				}
			}
			c.Logout(ctx)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// One client shared by goroutines: calls are serialized, not corrupted.
func TestSharedClientIsSafe(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	if _, err := c.Examine(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				ms, err := c.Fetch(ctx, IDs(2), "ENVELOPE")
				if err != nil || len(ms) != 1 || ms[0].Envelope.Subject != "Grüße aus München ☕" {
					t.Errorf("shared fetch: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestFetchManyInOrder fetches more messages than one decoding batch of
// Fetch (fetchPipe) holds: every message once, in server order, with its
// own envelope and body bytes.
func TestFetchManyInOrder(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	folder := tempFolder(t, c, "many")
	const n = 3*pipeBatch + 17
	for i := 0; i < n; i++ {
		body := fmt.Sprintf("body %d %s", i, strings.Repeat("x", i%50))
		if _, err := c.Append(ctx, folder, testMessage(fmt.Sprintf("many %03d", i), body), nil); err != nil {
			t.Fatalf("Append %d: %v", i, err)
		}
	}
	if _, err := c.Select(ctx, folder); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(ctx, Set("1:*"), "ENVELOPE BODY.PEEK[TEXT]")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != n {
		t.Fatalf("%d messages, want %d", len(msgs), n)
	}
	for i, m := range msgs {
		if m.SeqNum != uint32(i+1) || (i > 0 && m.UID <= msgs[i-1].UID) {
			t.Fatalf("message %d: seq %d uid %d after uid %d", i, m.SeqNum, m.UID, msgs[max(i-1, 0)].UID)
		}
		if m.Envelope == nil || m.Envelope.Subject != fmt.Sprintf("many %03d", i) {
			t.Fatalf("message %d: envelope %+v", i, m.Envelope)
		}
		want := fmt.Sprintf("body %d %s\r\n", i, strings.Repeat("x", i%50))
		if len(m.Sections) != 1 || string(m.Sections[0].Data) != want {
			t.Fatalf("message %d: sections %+v, want %q", i, m.Sections, want)
		}
	}
}

func TestCompress(t *testing.T) {
	e := serverEnv(t)
	ctx := testCtx(t)

	// Refused before login, nothing sent.
	pre, err := Dial(ctx, e.addr(TLSStartTLS), e.options(TLSStartTLS))
	if err != nil {
		t.Fatal(err)
	}
	if err := pre.Compress(ctx); !errors.Is(err, ErrIllegalState) {
		t.Errorf("Compress before login = %v, want ErrIllegalState", err)
	}
	pre.Close()

	plain := dialLogin(t)
	if _, err := plain.Examine(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	const items = "FLAGS ENVELOPE RFC822.SIZE BODYSTRUCTURE BODY.PEEK[]"
	want, err := plain.Fetch(ctx, All, items)
	if err != nil || len(want) != 14 {
		t.Fatalf("Fetch = %d messages, %v", len(want), err)
	}

	c := dialLogin(t)
	if c.IsCompressed() {
		t.Error("compressed before Compress")
	}
	if _, ok := c.CompressionStats(); ok {
		t.Error("stats before Compress")
	}
	if !c.HasCapability("COMPRESS=DEFLATE") {
		t.Fatal("the test server offers COMPRESS=DEFLATE")
	}
	if err := c.Compress(ctx); err != nil {
		t.Fatal(err)
	}
	if !c.IsCompressed() || !c.IsTLS() {
		t.Errorf("IsCompressed %v IsTLS %v", c.IsCompressed(), c.IsTLS())
	}
	if err := c.Compress(ctx); !errors.Is(err, ErrIllegalState) {
		t.Errorf("second Compress = %v, want ErrIllegalState", err)
	}
	if _, err := c.Examine(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	got, err := c.Fetch(ctx, All, items)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("the messages differ from those fetched without COMPRESS")
	}
	var bodies uint64
	for _, m := range got {
		bodies += uint64(len(m.Section("BODY[]")))
	}
	var streamed uint64
	if _, err := c.FetchStream(ctx, All, "BODY.PEEK[]", &StreamOptions{
		OnSection: func(SectionInfo) (io.Writer, error) { return countWriter{&streamed}, nil },
	}); err != nil {
		t.Fatal(err)
	}
	if streamed != bodies {
		t.Errorf("streamed %d bytes, want %d", streamed, bodies)
	}
	s, ok := c.CompressionStats()
	if !ok || s.Received < 2*bodies || s.ReceivedWire*2 >= s.Received || s.Sent == 0 || s.SentWire == 0 {
		t.Errorf("stats %+v (ok %v) after %d body bytes twice", s, ok, bodies)
	}
	t.Logf("COMPRESS=DEFLATE: received %d bytes as %d", s.Received, s.ReceivedWire)
}

type countWriter struct{ n *uint64 }

func (w countWriter) Write(p []byte) (int, error) {
	*w.n += uint64(len(p))
	return len(p), nil
}

func TestListFoldersStatus(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	folders, err := c.ListFoldersStatus(ctx, "", "*")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Folder{}
	for _, f := range folders {
		byName[f.Name] = f
	}
	for name, messages := range map[string]uint32{"INBOX": 14, "Entwürfe/日本語": 2, "Archive/2024": 2} {
		f, ok := byName[name]
		if !ok || f.Status == nil {
			t.Fatalf("%s: %+v", name, f)
		}
		one, err := c.Status(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if *f.Status != *one || f.Status.Messages != messages || !f.Status.Has(StatusUIDValidity) || !f.Status.Has(StatusHighestModSeq) {
			t.Errorf("%s: listed %+v, STATUS %+v", name, f.Status, one)
		}
	}
	plain, err := c.ListFolders(ctx, "", "*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range plain {
		if f.Status != nil {
			t.Errorf("ListFolders gave %s a status", f.Name)
		}
	}
}
