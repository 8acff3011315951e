package imapclient

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// Tests that need a server read the environment of scripts/test-server.sh
// (`make test`, or `scripts/test-server.sh run -- go test ./...`) and are
// skipped when IMAP_HOST is not set.

type testEnv struct {
	host, port, tlsPort, user, pass, caFile, dir string
	// mode is how login and tempFolder's cleanup connect to port;
	// prefix starts the names tempFolder makes (the personal namespace's).
	mode   TLSMode
	prefix string
}

func serverEnv(t testing.TB) testEnv {
	t.Helper()
	e := testEnv{
		host:    os.Getenv("IMAP_HOST"),
		port:    os.Getenv("IMAP_PORT"),
		tlsPort: os.Getenv("IMAP_TLS_PORT"),
		user:    os.Getenv("IMAP_USER"),
		pass:    os.Getenv("IMAP_PASSWORD"),
		caFile:  os.Getenv("IMAP_CAFILE"),
		dir:     os.Getenv("IMAP_TEST_DIR"),
	}
	if e.host == "" || e.port == "" {
		skipNoServer(t, "IMAP_HOST/IMAP_PORT not set: run through `make test` or `scripts/test-server.sh run -- go test ./...`")
	}
	if e.user == "" {
		e.user, e.pass = "test", "pass"
	}
	e.mode = TLSStartTLS
	return e
}

func (e testEnv) cert(name string) string { return filepath.Join(e.dir, "certs", name) }

func (e testEnv) addr(mode TLSMode) string {
	if mode == TLSImplicit {
		return net.JoinHostPort(e.host, e.tlsPort)
	}
	return net.JoinHostPort(e.host, e.port)
}

func (e testEnv) options(mode TLSMode) *Options {
	return &Options{TLS: mode, TLSConfig: &TLSConfig{CAFile: e.caFile}}
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// dialOnly returns a client over implicit TLS, not logged in, closed at
// cleanup.
func dialOnly(t testing.TB) *Client {
	t.Helper()
	e := serverEnv(t)
	c, err := Dial(testCtx(t), e.addr(TLSImplicit), e.options(TLSImplicit))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// dialLogin returns a logged-in client (STARTTLS), closed at cleanup.
func dialLogin(t testing.TB) *Client {
	t.Helper()
	return serverEnv(t).login(t)
}

// login returns a client of e's server connected as e.mode says and
// logged in as e's user, closed at cleanup.
func (e testEnv) login(t testing.TB) *Client {
	t.Helper()
	ctx := testCtx(t)
	c, err := Dial(ctx, e.addr(e.mode), e.options(e.mode))
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(ctx, e.user, e.pass); err != nil {
		t.Fatalf("Login: %v", err)
	}
	return c
}

var folderSeq atomic.Int64

// tempFolder creates a folder of the test's own, deleted at cleanup.
func tempFolder(t testing.TB, c *Client, tag string) string {
	t.Helper()
	return serverEnv(t).tempFolder(t, c, tag)
}

// tempFolder creates a folder of the test's own on e's server (a name
// under e.prefix), deleted at cleanup over a connection of its own.
func (e testEnv) tempFolder(t testing.TB, c *Client, tag string) string {
	t.Helper()
	name := fmt.Sprintf("%sgotest-%s-%d-%d-%d", e.prefix, tag, os.Getpid(), time.Now().UnixNano()%1e9, folderSeq.Add(1))
	ctx := testCtx(t)
	if err := c.CreateFolder(ctx, name); err != nil {
		t.Fatalf("CreateFolder %q: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cl, err := Dial(ctx, e.addr(e.mode), e.options(e.mode))
		if err != nil {
			t.Logf("cleanup dial: %v", err)
			return
		}
		defer cl.Close()
		if err := cl.Login(ctx, e.user, e.pass); err == nil {
			if err := cl.DeleteFolder(ctx, name); err != nil {
				t.Logf("cleanup DeleteFolder %q: %v", name, err)
			}
			cl.Logout(ctx)
		}
	})
	return name
}

func testMessage(subject, body string) []byte {
	return []byte("From: Go Test <go@example.org>\r\n" +
		"To: test@example.org\r\n" +
		"Subject: " + subject + "\r\n" +
		"Date: Mon, 02 Sep 2024 10:00:00 +0200\r\n" +
		"Message-ID: <" + fmt.Sprint(time.Now().UnixNano()) + "@go.example.org>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"\r\n" + body + "\r\n")
}

// skipNoServer skips a test that needs a server the environment does not
// name, or fails it when IMAPC_REQUIRE_SERVERS=1 (`make test` sets it:
// there a missing server is a broken set-up, not a reason to pass).
func skipNoServer(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("IMAPC_REQUIRE_SERVERS") == "1" {
		t.Fatal(why + " (and IMAPC_REQUIRE_SERVERS=1)")
	}
	t.Skip(why)
}
