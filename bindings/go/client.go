// Package imapclient is a Go IMAP client over libimapclient's C ABI.
//
// A Client is one connection. Calls that talk to the server take a
// context.Context first: canceling it interrupts the call through the
// library's interrupt (imapc_client_interrupt), the call returns an error
// matching ErrCanceled (or ErrTimeout when the deadline passed) and the
// connection is closed: Close the client and Dial again. A context that
// ends just as its call completes may still close the connection: that
// call succeeds and the next one returns ErrClosed. A context that ends
// after its call returned touches nothing. A client is meant
// for one goroutine at a time; calls from several goroutines are safe but
// run one after the other.
//
// Errors are *Error values; match them with errors.Is against ErrAuth,
// ErrTLS, ErrTimeout, ErrNo, ErrBad, ErrBye, ErrCapability, ErrClosed,
// ErrCanceled... or get the exact Code with errors.As.
package imapclient

// #include <stdlib.h>
// #include <string.h>
// #include <imapclient.h>
import "C"

import (
	"context"
	"crypto/tls"
	"errors"
	"math"
	"net"
	"reflect"
	"runtime"
	"runtime/cgo"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Version returns the C library's version, "MAJOR.MINOR.PATCH".
func Version() string { return C.GoString(C.imapc_version()) }

// TLSMode says how the connection is protected.
type TLSMode int

const (
	// TLSImplicit: TLS from the first byte (port 993). The default.
	TLSImplicit TLSMode = iota
	// TLSStartTLS: plaintext, then STARTTLS before anything else (port
	// 143); failing to upgrade fails Dial.
	TLSStartTLS
	// TLSNone: DANGEROUS, no TLS at all; passwords travel in the clear.
	TLSNone
)

// TLSConfig says which certificates to trust and how to verify them. The
// zero value trusts the system store, verifies the host name and accepts
// TLS 1.2 or later.
type TLSConfig struct {
	// CAFile names a PEM file of CA certificates to trust. Adding a CA
	// (file or PEM) replaces the system store unless UseSystemRoots is set.
	// A self-signed server's own certificate may be given too: a server
	// presenting exactly that certificate is trusted (its dates and, unless
	// turned off, its host name still checked).
	CAFile string
	// CAPEM holds PEM CA certificates to trust.
	CAPEM []byte
	// UseSystemRoots also trusts the system store when a CA was given.
	UseSystemRoots bool
	// DangerousSkipHostnameVerification stops checking that the
	// certificate names the host (the chain is still verified).
	DangerousSkipHostnameVerification bool
	// DangerousSkipVerification accepts any certificate. For tests only.
	DangerousSkipVerification bool
	// ClientCertPEM and ClientKeyPEM present a client certificate.
	ClientCertPEM, ClientKeyPEM []byte
	// MinVersion is tls.VersionTLS12 (the default when 0) or tls.VersionTLS13.
	MinVersion uint16
}

// MaxDepthLimit is the largest Options.MaxDepth (IMAPC_MAX_DEPTH_LIMIT):
// the library reads nested body structures recursively and keeps them
// within a small thread stack only up to this depth.
const MaxDepthLimit = C.IMAPC_MAX_DEPTH_LIMIT

// Options for Dial. A nil *Options means implicit TLS with the system
// trust store and the library's default timeouts.
type Options struct {
	// TLS is how the connection is protected; the zero value is
	// TLSImplicit.
	TLS TLSMode
	// TLSConfig says which certificates to trust; nil is the zero
	// TLSConfig (system store, host name verified).
	TLSConfig *TLSConfig
	// ServerName verifies the certificate against (and sends as SNI) this
	// name instead of the host of the address.
	ServerName string
	// ConnectTimeout and IOTimeout: 0 keeps the library's defaults (30 s
	// and 60 s); a negative value waits forever. The deadline of Dial's
	// context also bounds the connect.
	ConnectTimeout, IOTimeout time.Duration
	// Response limits against hostile servers; 0 keeps each default
	// (8 MiB line, 256 MiB literal, 100 nested parentheses). MaxDepth is at
	// most MaxDepthLimit (128); Dial refuses more with CodeInvalidArgument.
	// A response
	// over a limit fails its call with CodeLimitExceeded; when it could be
	// skipped (a literal of up to 64 MiB is read and dropped) the error's
	// Fatal is false and the client goes on.
	MaxLine    int
	MaxLiteral int64
	MaxDepth   int
	// MaxCommandLen is the longest command line sent (default 8000);
	// longer message sets are split into several commands.
	MaxCommandLen int
	// MaxEvents bounds the unsolicited events the library queues until
	// they are taken (Events, an Idle's channel); 0 keeps the default of
	// 1 000 000. Beyond it the call fails with a fatal CodeLimitExceeded:
	// a server flooding the client cannot take unbounded memory.
	MaxEvents int
	// TCP keepalive: probes after KeepAliveIdle of silence, every
	// KeepAliveInterval, and the connection is given up after
	// KeepAliveCount unanswered ones. 0 keeps each default (60 s, 15 s,
	// 4); a negative KeepAliveIdle turns keepalive off. It keeps NAT state
	// alive during a long Idle and finds a peer that vanished. Whole
	// seconds.
	KeepAliveIdle, KeepAliveInterval time.Duration
	KeepAliveCount                   int
}

// Client is a connection to an IMAP server. Create it with Dial; Close it
// when done (Close is idempotent; a finalizer only backs it up).
type Client struct {
	mu     sync.Mutex   // one call at a time; held by a running Idle
	pmu    sync.RWMutex // guards ptr against free while interrupting
	ptr    *C.imapc_client
	closed atomic.Bool
	idling atomic.Bool
	idle   atomic.Pointer[IdleCmd] // the running Idle, for Close to stop
	// imu orders a context's interrupt against the end of its call: the
	// interrupt fires only while that call (callTok) runs, and the call
	// learns whether it did (firedTok).
	imu              sync.Mutex
	callSeq, callTok uint64  // callTok: the running call's token, 0 when none
	firedTok         uint64  // the token of the last call the interrupt hit
	pending          []Event // events left over from IDLE, guarded by mu
	dead             bool    // a fatal error or LOGOUT ended the connection, guarded by mu
	// lateCancel: a context's interrupt closed the connection as its call
	// completed (that call succeeded); guarded by mu.
	lateCancel bool
	// exists is the message count of the selected folder when it was
	// selected (0 when none): it sizes Fetch's result for All.
	exists atomic.Uint32
	// idleRenew is SetIdleRenewInterval's interval (0: the default), which
	// bounds an Idle's polls.
	idleRenew atomic.Int64
	// useUID and folderEncode mirror the library's settings (read at Dial,
	// updated by the setters once the library took the new value), so
	// that UseUID and FolderEncode answer without the client: the C
	// getters cannot take it while a call or an Idle holds it, and report
	// that as false.
	useUID, folderEncode atomic.Bool
	// info is what HasCapability, AppendLimit, IsTLS, IsCompressed and
	// CompressionStats report while a call or an Idle holds the client,
	// read at Dial and after every call (refreshInfo); infoScratch is its
	// scratch, guarded by mu.
	info        atomic.Pointer[clientInfo]
	infoScratch infoScratch
	masked      bool // MaskCapability succeeded once, guarded by mu
}

// clientInfo is a reading of the library's getters, published whole and
// never modified: the C getters cannot take the client while a call or
// an Idle holds it (they answer false, as for "no"), so the Go getters
// answer from the last reading then instead of waiting.
type clientInfo struct {
	caps    string   // the capabilities in use (masked ones left out), space-separated
	capList []string // the same, split
	c       cInfo
}

// has reports whether name is one of the capabilities, ignoring ASCII
// case as the library does.
func (i *clientInfo) has(name string) bool {
	for _, c := range i.capList {
		if asciiEqualFold(c, name) {
			return true
		}
	}
	return false
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// refreshInfo reads the getters' values from the library (one call into
// C; nothing allocated when they did not change). c.mu is held, or the
// client is not shared yet.
func (c *Client) refreshInfo(p *C.imapc_client) {
	sc := &c.infoScratch
	if sc.buf == nil {
		sc.buf = make([]byte, 512)
	}
	ci, ok := cClientInfo(p, c.masked, sc)
	if ok && ci.capsLen > len(sc.buf) {
		sc.buf = make([]byte, ci.capsLen)
		ci, ok = cClientInfo(p, c.masked, sc)
	}
	if !ok || ci.capsLen > len(sc.buf) {
		return // keep the last reading
	}
	caps := sc.buf[:ci.capsLen]
	old := c.info.Load()
	if old != nil && old.caps == string(caps) {
		if old.c == ci {
			return
		}
		c.info.Store(&clientInfo{caps: old.caps, capList: old.capList, c: ci})
		return
	}
	text := string(caps)
	c.info.Store(&clientInfo{caps: text, capList: strings.Fields(text), c: ci})
}

// currentInfo is what the getters report: read now when the client is
// free, else the reading after the last call (another goroutine's call
// or an Idle holds the client; waiting for it could take as long as it
// runs); nil once closed.
func (c *Client) currentInfo() *clientInfo {
	if c.closed.Load() {
		return nil
	}
	if c.mu.TryLock() {
		if c.ptr != nil && !c.closed.Load() {
			c.refreshInfo(c.ptr)
		}
		c.mu.Unlock()
	}
	if c.closed.Load() {
		return nil
	}
	return c.info.Load()
}

// cstring converts s for C; the caller frees it. NUL bytes are refused.
func cstring(op, what, s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, invalidError(op, what+" contains a NUL byte")
	}
	return C.CString(s), nil
}

// freeSecret zeroes and frees a C string that held a secret.
func freeSecret(p *C.char) {
	if p != nil {
		C.memset(unsafe.Pointer(p), 0, C.strlen(p))
		C.free(unsafe.Pointer(p))
	}
}

func free(p *C.char) { C.free(unsafe.Pointer(p)) }

func millis(d time.Duration) C.uint64_t {
	if d < 0 {
		return 0
	}
	ms := d.Milliseconds()
	if ms == 0 {
		ms = 1
	}
	return C.uint64_t(ms)
}

// check turns a C result into an error.
func check(op string, rc C.imapc_result, cerr *C.imapc_error) error {
	if rc == C.IMAPC_OK {
		return nil
	}
	return takeError(op, rc, cerr)
}

// build makes a C TLS configuration; the caller frees it.
func (t *TLSConfig) build() (*C.imapc_tls_config, error) {
	const op = "Dial"
	b := C.imapc_tls_config_builder_new()
	if b == nil {
		return nil, &Error{Code: CodeInternal, Op: op, Message: "out of memory"}
	}
	defer C.imapc_tls_config_builder_free(b)
	var cerr *C.imapc_error
	if t.CAFile != "" {
		p, err := cstring(op, "CAFile", t.CAFile)
		if err != nil {
			return nil, err
		}
		rc := C.imapc_tls_config_builder_add_ca_file(b, p, &cerr)
		free(p)
		if err := check(op, rc, cerr); err != nil {
			return nil, err
		}
	}
	if len(t.CAPEM) > 0 {
		rc := C.imapc_tls_config_builder_add_ca_pem(b, (*C.uint8_t)(unsafe.Pointer(&t.CAPEM[0])), C.size_t(len(t.CAPEM)), &cerr)
		if err := check(op, rc, cerr); err != nil {
			return nil, err
		}
	}
	if t.UseSystemRoots {
		if err := check(op, C.imapc_tls_config_builder_use_system_roots(b, true, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if t.DangerousSkipHostnameVerification {
		if err := check(op, C.imapc_tls_config_builder_dangerous_disable_hostname_verification(b, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if t.DangerousSkipVerification {
		if err := check(op, C.imapc_tls_config_builder_dangerous_disable_verification(b, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if len(t.ClientCertPEM) > 0 || len(t.ClientKeyPEM) > 0 {
		if len(t.ClientCertPEM) == 0 || len(t.ClientKeyPEM) == 0 {
			return nil, &Error{Code: CodeTLSConfig, Op: op, Message: "a client certificate needs both ClientCertPEM and ClientKeyPEM"}
		}
		rc := C.imapc_tls_config_builder_set_client_cert(b,
			(*C.uint8_t)(unsafe.Pointer(&t.ClientCertPEM[0])), C.size_t(len(t.ClientCertPEM)),
			(*C.uint8_t)(unsafe.Pointer(&t.ClientKeyPEM[0])), C.size_t(len(t.ClientKeyPEM)), &cerr)
		if err := check(op, rc, cerr); err != nil {
			return nil, err
		}
	}
	switch t.MinVersion {
	case 0, tls.VersionTLS12:
	case tls.VersionTLS13:
		if err := check(op, C.imapc_tls_config_builder_set_min_version(b, C.IMAPC_TLS_VERSION_1_3, &cerr), cerr); err != nil {
			return nil, err
		}
	default:
		return nil, &Error{Code: CodeTLSConfig, Op: op, Message: "MinVersion must be tls.VersionTLS12 or tls.VersionTLS13"}
	}
	var cfg *C.imapc_tls_config
	if err := check(op, C.imapc_tls_config_builder_build(b, &cfg, &cerr), cerr); err != nil {
		return nil, err
	}
	return cfg, nil
}

// connectOptions makes C connect options; the caller frees them.
func connectOptions(ctx context.Context, addr string, o *Options) (*C.imapc_connect_options, error) {
	const op = "Dial"
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		// A bare host: the mode's standard port.
		host, portStr = strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]"), ""
	}
	port := 0
	if portStr != "" {
		port, err = strconv.Atoi(portStr)
		if err != nil || port < 0 || port > 65535 {
			return nil, invalidError(op, "bad port in address "+strconv.Quote(addr))
		}
	}
	var sec C.uint32_t
	switch o.TLS {
	case TLSImplicit:
		sec = C.IMAPC_SECURITY_IMPLICIT_TLS
	case TLSStartTLS:
		sec = C.IMAPC_SECURITY_STARTTLS
	case TLSNone:
		sec = C.IMAPC_SECURITY_DANGEROUS_PLAINTEXT
	default:
		return nil, invalidError(op, "unknown TLS mode")
	}
	chost, err := cstring(op, "host", host)
	if err != nil {
		return nil, err
	}
	defer free(chost)
	var opts *C.imapc_connect_options
	var cerr *C.imapc_error
	if err := check(op, C.imapc_connect_options_new(chost, C.uint16_t(port), sec, &opts, &cerr), cerr); err != nil {
		return nil, err
	}
	fail := func(err error) (*C.imapc_connect_options, error) {
		C.imapc_connect_options_free(opts)
		return nil, err
	}
	if o.TLSConfig != nil {
		cfg, err := o.TLSConfig.build()
		if err != nil {
			return fail(err)
		}
		rc := C.imapc_connect_options_set_tls_config(opts, cfg, &cerr)
		C.imapc_tls_config_free(cfg)
		if err := check(op, rc, cerr); err != nil {
			return fail(err)
		}
	}
	if o.ServerName != "" {
		name, err := cstring(op, "ServerName", o.ServerName)
		if err != nil {
			return fail(err)
		}
		rc := C.imapc_connect_options_set_tls_server_name(opts, name, &cerr)
		free(name)
		if err := check(op, rc, cerr); err != nil {
			return fail(err)
		}
	}
	connectTimeout := o.ConnectTimeout
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left <= 0 {
			return fail(ctxError(op, context.DeadlineExceeded))
		}
		if connectTimeout == 0 || connectTimeout < 0 || left < connectTimeout {
			connectTimeout = left
		}
	}
	if connectTimeout != 0 {
		if err := check(op, C.imapc_connect_options_set_connect_timeout_ms(opts, millis(connectTimeout), &cerr), cerr); err != nil {
			return fail(err)
		}
	}
	if o.IOTimeout != 0 {
		if err := check(op, C.imapc_connect_options_set_io_timeout_ms(opts, millis(o.IOTimeout), &cerr), cerr); err != nil {
			return fail(err)
		}
	}
	if o.MaxLine != 0 || o.MaxLiteral != 0 || o.MaxDepth != 0 {
		if o.MaxLine < 0 || o.MaxLiteral < 0 || o.MaxDepth < 0 {
			return fail(invalidError(op, "negative limit"))
		}
		rc := C.imapc_connect_options_set_limits(opts, C.size_t(o.MaxLine), C.uint64_t(o.MaxLiteral), C.size_t(o.MaxDepth), &cerr)
		if err := check(op, rc, cerr); err != nil {
			return fail(err)
		}
	}
	if o.MaxCommandLen != 0 {
		if o.MaxCommandLen < 0 {
			return fail(invalidError(op, "negative MaxCommandLen"))
		}
		if err := check(op, C.imapc_connect_options_set_max_command_len(opts, C.size_t(o.MaxCommandLen), &cerr), cerr); err != nil {
			return fail(err)
		}
	}
	if o.MaxEvents != 0 {
		if o.MaxEvents < 0 {
			return fail(invalidError(op, "negative MaxEvents"))
		}
		if err := check(op, C.imapc_connect_options_set_max_events(opts, C.size_t(o.MaxEvents), &cerr), cerr); err != nil {
			return fail(err)
		}
	}
	if o.KeepAliveIdle != 0 || o.KeepAliveInterval != 0 || o.KeepAliveCount != 0 {
		idle, interval, count := seconds(o.KeepAliveIdle, 60), seconds(o.KeepAliveInterval, 15), o.KeepAliveCount
		if count == 0 {
			count = 4
		}
		if o.KeepAliveIdle < 0 {
			idle = 0
		} else if o.KeepAliveInterval < 0 || count < 0 || int64(count) > math.MaxUint32 {
			return fail(invalidError(op, "negative or too large keepalive interval or count"))
		}
		rc := C.imapc_connect_options_set_tcp_keepalive(opts, C.uint32_t(idle), C.uint32_t(interval), C.uint32_t(count), &cerr)
		if err := check(op, rc, cerr); err != nil {
			return fail(err)
		}
	}
	return opts, nil
}

// seconds is d in whole seconds for the C ABI (at least 1), or dflt when
// d is 0 or negative.
func seconds(d time.Duration, dflt uint32) uint32 {
	if d <= 0 {
		return dflt
	}
	return uint32(min(max(d/time.Second, 1), math.MaxUint32))
}

// Dial connects to addr ("host:port"; a bare host uses the mode's
// standard port 993 or 143): TCP, TLS or STARTTLS, greeting and
// capabilities. The context's deadline bounds the connect; canceling the
// context makes Dial return at once with an error matching ErrCanceled
// (the connect attempt is then abandoned in the background: the C ABI has
// no way to interrupt a connect in progress).
func Dial(ctx context.Context, addr string, opts *Options) (*Client, error) {
	if opts == nil {
		opts = &Options{}
	}
	if err := ctx.Err(); err != nil {
		return nil, ctxError("Dial", err)
	}
	copts, err := connectOptions(ctx, addr, opts)
	if err != nil {
		return nil, err
	}
	type result struct {
		p   *C.imapc_client
		err error
	}
	connect := func() result {
		defer C.imapc_connect_options_free(copts)
		var p *C.imapc_client
		var cerr *C.imapc_error
		if err := check("Dial", C.imapc_client_connect(copts, &p, &cerr), cerr); err != nil {
			return result{nil, err}
		}
		return result{p, nil}
	}
	var r result
	if ctx.Done() == nil {
		r = connect()
	} else {
		ch := make(chan result, 1)
		go func() { ch <- connect() }()
		select {
		case r = <-ch:
		case <-ctx.Done():
			go func() {
				if r := <-ch; r.p != nil {
					C.imapc_client_free(r.p)
				}
			}()
			return nil, ctxError("Dial", ctx.Err())
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	c := &Client{ptr: r.p}
	// No call holds the new client yet: the C getters read the settings.
	c.useUID.Store(bool(C.imapc_client_use_uid(r.p)))
	c.folderEncode.Store(bool(C.imapc_client_folder_encode(r.p)))
	c.refreshInfo(r.p)
	runtime.SetFinalizer(c, func(c *Client) { c.Close() })
	return c, nil
}

// interruptCall interrupts the call with token tok if it is still
// running: a context that ends after its call returned leaves the
// connection alone, and a later call is never hit by it.
func (c *Client) interruptCall(tok uint64) {
	c.imu.Lock()
	defer c.imu.Unlock()
	if c.callTok == tok {
		c.firedTok = tok
		c.interrupt()
	}
}

// interrupt interrupts the running call, if any; the connection closes.
func (c *Client) interrupt() {
	c.pmu.RLock()
	if c.ptr != nil {
		C.imapc_client_interrupt(c.ptr)
	}
	c.pmu.RUnlock()
}

// lock takes the client for one call; the caller unlocks c.mu. While
// another goroutine's call holds the client, it waits as long as ctx
// allows, and gives up at once when an Idle starts
// meanwhile: a plain Lock would wait out the whole call or IDLE whatever
// the caller's context said.
func (c *Client) lock(ctx context.Context, op string) (*C.imapc_client, error) {
	for wait := 20 * time.Microsecond; !c.mu.TryLock(); wait = min(wait*2, 5*time.Millisecond) {
		if c.closed.Load() {
			return nil, closedError(op)
		}
		if c.idling.Load() {
			return nil, &Error{Code: CodeIllegalState, Op: op, Message: "IDLE is running: stop it first"}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctxError(op, ctx.Err())
		case <-t.C:
		}
	}
	if c.ptr == nil || c.closed.Load() {
		c.mu.Unlock()
		return nil, closedError(op)
	}
	return c.ptr, nil
}

// call runs f (one C call) with the context wired to the interrupt.
// c.mu is held by the caller.
func (c *Client) call(ctx context.Context, op string, f func(p *C.imapc_client, cerr **C.imapc_error) C.imapc_result) error {
	if err := ctx.Err(); err != nil {
		return ctxError(op, err)
	}
	if c.lateCancel {
		return &Error{Code: CodeConnectionClosed, Op: op, Fatal: true,
			Message: "connection closed: an earlier call's context ended as that call completed"}
	}
	var stop func() bool
	var tok uint64
	if ctx.Done() != nil {
		c.imu.Lock()
		c.callSeq++
		tok, c.callTok = c.callSeq, c.callSeq
		c.imu.Unlock()
		stop = context.AfterFunc(ctx, func() { c.interruptCall(tok) })
	}
	var cerr *C.imapc_error
	rc := f(c.ptr, &cerr)
	// The capabilities, the flags and the counters may have changed.
	c.refreshInfo(c.ptr)
	fired := false
	if stop != nil {
		stop()
		c.imu.Lock()
		c.callTok = 0
		fired = c.firedTok == tok
		c.imu.Unlock()
	}
	if fired && rc != C.IMAPC_OK {
		// The context ended the call (the interrupt closed the connection).
		C.imapc_error_free(cerr)
		c.dead = true
		return interruptedError(op, ctx.Err())
	}
	if fired {
		// The call finished just as its context's interrupt closed the
		// connection: its result stands; the connection is gone and the
		// next call says so (not with the library's "interrupted", which
		// would blame a context that call never had).
		c.dead, c.lateCancel = true, true
		return nil
	}
	if rc == C.IMAPC_OK {
		return nil
	}
	e := takeError(op, rc, cerr)
	if e.Code == CodeIllegalState && c.dead {
		// The library says "unusable after an earlier error" (or "closed"
		// after LOGOUT) with ILLEGAL_STATE; in Go that is ErrClosed.
		e.Code = CodeConnectionClosed
	}
	c.dead = c.dead || e.Fatal
	return e
}

// run locks the client and runs one C call.
func (c *Client) run(ctx context.Context, op string, f func(p *C.imapc_client, cerr **C.imapc_error) C.imapc_result) error {
	if _, err := c.lock(ctx, op); err != nil {
		return err
	}
	defer c.mu.Unlock()
	return c.call(ctx, op, f)
}

// Close closes the connection (without LOGOUT; call Logout first for a
// polite goodbye) and frees the client. A call running in another
// goroutine, or a running Idle, is interrupted. Close is idempotent and
// always returns nil, also on a nil *Client (the result of a failed Dial,
// for a defer written before the error check).
func (c *Client) Close() error {
	if c == nil || c.closed.Swap(true) {
		return nil
	}
	runtime.SetFinalizer(c, nil)
	if i := c.idle.Load(); i != nil {
		// Its loop may be blocked handing an event to a full channel
		// nobody reads: only its stop gets it out.
		i.wake()
	}
	if !c.mu.TryLock() {
		c.interrupt()
		c.mu.Lock()
	}
	c.pmu.Lock()
	p := c.ptr
	c.ptr = nil
	c.pmu.Unlock()
	C.imapc_client_free(p)
	c.mu.Unlock()
	return nil
}

// Logout says LOGOUT and closes the connection. The client still needs
// Close (which may come right after, or be deferred).
func (c *Client) Logout(ctx context.Context) error {
	return c.run(ctx, "Logout", func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		rc := C.imapc_client_logout(p, e)
		c.dead = true
		return rc
	})
}

// Noop sends NOOP, letting the server deliver pending events (see Events).
func (c *Client) Noop(ctx context.Context) error {
	return c.run(ctx, "Noop", func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		return C.imapc_client_noop(p, e)
	})
}

// Login authenticates with LOGIN. Refusal matches ErrAuth.
//
// Memory: the binding copies password into C memory for the call and
// zeroes that copy before freeing it; the library overwrites its own
// copies (the command it sends) with zeros once sent. Go cannot wipe
// password itself: Go strings are immutable, and the runtime may have
// copied it (string conversions, a moving stack), so it stays in the Go
// heap until the garbage collector reuses that memory. The same holds
// for the strings of PlainAuth, XOAuth2 and OAuthBearer. What TLS holds
// of the plaintext inside rustls' buffers is out of the library's reach.
func (c *Client) Login(ctx context.Context, user, password string) error {
	const op = "Login"
	cu, err := cstring(op, "user", user)
	if err != nil {
		return err
	}
	defer free(cu)
	cp, err := cstring(op, "password", password)
	if err != nil {
		return err
	}
	defer freeSecret(cp)
	return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		return C.imapc_client_login(p, cu, cp, e)
	})
}

// SASL is a SASL mechanism for Authenticate: PlainAuth, XOAuth2,
// OAuthBearer, or CustomSASL for any other.
type SASL interface {
	// Mechanism returns the SASL name, e.g. "PLAIN".
	Mechanism() string
	authenticate(p *C.imapc_client, e **C.imapc_error) C.imapc_result
	strings() []string
}

// PlainAuth is AUTHENTICATE PLAIN (RFC 4616). Identity (authzid) may be "".
type PlainAuth struct{ Identity, Username, Password string }

// XOAuth2 is AUTHENTICATE XOAUTH2 (Google, Microsoft) with an OAuth 2
// bearer token. Vendor may be "".
type XOAuth2 struct{ Username, Token, Vendor string }

// OAuthBearer is AUTHENTICATE OAUTHBEARER (RFC 7628).
type OAuthBearer struct{ Username, Token string }

// Mechanism returns "PLAIN".
func (PlainAuth) Mechanism() string { return "PLAIN" }

// Mechanism returns "XOAUTH2".
func (XOAuth2) Mechanism() string { return "XOAUTH2" }

// Mechanism returns "OAUTHBEARER".
func (OAuthBearer) Mechanism() string { return "OAUTHBEARER" }

func (a PlainAuth) strings() []string   { return []string{a.Identity, a.Username, a.Password} }
func (a XOAuth2) strings() []string     { return []string{a.Username, a.Token, a.Vendor} }
func (a OAuthBearer) strings() []string { return []string{a.Username, a.Token} }

// withCStringSlice converts ss for C (NUL bytes refused, as by cstring),
// runs f, and gives each converted string to release (free, or
// freeSecret for secrets).
func withCStringSlice(op, what string, ss []string, release func(*C.char), f func(cs []*C.char) error) error {
	cs := make([]*C.char, len(ss))
	defer func() {
		for _, p := range cs {
			if p != nil {
				release(p)
			}
		}
	}()
	for i, s := range ss {
		p, err := cstring(op, what, s)
		if err != nil {
			return err
		}
		cs[i] = p
	}
	return f(cs)
}

// withSecrets converts strs to C (secrets zeroed afterwards) and runs f.
func withSecrets(op string, strs []string, f func(cs []*C.char) C.imapc_result) (C.imapc_result, error) {
	var rc C.imapc_result
	err := withCStringSlice(op, "credential", strs, freeSecret, func(cs []*C.char) error {
		rc = f(cs)
		return nil
	})
	return rc, err
}

func (a PlainAuth) authenticate(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
	rc, err := withSecrets("Authenticate", a.strings(), func(cs []*C.char) C.imapc_result {
		authz := cs[0]
		if a.Identity == "" {
			authz = nil
		}
		return C.imapc_client_authenticate_plain(p, authz, cs[1], cs[2], e)
	})
	if err != nil {
		return C.IMAPC_ERR_INVALID_ARGUMENT
	}
	return rc
}

func (a XOAuth2) authenticate(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
	rc, err := withSecrets("Authenticate", a.strings(), func(cs []*C.char) C.imapc_result {
		vendor := cs[2]
		if a.Vendor == "" {
			vendor = nil
		}
		return C.imapc_client_authenticate_xoauth2(p, cs[0], cs[1], vendor, e)
	})
	if err != nil {
		return C.IMAPC_ERR_INVALID_ARGUMENT
	}
	return rc
}

func (a OAuthBearer) authenticate(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
	rc, err := withSecrets("Authenticate", a.strings(), func(cs []*C.char) C.imapc_result {
		return C.imapc_client_authenticate_oauthbearer(p, cs[0], cs[1], e)
	})
	if err != nil {
		return C.IMAPC_ERR_INVALID_ARGUMENT
	}
	return rc
}

// CustomSASL is a SASL mechanism of the caller's (RFC 4422) for
// Authenticate, as IMAPClient's sasl_login: SCRAM-SHA-256, CRAM-MD5,
// GSSAPI, NTLM, LOGIN, any the server announces as AUTH=<Name>.
type CustomSASL struct {
	// Name is the mechanism's name: 1 to 20 of A-Z 0-9 - _ (lower case
	// is raised).
	Name string
	// ClientFirst: Step is first called with an empty challenge for the
	// initial response, which goes inline when the server has SASL-IR
	// (PLAIN, SCRAM-*, GSSAPI, EXTERNAL...).
	ClientFirst bool
	// Step answers each server challenge (decoded from base64; the slice
	// is the step's to keep) with the response, which the library
	// encodes and never logs. The library copies the response and wipes
	// its copies once sent; the returned slice stays the step's (the
	// binding does not write to it): zero it after Authenticate returns
	// if it holds a secret. An error cancels the exchange: Authenticate
	// returns it and the client stays usable, not authenticated. Check
	// the server's final message this way (SCRAM's "v="): a server that
	// accepts a cancelled exchange gets a fatal CodeProtocol error.
	// Step runs on the goroutine that called Authenticate; a panic in it
	// is raised again there once the exchange is cancelled. It must not
	// call methods of the same Client (they wait for Authenticate, which
	// waits for Step: a deadlock; Close too) nor runtime.Goexit (t.Fatal
	// in a test): the exchange would be left in the middle and the
	// client locked for good.
	Step func(challenge []byte) ([]byte, error)
}

// Mechanism returns Name.
func (m CustomSASL) Mechanism() string { return m.Name }

// strings: none; the name's NUL check is withCString's, in
// authenticateCustom, which names the mechanism in its error.
func (m CustomSASL) strings() []string { return nil }

// saslState lives behind a cgo.Handle during one CustomSASL exchange.
type saslState struct {
	fn       func([]byte) ([]byte, error)
	err      error
	panicked any
	hasPanic bool
}

func (st *saslState) step(challenge *C.uint8_t, n C.size_t, reply *C.imapc_sasl_reply) (rc C.int) {
	defer func() {
		if r := recover(); r != nil {
			st.panicked, st.hasPanic = r, true
			rc = 1
		}
	}()
	resp, err := st.fn(C.GoBytes(unsafe.Pointer(challenge), C.int(n)))
	if err != nil {
		st.err = err
		return 1
	}
	if len(resp) == 0 {
		return 0
	}
	if C.imapc_sasl_reply_set(reply, (*C.uint8_t)(unsafe.Pointer(&resp[0])), C.size_t(len(resp)), nil) != C.IMAPC_OK {
		st.err = &Error{Code: CodeInternal, Op: "Authenticate", Message: "the response could not be set"}
		return 1
	}
	return 0
}

// authenticate is not used: Authenticate runs a CustomSASL through
// authenticateCustom, which keeps the step's state behind a handle.
func (m CustomSASL) authenticate(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
	return C.IMAPC_ERR_INTERNAL
}

// authenticateCustom runs a CustomSASL exchange.
func (c *Client) authenticateCustom(ctx context.Context, m CustomSASL) error {
	const op = "Authenticate"
	if m.Step == nil {
		return invalidError(op, "CustomSASL without a Step")
	}
	st := &saslState{fn: m.Step}
	h := cgo.NewHandle(st)
	defer h.Delete()
	err := withCString(op, "mechanism", m.Name, func(cn *C.char) error {
		return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
			return cAuthenticateSASL(p, cn, m.ClientFirst, h, e)
		})
	})
	if st.hasPanic {
		panic(st.panicked)
	}
	var le *Error
	if st.err != nil && !(errors.As(err, &le) && le.Fatal) {
		// The step's own reason, unless the connection went with it.
		return st.err
	}
	return err
}

// Authenticate runs AUTHENTICATE with a SASL mechanism (PlainAuth,
// XOAuth2, OAuthBearer, or a CustomSASL of the caller's). Refusal
// matches ErrAuth.
func (c *Client) Authenticate(ctx context.Context, mech SASL) error {
	const op = "Authenticate"
	if mech == nil {
		return invalidError(op, "nil SASL mechanism")
	}
	// A nil pointer to a mechanism (*CustomSASL, *PlainAuth...): its value
	// methods would panic.
	if v := reflect.ValueOf(mech); v.Kind() == reflect.Pointer && v.IsNil() {
		return invalidError(op, "nil SASL mechanism")
	}
	for _, s := range mech.strings() {
		if strings.IndexByte(s, 0) >= 0 {
			return invalidError(op, "credential contains a NUL byte")
		}
	}
	switch m := mech.(type) {
	case CustomSASL:
		return c.authenticateCustom(ctx, m)
	case *CustomSASL:
		return c.authenticateCustom(ctx, *m)
	}
	return c.run(ctx, op, mech.authenticate)
}

// goStrings copies a C string list (which stays owned by the caller).
func goStrings(l *C.imapc_string_list) []string {
	n := int(C.imapc_string_list_count(l))
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = C.GoString(C.imapc_string_list_get(l, C.size_t(i)))
	}
	return out
}

// Capabilities returns the server's capabilities as last seen (no network
// traffic).
func (c *Client) Capabilities() ([]string, error) {
	var out []string
	err := c.run(context.Background(), "Capabilities", func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		var l *C.imapc_string_list
		rc := C.imapc_client_capabilities(p, &l, e)
		if rc == C.IMAPC_OK {
			out = goStrings(l)
			C.imapc_string_list_free(l)
		}
		return rc
	})
	return out, err
}

// Greeting returns the text of the server's greeting, after its status
// and response code ("* OK [CAPABILITY ...] Dovecot ready." gives
// "Dovecot ready."; no network traffic). IMAPClient calls it welcome.
func (c *Client) Greeting() (string, error) {
	var out string
	err := c.run(context.Background(), "Greeting", func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		var s *C.char
		rc := C.imapc_client_greeting(p, &s, e)
		out = takeCString(s)
		return rc
	})
	return out, err
}

