// Command fetchbench is the Go twin of the C fetch_bench: it logs in,
// examines FOLDER, fetches every message (1:* by UID) with ITEMS, touches
// every value (counts envelopes, sums body bytes) and prints one line:
//
//	messages=N bytes=B seconds=S
//
// where S covers only the fetch. With --stream, body sections are
// streamed and their chunks discarded as they arrive, so memory stays
// fixed whatever the mail size. FETCH_BENCH_STREAM_THRESHOLD sets the
// streaming threshold (default 64 KiB, as the C and Rust twins): smaller
// sections arrive whole, in one write; FETCHBENCH_CPUPROFILE=FILE writes a
// CPU profile of the fetch.
//
// Usage: fetchbench FOLDER ITEMS [--stream]
//
// Environment: IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_PASSWORD, IMAP_TLS
// (implicit|starttls|none; default starttls; implicit uses IMAP_TLS_PORT
// when set), IMAP_CAFILE; IMAP_COMPRESS=1 turns on COMPRESS=DEFLATE after
// login, as in the C examples.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/pprof"
	"strconv"
	"time"

	imapclient "github.com/libimapclient/imapclient-go"
)

func env(name, dflt string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return dflt
}

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "fetchbench: "+format+"\n", args...)
	os.Exit(1)
}

// counter is an io.Writer that only counts.
type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func main() {
	args := os.Args[1:]
	stream := false
	if len(args) == 3 && args[2] == "--stream" {
		stream = true
		args = args[:2]
	}
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fetchbench FOLDER ITEMS [--stream]")
		os.Exit(2)
	}
	folder, items := args[0], args[1]

	opts := &imapclient.Options{TLS: imapclient.TLSStartTLS}
	port := env("IMAP_PORT", "")
	switch env("IMAP_TLS", "starttls") {
	case "implicit":
		opts.TLS = imapclient.TLSImplicit
		port = env("IMAP_TLS_PORT", port)
	case "starttls":
	case "none":
		opts.TLS = imapclient.TLSNone
	default:
		die("IMAP_TLS must be implicit, starttls or none")
	}
	if ca := os.Getenv("IMAP_CAFILE"); ca != "" && opts.TLS != imapclient.TLSNone {
		opts.TLSConfig = &imapclient.TLSConfig{CAFile: ca}
	}
	addr := env("IMAP_HOST", "127.0.0.1")
	if port != "" {
		addr = net.JoinHostPort(addr, port)
	}

	ctx := context.Background()
	c, err := imapclient.Dial(ctx, addr, opts)
	if err != nil {
		die("%v", err)
	}
	defer c.Close()
	if err := c.Login(ctx, env("IMAP_USER", "test"), env("IMAP_PASSWORD", "pass")); err != nil {
		die("%v", err)
	}
	if env("IMAP_COMPRESS", "0") == "1" {
		if err := c.Compress(ctx); err != nil {
			die("%v", err)
		}
	}
	if _, err := c.Examine(ctx, folder); err != nil {
		die("%v", err)
	}

	// touch reads every value the fetch produced: envelopes are counted
	// (their strings walked), section bytes summed.
	var messages, envelopes, sink int
	var bytes int64
	touch := func(m *imapclient.Message) {
		messages++
		sink += len(m.Flags)
		if e := m.Envelope; e != nil {
			envelopes++
			sink += len(e.Subject) + len(e.MessageID) + len(e.From) + len(e.To)
		}
		for _, s := range m.Sections {
			bytes += int64(len(s.Data))
		}
	}
	if path := os.Getenv("FETCHBENCH_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			die("%v", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			die("%v", err)
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	if stream {
		var body counter
		threshold := int64(64 * 1024)
		if v := os.Getenv("FETCH_BENCH_STREAM_THRESHOLD"); v != "" {
			if threshold, err = strconv.ParseInt(v, 10, 64); err != nil {
				die("FETCH_BENCH_STREAM_THRESHOLD: %v", err)
			}
		}
		_, err = c.FetchStream(ctx, imapclient.All, items, &imapclient.StreamOptions{
			Threshold:       threshold,
			DropSectionData: true,
			// touch only reads each message, as the C bench's callback
			// reads the message the library lends it.
			ReuseMessage: true,
			OnSection:    func(imapclient.SectionInfo) (io.Writer, error) { return &body, nil },
			OnMessage:    func(m *imapclient.Message) error { touch(m); return nil },
		})
		bytes += body.n
	} else {
		var msgs []imapclient.Message
		msgs, err = c.Fetch(ctx, imapclient.All, items)
		for i := range msgs {
			touch(&msgs[i])
		}
	}
	elapsed := time.Since(start)
	if err != nil {
		die("%v", err)
	}
	_, _ = envelopes, sink
	fmt.Printf("messages=%d bytes=%d seconds=%.6f\n", messages, bytes, elapsed.Seconds())
	c.Logout(ctx)
}
