package imapclient

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
)

// FETCH responses whose numbers do not parse are each a message of the
// result, with SeqNum 0 and a parse error, as in the library's own
// result: one bad response costs only its message. Go's Fetch merged them
// into one (by sequence number 0).
func TestBrokenFetchNumbersAreEachAMessage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		conn.Write([]byte("* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS] srv\r\n"))
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			tag, rest, _ := strings.Cut(line, " ")
			switch {
			case strings.HasPrefix(rest, "SELECT"):
				conn.Write([]byte("* 3 EXISTS\r\n* OK [UIDVALIDITY 1] x\r\n" + tag + " OK [READ-WRITE] done\r\n"))
			case strings.Contains(rest, "FETCH"):
				conn.Write([]byte("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* 2x FETCH (UID 2 FLAGS (\\Seen))\r\n* 3x FETCH (UID 3 FLAGS (\\Seen))\r\n" + tag + " OK done\r\n"))
			default:
				conn.Write([]byte(tag + " OK done\r\n"))
			}
		}
	}()
	c, err := Dial(context.Background(), ln.Addr().String(), &Options{TLS: TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(context.Background(), "INBOX"); err != nil {
		t.Fatal(err)
	}
	ms, err := c.Fetch(context.Background(), All, "FLAGS")
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, fmt.Sprintf("%d/%d/%d", m.SeqNum, m.UID, m.ParseErrors))
	}
	if want := "1/1/0 0/0/1 0/0/1"; strings.Join(got, " ") != want {
		t.Fatalf("Fetch gave seq/uid/errors %v, want %s", got, want)
	}
}