// HasCapability reports whether the server has the capability
// (case-insensitive, e.g. "IDLE", "AUTH=PLAIN"; false for one hidden by
// MaskCapability). No network traffic, and no waiting: while an Idle or
// another goroutine's call holds the client, the answer is as of the end
// of the last call (or the start of the Idle). False when closed.
func (c *Client) HasCapability(name string) bool {
	i := c.currentInfo()
	return i != nil && i.has(name)
}

// cHasCapability asks the library (whose client the caller holds).
func cHasCapability(p *C.imapc_client, name string) bool {
	cs, err := cstring("HasCapability", "name", name)
	if err != nil {
		return false
	}
	defer free(cs)
	return bool(C.imapc_client_has_capability(p, cs))
}

// AppendLimit returns the largest message the server takes in an Append
// (its APPENDLIMIT=n capability, RFC 7889; Gmail announces one) and true,
// or false when it announces none, only per-folder limits, or the
// capability is masked. Append and MultiAppend refuse a larger message
// before sending anything: ErrInvalidArgument with ResponseCode "TOOBIG",
// the code a server's NO would carry. As HasCapability, it answers
// during an Idle or another goroutine's call without waiting; false when
// closed.
func (c *Client) AppendLimit() (uint64, bool) {
	i := c.currentInfo()
	if i == nil || !i.c.hasLimit {
		return 0, false
	}
	return i.c.limit, true
}

