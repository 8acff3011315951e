package imapclient

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// silentServer accepts connections, sends a greeting (unless mute), reads
// commands and never answers them: every call blocks until interrupted.
func silentServer(t *testing.T, greet bool) string {
	t.Helper()
	return lineServer(t, greet, false)
}

// lineServer accepts connections, sends a greeting (unless mute) and reads
// commands; with answer it completes each with a tagged OK at once, else
// it never answers.
func lineServer(t *testing.T, greet, answer bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close() // also ends a connect abandoned by a canceled Dial
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				if greet {
					conn.Write([]byte("* OK [CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN] silent server ready\r\n"))
				}
				r := bufio.NewReader(conn)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if tag, _, ok := strings.Cut(line, " "); answer && ok {
						if _, err := conn.Write([]byte(tag + " OK done\r\n")); err != nil {
							return
						}
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func dialSilent(t *testing.T) *Client {
	t.Helper()
	addr := silentServer(t, true)
	c, err := Dial(context.Background(), addr, &Options{TLS: TLSNone})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestContextDeadlineInterrupts(t *testing.T) {
	c := dialSilent(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Noop(ctx)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Noop returned after %v", d)
	}
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrTimeout and DeadlineExceeded", err)
	}
	var ie *Error
	if !errors.As(err, &ie) || ie.Code != CodeTimeout || ie.Op != "Noop" || !ie.Fatal {
		t.Errorf("error %+v", ie)
	}
	// The interrupt closed the connection.
	err = c.Noop(context.Background())
	if !errors.Is(err, ErrClosed) || !errors.As(err, &ie) || !ie.Fatal {
		t.Errorf("Noop after interrupt = %v (%+v), want a fatal ErrClosed", err, ie)
	}
}

// hostileServer greets with PREAUTH, answers SELECT with one message and
// FETCH with a 100 MiB literal of which it sends a few bytes.
func hostileServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		conn.Write([]byte("* PREAUTH [CAPABILITY IMAP4rev1] hostile server ready\r\n"))
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			tag, rest, _ := strings.Cut(line, " ")
			switch {
			case strings.HasPrefix(rest, "SELECT"):
				conn.Write([]byte("* 1 EXISTS\r\n* OK [UIDVALIDITY 1] ok\r\n" + tag + " OK [READ-WRITE] done\r\n"))
			case strings.Contains(rest, "FETCH"):
				conn.Write([]byte("* 1 FETCH (UID 1 BODY[] {104857600}\r\nSubject: hi\r\n"))
			default:
				conn.Write([]byte(tag + " OK done\r\n"))
			}
		}
	}()
	return ln.Addr().String()
}

// A literal too large to skip ends the connection: the error says Fatal,
// and later calls fail at once with a fatal ErrClosed.
func TestLimitExceededFatal(t *testing.T) {
	c, err := Dial(context.Background(), hostileServer(t), &Options{TLS: TLSNone, MaxLiteral: 1024})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := testCtx(t)
	if _, err := c.Select(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	_, err = c.Fetch(ctx, IDs(1), "BODY.PEEK[]")
	var ie *Error
	if !errors.As(err, &ie) || ie.Code != CodeLimitExceeded || !ie.Fatal || !errors.Is(err, ErrProtocol) {
		t.Fatalf("Fetch = %v (%+v), want a fatal CodeLimitExceeded", err, ie)
	}
	for _, op := range []func() error{
		func() error { return c.Noop(ctx) },
		func() error { _, err := c.Fetch(ctx, IDs(1), "FLAGS"); return err },
	} {
		err := op()
		if !errors.Is(err, ErrClosed) || !errors.As(err, &ie) || !ie.Fatal {
			t.Errorf("call after a fatal limit error = %v (%+v), want a fatal ErrClosed", err, ie)
		}
	}
}

func TestContextCancelInterrupts(t *testing.T) {
	c := dialSilent(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	err := c.Noop(ctx)
	if !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want ErrCanceled", err)
	}
	// An already canceled context does not even start the call.
	if err := c.Noop(ctx); !errors.Is(err, ErrCanceled) {
		t.Errorf("err = %v", err)
	}
}

func TestCloseInterruptsCall(t *testing.T) {
	c := dialSilent(t)
	done := make(chan error, 1)
	go func() { done <- c.Noop(context.Background()) }()
	time.Sleep(100 * time.Millisecond)
	c.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Noop succeeded")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not interrupt Noop")
	}
}

