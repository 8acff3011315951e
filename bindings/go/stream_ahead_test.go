package imapclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

// decodeAhead gives the test at least two processors, which FetchStream
// needs to decode ahead (with one it decodes each message as it comes).
func decodeAhead(t *testing.T) {
	if old := runtime.GOMAXPROCS(0); old < 2 {
		runtime.GOMAXPROCS(2)
		t.Cleanup(func() { runtime.GOMAXPROCS(old) })
	}
}

// aheadMessages is more than a batch of the library's (64), so that a
// batch is decoded ahead while the next is parsed.
const aheadMessages = 150

// aheadFetch is the untagged answer for messages from..to: each has its
// UID (seq+1000) and a subject naming it.
func aheadFetch(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "* %d FETCH (UID %d FLAGS (\\Seen) ENVELOPE (NIL \"subject %d\" "+
			"((\"A\" NIL \"a\" \"example.org\")) NIL NIL NIL NIL NIL NIL \"<m%d@x>\"))\r\n", i, i+1000, i, i)
	}
	return b.String()
}

// checkAhead checks that m is message seq of aheadFetch.
func checkAhead(t *testing.T, m *Message, seq int) {
	t.Helper()
	if int(m.SeqNum) != seq || int(m.UID) != seq+1000 || m.Envelope == nil ||
		m.Envelope.Subject != fmt.Sprintf("subject %d", seq) || !m.HasFlag(`\Seen`) {
		t.Fatalf("message %d: got seq %d uid %d envelope %+v flags %v", seq, m.SeqNum, m.UID, m.Envelope, m.Flags)
	}
}

// FetchStream decodes a batch of messages on another goroutine while the
// library parses the next, and hands them to OnMessage at its next call:
// every message still arrives in order, decoded right (ReuseMessage or
// not), and none waits for the server. Here the server sends the answer
// in three parts and each part only once OnMessage has had the last
// message of the one before (or after 5 s): 64 messages (exactly a batch
// of the library's, so that it holds nothing when it waits: the wait item
// comes alone), 36 more (held by the library when it waits: the wait item
// ends their batch), 50 more and, once they are seen, the tagged end. A
// message held back until the server sends more fails the test.
func TestFetchStreamDecodesAheadButHoldsNothingBack(t *testing.T) {
	decodeAhead(t)
	for _, reuse := range []bool{false, true} {
		t.Run(fmt.Sprintf("reuse=%v", reuse), func(t *testing.T) {
			seen := make(chan int, aheadMessages)
			heldBack := make(chan int, 3)
			addr := scriptServer(t, func(tag, line string, w net.Conn) {
				if !strings.Contains(line, "FETCH") {
					okAnswer(tag, line, w)
					return
				}
				from := 1
				for _, to := range []int{64, 100, aheadMessages} {
					w.Write([]byte(aheadFetch(from, to)))
					timeout := time.After(5 * time.Second)
				wait:
					for {
						select {
						case n := <-seen:
							if n == to {
								break wait
							}
						case <-timeout:
							heldBack <- to
							break wait
						}
					}
					from = to + 1
				}
				w.Write([]byte(tag + " OK done\r\n"))
			}, nil, nil)
			c := dialSelected(t, addr)
			var kept []*Message
			next := 1
			n, err := c.FetchStream(testCtx(t), All, "UID FLAGS ENVELOPE", &StreamOptions{
				ReuseMessage: reuse,
				OnMessage: func(m *Message) error {
					checkAhead(t, m, next)
					if !reuse {
						kept = append(kept, m)
					}
					seen <- next
					next++
					return nil
				},
			})
			if err != nil || n != aheadMessages || next != aheadMessages+1 {
				t.Fatalf("FetchStream = %d, %v; OnMessage saw %d", n, err, next-1)
			}
			close(heldBack)
			for to := range heldBack {
				t.Errorf("messages up to %d were held back until the server sent more", to)
			}
			// Kept messages are the caller's: later ones did not
			// overwrite them.
			for i, m := range kept {
				checkAhead(t, m, i+1)
			}
			if err := c.Noop(testCtx(t)); err != nil {
				t.Fatalf("Noop after the stream: %v", err)
			}
		})
	}
}