// IsTLS reports whether the connection is protected by TLS: also during
// an Idle or another goroutine's call (without waiting for it). False
// when closed, or once a fatal error dropped the connection.
func (c *Client) IsTLS() bool {
	i := c.currentInfo()
	return i != nil && i.c.tls
}

// Compress turns on COMPRESS=DEFLATE (RFC 4978): from here on the
// connection's bytes are deflated both ways (inside TLS when there is
// TLS), which cuts the traffic of header syncs and downloads several times
// over on slow or metered links. Call it once, after logging in; it lasts
// as long as the connection. ErrCapability when the server does
// not offer COMPRESS=DEFLATE, ErrIllegalState before login or when
// already compressed (nothing is sent then).
func (c *Client) Compress(ctx context.Context) error {
	return c.run(ctx, "Compress", func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		return C.imapc_client_compress(p, e)
	})
}

// CompressionStats counts bytes since Compress, each way: the protocol's
// bytes and those on the wire (under TLS, the TLS plaintext).
type CompressionStats struct {
	Sent         uint64 // command bytes before compression
	SentWire     uint64 // the same after compression
	Received     uint64 // response bytes after inflating
	ReceivedWire uint64 // the same as they came off the wire
}

// CompressionStats reports what compression saved so far; ok is false
// when the connection is not compressed (or the client is closed). While
// an Idle or another goroutine's call holds the client it answers without
// waiting, with the counts as of the end of the last call (or the start
// of the Idle).
func (c *Client) CompressionStats() (stats CompressionStats, ok bool) {
	i := c.currentInfo()
	if i == nil || !i.c.statsOK {
		return stats, false
	}
	return i.c.stats, true
}

