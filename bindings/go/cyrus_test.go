package imapclient

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Interoperability: the binding against a real Cyrus IMAP 3.6, the private
// instance of scripts/cyrus-server.sh that `make test` starts beside the
// Dovecot of the other tests (tests/cyrus.rs is the map of what this Cyrus
// does). Skipped when CYRUS_PORT is not set. By hand:
// `scripts/cyrus-server.sh run -- go test -race -run Cyrus .`
//
// The instance keeps Debian's namespace: the user's folders are
// INBOX.<name> with "." between levels. The tests share the user's INBOX
// with the Rust and C suites and work in folders of their own.

// cyrusEnv is the Cyrus of the environment: the plaintext port (whose
// LOGIN Cyrus allows), the implicit-TLS port and its CA.
func cyrusEnv(t testing.TB) testEnv {
	t.Helper()
	port := os.Getenv("CYRUS_PORT")
	if port == "" {
		skipNoServer(t, "CYRUS_PORT not set: run through `make test` or `scripts/cyrus-server.sh run -- go test -run Cyrus .`")
	}
	or := func(k, d string) string {
		if v := os.Getenv(k); v != "" {
			return v
		}
		return d
	}
	return testEnv{
		host:    or("CYRUS_HOST", "127.0.0.1"),
		port:    port,
		tlsPort: os.Getenv("CYRUS_TLS_PORT"),
		user:    or("CYRUS_USER", "test"),
		pass:    or("CYRUS_PASSWORD", "pass"),
		caFile:  os.Getenv("CYRUS_CAFILE"),
		mode:    TLSNone,
		prefix:  "INBOX.",
	}
}

// cyrusMIME is the test message of tests/cyrus.rs: multipart/mixed with a
// quoted-printable UTF-8 text part and a base64 attachment, an RFC 2047
// subject and display name.
var cyrusMIME = []byte("Date: Tue, 14 May 2024 09:30:00 +0200\r\n" +
	"From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.org>\r\n" +
	"To: Anna <anna@example.com>, bob@example.net\r\n" +
	"Cc: \"Team, Ops\" <ops@example.com>\r\n" +
	"Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgWsO8cmljaCDimJU=?=\r\n" +
	"Message-ID: <mime-1@example.org>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"=-b0undary-=\"\r\n" +
	"\r\n" +
	"This is a multi-part message in MIME format.\r\n" +
	"--=-b0undary-=\r\n" +
	"Content-Type: text/plain; charset=utf-8; format=flowed\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"Gr=C3=BC=C3=9Fe aus Z=C3=BCrich, die Rechnung liegt bei.\r\n" +
	"\r\n" +
	"--=-b0undary-=\r\n" +
	"Content-Type: application/octet-stream; name=\"daten.bin\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"Content-Disposition: attachment; filename=\"daten.bin\"\r\n" +
	"\r\n" +
	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\r\n" +
	"--=-b0undary-=--\r\n")

// cyrusSimple is a small message with this subject and Message-ID, a reply
// to refs when not "".
func cyrusSimple(subject, id, refs string) []byte {
	m := "From: sender@example.org\r\nTo: test@example.org\r\nSubject: " + subject + "\r\n" +
		"Message-ID: <" + id + "@example.org>\r\n"
	if refs != "" {
		m += "References: <" + refs + "@example.org>\r\nIn-Reply-To: <" + refs + "@example.org>\r\n"
	}
	return []byte(m + "\r\nbody of " + subject + "\r\n")
}

func mustAppend(t *testing.T, c *Client, folder string, msg []byte, flags ...string) uint32 {
	t.Helper()
	uid, err := c.Append(testCtx(t), folder, msg, &AppendOptions{Flags: flags})
	if err != nil {
		t.Fatalf("Append to %s: %v", folder, err)
	}
	return uid
}

// cyrusSearchFolder holds the MIME message (UID 1, \Seen) and four simple
// ones: a thread of three (2; 3 replies to 2, \Flagged; 4 replies to 3,
// $Work) and a lone one (5).
func cyrusSearchFolder(t *testing.T, e testEnv, c *Client, tag string) string {
	t.Helper()
	f := e.tempFolder(t, c, tag)
	mustAppend(t, c, f, cyrusMIME, FlagSeen)
	mustAppend(t, c, f, cyrusSimple("Apples", "t1", ""))
	mustAppend(t, c, f, cyrusSimple("Re: Apples", "t2", "t1"), FlagFlagged)
	mustAppend(t, c, f, cyrusSimple("Re: Apples", "t3", "t2"), "$Work")
	mustAppend(t, c, f, cyrusSimple("Bananas", "t4", ""))
	return f
}

// asError is err as an *Error, or the test fails.
func asError(t *testing.T, what string, err error) *Error {
	t.Helper()
	var ie *Error
	if !errors.As(err, &ie) {
		t.Fatalf("%s: %v, want an *Error", what, err)
	}
	return ie
}