// OnMessage's error, panic, and a connection cut while batches are
// decoded ahead: OnMessage sees no message after its error or panic;
// after a cut it still sees every message that arrived before it, and
// FetchStream returns the library's fatal error.
func TestFetchStreamAheadStopsAndCuts(t *testing.T) {
	decodeAhead(t)
	answer := func(tag, line string, w net.Conn) {
		if strings.Contains(line, "FETCH") {
			w.Write([]byte(aheadFetch(1, aheadMessages) + tag + " OK done\r\n"))
			return
		}
		okAnswer(tag, line, w)
	}
	stop := errors.New("enough")
	for _, at := range []int{1, 64, 65, 100, aheadMessages} {
		c := dialSelected(t, scriptServer(t, answer, nil, nil))
		seen := 0
		_, err := c.FetchStream(testCtx(t), All, "UID FLAGS ENVELOPE", &StreamOptions{
			OnMessage: func(m *Message) error {
				seen++
				checkAhead(t, m, seen)
				if seen == at {
					return stop
				}
				return nil
			},
		})
		if err != stop || seen != at {
			t.Fatalf("stop at %d: FetchStream = %v, OnMessage saw %d", at, err, seen)
		}
		if err := c.Noop(testCtx(t)); err != nil {
			t.Fatalf("stop at %d: Noop after: %v", at, err)
		}

		seen = 0
		got := func() (r any) {
			defer func() { r = recover() }()
			c.FetchStream(testCtx(t), All, "UID FLAGS ENVELOPE", &StreamOptions{
				ReuseMessage: true,
				OnMessage: func(m *Message) error {
					seen++
					if seen == at {
						panic(fmt.Sprintf("boom %d", at))
					}
					return nil
				},
			})
			return nil
		}()
		if got != fmt.Sprintf("boom %d", at) || seen != at {
			t.Fatalf("panic at %d: recovered %v, OnMessage saw %d", at, got, seen)
		}
		if err := c.Noop(testCtx(t)); err != nil {
			t.Fatalf("panic at %d: Noop after: %v", at, err)
		}
	}

	cut := scriptServer(t, func(tag, line string, w net.Conn) {
		if strings.Contains(line, "FETCH") {
			w.Write([]byte(aheadFetch(1, 100) + "* 101 FETCH (UID 1101 FLAGS (\\Seen) ENVELOPE (NIL"))
			w.Close()
			return
		}
		okAnswer(tag, line, w)
	}, nil, nil)
	c := dialSelected(t, cut)
	seen := 0
	_, err := c.FetchStream(context.Background(), All, "UID FLAGS ENVELOPE", &StreamOptions{
		OnMessage: func(m *Message) error {
			seen++
			checkAhead(t, m, seen)
			return nil
		},
	})
	var e *Error
	if !errors.As(err, &e) || !e.Fatal || seen != 100 {
		t.Fatalf("cut after 100: FetchStream = %v, OnMessage saw %d, want 100 and the fatal error", err, seen)
	}
}

