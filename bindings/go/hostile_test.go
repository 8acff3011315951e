package imapclient

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// FETCH responses whose numbers do not parse are each a message of the
// result, with SeqNum 0 and a parse error, as in the library's own
// result: one bad response costs only its message. Go's Fetch merged them
// into one (by sequence number 0).
func TestBrokenFetchNumbersAreEachAMessage(t *testing.T) {
	addr := scriptServer(t, func(tag, line string, w net.Conn) {
		if strings.Contains(line, "FETCH") {
			w.Write([]byte("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* 2x FETCH (UID 2 FLAGS (\\Seen))\r\n" +
				"* 3x FETCH (UID 3 FLAGS (\\Seen))\r\n" + tag + " OK done\r\n"))
			return
		}
		okAnswer(tag, line, w)
	}, nil, nil)
	c := dialSelected(t, addr)
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

// scriptServer accepts one connection, greets with PREAUTH and answers
// each command line with answer(tag, command line), which writes what it
// likes to w; IDLE is answered with "+ idling" and then idle(w) runs, and
// DONE with done(tag, w) (nil: a tagged OK).
func scriptServer(t *testing.T, answer func(tag, line string, w net.Conn), idle func(w net.Conn), done func(tag string, w net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		conn.Write([]byte("* PREAUTH [CAPABILITY IMAP4rev1 IDLE UIDPLUS] script\r\n"))
		r := bufio.NewReader(conn)
		idleTag := ""
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			tag, rest, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
			switch {
			case strings.EqualFold(tag, "DONE"):
				if done != nil {
					done(idleTag, conn)
				} else {
					conn.Write([]byte(idleTag + " OK done\r\n"))
				}
			case strings.HasPrefix(rest, "IDLE"):
				idleTag = tag
				conn.Write([]byte("+ idling\r\n"))
				if idle != nil {
					go idle(conn)
				}
			case strings.HasPrefix(rest, "SELECT"):
				conn.Write([]byte("* 1 EXISTS\r\n* OK [UIDVALIDITY 1] x\r\n" + tag + " OK [READ-WRITE] done\r\n"))
			default:
				answer(tag, rest, conn)
			}
		}
	}()
	return ln.Addr().String()
}

func okAnswer(tag, _ string, w net.Conn) { w.Write([]byte(tag + " OK done\r\n")) }