func TestDialCancel(t *testing.T) {
	addr := silentServer(t, false) // never greets
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := Dial(ctx, addr, &Options{TLS: TLSNone})
	if !errors.Is(err, ErrCanceled) || time.Since(start) > 3*time.Second {
		t.Errorf("Dial = %v after %v", err, time.Since(start))
	}
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = Dial(ctx, addr, &Options{TLS: TLSNone})
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("Dial with deadline = %v, want ErrTimeout", err)
	}
}

func TestIOTimeoutOption(t *testing.T) {
	addr := silentServer(t, true)
	c, err := Dial(context.Background(), addr, &Options{TLS: TLSNone, IOTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Noop(context.Background()); !errors.Is(err, ErrTimeout) {
		t.Errorf("Noop = %v, want ErrTimeout", err)
	}
}

func TestDialRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = Dial(context.Background(), addr, &Options{TLS: TLSNone})
	var ie *Error
	if !errors.As(err, &ie) || ie.Code != CodeIO {
		t.Errorf("Dial to closed port = %v", err)
	}
}

// A section cut short by a failing fetch (here the deadline, 12 bytes into
// a 100 MiB literal) ends for OnSectionReader with io.ErrUnexpectedEOF,
// not a clean end of data: a reader copying it to a file must not take
// the piece for the whole message.
func TestSectionReaderSeesATruncatedSection(t *testing.T) {
	c, err := Dial(context.Background(), hostileServer(t), &Options{TLS: TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(testCtx(t), "INBOX"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	var got []byte
	var readErr error
	_, err = c.FetchStream(ctx, IDs(1), "BODY.PEEK[]", &StreamOptions{
		Threshold: 1,
		OnSectionReader: func(s SectionInfo, r io.Reader) error {
			got, readErr = io.ReadAll(r)
			return nil
		},
	})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("FetchStream = %v, want ErrTimeout", err)
	}
	if string(got) != "Subject: hi\r\n" || !errors.Is(readErr, io.ErrUnexpectedEOF) {
		t.Errorf("reader got %q, %v; want the 13 bytes sent and io.ErrUnexpectedEOF", got, readErr)
	}
}

// A call waiting for a client another goroutine's call holds gives up when
// its own context ends: it used to wait for the other call whatever its
// context said.
func TestWaitingForTheClientHonoursTheContext(t *testing.T) {
	c := dialSilent(t)
	go c.Noop(context.Background()) // blocks: the server never answers
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	res := make(chan error, 1)
	go func() { res <- c.Noop(ctx) }()
	select {
	case err := <-res:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Noop = %v, want its context's deadline", err)
		}
	case <-time.After(3 * time.Second):
		t.Error("Noop waited past its context for the other call")
	}
	c.Close()
}

// A context that ends just as its call completes must not reach a later
// call: the interrupt used to fire after the call had returned nil, and
// the next call, with a context of its own that never ended, failed with
// ErrCanceled (one run in eight in a loop like this one). Now a call
// either fails with its context's error, or succeeds and the connection
// is left as it was, or (the interrupt closed it as the call completed)
// succeeds and the next call fails with ErrClosed.
func TestCancelAsTheCallEndsSparesTheNextCall(t *testing.T) {
	addr := lineServer(t, true, true)
	dial := func() *Client {
		c, err := Dial(context.Background(), addr, &Options{TLS: TLSNone})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := dial()
	defer func() { c.Close() }()
	var canceledCalls, notStarted, lateClosed, clean int
	for i := 0; i < 1500; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		go func(spin int) {
			for j := 0; j < spin; j++ {
				runtime.Gosched()
			}
			cancel()
		}(i % 40)
		err := c.Noop(ctx)
		cancel()
		if err != nil {
			var ie *Error
			if !errors.Is(err, ErrCanceled) || !errors.As(err, &ie) {
				t.Fatalf("round %d: Noop = %v, want ErrCanceled or nil", i, err)
			}
			if !ie.Fatal {
				// Canceled before it started: the connection is untouched.
				notStarted++
			} else {
				canceledCalls++
				c.Close()
				c = dial()
				continue
			}
		}
		err = c.Noop(context.Background())
		switch {
		case err == nil:
			clean++
		case errors.Is(err, ErrClosed):
			lateClosed++
			c.Close()
			c = dial()
		default:
			t.Fatalf("round %d: the call after a successful one = %v, want nil or ErrClosed", i, err)
		}
	}
	t.Logf("canceled %d, not started %d, then the next call succeeded %d, succeeded as the interrupt closed the connection %d",
		canceledCalls, notStarted, clean, lateClosed)
	if canceledCalls == 0 || clean == 0 {
		t.Errorf("the loop did not race: canceled %d, succeeded %d", canceledCalls, clean)
	}
}

// bodyFetch is the untagged answer for messages from..to, each with its
// UID (seq+1000) and a body of size bytes.
func bodyFetch(from, to, size int) string {
	var b strings.Builder
	body := strings.Repeat("x", size)
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "* %d FETCH (UID %d BODY[] {%d}\r\n%s)\r\n", i, i+1000, size, body)
	}
	return b.String()
}