// The decoding goroutine ends with its fetch, however the call ends: an
// argument refused before the library is called, a closed client, a
// context ended before the call, an OnMessage error, a normal end.
func TestFetchStreamAheadLeavesNoGoroutine(t *testing.T) {
	decodeAhead(t)
	answer := func(tag, line string, w net.Conn) {
		if strings.Contains(line, "FETCH") {
			w.Write([]byte(aheadFetch(1, 100) + tag + " OK done\r\n"))
			return
		}
		okAnswer(tag, line, w)
	}
	c := dialSelected(t, scriptServer(t, answer, nil, nil))
	stop := errors.New("stop")
	onMessage := func(m *Message) error {
		if m.SeqNum == 70 {
			return stop
		}
		return nil
	}
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	before := runtime.NumGoroutine()
	for i := 0; i < 20; i++ {
		if _, err := c.FetchStream(testCtx(t), All, "UID\x00FLAGS", &StreamOptions{OnMessage: onMessage}); err == nil {
			t.Fatal("items with a NUL accepted")
		}
		if _, err := c.FetchStream(ended, All, "UID FLAGS", &StreamOptions{OnMessage: onMessage}); err == nil {
			t.Fatal("an ended context accepted")
		}
		if _, err := c.FetchStream(testCtx(t), All, "UID FLAGS ENVELOPE", &StreamOptions{OnMessage: onMessage}); err != stop {
			t.Fatalf("FetchStream = %v, want the callback's error", err)
		}
		if n, err := c.FetchStream(testCtx(t), All, "UID FLAGS ENVELOPE", &StreamOptions{
			OnMessage: func(*Message) error { return nil }}); err != nil || n != 100 {
			t.Fatalf("FetchStream = %d, %v", n, err)
		}
	}
	c.Close()
	if _, err := c.FetchStream(testCtx(t), All, "UID FLAGS", &StreamOptions{OnMessage: onMessage}); err == nil {
		t.Fatal("a closed client accepted")
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("%d goroutines before, %d after 81 streams", before, after)
	}
}

// With a section consumer too, batches without sections are still
// decoded ahead, and one with sections waits for them: every event in
// server order. Messages 1..100 come without a body, 101..150 with one,
// streamed (Threshold 0) to OnSection, which must see each section after
// the message before it and before its own.
func TestFetchStreamAheadKeepsOrderWithSections(t *testing.T) {
	decodeAhead(t)
	addr := scriptServer(t, func(tag, line string, w net.Conn) {
		if !strings.Contains(line, "FETCH") {
			okAnswer(tag, line, w)
			return
		}
		var b strings.Builder
		b.WriteString(aheadFetch(1, 100))
		for i := 101; i <= aheadMessages; i++ {
			body := fmt.Sprintf("body %d", i)
			fmt.Fprintf(&b, "* %d FETCH (UID %d BODY[] {%d}\r\n%s FLAGS (\\Seen) ENVELOPE (NIL \"subject %d\" "+
				"((\"A\" NIL \"a\" \"example.org\")) NIL NIL NIL NIL NIL NIL \"<m%d@x>\"))\r\n",
				i, i+1000, len(body), body, i, i)
		}
		w.Write([]byte(b.String() + tag + " OK done\r\n"))
	}, nil, nil)
	c := dialSelected(t, addr)
	var events []string
	var section strings.Builder
	n, err := c.FetchStream(testCtx(t), All, "UID BODY.PEEK[] FLAGS ENVELOPE", &StreamOptions{
		OnSection: func(s SectionInfo) (io.Writer, error) {
			events = append(events, fmt.Sprintf("section %d", s.SeqNum))
			section.Reset()
			return &section, nil
		},
		OnMessage: func(m *Message) error {
			checkAhead(t, m, int(m.SeqNum)) // the order: below
			if m.SeqNum > 100 && section.String() != fmt.Sprintf("body %d", m.SeqNum) {
				t.Fatalf("message %d after section %q", m.SeqNum, section.String())
			}
			events = append(events, fmt.Sprintf("message %d", m.SeqNum))
			return nil
		},
	})
	if err != nil || n != aheadMessages {
		t.Fatalf("FetchStream = %d, %v", n, err)
	}
	var want []string
	for i := 1; i <= aheadMessages; i++ {
		if i > 100 {
			want = append(want, fmt.Sprintf("section %d", i))
		}
		want = append(want, fmt.Sprintf("message %d", i))
	}
	if strings.Join(events, ",") != strings.Join(want, ",") {
		t.Fatalf("events out of order:\n got %v\nwant %v", events, want)
	}
}