// IsCompressed reports whether COMPRESS=DEFLATE is active: also during
// an Idle or another goroutine's call (without waiting for it). False
// when closed.
func (c *Client) IsCompressed() bool {
	i := c.currentInfo()
	return i != nil && i.c.compressed
}

// SetUseUID makes message ids UIDs (true, the default) or sequence
// numbers (false) from the next call on: for Search results, message
// sets of Fetch, Store, Copy, Move.
func (c *Client) SetUseUID(yes bool) error {
	return c.run(context.Background(), "SetUseUID", func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		rc := C.imapc_client_set_use_uid(p, C.bool(yes), e)
		if rc == C.IMAPC_OK {
			c.useUID.Store(yes)
		}
		return rc
	})
}

// UseUID reports whether message ids are UIDs: the setting, also while
// an Idle or another goroutine's call runs, and after Close.
func (c *Client) UseUID() bool { return c.useUID.Load() }

// SetFolderEncode makes folder names UTF-8, encoded to modified UTF-7 on
// the wire (true, the default), or passes names through unchanged (false).
func (c *Client) SetFolderEncode(yes bool) error {
	return c.run(context.Background(), "SetFolderEncode", func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		rc := C.imapc_client_set_folder_encode(p, C.bool(yes), e)
		if rc == C.IMAPC_OK {
			c.folderEncode.Store(yes)
		}
		return rc
	})
}

// FolderEncode reports whether folder names are encoded: the setting,
// also while an Idle or another goroutine's call runs, and after Close.
func (c *Client) FolderEncode() bool { return c.folderEncode.Load() }

// socketFd is the connection's descriptor (-1 when closed), for tests
// that look at socket options.
func (c *Client) socketFd() int {
	c.pmu.RLock()
	defer c.pmu.RUnlock()
	if c.ptr == nil {
		return -1
	}
	return int(C.imapc_client_fd(c.ptr))
}