// dialScript connects to a scriptServer, closing the client when the
// test ends.
func dialScript(t *testing.T, addr string) *Client {
	t.Helper()
	c, err := Dial(context.Background(), addr, &Options{TLS: TLSNone, IOTimeout: 8 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func dialSelected(t *testing.T, addr string) *Client {
	t.Helper()
	c := dialScript(t, addr)
	if _, err := c.Select(testCtx(t), "INBOX"); err != nil {
		t.Fatal(err)
	}
	return c
}

// The folder size a server reports sizes Fetch's result up front, but only
// up to a bound: a hostile `* 4294967295 EXISTS` made Fetch(All) ask the
// Go runtime for 900 GB, a fatal error no recover catches; 2 000 000 cost
// 411 MiB for one message.
func TestFetchSizeHintIsBounded(t *testing.T) {
	addr := scriptServer(t, func(tag, line string, w net.Conn) {
		if strings.Contains(line, "FETCH") {
			w.Write([]byte("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n" + tag + " OK done\r\n"))
			return
		}
		okAnswer(tag, line, w)
	}, nil, nil)
	c := dialSelected(t, addr)
	c.exists.Store(4294967295) // as if SELECT had said `* 4294967295 EXISTS`
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	ms, err := c.Fetch(testCtx(t), All, "FLAGS")
	runtime.ReadMemStats(&m1)
	if err != nil || len(ms) != 1 || ms[0].UID != 1 {
		t.Fatalf("Fetch = %d messages, %v", len(ms), err)
	}
	if grew := (m1.TotalAlloc - m0.TotalAlloc) >> 20; grew > 64 {
		t.Errorf("Fetch of one message allocated %d MiB", grew)
	}
}

// A response that does not parse during IDLE ends it with DONE and a
// non-fatal CodeProtocol from Stop; the client stays usable. It used to
// leave the library's IDLE running: every later call failed with "IDLE is
// running", for ever.
func TestIdleEndsCleanlyOnAResponseThatDoesNotParse(t *testing.T) {
	addr := scriptServer(t, okAnswer, func(w net.Conn) {
		time.Sleep(100 * time.Millisecond)
		w.Write([]byte("* 1x EXISTS\r\n"))
	}, nil)
	c := dialSelected(t, addr)
	idle, err := c.Idle(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-idle.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("IDLE did not end")
	}
	var e *Error
	if err := idle.Stop(); !errors.As(err, &e) || e.Code != CodeProtocol || e.Fatal {
		t.Fatalf("Stop = %v (%+v), want a non-fatal CodeProtocol", err, e)
	}
	if err := c.Noop(testCtx(t)); err != nil {
		t.Fatalf("Noop after the IDLE error: %v", err)
	}
}

// When Idle's context ends, a server that never answers DONE gets the
// connection interrupted after a grace second: Idle used to wait for the
// I/O timeout (or for ever, against a server that keeps sending).
func TestIdleContextEndIsNotWaitedPast(t *testing.T) {
	addr := scriptServer(t, okAnswer, nil, func(tag string, w net.Conn) {
		for i := 0; i < 40; i++ { // no tagged answer, only chatter
			if _, err := w.Write([]byte("* OK still here\r\n")); err != nil {
				return
			}
			time.Sleep(250 * time.Millisecond)
		}
	})
	c := dialSelected(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	idle, err := c.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-idle.Done():
	case <-time.After(6 * time.Second): // 0.5 s + 1 s grace, generously
		t.Fatal("Idle waited past its context's end")
	}
	var e *Error
	if err := idle.Stop(); !errors.Is(err, ErrTimeout) || !errors.As(err, &e) || !e.Fatal {
		t.Fatalf("Stop = %v, want a fatal ErrTimeout", err)
	}
	if err := c.Noop(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Noop after = %v, want ErrClosed", err)
	}
}

// A stream the connection's end cuts short reports the library's fatal
// error, not the io.ErrUnexpectedEOF its section reader saw; a panic in
// OnSectionReader (its own goroutine) is raised on the caller's, as for
// the other callbacks, instead of killing the process.
func TestFetchStreamReaderErrorsAndPanics(t *testing.T) {
	cut := scriptServer(t, func(tag, line string, w net.Conn) {
		if strings.Contains(line, "FETCH") {
			w.Write([]byte("* 1 FETCH (UID 1 BODY[] {100000}\r\n" + strings.Repeat("x", 50000)))
			w.Close()
			return
		}
		okAnswer(tag, line, w)
	}, nil, nil)
	c := dialSelected(t, cut)
	_, err := c.FetchStream(testCtx(t), All, "BODY.PEEK[]", &StreamOptions{
		OnSectionReader: func(_ SectionInfo, r io.Reader) error { _, err := io.Copy(io.Discard, r); return err },
	})
	var e *Error
	if !errors.As(err, &e) || !e.Fatal {
		t.Fatalf("FetchStream cut short = %v, want the library's fatal error", err)
	}

	whole := scriptServer(t, func(tag, line string, w net.Conn) {
		if strings.Contains(line, "FETCH") {
			w.Write([]byte("* 1 FETCH (UID 1 BODY[] {5}\r\nhello)\r\n" + tag + " OK done\r\n"))
			return
		}
		okAnswer(tag, line, w)
	}, nil, nil)
	c = dialSelected(t, whole)
	got := func() (r any) {
		defer func() { r = recover() }()
		c.FetchStream(testCtx(t), All, "BODY.PEEK[]", &StreamOptions{
			OnSectionReader: func(SectionInfo, io.Reader) error { panic("reader boom") },
		})
		return nil
	}()
	if got != "reader boom" {
		t.Fatalf("recovered %v, want the reader's panic", got)
	}
}

// A server flooding the client with untagged data during one call: the
// library queues at most Options.MaxEvents events, then the call fails
// with a fatal CodeLimitExceeded instead of growing without bound. A
// negative MaxEvents is refused before connecting.
func TestMaxEventsBoundsAFlood(t *testing.T) {
	addr := scriptServer(t, func(tag, line string, w net.Conn) {
		if !strings.HasPrefix(line, "NOOP") {
			okAnswer(tag, line, w)
			return
		}
		flood := []byte(strings.Repeat("* 1 EXISTS\r\n", 1000))
		for i := 0; i < 50; i++ { // 50 000 events, never completed
			if _, err := w.Write(flood); err != nil {
				return
			}
		}
	}, nil, nil)
	if _, err := Dial(context.Background(), addr, &Options{TLS: TLSNone, MaxEvents: -1}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("Dial with MaxEvents -1 = %v, want ErrInvalidArgument", err)
	}
	c, err := Dial(context.Background(), addr, &Options{TLS: TLSNone, MaxEvents: 500})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.Noop(testCtx(t))
	var ie *Error
	if !errors.As(err, &ie) || ie.Code != CodeLimitExceeded || !ie.Fatal || !strings.Contains(ie.Message, "more than 500 events") {
		t.Fatalf("Noop under a flood = %v (%+v), want a fatal CodeLimitExceeded", err, ie)
	}
}

// Examine (as Select: the script answers SELECT itself) gives the
// folder's RFC 8474 MAILBOXID as MailboxID ("" when the server sends
// none), and the codes describing the folder that Cyrus adds to its
// answer (URLMECH, ANNOTATIONS) are not events.
func TestExamineMailboxID(t *testing.T) {
	addr := scriptServer(t, func(tag, line string, w net.Conn) {
		switch {
		case strings.HasPrefix(line, "EXAMINE INBOX"):
			w.Write([]byte("* 2 EXISTS\r\n* OK [UIDVALIDITY 7] Ok\r\n* OK [URLMECH INTERNAL] Ok\r\n" +
				"* OK [ANNOTATIONS 65536] Ok\r\n* OK [MAILBOXID (F2212ea87-6097-4256)] Ok\r\n" +
				tag + " OK [READ-ONLY] Completed\r\n"))
		case strings.HasPrefix(line, "EXAMINE"):
			w.Write([]byte("* 0 EXISTS\r\n" + tag + " OK [READ-ONLY] Completed\r\n"))
		default:
			okAnswer(tag, line, w)
		}
	}, nil, nil)
	c := dialScript(t, addr)
	st, err := c.Examine(testCtx(t), "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if st.MailboxID != "F2212ea87-6097-4256" || st.Exists != 2 || st.UIDValidity != 7 {
		t.Fatalf("state %+v", st)
	}
	if ev, err := c.Events(); err != nil || len(ev) != 0 {
		t.Fatalf("events %v, %v: the folder's codes are not news", ev, err)
	}
	st, err = c.Examine(testCtx(t), "Other")
	if err != nil {
		t.Fatal(err)
	}
	if st.MailboxID != "" {
		t.Fatalf("MailboxID %q without MAILBOXID", st.MailboxID)
	}
}

// CreateFolderWithID returns the MAILBOXID of CREATE's OK (RFC 8474), ""
// without one or with one that is not an object id; the name goes out in
// modified UTF-7, and a NO fails the call only.
func TestCreateFolderWithID(t *testing.T) {
	var mu sync.Mutex
	var creates []string
	addr := scriptServer(t, func(tag, line string, w net.Conn) {
		if !strings.HasPrefix(line, "CREATE ") {
			okAnswer(tag, line, w)
			return
		}
		mu.Lock()
		creates = append(creates, line)
		mu.Unlock()
		switch line {
		case "CREATE Entw&APw-rfe":
			w.Write([]byte(tag + " OK [MAILBOXID (F2212ea87-6097-4256)] Completed\r\n"))
		case "CREATE Odd":
			w.Write([]byte(tag + " OK [MAILBOXID (not.an/id)] Completed\r\n"))
		case "CREATE Taken":
			w.Write([]byte(tag + " NO [ALREADYEXISTS] Mailbox exists\r\n"))
		default:
			w.Write([]byte(tag + " OK Completed\r\n"))
		}
	}, nil, nil)
	c := dialScript(t, addr)
	ctx := testCtx(t)
	for _, tc := range []struct{ name, id string }{
		{"Entwürfe", "F2212ea87-6097-4256"}, {"Plain", ""}, {"Odd", ""},
	} {
		id, err := c.CreateFolderWithID(ctx, tc.name)
		if err != nil || id != tc.id {
			t.Fatalf("CreateFolderWithID(%q) = %q, %v; want %q", tc.name, id, err, tc.id)
		}
	}
	id, err := c.CreateFolderWithID(ctx, "Taken")
	var ie *Error
	if id != "" || !errors.Is(err, ErrNo) || !errors.As(err, &ie) || ie.Fatal || ie.ResponseCode != "ALREADYEXISTS" {
		t.Fatalf("CreateFolderWithID(Taken) = %q, %v; want a non-fatal NO [ALREADYEXISTS]", id, err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"CREATE Entw&APw-rfe", "CREATE Plain", "CREATE Odd", "CREATE Taken"}
	if !reflect.DeepEqual(creates, want) {
		t.Errorf("sent %q, want %q", creates, want)
	}
}

// CreateFolderSpecialUse: ErrCapability (nothing sent) until the server
// announces CREATE-SPECIAL-USE, then `CREATE name (USE (...))` with the
// name in modified UTF-7 and the OK's MAILBOXID returned; a use that is
// not `\` and an atom, or none, is refused before sending; NO [USEATTR]
// fails the call only.
func TestCreateFolderSpecialUse(t *testing.T) {
	var mu sync.Mutex
	var creates []string
	addr := scriptServer(t, func(tag, line string, w net.Conn) {
		switch {
		case strings.HasPrefix(line, "NOOP"):
			w.Write([]byte("* CAPABILITY IMAP4rev1 CREATE-SPECIAL-USE\r\n" + tag + " OK done\r\n"))
		case strings.HasPrefix(line, "CREATE "):
			mu.Lock()
			creates = append(creates, line)
			mu.Unlock()
			if strings.HasPrefix(line, "CREATE Again") {
				w.Write([]byte(tag + " NO [USEATTR] SPECIAL-USE flag conflict\r\n"))
			} else {
				w.Write([]byte(tag + " OK [MAILBOXID (F7)] Completed\r\n"))
			}
		default:
			okAnswer(tag, line, w)
		}
	}, nil, nil)
	c := dialScript(t, addr)
	ctx := testCtx(t)
	if _, err := c.CreateFolderSpecialUse(ctx, "Sent", `\Sent`); !errors.Is(err, ErrCapability) {
		t.Fatalf("without the capability: %v, want ErrCapability", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	for _, uses := range [][]string{nil, {"Sent"}, {`\Sent \Trash`}, {`\Sent)`}, {`\`}} {
		if _, err := c.CreateFolderSpecialUse(ctx, "X", uses...); !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("uses %q: %v, want ErrInvalidArgument", uses, err)
		}
	}
	id, err := c.CreateFolderSpecialUse(ctx, "Müll", `\Junk`, `\Trash`)
	if err != nil || id != "F7" {
		t.Fatalf("CreateFolderSpecialUse = %q, %v", id, err)
	}
	_, err = c.CreateFolderSpecialUse(ctx, "Again", `\Sent`)
	var ie *Error
	if !errors.Is(err, ErrNo) || !errors.As(err, &ie) || ie.Fatal || ie.ResponseCode != "USEATTR" {
		t.Fatalf("NO [USEATTR]: %v", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatalf("Noop after NO: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{`CREATE M&APw-ll (USE (\Junk \Trash))`, `CREATE Again (USE (\Sent))`}
	if !reflect.DeepEqual(creates, want) {
		t.Errorf("sent %q, want %q", creates, want)
	}
}

// Dovecot 2.3 has no CREATE-SPECIAL-USE: ErrCapability, not fatal, and
// no folder made.
func TestCreateFolderSpecialUseOnDovecot(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	name := fmt.Sprintf("gospecial-%d", time.Now().UnixNano())
	_, err := c.CreateFolderSpecialUse(ctx, name, `\Archive`)
	var ie *Error
	if !errors.Is(err, ErrCapability) || !errors.As(err, &ie) || ie.Fatal {
		t.Fatalf("on Dovecot: %v, want a non-fatal ErrCapability", err)
	}
	if ok, err := c.FolderExists(ctx, name); err != nil || ok {
		t.Fatalf("FolderExists = %v, %v: nothing should have been created", ok, err)
	}
}

// AppendLimit follows the server's APPENDLIMIT=n (RFC 7889), and Append
// refuses a larger message before sending it: ErrInvalidArgument with
// ResponseCode TOOBIG, not fatal; a message of exactly n bytes goes.
func TestAppendLimit(t *testing.T) {
	var mu sync.Mutex
	var appends []string
	var appendTag string
	addr := scriptServer(t, func(tag, line string, w net.Conn) {
		switch {
		case strings.HasPrefix(line, "NOOP"):
			w.Write([]byte("* CAPABILITY IMAP4rev1 LITERAL+ APPENDLIMIT=20\r\n" + tag + " OK done\r\n"))
		case strings.HasPrefix(line, "APPEND "):
			mu.Lock()
			appends = append(appends, line)
			appendTag = tag
			mu.Unlock()
		case line == "" && tag == "0123456789abcdefghij":
			// The literal (LITERAL+), read as a line: the APPEND is done.
			w.Write([]byte(appendTag + " OK [APPENDUID 7 1] Done\r\n"))
		default:
			okAnswer(tag, line, w)
		}
	}, nil, nil)
	c := dialScript(t, addr)
	ctx := testCtx(t)
	if n, ok := c.AppendLimit(); ok {
		t.Fatalf("AppendLimit before the capability = %d", n)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	if n, ok := c.AppendLimit(); !ok || n != 20 {
		t.Fatalf("AppendLimit = %d, %v; want 20", n, ok)
	}
	_, err := c.Append(ctx, "INBOX", []byte("0123456789abcdefghijk"), nil)
	var ie *Error
	if !errors.Is(err, ErrInvalidArgument) || !errors.As(err, &ie) || ie.Fatal || ie.ResponseCode != "TOOBIG" {
		t.Fatalf("Append of 21 bytes: %v, want ErrInvalidArgument [TOOBIG]", err)
	}
	uid, err := c.Append(ctx, "INBOX", []byte("0123456789abcdefghij"), nil)
	if err != nil || uid != 1 {
		t.Fatalf("Append of 20 bytes = %d, %v", uid, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"APPEND INBOX {20+}"}; !reflect.DeepEqual(appends, want) {
		t.Errorf("sent %q, want %q", appends, want)
	}
}