// fetchServer answers FETCH with answer, all of it at once (the client
// holds it in its buffers before the first callback returns), and every
// other command with OK.
func fetchServer(t *testing.T, answer string) string {
	t.Helper()
	return scriptServer(t, func(tag, line string, w net.Conn) {
		if strings.Contains(line, "FETCH") {
			w.Write([]byte(answer + tag + " OK done\r\n"))
			return
		}
		okAnswer(tag, line, w)
	}, nil, nil)
}

// Canceling the context from inside OnMessage stops the delivery at
// once: OnMessage used to be called for every message the library had
// read already (781 more times at GOMAXPROCS=1 in an audit, a batch or
// two more with the decoding ahead). FetchStream returns the messages
// delivered and the context's error.
func TestCancelInOnMessageStopsTheDelivery(t *testing.T) {
	for _, procs := range []int{1, 4} {
		for _, reuse := range []bool{false, true} {
			t.Run(fmt.Sprintf("procs=%d/reuse=%v", procs, reuse), func(t *testing.T) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				c := dialSelected(t, fetchServer(t, aheadFetch(1, 1000)))
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				calls := 0
				n, err := c.FetchStream(ctx, All, "UID FLAGS ENVELOPE", &StreamOptions{ReuseMessage: reuse,
					OnMessage: func(m *Message) error {
						calls++
						if calls == 300 {
							cancel()
						}
						return nil
					}})
				if calls != 300 || n != 300 {
					t.Errorf("OnMessage called %d times, n = %d; want 300 (canceled at the 300th)", calls, n)
				}
				if !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
					t.Errorf("FetchStream = %v, want ErrCanceled", err)
				}
			})
		}
	}
}

// slowWriter sleeps d in each Write, and reports each Write's start on
// started (without blocking).
type slowWriter struct {
	d       time.Duration
	started chan time.Time
}

func (w *slowWriter) Write(p []byte) (int, error) {
	select {
	case w.started <- time.Now():
	default:
	}
	time.Sleep(w.d)
	return len(p), nil
}

