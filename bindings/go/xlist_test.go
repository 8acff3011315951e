package imapclient

import (
	"errors"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// gmailXList is Gmail's answer to `XLIST "" "*"` (German account): the
// localized INBOX with \Inbox, a modified UTF-7 name, a quoted name with a
// space, a literal name.
const gmailXList = "* XLIST (\\HasNoChildren \\Inbox) \"/\" \"Posteingang\"\r\n" +
	"* XLIST (\\HasNoChildren) \"/\" &AMk-l&AOk-ments\r\n" +
	"* XLIST (\\Noselect \\HasChildren) \"/\" \"[Gmail]\"\r\n" +
	"* XLIST (\\HasNoChildren \\AllMail) \"/\" \"[Gmail]/Alle Nachrichten\"\r\n" +
	"* XLIST (\\HasNoChildren \\Spam) \"/\" {12}\r\n[Gmail]/Spam\r\n" +
	"* XLIST (\\HasNoChildren \\Drafts) \"/\" \"[Gmail]/Entw&APw-rfe\"\r\n"

// XListFolders against a Gmail-like script: refused with ErrCapability
// (nothing sent) until the server announces XLIST, then the folders with
// their attributes and decoded names, the pattern sent in modified UTF-7,
// and a NO that fails the call only.
func TestXListFolders(t *testing.T) {
	var mu sync.Mutex
	var xlists []string
	addr := scriptServer(t, func(tag, line string, w net.Conn) {
		switch {
		case strings.HasPrefix(line, "NOOP"):
			// An unsolicited CAPABILITY, as servers may send: from now
			// on the client knows XLIST.
			w.Write([]byte("* CAPABILITY IMAP4rev1 IDLE UIDPLUS XLIST\r\n" + tag + " OK done\r\n"))
		case strings.HasPrefix(line, "XLIST "):
			mu.Lock()
			xlists = append(xlists, line)
			n := len(xlists)
			mu.Unlock()
			if n == 1 {
				w.Write([]byte(gmailXList + tag + " OK Success\r\n"))
			} else {
				w.Write([]byte(tag + " NO [UNAVAILABLE] XLIST is gone\r\n"))
			}
		default:
			okAnswer(tag, line, w)
		}
	}, nil, nil)
	c := dialScript(t, addr)
	ctx := testCtx(t)

	// The greeting's capabilities lack XLIST.
	if _, err := c.XListFolders(ctx, "", "*"); !errors.Is(err, ErrCapability) {
		t.Fatalf("XListFolders without XLIST: %v, want ErrCapability", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	folders, err := c.XListFolders(ctx, "", "*")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name, Raw string
		Delim     rune
		Attrs     []string
	}
	var got []row
	for _, f := range folders {
		got = append(got, row{f.Name, string(f.RawName), f.Delimiter, f.Attributes})
	}
	want := []row{
		{"Posteingang", "Posteingang", '/', []string{`\HasNoChildren`, `\Inbox`}},
		{"Éléments", "&AMk-l&AOk-ments", '/', []string{`\HasNoChildren`}},
		{"[Gmail]", "[Gmail]", '/', []string{`\Noselect`, `\HasChildren`}},
		{"[Gmail]/Alle Nachrichten", "[Gmail]/Alle Nachrichten", '/', []string{`\HasNoChildren`, `\AllMail`}},
		{"[Gmail]/Spam", "[Gmail]/Spam", '/', []string{`\HasNoChildren`, `\Spam`}},
		{"[Gmail]/Entwürfe", "[Gmail]/Entw&APw-rfe", '/', []string{`\HasNoChildren`, `\Drafts`}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("XListFolders =\n%q\nwant\n%q", got, want)
	}
	if !folders[0].HasAttribute(`\inbox`) {
		t.Errorf("the localized INBOX lacks \\Inbox: %v", folders[0].Attributes)
	}

	_, err = c.XListFolders(ctx, "", "Él*")
	var ie *Error
	if !errors.Is(err, ErrNo) || !errors.As(err, &ie) || ie.Fatal || !strings.Contains(ie.Message, "XLIST is gone") {
		t.Fatalf("XListFolders answered NO: %v, want a non-fatal ErrNo", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatalf("Noop after NO: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if wantLines := []string{`XLIST "" "*"`, `XLIST "" "&AMk-l*"`}; !reflect.DeepEqual(xlists, wantLines) {
		t.Errorf("XLIST lines sent %q, want %q", xlists, wantLines)
	}
}

// Dovecot has no XLIST: ErrCapability, not fatal, and the client goes on.
func TestXListFoldersOnDovecot(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	_, err := c.XListFolders(ctx, "", "*")
	var ie *Error
	if !errors.Is(err, ErrCapability) || !errors.As(err, &ie) || ie.Fatal {
		t.Fatalf("XListFolders on Dovecot: %v, want a non-fatal ErrCapability", err)
	}
	folders, err := c.ListFolders(ctx, "", "INBOX")
	if err != nil || len(folders) != 1 || folders[0].Name != "INBOX" {
		t.Fatalf("ListFolders after the refusal = %v, %v", folders, err)
	}
}
