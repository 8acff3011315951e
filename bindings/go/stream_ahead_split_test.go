package imapclient

import (
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A set split into two FETCH commands (MaxCommandLen): the messages of the
// first command, decoded ahead, reach OnMessage while the client waits for
// the second command's answer, not only once the server sends it.
func TestFetchStreamAheadSplitSetHoldsNothingBack(t *testing.T) {
	decodeAhead(t)
	seen := make(chan uint32, 1000)
	heldBack := make(chan bool, 1)
	// Counted on the server's goroutine, read on the test's: atomic (the
	// connection gives the race detector no order between them).
	var fetches atomic.Int32
	addr := scriptServer(t, func(tag, line string, w net.Conn) {
		if !strings.Contains(line, "FETCH") {
			okAnswer(tag, line, w)
			return
		}
		k := fetches.Add(1)
		if k == 1 {
			var b strings.Builder
			for i := 1; i <= 19; i += 2 {
				fmt.Fprintf(&b, "* %d FETCH (UID %d FLAGS (\\Seen))\r\n", i, i)
			}
			w.Write([]byte(b.String() + tag + " OK done\r\n"))
			return
		}
		if k > 2 {
			okAnswer(tag, line, w)
			return
		}
		timeout := time.After(5 * time.Second)
	wait:
		for {
			select {
			case n := <-seen:
				if n == 19 {
					break wait
				}
			case <-timeout:
				heldBack <- true
				break wait
			}
		}
		w.Write([]byte(tag + " OK done\r\n"))
	}, nil, nil)
	c, err := Dial(testCtx(t), addr, &Options{TLS: TLSNone, IOTimeout: 8 * time.Second, MaxCommandLen: 300})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(testCtx(t), "INBOX"); err != nil {
		t.Fatal(err)
	}
	var ids []uint32
	for i := uint32(1); i <= 200; i += 2 {
		ids = append(ids, i)
	}
	got := 0
	n, err := c.FetchStream(testCtx(t), IDs(ids...), "UID FLAGS", &StreamOptions{
		OnMessage: func(m *Message) error {
			seen <- m.UID
			got++
			return nil
		},
	})
	t.Logf("FetchStream = %d, %v; %d FETCH commands", n, err, fetches.Load())
	if err != nil || got != 10 {
		t.Fatalf("FetchStream = %d, %v; OnMessage saw %d, want 10", n, err, got)
	}
	if k := fetches.Load(); k < 2 {
		t.Fatalf("the set was not split (%d FETCH)", k)
	}
	select {
	case <-heldBack:
		t.Fatal("the first command's messages were held back until the second command's answer")
	default:
	}
}