// A canceled context or Close stops the delivery of section bytes before
// the next Write, though the library holds the rest of the answer: with a
// Writer taking 300 ms a Write, the writes went on for every section
// already read (19 more here; Close from another goroutine once took
// 33.8 s). The Write running meanwhile is waited for.
func TestCancelAndCloseStopSlowSectionWriter(t *testing.T) {
	for _, how := range []string{"cancel", "close", "cancel reader"} {
		t.Run(how, func(t *testing.T) {
			c := dialSelected(t, fetchServer(t, bodyFetch(1, 20, 3000)))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			w := &slowWriter{d: 300 * time.Millisecond, started: make(chan time.Time, 100)}
			type result struct {
				n   int
				err error
			}
			res := make(chan result, 1)
			go func() {
				opts := &StreamOptions{OnSection: func(SectionInfo) (io.Writer, error) { return w, nil }}
				if how == "cancel reader" {
					// The section's bytes reach w through the reader.
					opts = &StreamOptions{OnSectionReader: func(_ SectionInfo, r io.Reader) error {
						_, err := io.Copy(w, r)
						return err
					}}
				}
				n, err := c.FetchStream(ctx, All, "UID BODY.PEEK[]", opts)
				res <- result{n, err}
			}()
			<-w.started
			stop := time.Now()
			if how != "close" {
				cancel()
			} else {
				c.Close()
				if d := time.Since(stop); d > 2*time.Second {
					t.Errorf("Close took %v", d)
				}
			}
			var r result
			select {
			case r = <-res:
			case <-time.After(10 * time.Second):
				t.Fatal("FetchStream still running 10 s after the " + how)
			}
			if d := time.Since(stop); d > 2*time.Second {
				t.Errorf("FetchStream returned %v after the %s", d, how)
			}
			close(w.started)
			for s := range w.started {
				if s.After(stop) {
					t.Errorf("a Write started %v after the %s", s.Sub(stop), how)
				}
			}
			if !errors.Is(r.err, ErrCanceled) || r.n > 1 {
				t.Errorf("FetchStream = %d, %v; want at most 1 message and ErrCanceled", r.n, r.err)
			}
		})
	}
}

// FetchStream returns how many messages it delivered along with an
// error, not 0: a callback's error at the 5th message, or a connection
// lost after 10 messages (for OnMessage, with and without the decoding
// ahead, and for OnSection alone, which counts the messages whose
// sections it had whole).
func TestFetchStreamCountsWhatItDeliveredBeforeAnError(t *testing.T) {
	stop := errors.New("stop here")
	for _, procs := range []int{1, 4} {
		t.Run(fmt.Sprintf("callback error/procs=%d", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			c := dialSelected(t, fetchServer(t, aheadFetch(1, 200)))
			calls := 0
			n, err := c.FetchStream(context.Background(), All, "UID FLAGS ENVELOPE", &StreamOptions{
				OnMessage: func(m *Message) error {
					if calls++; calls == 5 {
						return stop
					}
					return nil
				}})
			if n != 5 || err != stop || calls != 5 {
				t.Errorf("FetchStream = %d, %v after %d calls; want 5, the callback's error", n, err, calls)
			}
			// The error is the callback's, as is (see ErrAborted).
			if errors.Is(err, ErrAborted) {
				t.Errorf("a callback's error matches ErrAborted")
			}
		})
	}
	lost := func(t *testing.T) *Client {
		return dialSelected(t, scriptServer(t, func(tag, line string, w net.Conn) {
			if strings.Contains(line, "FETCH") {
				w.Write([]byte(bodyFetch(1, 10, 100)))
				w.Close()
				return
			}
			okAnswer(tag, line, w)
		}, nil, nil))
	}
	for _, procs := range []int{1, 4} {
		t.Run(fmt.Sprintf("connection lost/OnMessage/procs=%d", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			calls := 0
			n, err := lost(t).FetchStream(context.Background(), All, "UID BODY.PEEK[]", &StreamOptions{
				Threshold: 1 << 20,
				OnMessage: func(m *Message) error { calls++; return nil }})
			if n != 10 || calls != 10 || err == nil {
				t.Errorf("FetchStream = %d, %v after %d calls; want 10 and an error", n, err, calls)
			}
		})
	}
	t.Run("connection lost/OnSection", func(t *testing.T) {
		sections := 0
		n, err := lost(t).FetchStream(context.Background(), All, "UID BODY.PEEK[]", &StreamOptions{
			OnSection: func(SectionInfo) (io.Writer, error) { sections++; return io.Discard, nil }})
		if n != 10 || sections != 10 || err == nil {
			t.Errorf("FetchStream = %d, %v after %d sections; want 10 and an error", n, err, sections)
		}
	})
}

// A callback's error is FetchStream's, unchanged, even when it is
// io.ErrUnexpectedEOF (what a reader parsing a section may return),
// which FetchStream otherwise takes for the mark of a section the
// failing fetch cut short: it returned the library's ABORTED instead.
func TestFetchStreamReturnsTheReadersOwnUnexpectedEOF(t *testing.T) {
	c := dialSelected(t, fetchServer(t, bodyFetch(1, 3, 100)))
	n, err := c.FetchStream(context.Background(), All, "UID BODY.PEEK[]", &StreamOptions{
		OnSectionReader: func(s SectionInfo, r io.Reader) error {
			if s.SeqNum == 2 {
				return io.ErrUnexpectedEOF
			}
			_, err := io.Copy(io.Discard, r)
			return err
		}})
	if err != io.ErrUnexpectedEOF || errors.Is(err, ErrAborted) || n != 1 {
		t.Errorf("FetchStream = %d, %v; want 1 and the reader's io.ErrUnexpectedEOF", n, err)
	}
}