func TestCyrusTLSAndLogin(t *testing.T) {
	e := cyrusEnv(t)
	ctx := testCtx(t)
	if e.tlsPort == "" || e.caFile == "" {
		t.Fatal("CYRUS_TLS_PORT and CYRUS_CAFILE come with CYRUS_PORT")
	}
	// Implicit TLS and STARTTLS, verified against the test CA.
	for _, mode := range []TLSMode{TLSImplicit, TLSStartTLS} {
		c, err := Dial(ctx, e.addr(mode), e.options(mode))
		if err != nil {
			t.Fatalf("Dial (mode %d): %v", mode, err)
		}
		defer c.Close()
		if !c.IsTLS() || c.HasCapability("STARTTLS") {
			t.Errorf("mode %d: TLS %v, STARTTLS still offered %v", mode, c.IsTLS(), c.HasCapability("STARTTLS"))
		}
		if err := c.Login(ctx, e.user, e.pass); err != nil {
			t.Fatalf("Login over TLS: %v", err)
		}
		st, err := c.Examine(ctx, "INBOX")
		if err != nil || !st.ReadOnly {
			t.Fatalf("Examine INBOX: %+v, %v", st, err)
		}
		if err := c.Logout(ctx); err != nil {
			t.Errorf("Logout: %v", err)
		}
	}
	// The system roots do not know the test CA.
	_, err := Dial(ctx, e.addr(TLSImplicit), &Options{TLS: TLSImplicit})
	if ie := asError(t, "system roots", err); ie.Code != CodeTLSUnknownIssuer || !errors.Is(err, ErrTLS) {
		t.Errorf("system roots: %v", err)
	}

	// Plaintext: the greeting, STARTTLS offered; a wrong password is
	// refused without closing the session, then LOGIN and a NOOP.
	c, err := Dial(ctx, e.addr(TLSNone), &Options{TLS: TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if g, _ := c.Greeting(); !strings.Contains(g, "Cyrus IMAP") {
		t.Errorf("greeting %q", g)
	}
	for _, cap := range []string{"STARTTLS", "AUTH=PLAIN", "AUTH=SCRAM-SHA-256"} {
		if !c.HasCapability(cap) {
			t.Errorf("no %s before login", cap)
		}
	}
	err = c.Login(ctx, e.user, "wrong")
	if ie := asError(t, "wrong password", err); !errors.Is(err, ErrAuth) || ie.Fatal {
		t.Fatalf("wrong password: %v (fatal %v)", err, ie.Fatal)
	}
	if err := c.Login(ctx, e.user, e.pass); err != nil {
		t.Fatalf("Login: %v", err)
	}
	for _, cap := range []string{"UIDPLUS", "MOVE", "IDLE", "NAMESPACE", "MULTIAPPEND", "SORT", "THREAD=REFERENCES", "OBJECTID", "SPECIAL-USE"} {
		if !c.HasCapability(cap) {
			t.Errorf("no %s after login", cap)
		}
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}

	// AUTHENTICATE PLAIN.
	p, err := Dial(ctx, e.addr(TLSNone), &Options{TLS: TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Authenticate(ctx, PlainAuth{Username: e.user, Password: e.pass}); err != nil {
		t.Fatalf("AUTHENTICATE PLAIN: %v", err)
	}
	if f, err := p.ListFolders(ctx, "", "INBOX"); err != nil || len(f) != 1 {
		t.Errorf("LIST INBOX after PLAIN: %v, %v", f, err)
	}
}

// scramSHA256 is the client side of SCRAM-SHA-256 (RFC 5802, RFC 7677),
// for CustomSASL: the client's first message, its proof, and the check of
// the server's signature in the last step.
type scramSHA256 struct {
	user, pass, nonce string
	firstBare         string
	serverSig         []byte
	challenges        int
	verified          bool
}

func hmacSHA256(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

func (s *scramSHA256) step(ch []byte) ([]byte, error) {
	if len(ch) == 0 && s.firstBare == "" {
		b := make([]byte, 18)
		rand.Read(b)
		s.nonce = base64.RawStdEncoding.EncodeToString(b)
		s.firstBare = "n=" + s.user + ",r=" + s.nonce
		return []byte("n,," + s.firstBare), nil
	}
	s.challenges++
	attrs := map[string]string{}
	for _, kv := range strings.Split(string(ch), ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			attrs[k] = v
		}
	}
	if s.serverSig != nil { // the server's final message
		v, err := base64.StdEncoding.DecodeString(attrs["v"])
		if err != nil || !hmac.Equal(v, s.serverSig) {
			return nil, fmt.Errorf("server signature %q does not verify", attrs["v"])
		}
		s.verified = true
		return nil, nil
	}
	salt, err := base64.StdEncoding.DecodeString(attrs["s"])
	iter, ierr := strconv.Atoi(attrs["i"])
	if err != nil || ierr != nil || iter < 1 || !strings.HasPrefix(attrs["r"], s.nonce) {
		return nil, fmt.Errorf("bad server-first message %q", ch)
	}
	// Hi(): PBKDF2 with HMAC-SHA-256, one block.
	u := hmacSHA256([]byte(s.pass), string(salt)+"\x00\x00\x00\x01")
	salted := slices.Clone(u)
	for i := 1; i < iter; i++ {
		u = hmacSHA256([]byte(s.pass), string(u))
		for j := range salted {
			salted[j] ^= u[j]
		}
	}
	clientKey := hmacSHA256(salted, "Client Key")
	stored := sha256.Sum256(clientKey)
	final := "c=biws,r=" + attrs["r"]
	auth := s.firstBare + "," + string(ch) + "," + final
	proof := hmacSHA256(stored[:], auth)
	for i := range proof {
		proof[i] ^= clientKey[i]
	}
	s.serverSig = hmacSHA256(hmacSHA256(salted, "Server Key"), auth)
	return []byte(final + ",p=" + base64.StdEncoding.EncodeToString(proof)), nil
}

func TestCyrusSCRAM(t *testing.T) {
	e := cyrusEnv(t)
	ctx := testCtx(t)
	dial := func() *Client {
		c, err := Dial(ctx, e.addr(TLSNone), &Options{TLS: TLSNone})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// SCRAM-SHA-256 by Cyrus SASL: two challenges, the second the
	// server's signature, checked.
	c := dial()
	s := &scramSHA256{user: e.user, pass: e.pass}
	if err := c.Authenticate(ctx, CustomSASL{Name: "SCRAM-SHA-256", ClientFirst: true, Step: s.step}); err != nil {
		t.Fatalf("SCRAM-SHA-256: %v", err)
	}
	if !s.verified || s.challenges != 2 {
		t.Errorf("verified %v after %d challenges", s.verified, s.challenges)
	}
	if !c.HasCapability("UIDPLUS") {
		t.Error("post-login capabilities not read")
	}
	if _, err := c.Examine(ctx, "INBOX"); err != nil {
		t.Errorf("Examine after SCRAM: %v", err)
	}
	// A wrong password: the server refuses the proof; not fatal, and
	// LOGIN then works on the same connection.
	c = dial()
	s = &scramSHA256{user: e.user, pass: "wrong"}
	err := c.Authenticate(ctx, CustomSASL{Name: "SCRAM-SHA-256", ClientFirst: true, Step: s.step})
	if ie := asError(t, "wrong SCRAM password", err); !errors.Is(err, ErrAuth) || ie.Fatal || s.verified {
		t.Fatalf("wrong SCRAM password: %v (fatal %v, verified %v)", err, ie.Fatal, s.verified)
	}
	if err := c.Login(ctx, e.user, e.pass); err != nil {
		t.Fatalf("LOGIN after a refused SCRAM: %v", err)
	}
	// A server signature that does not verify (the step expects another):
	// its error cancels the exchange, which Cyrus honours even after its
	// v=; Authenticate returns that error, the client is not logged in
	// and LOGIN works.
	c = dial()
	s = &scramSHA256{user: e.user, pass: e.pass}
	spoilt := CustomSASL{Name: "SCRAM-SHA-256", ClientFirst: true, Step: func(ch []byte) ([]byte, error) {
		if s.serverSig != nil {
			s.serverSig[0] ^= 1
		}
		return s.step(ch)
	}}
	err = c.Authenticate(ctx, spoilt)
	if err == nil || !strings.Contains(err.Error(), "does not verify") || s.verified || s.challenges != 2 {
		t.Fatalf("unverified signature: %v (verified %v, %d challenges)", err, s.verified, s.challenges)
	}
	if _, err := c.Examine(ctx, "INBOX"); !errors.Is(err, ErrIllegalState) {
		t.Errorf("Examine after the cancel: %v", err)
	}
	if err := c.Login(ctx, e.user, e.pass); err != nil {
		t.Fatalf("LOGIN after a cancelled SCRAM: %v", err)
	}
}

func TestCyrusNamespaceAndUnicodeFolders(t *testing.T) {
	e := cyrusEnv(t)
	c := e.login(t)
	ctx := testCtx(t)
	ns, err := c.Namespace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := Namespaces{
		Personal: []Namespace{{"INBOX.", "."}},
		Other:    []Namespace{{"user.", "."}},
		Shared:   []Namespace{{"", "."}},
	}
	if fmt.Sprint(*ns) != fmt.Sprint(want) {
		t.Fatalf("NAMESPACE %+v, want %+v", *ns, want)
	}

	// A non-ASCII name: UTF-8 here, modified UTF-7 on the wire.
	base := e.tempFolder(t, c, "uni") // the tests' own level, deleted last
	name := base + ".Ärger & Öl 📬"
	if err := c.CreateFolder(ctx, name); err != nil {
		t.Fatal(err)
	}
	got, err := c.ListFolders(ctx, "", name)
	if err != nil || len(got) != 1 {
		t.Fatalf("LIST %q: %+v, %v", name, got, err)
	}
	if got[0].Name != name || got[0].Delimiter != '.' {
		t.Errorf("listed %q delimiter %q", got[0].Name, got[0].Delimiter)
	}
	if raw := string(got[0].RawName); !strings.HasSuffix(raw, ".&AMQ-rger &- &ANY-l &2D3c7A-") {
		t.Errorf("raw name %q", raw)
	}
	// RENAME into a level that does not exist yet: Cyrus makes it a
	// selectable folder of its own.
	parent := base + ".日本語"
	renamed := parent + ".台北"
	if err := c.RenameFolder(ctx, name, renamed); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.FolderExists(ctx, name); ok {
		t.Errorf("%q still exists", name)
	}
	under, err := c.ListFolders(ctx, "", parent+".%")
	if err != nil || len(under) != 1 || under[0].Name != renamed {
		t.Fatalf("below %q: %+v, %v", parent, under, err)
	}
	if raw := string(under[0].RawName); !strings.HasSuffix(raw, ".&ZeVnLIqe-.&U,BTFw-") {
		t.Errorf("raw name %q", raw)
	}
	p, err := c.ListFolders(ctx, "", parent)
	if err != nil || len(p) != 1 || p[0].HasAttribute(`\Noselect`) {
		t.Errorf("the level RENAME made: %+v, %v", p, err)
	}
	if err := c.DeleteFolder(ctx, renamed); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteFolder(ctx, renamed); !errors.Is(err, ErrNo) {
		t.Errorf("second DELETE: %v", err)
	}
	if err := c.DeleteFolder(ctx, parent); err != nil {
		t.Fatal(err)
	}
}

func TestCyrusSelectAndMailboxID(t *testing.T) {
	e := cyrusEnv(t)
	c := e.login(t)
	ctx := testCtx(t)
	a := e.tempFolder(t, c, "select")
	b := e.tempFolder(t, c, "select-other")
	empty, err := c.Select(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if empty.Exists != 0 || empty.UIDNext != 1 || empty.UIDValidity == 0 || empty.MailboxID == "" {
		t.Fatalf("empty folder: %+v", empty)
	}
	mustAppend(t, c, a, cyrusSimple("m0", "sel0", ""), FlagSeen)
	mustAppend(t, c, a, cyrusSimple("m1", "sel1", ""))
	mustAppend(t, c, a, cyrusSimple("m2", "sel2", ""))
	st, err := c.Status(ctx, a)
	if err != nil || st.Messages != 3 || st.Unseen != 2 || st.UIDNext != 4 || st.UIDValidity != empty.UIDValidity {
		t.Errorf("STATUS %+v, %v", st, err)
	}
	sel, err := c.Select(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if sel.Name != a || sel.Exists != 3 || sel.UIDNext != 4 || sel.UIDValidity != empty.UIDValidity ||
		sel.FirstUnseen != 2 || sel.HighestModSeq == 0 || sel.ReadOnly || sel.MailboxID != empty.MailboxID {
		t.Errorf("SELECT %+v", sel)
	}
	for _, f := range []string{FlagAnswered, FlagFlagged, FlagDraft, FlagDeleted, FlagSeen} {
		if !slices.Contains(sel.Flags, f) || !slices.Contains(sel.PermanentFlags, f) {
			t.Errorf("%s: FLAGS %v PERMANENTFLAGS %v", f, sel.Flags, sel.PermanentFlags)
		}
	}
	if !slices.Contains(sel.PermanentFlags, `\*`) {
		t.Errorf("PERMANENTFLAGS %v without \\*", sel.PermanentFlags)
	}
	ex, err := c.Examine(ctx, b)
	if err != nil || !ex.ReadOnly || ex.MailboxID == "" || ex.MailboxID == empty.MailboxID {
		t.Errorf("EXAMINE of another folder: %+v, %v", ex, err)
	}
	if err := c.Unselect(ctx); err != nil {
		t.Fatal(err)
	}
	// RENAME keeps the id: a sync follows the folder by it. (And back,
	// for the cleanup.)
	renamed := a + "-renamed"
	if err := c.RenameFolder(ctx, a, renamed); err != nil {
		t.Fatal(err)
	}
	after, err := c.Examine(ctx, renamed)
	if err != nil || after.MailboxID != empty.MailboxID || after.Exists != 3 || !after.ReadOnly {
		t.Errorf("after RENAME: %+v, %v (id was %q)", after, err, empty.MailboxID)
	}
	if err := c.Unselect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.RenameFolder(ctx, renamed, a); err != nil {
		t.Fatal(err)
	}
}

func TestCyrusAppendFetchMIME(t *testing.T) {
	e := cyrusEnv(t)
	c := e.login(t)
	ctx := testCtx(t)
	f := e.tempFolder(t, c, "mime")
	date := time.Date(2024, 5, 14, 9, 31, 7, 0, time.FixedZone("", 2*3600))
	uid, err := c.Append(ctx, f, cyrusMIME, &AppendOptions{Flags: []string{FlagFlagged, "$Label1"}, Date: date})
	if err != nil || uid != 1 {
		t.Fatalf("Append: UID %d, %v", uid, err)
	}
	uids, validity, err := c.MultiAppend(ctx, f, []AppendMessage{
		{Data: cyrusSimple("two", "ma2", "")},
		{Data: cyrusSimple("three", "ma3", ""), Flags: []string{FlagDraft}},
	})
	if err != nil || !slices.Equal(uids, []uint32{2, 3}) {
		t.Fatalf("MultiAppend: %v, %v", uids, err)
	}
	sel, err := c.Select(ctx, f)
	if err != nil || sel.UIDValidity != validity || sel.Exists != 3 {
		t.Fatalf("Select: %+v, %v (APPENDUID validity %d)", sel, err, validity)
	}
	msgs, err := c.Fetch(ctx, IDs(1), "FLAGS ENVELOPE RFC822.SIZE INTERNALDATE BODYSTRUCTURE BODY.PEEK[]")
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Fetch: %d, %v", len(msgs), err)
	}
	m := msgs[0]
	if m.ParseErrors != 0 || m.UID != 1 {
		t.Fatalf("UID %d, %d parse errors", m.UID, m.ParseErrors)
	}
	if !m.HasFlag(FlagFlagged) || !m.HasFlag("$Label1") || m.HasFlag(FlagSeen) {
		t.Errorf("flags %v", m.Flags)
	}
	if m.Size != int64(len(cyrusMIME)) || !bytes.Equal(m.Section("BODY[]"), cyrusMIME) {
		t.Errorf("size %d; BODY[] identical: %v", m.Size, bytes.Equal(m.Section("BODY[]"), cyrusMIME))
	}
	// The instant given to APPEND; Cyrus shows it in its own zone.
	if !m.InternalDate.Equal(date) {
		t.Errorf("INTERNALDATE %v, want %v", m.InternalDate, date)
	}

	env := m.Envelope
	if env == nil {
		t.Fatal("no envelope")
	}
	if env.Subject != "Grüße aus Zürich ☕" || env.MessageID != "<mime-1@example.org>" ||
		env.Date.Unix() != 1715671800 {
		t.Errorf("envelope %q %q %v", env.Subject, env.MessageID, env.Date)
	}
	from := []Address{{Name: "Jörg Müller", Mailbox: "joerg", Host: "example.org"}}
	to := []Address{{Name: "Anna", Mailbox: "anna", Host: "example.com"}, {Mailbox: "bob", Host: "example.net"}}
	cc := []Address{{Name: "Team, Ops", Mailbox: "ops", Host: "example.com"}}
	for _, x := range []struct {
		field     string
		got, want []Address
	}{{"From", env.From, from}, {"Sender", env.Sender, from}, {"Reply-To", env.ReplyTo, from},
		{"To", env.To, to}, {"Cc", env.Cc, cc}, {"Bcc", env.Bcc, nil}} {
		if len(x.got) != len(x.want) || (len(x.want) > 0 && !slices.Equal(x.got, x.want)) {
			t.Errorf("%s %+v, want %+v", x.field, x.got, x.want)
		}
	}
	if env.From[0].Addr() != "joerg@example.org" {
		t.Errorf("From address %q", env.From[0].Addr())
	}

	// Cyrus sends ("TEXT" "PLAIN" ("CHARSET" "utf-8" ...) ...
	// "QUOTED-PRINTABLE" ...) ... "MIXED" ("BOUNDARY" ...): types,
	// parameter names and the disposition come in lower case.
	bs := m.BodyStructure
	if bs == nil || bs.MediaType() != "multipart/mixed" || len(bs.Children) != 2 {
		t.Fatalf("body structure %+v", bs)
	}
	if !slices.Equal(bs.Params, Params{{"boundary", "=-b0undary-="}}) {
		t.Errorf("multipart params %+v", bs.Params)
	}
	text, att := bs.Children[0], bs.Children[1]
	if text.MediaType() != "text/plain" || text.Number != "1" ||
		!slices.Equal(text.Params, Params{{"charset", "utf-8"}, {"format", "flowed"}}) ||
		!strings.EqualFold(text.Encoding, "quoted-printable") || text.Size != 58 || text.Lines != 1 ||
		text.Disposition != "" {
		t.Errorf("part 1 %+v", text)
	}
	if att.MediaType() != "application/octet-stream" || att.Number != "2" ||
		!slices.Equal(att.Params, Params{{"name", "daten.bin"}}) ||
		!strings.EqualFold(att.Encoding, "base64") || att.Size != 44 ||
		att.Disposition != "attachment" ||
		!slices.Equal(att.DispositionParams, Params{{"filename", "daten.bin"}}) ||
		att.Filename() != "daten.bin" {
		t.Errorf("part 2 %+v", att)
	}

	// The attachment by its number, still unseen; BODY[TEXT] sets \Seen.
	parts, err := c.Fetch(ctx, IDs(1), "BODY.PEEK[2] FLAGS")
	if err != nil || string(parts[0].Section("BODY[2]")) != "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" ||
		parts[0].HasFlag(FlagSeen) {
		t.Errorf("BODY.PEEK[2]: %+v, %v", parts, err)
	}
	if _, err := c.Fetch(ctx, IDs(1), "BODY[TEXT]"); err != nil {
		t.Fatal(err)
	}
	if f, err := c.Fetch(ctx, IDs(1), "FLAGS"); err != nil || !f[0].HasFlag(FlagSeen) {
		t.Errorf("after BODY[TEXT]: %+v, %v", f, err)
	}
	// A NUL in the body goes as a literal8 (BINARY) and comes back.
	nul := []byte("Subject: nul\r\n\r\na\x00b\r\n")
	if uid, err := c.Append(ctx, f, nul, nil); err != nil || uid != 4 {
		t.Fatalf("Append with a NUL: UID %d, %v", uid, err)
	}
	if got, err := c.Fetch(ctx, IDs(4), "BODY.PEEK[]"); err != nil || len(got) != 1 || !bytes.Equal(got[0].Section("BODY[]"), nul) {
		t.Errorf("the NUL message: %+v, %v", got, err)
	}
	if err := c.Unselect(ctx); err != nil {
		t.Fatal(err)
	}
}

// countingWriter keeps what is written and counts the writes.
type countingWriter struct {
	bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

func TestCyrusFetchStream(t *testing.T) {
	e := cyrusEnv(t)
	c := e.login(t)
	ctx := testCtx(t)
	f := e.tempFolder(t, c, "stream")
	// A message larger than the threshold comes in pieces.
	big := []byte("Subject: big\r\nContent-Type: text/plain\r\n\r\n")
	for len(big) < 300_000 {
		big = append(big, "0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n"...)
	}
	mustAppend(t, c, f, big)
	mustAppend(t, c, f, cyrusMIME)
	if _, err := c.Examine(ctx, f); err != nil {
		t.Fatal(err)
	}
	bodies := map[uint32]*countingWriter{}
	var seen []string
	n, err := c.FetchStream(ctx, All, "UID RFC822.SIZE BODY.PEEK[]", &StreamOptions{
		Threshold: 16 * 1024,
		OnSection: func(s SectionInfo) (io.Writer, error) {
			if s.Name != "BODY[]" || s.UID == 0 {
				return nil, fmt.Errorf("section %+v", s)
			}
			w := &countingWriter{}
			bodies[s.UID] = w
			return w, nil
		},
		OnMessage: func(m *Message) error {
			seen = append(seen, fmt.Sprintf("%d:%d", m.UID, m.Size))
			return nil
		},
	})
	if err != nil || n != 2 {
		t.Fatalf("FetchStream = %d, %v", n, err)
	}
	if want := []string{fmt.Sprintf("1:%d", len(big)), fmt.Sprintf("2:%d", len(cyrusMIME))}; !slices.Equal(seen, want) {
		t.Errorf("messages %v, want %v", seen, want)
	}
	if bodies[1] == nil || !bytes.Equal(bodies[1].Bytes(), big) || bodies[1].writes < 2 {
		t.Errorf("the big message: not identical or in one piece")
	}
	if bodies[2] == nil || !bytes.Equal(bodies[2].Bytes(), cyrusMIME) {
		t.Errorf("the MIME message differs")
	}
}

func TestCyrusSearchSortThread(t *testing.T) {
	e := cyrusEnv(t)
	c := e.login(t)
	ctx := testCtx(t)
	f := cyrusSearchFolder(t, e, c, "search")
	if _, err := c.Examine(ctx, f); err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		what string
		crit *SearchCriteria
		want []uint32
	}{
		{"all", nil, []uint32{1, 2, 3, 4, 5}},
		// Non-ASCII: CHARSET UTF-8, matched against decoded text.
		{"subject Zürich", &SearchCriteria{Subject: []string{"Zürich"}}, []uint32{1}},
		{"body Grüße", &SearchCriteria{Body: []string{"Grüße"}}, []uint32{1}},
		{"from Müller", &SearchCriteria{From: []string{"Müller"}}, []uint32{1}},
		{"subject apples", &SearchCriteria{Subject: []string{"apples"}}, []uint32{2, 3, 4}},
		{"seen", &SearchCriteria{Flags: []string{FlagSeen}}, []uint32{1}},
		{"unseen", &SearchCriteria{NotFlags: []string{FlagSeen}}, []uint32{2, 3, 4, 5}},
		{"keyword", &SearchCriteria{Flags: []string{"$Work"}}, []uint32{4}},
		{"larger", &SearchCriteria{Larger: 500}, []uint32{1}},
		{"or", &SearchCriteria{Or: [][2]SearchCriteria{{{Flags: []string{FlagFlagged}}, {Subject: []string{"bananas"}}}}}, []uint32{3, 5}},
		{"header", &SearchCriteria{NotFlags: []string{FlagSeen}, Header: []HeaderMatch{{"References", "t1@"}}}, []uint32{3}},
		{"none", &SearchCriteria{Subject: []string{"nothing like it"}}, []uint32{}},
	} {
		got, err := c.Search(ctx, x.crit)
		slices.Sort(got)
		if err != nil || !slices.Equal(got, x.want) {
			t.Errorf("SEARCH %s: %v, %v; want %v", x.what, got, err, x.want)
		}
	}
	// SUBJECT sorts by the base subject: "Apples" x3 by UID, "Bananas",
	// "Grüße ...".
	if got, err := c.Sort(ctx, "SUBJECT", nil); err != nil || !slices.Equal(got, []uint32{2, 3, 4, 5, 1}) {
		t.Errorf("SORT SUBJECT: %v, %v", got, err)
	}
	if got, err := c.Sort(ctx, "SUBJECT", &SearchCriteria{Subject: []string{"apples"}}); err != nil || !slices.Equal(got, []uint32{2, 3, 4}) {
		t.Errorf("SORT SUBJECT of apples: %v, %v", got, err)
	}
	if got, err := c.Sort(ctx, "REVERSE SIZE", nil); err != nil || len(got) != 5 || got[0] != 1 {
		t.Errorf("SORT REVERSE SIZE: %v, %v", got, err)
	}
	threads, err := c.Thread(ctx, "REFERENCES", nil)
	if err != nil {
		t.Fatal(err)
	}
	var shapes []string
	var shape func(n *ThreadNode) string
	shape = func(n *ThreadNode) string {
		s := strconv.Itoa(int(n.ID))
		for _, ch := range n.Children {
			s += "(" + shape(ch) + ")"
		}
		return s
	}
	for _, th := range threads {
		shapes = append(shapes, shape(th))
	}
	slices.Sort(shapes)
	if want := []string{"1", "2(3(4))", "5"}; !slices.Equal(shapes, want) {
		t.Errorf("THREAD REFERENCES %v, want %v", shapes, want)
	}
	if o, err := c.Thread(ctx, "ORDEREDSUBJECT", nil); err != nil || len(o) != 3 {
		t.Errorf("THREAD ORDEREDSUBJECT: %d threads, %v", len(o), err)
	}
}

func TestCyrusStoreCopyMove(t *testing.T) {
	e := cyrusEnv(t)
	c := e.login(t)
	ctx := testCtx(t)
	src := cyrusSearchFolder(t, e, c, "store")
	dst := e.tempFolder(t, c, "store-dst")
	if _, err := c.Select(ctx, src); err != nil {
		t.Fatal(err)
	}
	r, err := c.Store(ctx, Range(2, 3), StoreAdd, []string{FlagSeen, "$Important"}, nil)
	if err != nil || len(r.Messages) != 2 {
		t.Fatalf("Store +FLAGS: %+v, %v", r, err)
	}
	for _, m := range r.Messages {
		if !m.HasFlag(FlagSeen) || !m.HasFlag("$Important") {
			t.Errorf("UID %d: %v", m.UID, m.Flags)
		}
	}
	r, err = c.Store(ctx, IDs(3), StoreRemove, []string{FlagFlagged, "$Important"}, nil)
	if err != nil || len(r.Messages) != 1 || r.Messages[0].HasFlag(FlagFlagged) ||
		r.Messages[0].HasFlag("$Important") || !r.Messages[0].HasFlag(FlagSeen) {
		t.Errorf("Store -FLAGS: %+v, %v", r, err)
	}
	if err := c.SetFlags(ctx, IDs(5), FlagAnswered); err != nil {
		t.Fatal(err)
	}
	got, err := c.Fetch(ctx, All, "FLAGS")
	if err != nil {
		t.Fatal(err)
	}
	with := func(flag string) []uint32 {
		var ids []uint32
		for _, m := range got {
			if m.HasFlag(flag) {
				ids = append(ids, m.UID)
			}
		}
		return ids
	}
	for flag, want := range map[string][]uint32{FlagSeen: {1, 2, 3}, "$Important": {2}, FlagFlagged: nil, FlagAnswered: {5}} {
		if g := with(flag); !slices.Equal(g, want) {
			t.Errorf("%s on %v, want %v", flag, g, want)
		}
	}

	cp, err := c.Copy(ctx, IDs(1, 2), dst)
	if err != nil || !slices.Equal(cp.SourceUIDs, []uint32{1, 2}) || !slices.Equal(cp.DestUIDs, []uint32{1, 2}) {
		t.Fatalf("Copy: %+v, %v", cp, err)
	}
	if st, err := c.Status(ctx, dst); err != nil || st.UIDValidity != cp.UIDValidity {
		t.Errorf("COPYUID validity %d, STATUS %+v, %v", cp.UIDValidity, st, err)
	}
	mv, err := c.Move(ctx, IDs(3, 4), dst)
	if err != nil || !slices.Equal(mv.SourceUIDs, []uint32{3, 4}) || !slices.Equal(mv.DestUIDs, []uint32{3, 4}) {
		t.Fatalf("Move: %+v, %v", mv, err)
	}
	if ids, err := c.Search(ctx, nil); err != nil || !slices.Equal(ids, []uint32{1, 2, 5}) {
		t.Errorf("left after MOVE: %v, %v", ids, err)
	}
	if st, err := c.Status(ctx, dst); err != nil || st.Messages != 4 {
		t.Errorf("STATUS of the destination: %+v, %v", st, err)
	}
	// UID EXPUNGE takes only the named \Deleted message.
	if err := c.AddFlags(ctx, IDs(1, 2), FlagDeleted); err != nil {
		t.Fatal(err)
	}
	if gone, err := c.UIDExpunge(ctx, IDs(2)); err != nil || !slices.Equal(gone, []uint32{2}) {
		t.Errorf("UID EXPUNGE 2: %v, %v", gone, err)
	}
	if ids, err := c.Search(ctx, nil); err != nil || !slices.Equal(ids, []uint32{1, 5}) {
		t.Errorf("after UID EXPUNGE: %v, %v", ids, err)
	}
	// EXAMINE: read-only, refused before anything is sent.
	if _, err := c.Examine(ctx, src); err != nil {
		t.Fatal(err)
	}
	err = c.AddFlags(ctx, IDs(1), FlagSeen)
	if ie := asError(t, "STORE after EXAMINE", err); ie.Code != CodeReadOnly {
		t.Errorf("STORE after EXAMINE: %v", err)
	}
	if err := c.Unselect(ctx); err != nil {
		t.Fatal(err)
	}
}

// The names Apple Mail and Outlook give these folders, below INBOX.:
// nothing is marked \Sent or \Trash on this server. Fixed names, shared
// with tests/cyrus.rs and examples-c/cyrus.c (the suites run one after
// the other).
func TestCyrusSpecialFolders(t *testing.T) {
	e := cyrusEnv(t)
	c := e.login(t)
	ctx := testCtx(t)
	names := []string{"INBOX.Sent Messages", "INBOX.Deleted Items"}
	for _, n := range names {
		c.DeleteFolder(ctx, n) // an interrupted run's
		if err := c.CreateFolder(ctx, n); err != nil {
			t.Fatal(err)
		}
		defer c.DeleteFolder(ctx, n)
	}
	for attr, want := range map[string]string{`\Sent`: names[0], `\Trash`: names[1], `\Junk`: ""} {
		if got, err := c.SpecialFolder(ctx, attr); err != nil || got != want {
			t.Errorf("SpecialFolder(%s) = %q, %v; want %q", attr, got, err, want)
		}
	}
	// Cyrus answers Gmail's XLIST too (Dovecot does not): INBOX with
	// \Inbox; the others as LIST gives them.
	xl, err := c.XListFolders(ctx, "", "INBOX*")
	if err != nil {
		t.Fatalf("XLIST: %v", err)
	}
	var inbox, sent bool
	for _, f := range xl {
		inbox = inbox || (f.Name == "INBOX" && f.HasAttribute(`\Inbox`))
		sent = sent || f.Name == names[0]
	}
	if !inbox || !sent {
		t.Errorf("XLIST %+v", xl)
	}
}

func TestCyrusIdleHearsExpunge(t *testing.T) {
	e := cyrusEnv(t)
	a := e.login(t)
	b := e.login(t)
	ctx := testCtx(t)
	f := e.tempFolder(t, a, "idle")
	for i := range 3 {
		mustAppend(t, a, f, cyrusSimple(fmt.Sprint("e", i), fmt.Sprint("e", i), ""))
	}
	if _, err := a.Select(ctx, f); err != nil {
		t.Fatal(err)
	}
	// Cyrus's SELECT answer has untagged OKs with MAILBOXID (kept in the
	// state), URLMECH and ANNOTATIONS: all part of the answer, no events.
	if evs, err := a.Events(); err != nil || len(evs) != 0 {
		t.Fatalf("events after SELECT: %+v, %v", evs, err)
	}
	idle, err := a.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Select(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := b.AddFlags(ctx, IDs(2), FlagDeleted); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Expunge(ctx); err != nil {
		t.Fatal(err)
	}
	var events []Event
	timeout := time.After(20 * time.Second)
wait:
	for {
		select {
		case ev, ok := <-idle.Events():
			if !ok {
				t.Fatalf("events closed: %v", idle.Stop())
			}
			events = append(events, ev)
			if ev.Kind == EventExpunge {
				break wait
			}
		case <-timeout:
			t.Fatalf("no EXPUNGE within 20 s: %+v", events)
		}
	}
	if err := idle.Stop(); err != nil {
		t.Fatal(err)
	}
	if last := events[len(events)-1]; last.Number != 2 {
		t.Errorf("EXPUNGE %d, want 2", last.Number)
	}
	if ids, err := a.Search(ctx, nil); err != nil || !slices.Equal(ids, []uint32{1, 3}) {
		t.Errorf("after the EXPUNGE: %v, %v", ids, err)
	}
	if err := a.Unselect(ctx); err != nil {
		t.Fatal(err)
	}
}

// Cyrus words its refusals its own way: no [NONEXISTENT] for a missing
// folder (Dovecot sends one), [TRYCREATE] for APPEND to it, no
// [ALREADYEXISTS].
func TestCyrusRefusals(t *testing.T) {
	e := cyrusEnv(t)
	c := e.login(t)
	ctx := testCtx(t)
	missing := fmt.Sprintf("INBOX.gotest-missing-%d", os.Getpid())
	for _, x := range []struct {
		what, code, text string
		err              error
	}{
		{"SELECT", "", "Mailbox does not exist", func() error { _, err := c.Select(ctx, missing); return err }()},
		{"STATUS", "", "Mailbox does not exist", func() error { _, err := c.Status(ctx, missing); return err }()},
		{"APPEND", "TRYCREATE", "", func() error { _, err := c.Append(ctx, missing, cyrusSimple("x", "rc1", ""), nil); return err }()},
		{"CREATE INBOX", "", "already exists", c.CreateFolder(ctx, "INBOX")},
	} {
		ie := asError(t, x.what, x.err)
		if !errors.Is(x.err, ErrNo) || ie.ResponseCode != x.code || !strings.Contains(ie.Message, x.text) || ie.Fatal {
			t.Errorf("%s: %v (response code %q, fatal %v); want NO [%s] %q", x.what, x.err, ie.ResponseCode, ie.Fatal, x.code, x.text)
		}
	}
	if err := c.Noop(ctx); err != nil {
		t.Errorf("NOOP after the refusals: %v", err)
	}
}

// CREATE's MAILBOXID (CreateFolderWithID: the id Examine reports),
// CREATE-SPECIAL-USE (the folder found by its use; \Flagged, which Cyrus
// 3.6 does not know, refused with USEATTR; DELETE refused until the use
// is taken off), and the APPENDLIMIT Cyrus announces.
func TestCyrusCreateWithIDSpecialUseAndLimit(t *testing.T) {
	e := cyrusEnv(t)
	c := e.login(t)
	ctx := testCtx(t)
	a := fmt.Sprintf("%sgotest-created-%d", e.prefix, os.Getpid())
	d := fmt.Sprintf("%sgotest-Entwürfe-%d", e.prefix, os.Getpid())
	c.DeleteFolder(ctx, a) // an interrupted run's
	id, err := c.CreateFolderWithID(ctx, a)
	if err != nil || id == "" {
		t.Fatalf("CreateFolderWithID = %q, %v", id, err)
	}
	defer c.DeleteFolder(ctx, a)
	st, err := c.Examine(ctx, a)
	if err != nil || st.MailboxID != id {
		t.Fatalf("Examine: MailboxID %q, %v; CREATE gave %q", st.MailboxID, err, id)
	}
	if err := c.Unselect(ctx); err != nil {
		t.Fatal(err)
	}

	idD, err := c.CreateFolderSpecialUse(ctx, d, `\Drafts`)
	if err != nil || idD == "" || idD == id {
		t.Fatalf("CreateFolderSpecialUse = %q, %v", idD, err)
	}
	if got, err := c.SpecialFolder(ctx, `\Drafts`); err != nil || got != d {
		t.Errorf("SpecialFolder(\\Drafts) = %q, %v; want %q", got, err, d)
	}
	_, err = c.CreateFolderSpecialUse(ctx, a+"-x", `\Flagged`)
	if ie := asError(t, "CREATE (USE (\\Flagged))", err); !errors.Is(err, ErrNo) || ie.ResponseCode != "USEATTR" || ie.Fatal {
		t.Errorf("unknown use: %v", err)
	}
	err = c.DeleteFolder(ctx, d)
	if ie := asError(t, "DELETE of a folder with a use", err); !errors.Is(err, ErrNo) || ie.Fatal {
		t.Errorf("DELETE of a folder with a use: %v", err)
	}
	if err := c.SetMetadata(ctx, d, []MetadataEntry{{Name: "/private/specialuse"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteFolder(ctx, d); err != nil {
		t.Fatal(err)
	}
	if n, ok := c.AppendLimit(); !ok || n != 4294967295 {
		t.Errorf("AppendLimit = %d, %v; want 4294967295", n, ok)
	}
}