// Search, Sort and Thread with Gmail keys ask for X-GM-EXT-1 as any call
// takes the client: waiting for another goroutine's call only as long as
// their context allows (they waited for it whatever the context said), and
// failing with ErrIllegalState during an Idle (they said ErrCapability, as
// if the server lacked it).
func TestGmailSearchTakesTheClientAsCallsDo(t *testing.T) {
	gmail := &SearchCriteria{GmailRaw: "has:attachment"}
	calls := map[string]func(context.Context, *Client) error{
		"Search": func(ctx context.Context, c *Client) error { _, err := c.Search(ctx, gmail); return err },
		"Sort":   func(ctx context.Context, c *Client) error { _, err := c.Sort(ctx, "DATE", gmail); return err },
		"Thread": func(ctx context.Context, c *Client) error { _, err := c.Thread(ctx, "REFERENCES", gmail); return err },
	}
	c := dialSilent(t)
	go c.Noop(context.Background()) // blocks: the server never answers
	time.Sleep(100 * time.Millisecond)
	for name, call := range calls {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		res := make(chan error, 1)
		go func() { res <- call(ctx, c) }()
		select {
		case err := <-res:
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s while another call runs = %v, want its context's deadline", name, err)
			}
		case <-time.After(3 * time.Second):
			t.Errorf("%s waited past its context for the other call", name)
		}
		cancel()
	}
	c.Close()

	i := dialSelected(t, scriptServer(t, okAnswer, nil, nil))
	idle, err := i.Idle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Stop()
	for name, call := range calls {
		if err := call(testCtx(t), i); !errors.Is(err, ErrIllegalState) {
			t.Errorf("%s during Idle = %v, want ErrIllegalState", name, err)
		}
	}
}

// The getters answer at once while another goroutine's call holds the
// client (they waited for it to end, here for ever), and during an Idle
// as before it: AppendLimit from a CAPABILITY the server sent later, a
// masked capability still left out.
func TestGettersDoNotWaitForTheClient(t *testing.T) {
	c := dialSilent(t)
	go c.Noop(context.Background()) // blocks: the server never answers
	time.Sleep(100 * time.Millisecond)
	res := make(chan [3]bool, 1)
	go func() {
		_, limit := c.AppendLimit()
		res <- [3]bool{c.HasCapability("AUTH=PLAIN"), c.IsTLS() || c.IsCompressed(), limit}
	}()
	select {
	case got := <-res:
		if got != [3]bool{true, false, false} {
			t.Errorf("HasCapability(AUTH=PLAIN), IsTLS or IsCompressed, AppendLimit's ok = %v; want true, false, false", got)
		}
	case <-time.After(3 * time.Second):
		t.Error("the getters waited for another goroutine's call")
	}
	c.Close()

	i := dialSelected(t, scriptServer(t, func(tag, line string, w net.Conn) {
		if strings.HasPrefix(line, "NOOP") {
			w.Write([]byte("* CAPABILITY IMAP4rev1 IDLE MOVE APPENDLIMIT=20\r\n" + tag + " OK done\r\n"))
			return
		}
		okAnswer(tag, line, w)
	}, nil, nil))
	ctx := testCtx(t)
	if err := i.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := i.MaskCapability("move"); err != nil {
		t.Fatal(err)
	}
	idle, err := i.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n, ok := i.AppendLimit()
	idleCap, move := i.HasCapability("IDLE"), i.HasCapability("MOVE")
	if err := idle.Stop(); err != nil {
		t.Fatal(err)
	}
	if n != 20 || !ok || !idleCap || move {
		t.Errorf("during Idle: AppendLimit %d, %v, HasCapability(IDLE) %v, HasCapability(MOVE) (masked) %v; want 20, true, true, false",
			n, ok, idleCap, move)
	}
}
