//! Faults a real server will not produce, through a scripted fake server:
//! truncation, resets, BYE, non-IMAP peers, hostile sizes, arbitrary
//! splits, unsolicited noise, stale tags and malformed responses.
//!
//! Each test asserts on the values the client returns: the error kind and
//! text, the result, the events, and what the client sent.

mod batched;
mod fake;

use std::time::{Duration, Instant};

use fake::Step::{self, *};
use fake::{expect, login_steps, select_steps, send, FakeServer, Split};
use imapclient::client::{
    AppendMessage, Client, ConnectOptions, Error, ErrorKind, Event, Messages, Security,
};

/// Connect, LOGIN (A1) and SELECT INBOX (A2); later commands are A3, A4...
fn session(exists: u32, rest: Vec<Step>) -> (FakeServer, Client) {
    session_split(exists, rest, Split::Whole)
}

fn session_split(exists: u32, rest: Vec<Step>, split: Split) -> (FakeServer, Client) {
    session_with(exists, rest, split, |_| {})
}

/// `session_split` with the connect options adjusted first.
fn session_with(
    exists: u32,
    rest: Vec<Step>,
    split: Split,
    adjust: impl FnOnce(&mut ConnectOptions),
) -> (FakeServer, Client) {
    let mut steps = login_steps();
    steps.extend(select_steps("A2", exists));
    steps.extend(rest);
    let srv = FakeServer::start_split(steps, split);
    let mut o = srv.options();
    adjust(&mut o);
    let mut c = Client::connect(&o).expect("connect");
    c.login("user", "secret").expect("login");
    let st = c.select_folder("INBOX").expect("select");
    assert_eq!(st.exists, exists);
    (srv, c)
}

#[test]
fn truncated_literal_then_silence_is_a_timeout() {
    let (srv, mut c) = session(
        1,
        vec![
            expect("A3 UID FETCH 1 "),
            send("* 1 FETCH (UID 1 BODY[] {100}\r\nonly twenty bytes..."),
            Sleep(Duration::from_secs(4)),
            Close,
        ],
    );
    // The fake server's options use a 2 s I/O timeout.
    let t0 = Instant::now();
    let e = c.fetch(1, &["BODY.PEEK[]"]).unwrap_err();
    let took = t0.elapsed();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    assert!(
        took >= Duration::from_millis(1500),
        "gave up before the timeout: {took:?}"
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
    // The client is unusable afterwards and says why.
    assert_eq!(c.fatal_error().map(|e| e.kind), Some(ErrorKind::Timeout));
    assert_eq!(c.noop().unwrap_err().kind, ErrorKind::IllegalState);
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

#[test]
fn one_second_io_timeout_is_honoured() {
    let mut steps = login_steps();
    steps.extend(select_steps("A2", 1));
    steps.extend([expect("A3 NOOP"), Sleep(Duration::from_secs(3)), Close]);
    let srv = FakeServer::start(steps);
    let mut o = srv.options();
    o.io_timeout = Some(Duration::from_secs(1));
    let mut c = Client::connect(&o).unwrap();
    c.login("u", "p").unwrap();
    c.select_folder("INBOX").unwrap();
    let t0 = Instant::now();
    let e = c.noop().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    let took = t0.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(2),
        "{took:?}"
    );
}

#[test]
fn reset_in_the_middle_of_a_fetch() {
    let (srv, mut c) = session(
        3,
        vec![
            expect("A3 UID FETCH 1:* "),
            send(
                "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* 2 FETCH (UID 2 BODY[] {50}\r\nFrom: a@b\r\n",
            ),
            sleep_short(),
            Reset,
        ],
    );
    let e = c.fetch("1:*", &["FLAGS", "BODY.PEEK[]"]).unwrap_err();
    assert!(
        matches!(e.kind, ErrorKind::ConnectionClosed | ErrorKind::Io),
        "{:?}: {e}",
        e.kind
    );
    assert!(c.fatal_error().is_some());
    assert_eq!(
        c.fetch(1, &["FLAGS"]).unwrap_err().kind,
        ErrorKind::IllegalState
    );
    drop(c);
    srv.finish();
}

fn sleep_short() -> Step {
    Sleep(Duration::from_millis(50))
}

#[test]
fn clean_close_in_the_middle_of_a_fetch() {
    let (srv, mut c) = session(
        2,
        vec![
            expect("A3 UID FETCH 1:* "),
            send("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n"),
            Close,
        ],
    );
    let e = c.fetch("1:*", &["FLAGS"]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ConnectionClosed, "{e}");
    drop(c);
    srv.finish();
}

#[test]
fn bye_in_the_middle_of_a_command() {
    let (srv, mut c) = session(
        2,
        vec![
            expect("A3 UID FETCH 1:* "),
            send("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* BYE Server shutting down for maintenance\r\n"),
            Close,
        ],
    );
    let e = c.fetch("1:*", &["FLAGS"]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Bye, "{e}");
    assert!(
        e.message.contains("Server shutting down for maintenance"),
        "{e}"
    );
    assert_eq!(c.fatal_error().map(|e| e.kind), Some(ErrorKind::Bye));
    drop(c);
    srv.finish();
}

#[test]
fn bye_greeting_is_refused_with_its_text() {
    let srv = FakeServer::start(vec![
        send("* BYE Too many connections from your IP\r\n"),
        Close,
    ]);
    let e = Client::connect(&srv.options()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Bye, "{e}");
    assert!(e.message.contains("Too many connections"), "{e}");
}

fn assert_not_imap(banner: &str) {
    let srv = FakeServer::start(vec![send(banner), Sleep(Duration::from_millis(500)), Close]);
    let t0 = Instant::now();
    let e = Client::connect(&srv.options()).unwrap_err();
    assert!(
        t0.elapsed() < Duration::from_secs(1),
        "waited for more after a foreign banner"
    );
    assert_eq!(e.kind, ErrorKind::Protocol, "{banner:?}: {e}");
    assert!(e.message.contains("not an IMAP server"), "{e}");
    let first = banner.lines().next().unwrap();
    assert!(
        e.message.contains(first),
        "the error should quote the line {first:?}: {e}"
    );
    let t = srv.finish();
    assert!(
        t.received.is_empty(),
        "nothing may be sent to a non-IMAP server: {:?}",
        t.text()
    );
}

#[test]
fn smtp_banner_is_not_an_imap_server() {
    assert_not_imap("220 smtp.example.com ESMTP Postfix\r\n");
}

#[test]
fn pop3_and_http_banners_are_not_imap_servers() {
    assert_not_imap("+OK Dovecot ready.\r\n");
    assert_not_imap("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    assert_not_imap("SSH-2.0-OpenSSH_9.6\r\n");
}

/// The greeting is part of the set-up: `connect_timeout` bounds the wait
/// for it, however long the I/O timeout.
#[test]
fn silent_server_times_out_at_the_greeting() {
    let srv = FakeServer::start(vec![Sleep(Duration::from_secs(4)), Close]);
    let (_, took) = connect_times_out(&srv);
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

/// `connect` to `srv` with a 1 s connect timeout and a 10 s I/O timeout:
/// it must fail with a fatal `Timeout`; the error and how long it took.
fn connect_times_out(srv: &FakeServer) -> (Error, Duration) {
    let mut o = srv.options();
    o.connect_timeout = Some(Duration::from_secs(1));
    o.io_timeout = Some(Duration::from_secs(10));
    let t0 = Instant::now();
    let e = Client::connect(&o).unwrap_err();
    let took = t0.elapsed();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e} after {took:?}");
    assert!(e.is_fatal());
    (e, took)
}

/// Once connected, the I/O timeout governs the reads (the greeting came
/// within it).
#[test]
fn greeting_within_the_timeouts_then_reads_get_the_io_timeout() {
    let srv = FakeServer::start(vec![
        Sleep(Duration::from_millis(200)),
        send(fake::GREETING),
        expect("A1 NOOP"),
        Sleep(Duration::from_secs(5)),
        Close,
    ]);
    let mut o = srv.options();
    o.connect_timeout = Some(Duration::from_secs(10));
    o.io_timeout = Some(Duration::from_millis(1500));
    let mut c = Client::connect(&o).expect("the greeting came within both timeouts");
    let t0 = Instant::now();
    let e = c.noop().unwrap_err();
    let took = t0.elapsed();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e} after {took:?}");
    assert!(e.is_fatal());
    assert!(
        took < Duration::from_secs(4),
        "NOOP waited {took:?}, not the 1.5 s I/O timeout"
    );
}

/// The I/O timeout bounds every read and write of the set-up too: with no
/// connect timeout ("no bound on the whole"), a server that accepts the
/// connection and never sends fails the connect after the I/O timeout
/// (it blocked for ever), at the greeting, in the implicit TLS handshake
/// and in the STARTTLS handshake.
#[test]
fn io_timeout_bounds_the_set_up_without_a_connect_timeout() {
    let tls = imapclient::client::TlsConfigBuilder::new()
        .build()
        .expect("default TLS config");
    let silent = || vec![Sleep(Duration::from_secs(6)), Close];
    let mut starttls = vec![
        send("* OK [CAPABILITY IMAP4rev1 STARTTLS] fake ready\r\n"),
        expect("A1 STARTTLS"),
        send("A1 OK Begin TLS negotiation now\r\n"),
    ];
    starttls.extend(silent());
    for (what, sec, steps) in [
        ("greeting", Security::Plain, silent()),
        ("implicit TLS handshake", Security::Implicit, silent()),
        ("STARTTLS handshake", Security::StartTls, starttls),
    ] {
        let srv = FakeServer::start(steps);
        let mut o = srv.options_with(sec).tls(tls.clone());
        o.connect_timeout = None;
        o.io_timeout = Some(Duration::from_millis(700));
        o.command_timeout = Some(Duration::from_secs(1));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let t0 = Instant::now();
            let r = Client::connect(&o).map(drop);
            let _ = tx.send((r, t0.elapsed()));
        });
        let (r, took) = rx
            .recv_timeout(Duration::from_secs(5))
            .unwrap_or_else(|_| panic!("{what}: connect still blocked after 5 s"));
        let e = r.expect_err(what);
        assert_eq!(e.kind, ErrorKind::Timeout, "{what}: {e} after {took:?}");
        assert!(e.is_fatal(), "{what}: {e}");
        assert!(took >= Duration::from_millis(600), "{what}: {took:?}");
    }
}

/// The connect timeout bounds the whole set-up, not each wait: a greeting
/// dripping in a byte every 200 ms (each read well within the I/O
/// timeout) fails the connect once the connect timeout has passed.
#[test]
fn connect_timeout_bounds_the_whole_set_up() {
    let mut steps = Vec::new();
    for b in fake::GREETING.bytes() {
        steps.push(Step::Send(vec![b]));
        steps.push(Sleep(Duration::from_millis(200)));
    }
    let srv = FakeServer::start(steps);
    let (e, took) = connect_times_out(&srv);
    assert!(e.message.contains("connect timeout"), "{e}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

/// With `io_timeout` `None` or zero a write waits forever: an APPEND to a
/// server that stopped reading is still blocked 6 s on (filling the
/// socket buffers takes a few seconds, then the short connect timeout
/// must not cut the write off), and ends only when the server goes away.
fn write_waits_forever(io_timeout: Option<Duration>) {
    let _g = heavy();
    let gate = fake::Gate::default();
    let mut steps = fake::login_steps();
    // The server stops reading after LOGIN.
    steps.extend([Step::Wait(gate.clone()), Reset]);
    let srv = FakeServer::start(steps);
    let mut o = srv.options();
    o.io_timeout = io_timeout;
    o.connect_timeout = Some(Duration::from_millis(300));
    let mut c = Client::connect(&o).expect("connect");
    c.login("user", "secret").expect("login");
    // Far more than the socket buffers of both ends hold.
    let big = vec![b'a'; 64 << 20];
    let (tx, rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || {
        let t0 = Instant::now();
        let r = c.append("INBOX", &big, &[], None);
        let _ = tx.send((r.map(|_| ()), t0.elapsed()));
    });
    if let Ok((r, took)) = rx.recv_timeout(Duration::from_secs(6)) {
        panic!("io_timeout {io_timeout:?}: the APPEND returned after {took:?}: {r:?}");
    }
    gate.open();
    let (r, took) = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the APPEND ends once the server resets");
    h.join().unwrap();
    let e = r.unwrap_err();
    assert_ne!(e.kind, ErrorKind::Timeout, "{e} after {took:?}");
    assert!(e.is_fatal(), "{e}");
    let _ = srv.finish();
}

#[test]
fn io_timeout_none_waits_forever_on_a_write() {
    write_waits_forever(None);
}

#[test]
fn io_timeout_zero_waits_forever_on_a_write() {
    write_waits_forever(Some(Duration::ZERO));
}

/// The write timeout is the I/O timeout, not the connect timeout.
#[test]
fn stalled_write_times_out_after_the_io_timeout() {
    let _g = heavy();
    let gate = fake::Gate::default();
    let mut steps = fake::login_steps();
    steps.extend([Step::Wait(gate.clone()), Close]);
    let srv = FakeServer::start(steps);
    let mut o = srv.options();
    o.io_timeout = Some(Duration::from_secs(1));
    o.connect_timeout = Some(Duration::from_secs(30));
    let mut c = Client::connect(&o).expect("connect");
    c.login("user", "secret").expect("login");
    let big = vec![b'a'; 64 << 20];
    let t0 = Instant::now();
    let e = c.append("INBOX", &big, &[], None).unwrap_err();
    let took = t0.elapsed();
    gate.open();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e} after {took:?}");
    assert!(e.is_fatal());
    assert!(took >= Duration::from_millis(900), "took {took:?}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let _ = srv.finish();
}

// --- the command timeout bounds writes as well as reads ---

/// The I/O timeout of the command-timeout tests: far longer than the
/// bounds they assert, so only the command timeout can end their calls.
const LONG_IO: Duration = Duration::from_secs(30);

/// Far more than the socket buffers of both ends hold (as in
/// `write_waits_forever`).
const BIG: usize = 64 << 20;

/// Connect and LOGIN (A1) to a server offering `caps`, with these
/// timeouts; then `rest`.
fn timed_session(
    caps: &str,
    command_timeout: Option<Duration>,
    io_timeout: Duration,
    rest: Vec<Step>,
) -> (FakeServer, Client) {
    let mut steps = vec![
        send(format!("* OK [CAPABILITY {caps}] fake ready\r\n")),
        expect("A1 LOGIN "),
        send(format!("A1 OK [CAPABILITY {caps}] Logged in\r\n")),
    ];
    steps.extend(rest);
    let srv = FakeServer::start(steps);
    let mut o = srv.options();
    o.io_timeout = Some(io_timeout);
    o.command_timeout = command_timeout;
    let mut c = Client::connect(&o).expect("connect");
    c.login("user", "secret").expect("login");
    (srv, c)
}

/// Run `call` on `c` on a thread of its own: the client, the result and
/// how long the call took. A call that the command timeout does not stop
/// would hold the test for the I/O timeout (30 s, and longer for a server
/// that keeps reading a little): past 20 s the test fails instead.
fn bounded<T: std::marker::Send + 'static>(
    mut c: Client,
    call: impl FnOnce(&mut Client) -> T + std::marker::Send + 'static,
) -> (Client, T, Duration) {
    let r = fake::run_bounded(Duration::from_secs(20), move || {
        let t0 = Instant::now();
        let r = call(&mut c);
        (c, r, t0.elapsed())
    });
    match r {
        Ok(v) => v,
        Err((what, _)) => panic!("the call under the command timeout {what}"),
    }
}

/// The call ended with the command timeout (`limit`): a fatal `Timeout`
/// that says so, not before the timeout and well before the I/O timeout;
/// the client is broken by it and refuses the next call.
fn assert_command_timed_out<T: std::fmt::Debug>(
    c: &mut Client,
    r: Result<T, Error>,
    took: Duration,
    limit: Duration,
) {
    let e = r.expect_err("the call outlived its command timeout");
    assert_eq!(e.kind, ErrorKind::Timeout, "{e} after {took:?}");
    assert!(e.is_fatal(), "{e}");
    assert!(
        e.message.contains("longer than the command timeout"),
        "not the command timeout's error: {e}"
    );
    // A hair of slack for the kernel's timer, which may fire early.
    assert!(
        took >= limit - Duration::from_millis(50),
        "gave up before the command timeout: {took:?}"
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(
        c.fatal_error().map(|e| (e.kind, e.message.clone())),
        Some((ErrorKind::Timeout, e.message.clone()))
    );
    let next = c.noop().unwrap_err();
    assert_eq!(next.kind, ErrorKind::IllegalState, "{next}");
    assert!(
        next.is_fatal() && next.message.contains("unusable"),
        "{next}"
    );
}

/// A server that takes APPEND's synchronising literal (`+`) and then never
/// reads: the write of the message stalls once the socket buffers are
/// full, and the command timeout (1 s) ends it, not the 30 s I/O timeout.
#[test]
fn command_timeout_bounds_a_write_the_server_never_reads() {
    let _g = heavy();
    let gate = fake::Gate::default();
    let limit = Duration::from_secs(1);
    let (srv, c) = timed_session(
        "IMAP4rev1",
        Some(limit),
        LONG_IO,
        vec![
            expect(&format!("A2 APPEND INBOX {{{BIG}}}\r\n")),
            send("+ go ahead\r\n"),
            Step::Wait(gate.clone()),
            Close,
        ],
    );
    let (mut c, r, took) = bounded(c, |c| c.append("INBOX", &vec![b'a'; BIG], &[], None));
    gate.open();
    assert_command_timed_out(&mut c, r, took, limit);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// A server that reads the literal a little at a time (64 KiB every
/// 200 ms: 64 MiB would take minutes) never lets a write stall for the
/// I/O timeout; the command timeout still ends the call on time.
#[test]
fn command_timeout_bounds_a_write_the_server_reads_slowly() {
    let _g = heavy();
    let limit = Duration::from_secs(1);
    let mut rest = vec![
        expect(&format!("A2 APPEND INBOX {{{BIG}}}\r\n")),
        send("+ go ahead\r\n"),
    ];
    for _ in 0..BIG / (64 << 10) {
        rest.extend([ReadBytes(64 << 10), fake::sleep_ms(200)]);
    }
    let (_srv, c) = timed_session("IMAP4rev1", Some(limit), LONG_IO, rest);
    let (mut c, r, took) = bounded(c, |c| c.append("INBOX", &vec![b'a'; BIG], &[], None));
    assert_command_timed_out(&mut c, r, took, limit);
    // The server goes on reading what the sockets hold (many seconds at
    // its pace), then finds the connection closed: not waited for.
}

/// With a command timeout longer than the I/O timeout a stalled write
/// still ends after the I/O timeout, as the I/O timeout's error.
#[test]
fn io_timeout_shorter_than_the_command_timeout_bounds_a_write() {
    let _g = heavy();
    let gate = fake::Gate::default();
    let io = Duration::from_secs(1);
    let (srv, c) = timed_session(
        "IMAP4rev1 LITERAL+",
        Some(Duration::from_secs(60)),
        io,
        vec![Step::Wait(gate.clone()), Close],
    );
    let (mut c, r, took) = bounded(c, |c| c.append("INBOX", &vec![b'a'; BIG], &[], None));
    gate.open();
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e} after {took:?}");
    assert!(e.is_fatal());
    assert!(
        !e.message.contains("command timeout"),
        "the I/O timeout fired, not the command timeout: {e}"
    );
    assert!(took >= io - Duration::from_millis(50), "took {took:?}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(c.fatal_error().map(|e| e.kind), Some(ErrorKind::Timeout));
    assert_eq!(c.noop().unwrap_err().kind, ErrorKind::IllegalState);
    let _ = srv.finish();
}

/// The socket's (read, write) timeouts.
fn socket_timeouts(c: &Client) -> (Option<Duration>, Option<Duration>) {
    use std::os::fd::{BorrowedFd, FromRawFd, IntoRawFd};
    let fd = c.raw_fd().expect("connected");
    // SAFETY: the client's socket is open while `c` is borrowed; the
    // TcpStream made from a duplicate of it is closed here.
    let tcp = unsafe {
        let dup = BorrowedFd::borrow_raw(fd).try_clone_to_owned().unwrap();
        std::net::TcpStream::from_raw_fd(dup.into_raw_fd())
    };
    (tcp.read_timeout().unwrap(), tcp.write_timeout().unwrap())
}

/// A call under the command timeout cuts the socket's read and write
/// timeouts to the time left; after it both are the I/O timeout again.
#[test]
fn timeouts_go_back_to_the_io_timeout_after_a_call_under_the_command_timeout() {
    let (srv, mut c) = timed_session(
        "IMAP4rev1 LITERAL+",
        Some(Duration::from_secs(5)),
        LONG_IO,
        vec![
            expect("A2 NOOP"),
            send("A2 OK done\r\n"),
            ExpectLiteral("A3 APPEND INBOX".into()),
            send("A3 OK [APPENDUID 1 7] done\r\n"),
        ],
    );
    assert_eq!(socket_timeouts(&c), (Some(LONG_IO), Some(LONG_IO)));
    c.noop().expect("noop");
    assert_eq!(socket_timeouts(&c), (Some(LONG_IO), Some(LONG_IO)));
    c.append("INBOX", &vec![b'a'; 1 << 20], &[], None)
        .expect("append");
    assert_eq!(socket_timeouts(&c), (Some(LONG_IO), Some(LONG_IO)));
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// Bytes that do not compress: a literal the deflate layer cannot shrink
/// below the socket buffers.
fn noise(n: usize) -> Vec<u8> {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut v = Vec::with_capacity(n);
    while v.len() < n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(n);
    v
}

/// Under COMPRESS=DEFLATE the compressor's writes to the socket (it sends
/// on as its output grows) are bounded by the command timeout too.
#[test]
fn command_timeout_bounds_a_compressed_write() {
    let _g = heavy();
    let gate = fake::Gate::default();
    let limit = Duration::from_secs(1);
    // LITERAL+: the APPEND and its message go out in one write, which
    // the server never reads.
    let srv = FakeServer::start(compress_steps(b"", vec![Step::Wait(gate.clone()), Close]));
    let mut o = srv.options();
    o.io_timeout = Some(LONG_IO);
    o.command_timeout = Some(limit);
    let mut c = Client::connect(&o).expect("connect");
    c.login("user", "secret").expect("login");
    c.compress().expect("compress");
    let data = noise(BIG);
    let (mut c, r, took) = bounded(c, move |c| c.append("INBOX", &data, &[], None));
    gate.open();
    assert_command_timed_out(&mut c, r, took, limit);
    let _ = srv.finish();
}

/// Tests that allocate a lot or measure memory run one at a time, so the
/// process-wide RSS figures belong to the test that reads them.
static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn heavy() -> std::sync::MutexGuard<'static, ()> {
    HEAVY.lock().unwrap_or_else(|p| p.into_inner())
}

/// Run `call` and return (how long it took, peak RSS growth in MiB).
/// Hold `heavy()` around it.
fn measured<T>(call: impl FnOnce() -> T) -> (T, Duration, u64) {
    fake::reset_peak_rss();
    let before = fake::vm_rss_kib();
    let t0 = Instant::now();
    let r = call();
    let took = t0.elapsed();
    let after = fake::vm_hwm_kib().max(fake::vm_rss_kib());
    (r, took, after.saturating_sub(before) / 1024)
}

/// A hostile response to FETCH (A3), the tagged OK, then a NOOP (A4).
fn hostile_fetch(payload: Vec<u8>) -> (FakeServer, Client) {
    session(
        1,
        vec![
            expect("A3 UID FETCH 1 "),
            Step::Send(payload),
            send("A3 OK Fetch completed\r\n"),
            expect("A4 NOOP"),
            send("* 2 EXISTS\r\nA4 OK NOOP completed\r\n"),
        ],
    )
}

#[test]
fn ten_mib_line_is_limit_exceeded_and_the_session_recovers() {
    let _g = heavy();
    let mut p = b"* 1 FETCH (UID 1 X-HOSTILE \"".to_vec();
    p.extend(vec![b'a'; 10 << 20]);
    p.extend_from_slice(b"\")\r\n");
    let (srv, mut c) = hostile_fetch(p);
    let (r, took, grew) = measured(|| c.fetch(1, &["FLAGS"]));
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert!(e.message.contains("longer than"), "{e}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(grew < 64, "RSS grew by {grew} MiB");
    // The framer skipped the line and the command completed: the session
    // is in step with the server and goes on.
    c.noop().expect("NOOP after a dropped response");
    assert_eq!(c.selected().unwrap().exists, 2);
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

#[test]
fn four_gib_literal_is_limit_exceeded_quickly() {
    let _g = heavy();
    // 4 GiB announced, a few bytes sent, then the server waits: the client
    // must not wait for (or allocate) 4 GiB.
    let srv = {
        let mut steps = login_steps();
        steps.extend(select_steps("A2", 1));
        steps.extend([
            expect("A3 UID FETCH 1 "),
            send("* 1 FETCH (UID 1 BODY[] {4294967295}\r\nSubject: hi\r\n\r\n"),
            Sleep(Duration::from_secs(3)),
            Close,
        ]);
        FakeServer::start(steps)
    };
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    c.select_folder("INBOX").unwrap();
    let (r, took, grew) = measured(|| c.fetch(1, &["BODY.PEEK[]"]));
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert!(e.message.contains("4294967295"), "{e}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(grew < 64, "RSS grew by {grew} MiB");
}

#[test]
fn literal_size_overflowing_u64_is_limit_exceeded() {
    let srv = {
        let mut steps = login_steps();
        steps.extend(select_steps("A2", 1));
        steps.extend([
            expect("A3 UID FETCH 1 "),
            send("* 1 FETCH (UID 1 BODY[] {99999999999999999999999}\r\nxx"),
            Sleep(Duration::from_secs(3)),
            Close,
        ]);
        FakeServer::start(steps)
    };
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    c.select_folder("INBOX").unwrap();
    let t0 = Instant::now();
    let e = c.fetch(1, &["BODY.PEEK[]"]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert!(t0.elapsed() < Duration::from_secs(2));
}

/// The error's verdict matches the client's state: fatal exactly when the
/// client now refuses every call.
fn assert_verdict(c: &Client, e: &Error, fatal: bool) {
    assert_eq!(e.is_fatal(), fatal, "is_fatal of {e}");
    assert_eq!(
        c.fatal_error().map(|f| f.kind),
        fatal.then_some(e.kind),
        "fatal_error after {e}"
    );
}

/// A response that exceeded a limit was skipped and the command completed:
/// the error is not fatal, and the next command on the same client runs.
fn assert_recovered(srv: FakeServer, mut c: Client, e: Error, what: &str) {
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert!(e.message.contains(what), "{e}");
    assert_verdict(&c, &e, false);
    c.noop().expect("NOOP after a skipped response");
    assert_eq!(c.selected().unwrap().exists, 2, "the NOOP's EXISTS");
    let m = c
        .fetch(1, &["FLAGS"])
        .expect("FETCH after a skipped response");
    assert!(m.messages[0].has_flag("\\Seen"), "{m:?}");
    c.logout().expect("logout");
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// FETCH (A3) answered with `payload` in pieces of `piece` bytes and OK;
/// then NOOP (A4), FETCH FLAGS (A5), LOGOUT (A6).
fn fetch_then_recovery(payload: Vec<u8>, piece: usize) -> Vec<Step> {
    vec![
        expect("A3 UID FETCH 1 "),
        Step::SendPieces(payload, piece),
        send("A3 OK Fetch completed\r\n"),
        expect("A4 NOOP"),
        send("* 2 EXISTS\r\nA4 OK NOOP completed\r\n"),
        expect("A5 UID FETCH 1 "),
        send("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\nA5 OK Fetch completed\r\n"),
        expect("A6 LOGOUT"),
        send("* BYE Logging out\r\nA6 OK Logout completed\r\n"),
    ]
}

#[test]
fn long_line_skipped_is_not_fatal_and_the_next_command_succeeds() {
    let mut line = b"* 1 FETCH (UID 1 X-LONG \"".to_vec();
    line.extend(vec![b'a'; 5000]);
    line.extend_from_slice(b"\")\r\n");
    let steps = fetch_then_recovery(line, 700);
    let (srv, mut c) = session_with(1, steps, Split::Whole, |o| o.limits.max_line = 1024);
    let e = c.fetch(1, &["FLAGS"]).unwrap_err();
    assert_recovered(srv, c, e, "longer than 1024");
}

#[test]
fn oversized_literal_is_drained_not_fatal_and_the_next_command_succeeds() {
    // 100 kB over a 1 KiB literal limit, arriving in many reads, followed
    // by a second response for the same message: the literal is read and
    // thrown away, the rest of the command is still understood.
    let mut resp = b"* 1 FETCH (UID 1 BODY[] {100000}\r\n".to_vec();
    resp.extend((0..100_000u32).map(|i| b"ab\r\n)*{3}\"x"[(i % 11) as usize]));
    resp.extend_from_slice(b" FLAGS (\\Seen))\r\n* 1 FETCH (UID 1 RFC822.SIZE 100000)\r\n");
    let steps = fetch_then_recovery(resp, 4096);
    let (srv, mut c) = session_with(1, steps, Split::Whole, |o| o.limits.max_literal = 1024);
    let e = c.fetch(1, &["BODY.PEEK[]"]).unwrap_err();
    assert_recovered(
        srv,
        c,
        e,
        "literal of 100000 bytes exceeds the limit of 1024",
    );
}

#[test]
fn literal_too_large_to_drain_is_fatal_and_later_calls_fail_cleanly() {
    // 100 MiB announced over a 1 KiB limit: more than the client drains
    // (64 MiB), so it gives up on the connection without reading on.
    let (srv, mut c) = session_with(
        1,
        vec![
            expect("A3 UID FETCH 1 "),
            send("* 1 FETCH (UID 1 BODY[] {104857600}\r\nSubject: hi\r\n\r\n"),
        ],
        Split::Whole,
        |o| o.limits.max_literal = 1024,
    );
    let e = c.fetch(1, &["BODY.PEEK[]"]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert!(e.message.contains("104857600"), "{e}");
    assert_verdict(&c, &e, true);
    // Every later call fails at once, with a fatal IllegalState naming
    // the cause, and nothing more reaches the server.
    for r in [
        c.noop().map(drop),
        c.fetch(1, &["FLAGS"]).map(drop),
        c.select_folder("INBOX").map(drop),
    ] {
        let later = r.unwrap_err();
        assert_eq!(later.kind, ErrorKind::IllegalState, "{later}");
        assert!(later.is_fatal(), "{later}");
        assert!(later.message.contains("104857600"), "{later}");
    }
    assert_eq!(
        c.fatal_error().map(|f| f.message.clone()),
        Some(e.message.clone()),
        "the first error stays the cause"
    );
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
    assert!(!t.contains(b"A4"), "sent after a fatal error: {}", t.text());
}

#[test]
fn deep_nesting_is_limit_exceeded_without_stack_overflow() {
    let _g = heavy();
    let depth = 100_000;
    let mut p = b"* 1 FETCH (UID 1 BODYSTRUCTURE ".to_vec();
    p.extend(vec![b'('; depth]);
    p.extend(vec![b')'; depth]);
    p.extend_from_slice(b")\r\n");
    let (srv, mut c) = hostile_fetch(p);
    let (r, took, grew) = measured(|| c.fetch(1, &["BODYSTRUCTURE"]));
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert!(e.message.contains("nested deeper"), "{e}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(grew < 64, "RSS grew by {grew} MiB");
    c.noop().expect("NOOP after a dropped response");
    drop(c);
    srv.finish();
}

#[test]
fn nesting_just_under_the_limit_parses_on_a_small_stack() {
    // 95 nested multiparts are legal for the framer (limit 100): the parser
    // must cope without overflowing a 2 MiB test-thread stack.
    let depth = 95;
    let mut bs = String::new();
    for _ in 0..depth {
        bs.push('(');
    }
    bs.push_str("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 1)");
    for _ in 0..depth {
        bs.push_str(" \"mixed\")");
    }
    let p = format!("* 1 FETCH (UID 1 BODYSTRUCTURE {bs})\r\n").into_bytes();
    let (srv, mut c) = hostile_fetch(p);
    let m = c
        .fetch(1, &["BODYSTRUCTURE"])
        .expect("deep but legal body structure");
    assert_eq!(m.len(), 1);
    let msg = &m.messages[0];
    // Parsed, or reported as a per-item error: never a crash or a dead session.
    let mut depth_seen = 0;
    if let Some(mut b) = msg.body_structure.as_deref() {
        while let Some(child) = b.children.first() {
            depth_seen += 1;
            b = child;
        }
        assert_eq!(depth_seen, depth);
        assert_eq!(&b.media_subtype[..], b"plain");
    } else {
        assert!(!msg.errors.is_empty(), "{msg:?}");
    }
    c.noop().unwrap();
    drop(c);
    srv.finish();
}

/// A short session: greeting, CAPABILITY, LOGIN, SELECT, FETCH with a
/// literal, NOOP with unsolicited data, LOGOUT.
fn canned_steps() -> Vec<Step> {
    vec![
        send("* OK IMAP4rev1 Service Ready\r\n"),
        expect("A1 CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS\r\nA1 OK CAPABILITY completed\r\n"),
        expect("A2 LOGIN "),
        send("A2 OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE] Logged in\r\n"),
        expect("A3 SELECT "),
        send(
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)\r\n\
             * OK [PERMANENTFLAGS (\\Seen \\*)] ok\r\n* 2 EXISTS\r\n* 1 RECENT\r\n\
             * OK [UIDVALIDITY 42] ok\r\n* OK [UIDNEXT 9] ok\r\nA3 OK [READ-WRITE] SELECT done\r\n",
        ),
        expect("A4 UID FETCH 1:* "),
        send(
            "* 1 FETCH (UID 7 FLAGS (\\Seen $Forwarded) RFC822.SIZE 26 BODY[] {26}\r\n\
             Subject: hi\r\n\r\n(x) \"{3}\"\r\n INTERNALDATE \"17-Jul-1996 02:44:25 -0700\")\r\n\
             * 2 FETCH (UID 8 FLAGS () RFC822.SIZE 0 BODY[] \"\" INTERNALDATE \"01-Jan-2000 00:00:00 +0000\")\r\n\
             A4 OK FETCH done\r\n",
        ),
        expect("A5 NOOP"),
        send("* 3 EXISTS\r\n* 1 EXPUNGE\r\n* OK [ALERT] Quota at 95%\r\nA5 OK NOOP done\r\n"),
        expect("A6 LOGOUT"),
        send("* BYE bye\r\nA6 OK LOGOUT done\r\n"),
    ]
}

fn canned_session(split: Split) -> (Messages, Vec<Event>, Option<String>) {
    let srv = FakeServer::start_split(canned_steps(), split);
    let mut c = Client::connect(&srv.options()).expect("connect");
    c.login("user", "pw").expect("login");
    let st = c.select_folder("INBOX").expect("select");
    assert_eq!(
        (st.exists, st.uid_validity, st.uid_next),
        (2, Some(42), Some(9))
    );
    let m = c
        .fetch(
            "1:*",
            &["FLAGS", "RFC822.SIZE", "BODY.PEEK[]", "INTERNALDATE"],
        )
        .expect("fetch");
    c.noop().expect("noop");
    let ev = c.take_events();
    c.logout().expect("logout");
    drop(c);
    let t = srv.finish();
    (m, ev, t.error)
}

fn check_canned(m: &Messages, ev: &[Event]) {
    assert_eq!(m.len(), 2);
    let a = m.get(7).expect("uid 7");
    assert_eq!(
        a.section("BODY[]"),
        Some(&b"Subject: hi\r\n\r\n(x) \"{3}\"\r\n"[..])
    );
    assert_eq!(a.size, Some(26));
    assert!(a.has_flag("$Forwarded"));
    assert!(a.internal_date.is_some());
    let b = m.get(8).expect("uid 8");
    assert_eq!(b.section("BODY[]"), Some(&b""[..]));
    assert_eq!(b.flags.as_deref(), Some(&[][..]));
    assert_eq!(
        ev,
        &[
            Event::Exists(3),
            Event::Expunge(1),
            Event::Alert("Quota at 95%".into())
        ]
    );
}

#[test]
fn one_byte_writes_give_identical_results() {
    let (m0, e0, err) = canned_session(Split::Whole);
    assert!(err.is_none(), "{err:?}");
    check_canned(&m0, &e0);
    let (m1, e1, err) = canned_session(Split::Bytes);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(m0, m1);
    assert_eq!(e0, e1);
}

#[test]
fn every_split_point_gives_identical_results() {
    let (m0, e0, _) = canned_session(Split::Whole);
    let longest = canned_steps()
        .iter()
        .map(|s| if let Step::Send(d) = s { d.len() } else { 0 })
        .max()
        .unwrap();
    for k in 1..longest {
        let (m, e, err) = canned_session(Split::At(k));
        assert!(err.is_none(), "split at {k}: {err:?}");
        assert_eq!(m, m0, "split at {k}");
        assert_eq!(e, e0, "split at {k}");
    }
}

#[test]
fn unsolicited_responses_never_pollute_results() {
    let noise = "* 9 EXISTS\r\n* 3 EXPUNGE\r\n* 5 FETCH (FLAGS (\\Deleted))\r\n\
                 * 6 FETCH (UID 600 FLAGS (\\Seen))\r\n* OK [ALERT] System going down at 5pm\r\n\
                 * OK Still here\r\n* 4 RECENT\r\n";
    let (srv, mut c) = session(
        3,
        vec![
            expect("A3 UID FETCH 1:2 "),
            send(format!(
                "{noise}* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n{noise}* 2 FETCH (UID 2 FLAGS ())\r\n{noise}A3 OK done\r\n"
            )),
            expect("A4 UID SEARCH"),
            send(format!("{noise}* SEARCH 1 2\r\n{noise}A4 OK done\r\n")),
            expect("A5 LIST "),
            send(format!("{noise}* LIST (\\HasNoChildren) \"/\" INBOX\r\n{noise}A5 OK done\r\n")),
        ],
    );
    let m = c.fetch("1:2", &["FLAGS"]).unwrap();
    assert_eq!(
        m.iter().map(|m| m.uid).collect::<Vec<_>>(),
        vec![Some(1), Some(2)]
    );
    assert!(m.get(600).is_none() && m.iter().all(|m| m.seq != 5));
    let s = c.search(&[]).unwrap();
    assert_eq!(s.ids, vec![1, 2]);
    let f = c.list_folders("", "*").unwrap();
    assert_eq!(
        f.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        vec!["INBOX"]
    );
    let ev = c.take_events();
    // Per round: EXISTS, EXPUNGE, two FETCH, ALERT, OK, RECENT; 3 + 2 + 2
    // rounds, in order.
    let alerts = ev
        .iter()
        .filter(|e| matches!(e, Event::Alert(t) if t == "System going down at 5pm"))
        .count();
    assert_eq!(alerts, 7, "{ev:?}");
    assert_eq!(ev.len(), 7 * 7);
    let fetches: Vec<u32> = ev
        .iter()
        .filter_map(|e| {
            if let Event::Fetch(m) = e {
                Some(m.seq)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(fetches.len(), 14);
    assert!(fetches.iter().all(|&s| s == 5 || s == 6));
    assert_eq!(ev.iter().filter(|e| **e == Event::Exists(9)).count(), 7);
    assert_eq!(ev.iter().filter(|e| **e == Event::Expunge(3)).count(), 7);
    assert_eq!(ev[0..2], [Event::Exists(9), Event::Expunge(3)]);
    drop(c);
    srv.finish();
}

#[test]
fn stale_tagged_reply_is_ignored() {
    let (srv, mut c) = session(
        2,
        vec![
            expect("A3 UID FETCH 1:* "),
            // A late duplicate completion of SELECT (A2) and one of a tag
            // never used arrive before this command's data.
            send("A2 OK [READ-WRITE] Select completed (again)\r\nA99 NO whatever\r\n"),
            send("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\nA2 BAD stale\r\n* 2 FETCH (UID 2 FLAGS ())\r\nA3 OK done\r\n"),
            expect("A4 NOOP"),
            send("A3 NO stale again\r\nA4 OK done\r\n"),
        ],
    );
    let m = c
        .fetch("1:*", &["FLAGS"])
        .expect("stale completions must not end this command");
    assert_eq!(m.len(), 2);
    assert!(m.get(1).unwrap().has_flag("\\Seen"));
    c.noop().expect("a stale NO for A3 must not fail A4");
    drop(c);
    srv.finish();
}

#[test]
fn one_malformed_fetch_among_a_thousand() {
    let mut body = String::new();
    for i in 1..=1000 {
        if i == 500 {
            body.push_str("* 500 FETCH (UID 500 FLAGS (\\Seen) INTERNALDATE \"unterminated)\r\n");
        } else {
            body.push_str(&format!("* {i} FETCH (UID {i} FLAGS (\\Seen))\r\n"));
        }
    }
    body.push_str("A3 OK done\r\n");
    let (srv, mut c) = session(
        1000,
        vec![
            expect("A3 UID FETCH 1:* "),
            send(body),
            expect("A4 NOOP"),
            send("A4 OK\r\n"),
        ],
    );
    let m = c
        .fetch("1:*", &["FLAGS", "INTERNALDATE"])
        .expect("one bad message does not fail the FETCH");
    assert_eq!(m.len(), 1000);
    let good: Vec<_> = m.iter().filter(|m| m.errors.is_empty()).collect();
    assert_eq!(good.len(), 999);
    assert!(good
        .iter()
        .all(|m| m.has_flag("\\Seen") && m.uid == Some(m.seq)));
    let bad: Vec<_> = m.iter().filter(|m| !m.errors.is_empty()).collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].seq, 500);
    assert!(!bad[0].errors[0].message.is_empty());
    assert!(
        bad[0].errors[0].raw.starts_with(b"* 500 FETCH"),
        "{:?}",
        bad[0].errors
    );
    c.noop().unwrap();
    drop(c);
    srv.finish();
}

#[test]
fn garbage_lines_between_responses_are_skipped() {
    let (srv, mut c) = session(
        1,
        vec![
            expect("A3 NOOP"),
            send("\r\n\r\nthis is not imap at all\r\n* 1 EXISTS\r\n)))(((\r\nA3 OK done\r\n"),
            expect("A4 NOOP"),
            send("A4 OK\r\n"),
        ],
    );
    c.noop().expect("garbage is not fatal");
    assert_eq!(c.take_events(), vec![Event::Exists(1)]);
    c.noop().unwrap();
    drop(c);
    srv.finish();
}

#[test]
fn continuation_when_none_is_expected_is_ignored() {
    let (srv, mut c) = session(
        1,
        vec![
            expect("A3 NOOP"),
            send("+ spurious\r\nA3 OK done\r\n"),
            expect("A4 NOOP"),
            send("A4 OK\r\n"),
        ],
    );
    c.noop().unwrap();
    c.noop().unwrap();
    drop(c);
    srv.finish();
}

#[test]
fn many_small_unsolicited_responses_do_not_hang() {
    let _g = heavy();
    // 100 000 EXISTS in one go: bounded time, the last one wins.
    let mut noise = String::new();
    for i in 0..100_000 {
        noise.push_str(&format!("* {i} EXISTS\r\n"));
    }
    noise.push_str("A3 OK done\r\n");
    let (srv, mut c) = session(1, vec![expect("A3 NOOP"), send(noise)]);
    let t0 = Instant::now();
    c.noop().unwrap();
    assert!(t0.elapsed() < Duration::from_secs(5));
    assert_eq!(c.selected().unwrap().exists, 99_999);
    assert_eq!(c.take_events().len(), 100_000);
    drop(c);
    srv.finish();
}

#[test]
fn status_text_ending_in_a_brace_count_is_not_a_literal() {
    // Dovecot echoes a mailbox name decoded from modified UTF-7, CR LF
    // included, in its NO text: the line then ends in `{5}`. (The client
    // refuses CR and LF in names, but a raw name can spell them in UTF-7.)
    let (srv, mut c) = session(
        1,
        vec![
            expect("A3 STATUS "),
            send("A3 NO [NONEXISTENT] Mailbox doesn't exist: x {5}\r\nA5 DELETE foo (0.002 + 0.000 secs).\r\n"),
            expect("A4 NOOP"),
            send("A4 OK done\r\n"),
        ],
    );
    c.set_folder_encode(false);
    let t0 = Instant::now();
    let e = c.folder_status("x {5}&AA0ACg-A5 DELETE foo").unwrap_err();
    assert_eq!(e.kind, ErrorKind::No, "{e}");
    assert_eq!(e.response_code.as_deref(), Some("NONEXISTENT"));
    assert!(t0.elapsed() < Duration::from_secs(1));
    c.noop().expect("in step after the echoed name");
    drop(c);
    srv.finish();
}

/// The C ABI's batched streaming fetch hands on the messages it holds
/// before it waits for the server, not only when a batch is full or the
/// command ends: the fake server sends the rest of the answer only after
/// the callback has seen the first two messages, so a batch kept back
/// would end in the client's I/O timeout.
#[test]
fn batched_stream_hands_on_before_waiting() {
    use imapclient::ffi::error::IMAPC_OK;

    let gate = fake::Gate::default();
    let mut steps = fake::login_steps();
    steps.extend(fake::select_steps("A2", 3));
    steps.extend([
        expect("A3 UID FETCH 1:* (UID BODY.PEEK[])"),
        send(batched::FIRST),
        Step::Wait(gate.clone()),
        send(batched::REST),
    ]);
    let srv = FakeServer::start_split(steps, fake::Split::Whole);
    // SAFETY: C ABI calls; the options are handed on and freed there.
    let (rc, count, batches) =
        unsafe { batched::fetch(fake::c_options(srv.port), move || gate.open()) };
    let t = srv.finish();
    assert_eq!(
        rc, IMAPC_OK,
        "the fetch waited with the first messages held back: {t:?}"
    );
    assert_eq!(count, 3);
    assert_eq!(batches, batched::want());
}

/// The server side of a COMPRESS=DEFLATE stream: each piece deflated and
/// sync-flushed, one compressor for the whole connection.
fn deflated(c: &mut flate2::Compress, text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 256);
    c.compress_vec(text, &mut out, flate2::FlushCompress::Sync)
        .unwrap();
    out
}

/// LOGIN as A1 offering COMPRESS=DEFLATE, then `COMPRESS DEFLATE` as A2,
/// whose OK is followed in the same write by `after_ok`.
fn compress_steps(after_ok: &[u8], rest: Vec<Step>) -> Vec<Step> {
    let mut ok = b"A2 OK DEFLATE active\r\n".to_vec();
    ok.extend_from_slice(after_ok);
    let mut steps = vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE COMPRESS=DEFLATE] Logged in\r\n"),
        expect("A2 COMPRESS DEFLATE"),
        send(ok),
    ];
    steps.extend(rest);
    steps
}

#[test]
fn compressed_data_in_the_same_packet_as_the_ok_is_not_lost() {
    // The server's first compressed bytes (an EXISTS) arrive with the OK:
    // the client must inflate them, not drop them or read them as text.
    let mut z = flate2::Compress::new(flate2::Compression::default(), false);
    let exists = deflated(&mut z, b"* 7 EXISTS\r\n");
    let done = deflated(&mut z, b"A3 OK NOOP done\r\n");
    let srv = FakeServer::start(compress_steps(&exists, vec![send(done), sleep_short()]));
    let mut c = Client::connect(&srv.options()).expect("connect");
    c.login("user", "secret").expect("login");
    c.compress().expect("compress");
    assert!(c.is_compressed());
    c.noop().expect("noop over the compressed stream");
    assert_eq!(c.take_events(), vec![Event::Exists(7)]);
    let st = c.compression_stats().unwrap();
    assert_eq!(
        st.received,
        12 + 17,
        "inflated bytes: the EXISTS and the OK"
    );
    assert!(st.sent > 0 && st.sent_wire > 0);
    let t = srv.finish();
    // After the switch the client's bytes are a deflate stream (a short
    // command goes as a stored block) that inflates to the NOOP.
    let switch = b"A2 COMPRESS DEFLATE\r\n";
    let at = t
        .received
        .windows(switch.len())
        .position(|w| w == switch)
        .unwrap()
        + switch.len();
    let wire = &t.received[at..];
    assert_eq!(wire.len() as u64, st.sent_wire);
    let mut z = flate2::Decompress::new(false);
    let mut plain = [0u8; 64];
    z.decompress(wire, &mut plain, flate2::FlushDecompress::Sync)
        .unwrap();
    assert_eq!(&plain[..z.total_out() as usize], b"A3 NOOP\r\n");
}

#[test]
fn corrupt_compressed_data_is_a_fatal_protocol_error() {
    // Bytes that are no deflate stream (block type 3 is reserved).
    let srv = FakeServer::start(compress_steps(
        &[0xff, 0xff, 0xff, 0xff],
        vec![sleep_short()],
    ));
    let mut c = Client::connect(&srv.options()).expect("connect");
    c.login("user", "secret").expect("login");
    c.compress().expect("compress");
    let e = c.noop().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    assert!(
        e.message.contains("COMPRESS") && e.message.contains("corrupt"),
        "{e}"
    );
    assert!(e.is_fatal());
    // The client is broken for good: a clear refusal, nothing sent.
    assert_eq!(c.noop().unwrap_err().kind, ErrorKind::IllegalState);
    srv.finish();
}

#[test]
fn compress_refused_by_the_server_leaves_the_session_plain() {
    let srv = FakeServer::start(vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] Logged in\r\n"),
        expect("A2 COMPRESS DEFLATE"),
        send("A2 NO [COMPRESSIONACTIVE] Already compressed\r\n"),
        expect("A3 NOOP"),
        send("A3 OK done\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).expect("connect");
    c.login("user", "secret").expect("login");
    let e = c.compress().unwrap_err();
    assert_eq!(e.kind, ErrorKind::No, "{e}");
    assert!(!e.is_fatal());
    assert!(!c.is_compressed());
    assert_eq!(c.compression_stats(), None);
    c.noop().expect("the session goes on in plain text");
    srv.finish();
}

#[test]
fn list_status_answers_are_matched_to_folders_by_wire_name() {
    let srv = FakeServer::start(vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 LIST-EXTENDED LIST-STATUS] Logged in\r\n"),
        expect("A2 LIST \"\" \"*\" RETURN (STATUS (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN))"),
        // Out of order, one name as a literal, one in modified UTF-7, a
        // placeholder without status, a STATUS for no listed folder.
        send(
            "* LIST () \"/\" INBOX\r\n\
             * LIST (\\Noselect) \"/\" Archive\r\n\
             * STATUS {12}\r\nEntw&APw-rfe (MESSAGES 3 UIDNEXT 9 UIDVALIDITY 5)\r\n\
             * LIST () \"/\" Entw&APw-rfe\r\n\
             * STATUS Ghost (MESSAGES 1)\r\n\
             * STATUS INBOX (MESSAGES 14 RECENT 0 UIDNEXT 15 UIDVALIDITY 7 UNSEEN 2)\r\n\
             * LIST () \"/\" Empty\r\n\
             A2 OK done\r\n",
        ),
    ]);
    let mut c = Client::connect(&srv.options()).expect("connect");
    c.login("user", "secret").expect("login");
    let f = c.list_folders_with_status("", "*").unwrap();
    let names: Vec<_> = f.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["INBOX", "Archive", "Entwürfe", "Empty"]);
    let inbox = f[0].status.clone().unwrap();
    assert_eq!(
        (
            inbox.messages,
            inbox.uid_next,
            inbox.uid_validity,
            inbox.unseen
        ),
        (Some(14), Some(15), Some(7), Some(2))
    );
    assert_eq!(f[1].status, None, "a \\Noselect folder");
    // Its STATUS came first, its name as a literal: matched all the same.
    let e = f[2].status.clone().unwrap();
    assert_eq!((e.messages, e.uid_next, e.recent), (Some(3), Some(9), None));
    assert_eq!(f[3].status, None, "the server sent none");
    srv.finish();
}

#[test]
fn without_list_status_a_refused_status_leaves_that_folder_without() {
    let srv = FakeServer::start(vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1] Logged in\r\n"),
        expect("A2 LIST \"\" \"*\""),
        send(
            "* LIST () \"/\" INBOX\r\n\
             * LIST (\\Noselect) \"/\" Shared\r\n\
             * LIST () \"/\" Shared/secret\r\n\
             * LIST () \"/\" Sent\r\n\
             A2 OK done\r\n",
        ),
        expect("A3 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)"),
        send("* STATUS INBOX (MESSAGES 2 UIDNEXT 3)\r\nA3 OK\r\n"),
        // No STATUS for the \Noselect folder: the next is Shared/secret.
        expect("A4 STATUS Shared/secret "),
        send("A4 NO [NOPERM] no access\r\n"),
        expect("A5 STATUS Sent "),
        send("* STATUS Sent (MESSAGES 5)\r\nA5 OK\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).expect("connect");
    c.login("user", "secret").expect("login");
    let f = c.list_folders_with_status("", "*").unwrap();
    let got: Vec<_> = f
        .iter()
        .map(|x| (x.name.as_str(), x.status.as_ref().and_then(|s| s.messages)))
        .collect();
    assert_eq!(
        got,
        [
            ("INBOX", Some(2)),
            ("Shared", None),
            ("Shared/secret", None),
            ("Sent", Some(5))
        ]
    );
    assert!(f[2].status.is_none() && f[1].status.is_none());
    srv.finish();
}

#[test]
fn idle_renewal_waits_for_a_slow_done_with_the_io_timeout() {
    // The renewal's DONE used to wait for its OK with what was left of
    // the caller's last short wait (down to 1 ms), so a server that took
    // longer turned the renewal into a fatal timeout. It seldom showed
    // against Dovecot on loopback, and only under load.
    let (srv, mut c) = session(
        1,
        vec![
            expect("A3 IDLE"),
            send("+ idling\r\n"),
            expect("DONE"),
            Sleep(Duration::from_millis(400)),
            send("* 2 EXISTS\r\nA3 OK Idle completed\r\n"),
            expect("A4 IDLE"),
            Sleep(Duration::from_millis(300)),
            send("+ idling\r\n"),
            expect("DONE"),
            send("A4 OK Idle completed\r\n"),
        ],
    );
    c.set_idle_renew_interval(Duration::from_millis(100));
    c.idle_start().unwrap();
    let t0 = Instant::now();
    let mut events = Vec::new();
    while events.is_empty() && t0.elapsed() < Duration::from_secs(5) {
        // Waits of 20 ms: the renewal comes in the middle of one.
        events.extend(c.idle_wait(Duration::from_millis(20)).expect("idle_wait"));
    }
    // The EXISTS that came with DONE's OK is kept for the caller.
    assert_eq!(events, vec![Event::Exists(2)]);
    assert!(c.fatal_error().is_none());
    assert_eq!(c.idle_done().unwrap(), vec![]);
    assert_eq!(c.selected().map(|s| s.exists), Some(2));
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// Wait up to `ms` for the client's socket to be readable, as a caller's
/// event loop does with `raw_fd`.
fn poll_readable(c: &Client, ms: i32) -> bool {
    let mut p = libc::pollfd {
        fd: c.raw_fd().expect("connected"),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let n = unsafe { libc::poll(&mut p, 1, ms) };
    n == 1
}

/// A session in IDLE (A3) whose server sends `* n EXISTS` after `delay_ms`,
/// then waits for DONE.
fn idle_session_with_exists(delay_ms: u64, n: u32) -> (FakeServer, Client) {
    session(
        1,
        vec![
            expect("A3 IDLE"),
            send("+ idling\r\n"),
            Sleep(Duration::from_millis(delay_ms)),
            send(format!("* {n} EXISTS\r\n")),
            expect("DONE"),
            send("A3 OK Idle completed\r\n"),
        ],
    )
}

#[test]
fn idle_wait_with_timeout_zero_reads_what_the_socket_holds() {
    // The documented event loop: poll the descriptor, and when it is
    // readable call idle_wait with timeout 0. That call used to return at
    // once without reading, so the descriptor stayed readable and the loop
    // spun without ever seeing the EXISTS.
    let (srv, mut c) = idle_session_with_exists(100, 2);
    c.idle_start().unwrap();
    let mut events = Vec::new();
    let mut spins = 0;
    while events.is_empty() {
        assert!(
            poll_readable(&c, 3000),
            "the EXISTS never made the socket readable"
        );
        events = c.idle_wait(Duration::ZERO).expect("idle_wait");
        spins += 1;
        assert!(spins < 20, "readable, but idle_wait(0) takes nothing in");
    }
    assert_eq!(events, vec![Event::Exists(2)]);
    assert_eq!(c.idle_done().unwrap(), vec![]);
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

#[test]
fn idle_wait_without_end_returns_the_first_event() {
    // Duration::MAX (C: UINT64_MAX ms) means no deadline; adding it to the
    // clock used to panic.
    let (srv, mut c) = idle_session_with_exists(200, 3);
    c.idle_start().unwrap();
    assert_eq!(
        c.idle_wait(Duration::MAX).expect("idle_wait"),
        vec![Event::Exists(3)]
    );
    assert_eq!(c.idle_done().unwrap(), vec![]);
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

#[test]
fn idle_wait_leaves_no_inflated_data_behind_for_poll() {
    // Under COMPRESS a burst of events (another client flagged a few
    // thousand messages) arrives as a few KiB that inflate to far more
    // than one read takes. idle_wait used to return the first read's
    // events and leave the rest inside the decompressor, where poll on
    // the socket cannot see it: an event loop then waited for news that
    // had already arrived.
    let n = 6000u32;
    let mut z = flate2::Compress::new(flate2::Compression::default(), false);
    let plus = deflated(&mut z, b"+ idling\r\n");
    let text: String = (1..=n)
        .map(|i| format!("* {i} FETCH (FLAGS (\\Seen $Forwarded $Label1))\r\n"))
        .collect();
    let burst = deflated(&mut z, text.as_bytes());
    assert!(
        burst.len() < 16 * 1024 && text.len() > 4 * 64 * 1024,
        "{} {}",
        burst.len(),
        text.len()
    );
    let done = deflated(&mut z, b"A3 OK Idle completed\r\n");
    // The client's commands after COMPRESS are stored deflate blocks:
    // 5 bytes of block header before "A3 IDLE\r\n" and "DONE\r\n".
    let srv = FakeServer::start(compress_steps(
        b"",
        vec![
            ReadBytes(5 + 9),
            send(plus),
            send(burst),
            ReadBytes(5 + 6),
            send(done),
        ],
    ));
    let mut c = Client::connect(&srv.options()).expect("connect");
    c.login("user", "secret").expect("login");
    c.compress().expect("compress");
    c.idle_start().unwrap();
    let mut seen = 0u32;
    loop {
        // A wait of 1 ms: it reads the socket (timeout 0 did not). The
        // first call comes before any poll: events may have come with the
        // server's "+" (here the burst did).
        for e in c.idle_wait(Duration::from_millis(1)).expect("idle_wait") {
            match e {
                Event::Fetch(m) => {
                    seen += 1;
                    assert_eq!(m.seq, seen);
                    assert_eq!(m.flags.as_deref().map(<[String]>::len), Some(3));
                }
                e => panic!("unexpected event {e:?}"),
            }
        }
        if seen == n {
            break;
        }
        assert!(
            poll_readable(&c, 3000),
            "poll saw nothing more after {seen} of {n} events: the rest was left inside the client"
        );
    }
    assert_eq!(c.idle_done().unwrap(), vec![]);
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

#[test]
fn move_fallback_fixes_an_open_range_before_copying() {
    // Without MOVE, `3:*` went to COPY, STORE and UID EXPUNGE as it was,
    // and each evaluated `*` anew: mail that arrived after the COPY was
    // flagged \Deleted and expunged without having been copied. The set
    // is now fixed to the UIDs it names first.
    let mut steps = vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS] Logged in\r\n"),
    ];
    steps.extend(select_steps("A2", 4));
    steps.extend([
        expect("A3 UID FETCH 3:* (UID)"),
        send("* 2 FETCH (UID 3)\r\n* 4 FETCH (UID 5)\r\nA3 OK done\r\n"),
        expect("A4 UID COPY 3,5 Dest"),
        send("A4 OK [COPYUID 9 3,5 10:11] done\r\n"),
        // A message (UID 6) arrives here: `*` would now reach it.
        expect("A5 UID STORE 3,5 +FLAGS.SILENT (\\Deleted)"),
        send("* 5 EXISTS\r\nA5 OK done\r\n"),
        expect("A6 UID EXPUNGE 3,5"),
        send("* 4 EXPUNGE\r\n* 2 EXPUNGE\r\nA6 OK done\r\n"),
    ]);
    let srv = FakeServer::start(steps);
    let mut c = Client::connect(&srv.options()).expect("connect");
    c.login("user", "secret").expect("login");
    c.select_folder("INBOX").expect("select");
    let r = c.move_messages("3:*", "Dest").expect("move");
    assert_eq!((r.source, r.dest), (vec![3, 5], vec![10, 11]));
    assert_eq!(c.selected().map(|s| s.exists), Some(3));
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

// --- APPEND: a synchronising literal refused in the middle ---

const MSG1: &[u8] = b"Subject: one\r\n\r\nfirst message\r\n";
const MSG2: &[u8] = b"Subject: two\r\n\r\nSECOND-MESSAGE-BODY\r\n";

/// A message to APPEND with no flags and the server's date.
fn plain(data: &[u8]) -> AppendMessage<'_> {
    AppendMessage {
        data,
        flags: &[],
        date: None,
    }
}

/// Connect and LOGIN (A1) to a server announcing `caps` (in the greeting
/// and after LOGIN); later commands are A2, A3...
fn append_session(caps: &str, rest: Vec<Step>) -> (FakeServer, Client) {
    let mut steps = vec![
        send(format!("* OK [CAPABILITY {caps}] fake ready\r\n")),
        expect("A1 LOGIN user secret\r\n"),
        send(format!("A1 OK [CAPABILITY {caps}] Logged in\r\n")),
    ];
    steps.extend(rest);
    let srv = FakeServer::start(steps);
    let mut c = Client::connect(&srv.options()).expect("connect");
    c.login("user", "secret").expect("login");
    (srv, c)
}

/// The refusal came back as the call's error, which is not fatal, and the
/// client is in step: the next NOOP (A3) gets its own tagged OK and the
/// EXISTS sent with it; the script (which checks every line the client
/// sent, in order) ran to its end, and the refused message's bytes
/// (`unsent`, when given) were never sent. The transcript.
fn assert_refused_in_step(
    srv: FakeServer,
    mut c: Client,
    e: Error,
    kind: ErrorKind,
    code: Option<&str>,
    text: &str,
    unsent: Option<&[u8]>,
) -> fake::Transcript {
    assert_eq!(e.kind, kind, "{e}");
    assert_eq!(e.response_code.as_deref(), code, "{e}");
    assert!(e.message.starts_with("APPEND: server said "), "{e}");
    assert!(e.message.contains(text), "{e}");
    assert_verdict(&c, &e, false);
    c.noop().expect("NOOP after the refused APPEND");
    assert_eq!(c.take_events(), vec![Event::Exists(7)]);
    c.logout().expect("logout");
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
    if let Some(unsent) = unsent {
        assert!(!t.contains(unsent), "refused literal sent: {}", t.text());
    }
    t
}

/// The end of a script after the refusal: NOOP (A3) and LOGOUT (A4).
fn noop_and_logout() -> Vec<Step> {
    vec![
        expect("A3 NOOP\r\n"),
        send("* 7 EXISTS\r\nA3 OK NOOP completed\r\n"),
        expect("A4 LOGOUT"),
        send("* BYE bye\r\nA4 OK done\r\n"),
    ]
}

/// MULTIAPPEND without LITERAL+: both literals are synchronising. The
/// server accepts the first (`+`) and answers the second's `{n}` with a
/// tagged NO (RFC 3502 allows refusing each message as it comes), or
/// BAD, instead of `+`. The call fails with that answer (kind, response
/// code, text), not fatal, and the client neither sends the second
/// message (which the server would read as a command) nor waits for a `+`
/// that will not come. Guards against a hang, a desynchronised session,
/// and a refusal reported as success or as a fatal error.
#[test]
fn multiappend_second_literal_refused_without_literal_plus() {
    let refusals = [
        (
            "A2 NO [TOOBIG] Message too large\r\n",
            ErrorKind::No,
            Some("TOOBIG"),
            "Message too large",
        ),
        (
            "A2 BAD Invalid arguments\r\n",
            ErrorKind::Bad,
            None,
            "Invalid arguments",
        ),
    ];
    for (refusal, kind, code, text) in refusals {
        let mut rest = vec![
            expect(&format!("A2 APPEND INBOX (\\Seen) {{{}}}\r\n", MSG1.len())),
            send("+ Ready for literal data\r\n"),
            ReadBytes(MSG1.len()),
            expect(&format!(" (\\Flagged) {{{}}}\r\n", MSG2.len())),
            send(refusal),
        ];
        rest.extend(noop_and_logout());
        let (srv, mut c) = append_session("IMAP4rev1 MULTIAPPEND UIDPLUS", rest);
        let msgs = [
            AppendMessage {
                data: MSG1,
                flags: &["\\Seen"],
                date: None,
            },
            AppendMessage {
                data: MSG2,
                flags: &["\\Flagged"],
                date: None,
            },
        ];
        let t0 = Instant::now();
        let e = c.multiappend("INBOX", &msgs).unwrap_err();
        assert!(t0.elapsed() < Duration::from_secs(1), "waited for a `+`");
        assert_refused_in_step(srv, c, e, kind, code, text, Some(b"SECOND-MESSAGE-BODY"));
    }
}

/// APPEND without LITERAL+, refused at its only literal: a tagged NO
/// [TRYCREATE] instead of `+`. The call fails with it, not fatal, the
/// message is never sent and the next command is in step. Guards against
/// the client sending the message anyway (its lines would reach the server
/// as commands) or waiting for a `+`.
#[test]
fn append_literal_refused_before_the_message_without_literal_plus() {
    let mut rest = vec![
        expect(&format!("A2 APPEND Nowhere {{{}}}\r\n", MSG2.len())),
        send("A2 NO [TRYCREATE] Mailbox doesn't exist: Nowhere\r\n"),
    ];
    rest.extend(noop_and_logout());
    let (srv, mut c) = append_session("IMAP4rev1 UIDPLUS", rest);
    let t0 = Instant::now();
    let e = c.append("Nowhere", MSG2, &[], None).unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(1), "waited for a `+`");
    assert_refused_in_step(
        srv,
        c,
        e,
        ErrorKind::No,
        Some("TRYCREATE"),
        "Mailbox doesn't exist: Nowhere",
        Some(b"SECOND-MESSAGE-BODY"),
    );
}

/// MULTIAPPEND with LITERAL- only (RFC 7888): the small first message goes
/// as a non-synchronising `{n+}` at once, the second, over 4096 bytes, as
/// a synchronising `{n}`, which the server refuses with NO. Same verdict:
/// the server's error, not fatal, the big message unsent, in step.
#[test]
fn multiappend_big_literal_refused_with_literal_minus() {
    let mut big = b"Subject: big\r\n\r\n".to_vec();
    big.extend(std::iter::repeat_n(b'z', 5000));
    big.extend_from_slice(b"BIG-MESSAGE-TAIL\r\n");
    let mut rest = vec![
        expect(&format!("A2 APPEND INBOX {{{}+}}\r\n", MSG1.len())),
        ReadBytes(MSG1.len()),
        expect(&format!(" {{{}}}\r\n", big.len())),
        send("A2 NO [OVERQUOTA] Quota exceeded\r\n"),
    ];
    rest.extend(noop_and_logout());
    let (srv, mut c) = append_session("IMAP4rev1 LITERAL- MULTIAPPEND", rest);
    let msgs = [plain(MSG1), plain(&big)];
    let e = c.multiappend("INBOX", &msgs).unwrap_err();
    assert_refused_in_step(
        srv,
        c,
        e,
        ErrorKind::No,
        Some("OVERQUOTA"),
        "Quota exceeded",
        Some(b"BIG-MESSAGE-TAIL"),
    );
}

/// MULTIAPPEND with LITERAL+: nothing to refuse midway, every literal goes
/// at once; a tagged NO at the end is the call's error, not fatal, and the
/// session is in step. (The counterpart of the tests above.)
#[test]
fn multiappend_refused_at_the_end_with_literal_plus() {
    let mut rest = vec![
        ExpectLiteral(format!("A2 APPEND INBOX {{{}+}}\r\n", MSG1.len())),
        send("A2 NO [TOOBIG] Message too large\r\n"),
    ];
    rest.extend(noop_and_logout());
    let (srv, mut c) = append_session("IMAP4rev1 LITERAL+ MULTIAPPEND", rest);
    let msgs = [plain(MSG1), plain(MSG2)];
    let e = c.multiappend("INBOX", &msgs).unwrap_err();
    let t = assert_refused_in_step(
        srv,
        c,
        e,
        ErrorKind::No,
        Some("TOOBIG"),
        "Message too large",
        None,
    );
    let want = format!(
        "A2 APPEND INBOX {{{}+}}\r\n{} {{{}+}}\r\n{}\r\n",
        MSG1.len(),
        String::from_utf8_lossy(MSG1),
        MSG2.len(),
        String::from_utf8_lossy(MSG2)
    );
    assert_eq!(t.lines[1], want, "both messages sent without waiting");
}

#[test]
fn copy_by_sequence_number_over_several_commands_copies_by_uid() {
    // A server may report expunges with a COPY's answer (RFC 3501 7.4.1
    // forbids them only for FETCH, STORE and SEARCH), renumbering what the
    // next COPY of a split set names: the set is fixed to UIDs first (by
    // FETCH, itself split, where no expunge may come).
    use imapclient::proto::seqset::MessageSet;
    let seqs: Vec<u32> = (1..60).step_by(2).collect();
    let uid_of = |s: u32| s * 10;
    let uids: Vec<u32> = seqs.iter().map(|&s| uid_of(s)).collect();
    let mut rest = Vec::new();
    let mut tag = 3;
    for p in MessageSet::from_ids(&seqs).unwrap().split(64) {
        rest.push(expect(&format!("A{tag} FETCH {p} (UID)")));
        let mut answer: String = p
            .to_ids()
            .unwrap()
            .iter()
            .map(|&s| format!("* {s} FETCH (UID {})\r\n", uid_of(s)))
            .collect();
        answer.push_str(&format!("A{tag} OK done\r\n"));
        rest.push(send(answer));
        tag += 1;
    }
    let parts = MessageSet::from_ids(&uids).unwrap().split(64);
    assert!(parts.len() > 1, "{parts:?}");
    for (i, p) in parts.iter().enumerate() {
        rest.push(expect(&format!("A{tag} UID COPY {p} Dest")));
        // The first answer carries an expunge of another client's doing.
        let expunged = if i == 0 { "* 2 EXPUNGE\r\n" } else { "" };
        rest.push(send(format!(
            "{expunged}A{tag} OK [COPYUID 7 {p} {p}] done\r\n"
        )));
        tag += 1;
    }
    let (srv, mut c) = session_with(60, rest, Split::Whole, |o| o.max_command_len = 100);
    c.set_use_uid(false);
    let r = c.copy(seqs.as_slice(), "Dest").expect("copy");
    assert_eq!(r.source, uids);
    assert!(!c.use_uid(), "use_uid is put back");
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// After a fatal error every call that talks to the server fails with a
/// fatal `IllegalState` naming the cause, whatever its own checks would
/// say (LOGIN's "already authenticated", a missing capability, a bad
/// argument); `logout` has nothing to do and succeeds.
#[test]
fn calls_after_a_fatal_error_fail_with_fatal_illegal_state() {
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake ready\r\n"),
        expect("A1 LOGIN "),
        Sleep(Duration::from_secs(4)),
        Close,
    ]);
    let mut o = srv.options();
    o.io_timeout = Some(Duration::from_secs(1));
    let mut c = Client::connect(&o).expect("connect");
    let e = c.login("user", "secret").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    assert!(e.is_fatal());
    let plain = imapclient::client::Sasl::Plain {
        authzid: None,
        user: "user",
        password: "secret",
    };
    let later: Vec<(&str, Error)> = vec![
        ("login", c.login("user", "secret").unwrap_err()),
        ("authenticate", c.authenticate(&plain).unwrap_err()),
        ("id", c.id(&[]).unwrap_err()),
        ("enable", c.enable(&[]).unwrap_err()),
        ("namespace", c.namespace().unwrap_err()),
        ("compress", c.compress().unwrap_err()),
        ("noop", c.noop().unwrap_err()),
        ("capability", c.refresh_capabilities().unwrap_err()),
        // Capabilities this server lacks: the broken client says so first
        // (CapabilityMissing, not fatal, used to come first).
        ("sort", c.sort(&["DATE"], &[]).unwrap_err()),
        ("unselect", c.unselect_folder().unwrap_err()),
        ("getacl", c.get_acl("INBOX").unwrap_err()),
        ("getquotaroot", c.get_quota_root("INBOX").unwrap_err()),
        ("idle", c.idle_start().unwrap_err()),
        ("notify", c.notify_none().unwrap_err()),
    ];
    for (what, e) in later {
        assert_eq!(e.kind, ErrorKind::IllegalState, "{what}: {e}");
        assert!(e.is_fatal(), "{what}: {e}");
        assert!(e.message.contains("unusable"), "{what}: {e}");
    }
    assert_eq!(c.fatal_error().map(|e| e.kind), Some(ErrorKind::Timeout));
    c.logout()
        .expect("logout after a fatal error has nothing to do");
    drop(c);
    let _ = srv.finish();
}

/// LOGIN (A1, the server offering IDLE and NAMESPACE), then `rest`; the
/// client logged in.
fn logged_in(rest: Vec<Step>) -> (FakeServer, Client) {
    let mut steps = vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE NAMESPACE] Logged in\r\n"),
    ];
    steps.extend(rest);
    let srv = FakeServer::start(steps);
    let mut c = Client::connect(&srv.options()).expect("connect");
    c.login("user", "secret").expect("login");
    (srv, c)
}

#[test]
fn status_or_namespace_without_data_is_not_fatal() {
    // The commands complete with OK but without their untagged data: the
    // call fails (PROTOCOL), yet the connection is in step, so the error
    // is not fatal and the next command runs.
    let (srv, mut c) = logged_in(vec![
        expect("A2 STATUS Foo "),
        send("* STATUS Bar (MESSAGES 5)\r\nA2 OK done\r\n"),
        expect("A3 NAMESPACE"),
        send("A3 OK done\r\n"),
        expect("A4 NOOP"),
        send("A4 OK done\r\n"),
    ]);
    let e = c.folder_status("Foo").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    assert_verdict(&c, &e, false);
    let e = c.namespace().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    assert_verdict(&c, &e, false);
    c.noop()
        .expect("NOOP after the failed STATUS and NAMESPACE");
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// After a fatal error every idle call is refused with a fatal
/// ILLEGAL_STATE, as the documentation of is_fatal promises.
fn assert_idle_calls_refused_fatally(c: &mut Client) {
    for (what, e) in [
        (
            "idle_wait",
            c.idle_wait(Duration::from_millis(10)).unwrap_err(),
        ),
        ("idle_done", c.idle_done().unwrap_err()),
        ("idle_start", c.idle_start().unwrap_err()),
        ("idle_wait again", c.idle_wait(Duration::ZERO).unwrap_err()),
    ] {
        assert_eq!(e.kind, ErrorKind::IllegalState, "{what}: {e}");
        assert!(e.is_fatal(), "{what}: {e}");
        assert!(e.message.contains("unusable"), "{what}: {e}");
    }
    assert!(!c.is_idle());
}

#[test]
fn idle_calls_after_a_fatal_idle_start_are_fatal() {
    let (srv, mut c) = logged_in(vec![expect("A2 IDLE"), Close]);
    let e = c.idle_start().unwrap_err();
    assert!(e.is_fatal(), "{e}");
    assert_verdict(&c, &e, true);
    assert_idle_calls_refused_fatally(&mut c);
    srv.finish();
}

#[test]
fn idle_calls_after_a_fatal_error_while_idling_are_fatal() {
    let (srv, mut c) = logged_in(vec![expect("A2 IDLE"), send("+ idling\r\n"), Close]);
    c.idle_start().expect("IDLE starts");
    let e = c.idle_wait(Duration::from_secs(2)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ConnectionClosed, "{e}");
    assert_verdict(&c, &e, true);
    assert_idle_calls_refused_fatally(&mut c);
    srv.finish();
}

#[test]
fn idle_calls_without_idle_on_a_sound_client_are_not_fatal() {
    let (srv, mut c) = logged_in(vec![expect("A2 NOOP"), send("A2 OK done\r\n")]);
    for e in [
        c.idle_wait(Duration::ZERO).unwrap_err(),
        c.idle_done().unwrap_err(),
    ] {
        assert_eq!(e.kind, ErrorKind::IllegalState, "{e}");
        assert!(!e.is_fatal(), "{e}");
    }
    c.noop().expect("NOOP");
    drop(c);
    srv.finish();
}

// --- a command's own completion over a limit ---

/// The repro of the C audit: LOGIN answered with `A1 OK [CAPABILITY ...]`
/// longer than `max_line`. The framer discards the line; the command must
/// end at once (not wait for a completion already sent, until the I/O
/// timeout kills the connection) with a non-fatal `LimitExceeded` that
/// says the outcome is unknown, and the session goes on.
#[test]
fn login_completion_over_max_line_ends_the_command_not_the_session() {
    let caps = (0..40).map(|i| format!("X-CAP-{i}")).collect::<Vec<_>>();
    let srv = FakeServer::start(vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        // The over-limit line comes in pieces: the command ends once its
        // start is seen, and the framer skips the rest when it comes.
        Step::SendPieces(
            format!(
                "A1 OK [CAPABILITY IMAP4rev1 {}] Logged in\r\n",
                caps.join(" ")
            )
            .into_bytes(),
            150,
        ),
        expect("A2 NOOP"),
        send("* 3 EXISTS\r\nA2 OK NOOP completed\r\n"),
        expect("A3 LOGOUT"),
        send("* BYE bye\r\nA3 OK Logout completed\r\n"),
    ]);
    let mut o = srv.options();
    o.limits.max_line = 200;
    o.io_timeout = Some(Duration::from_secs(3));
    let mut c = Client::connect(&o).expect("connect");
    let t0 = Instant::now();
    let e = c.login("user", "secret").unwrap_err();
    let took = t0.elapsed();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e} after {took:?}");
    assert!(!e.is_fatal(), "{e}");
    assert!(c.fatal_error().is_none());
    assert!(e.message.contains("A1"), "{e}");
    assert!(e.message.contains("unknown"), "{e}");
    assert!(e.message.contains("longer than 200"), "{e}");
    assert!(took < Duration::from_secs(2), "waited {took:?}");
    c.noop().expect("NOOP after the lost completion");
    assert!(c
        .take_events()
        .iter()
        .any(|ev| matches!(ev, Event::Exists(3))));
    c.logout().expect("logout");
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// A lost completion whose free text ends in `{n}` (a name echoed in a
/// NO): the skipped line must not swallow the next responses as a
/// literal; and one whose response code holds a literal is skipped with
/// it. Both while a command is running in a selected session.
#[test]
fn lost_completions_with_braces_and_literals_keep_the_session_in_step() {
    let long = "n".repeat(300);
    let (srv, mut c) = session_with(
        1,
        vec![
            expect("A3 UID FETCH 1 "),
            send("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n"),
            send(format!("A3 NO Cannot fetch {long} {{99}}\r\n")),
            expect("A4 NOOP"),
            send("* 2 EXISTS\r\nA4 OK NOOP completed\r\n"),
            expect("A5 NOOP"),
            send(format!(
                "A5 NO [BADCHARSET ({long} {{6}}\r\nUT]F-8)] no\r\n* 3 EXISTS\r\n"
            )),
            expect("A6 NOOP"),
            send("A6 OK NOOP completed\r\n"),
        ],
        Split::Whole,
        |o| o.limits.max_line = 200,
    );
    let e = c.fetch(1, &["FLAGS"]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert!(
        e.message.contains("A3") && e.message.contains("unknown"),
        "{e}"
    );
    assert_verdict(&c, &e, false);
    c.noop()
        .expect("NOOP after a lost completion ending in {99}");
    assert_eq!(c.selected().unwrap().exists, 2);
    let e = c.noop().unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert_verdict(&c, &e, false);
    c.noop()
        .expect("NOOP after a lost completion with a literal");
    assert_eq!(c.selected().unwrap().exists, 3, "the EXISTS after it");
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

// --- an interrupt stops a call working through a buffered answer ---

/// `n` small messages and the completion of `A3`, in one write: the whole
/// answer is buffered before the first callback runs.
fn buffered_fetch_answer(n: u32) -> Vec<Step> {
    let mut all = String::new();
    for i in 1..=n {
        all.push_str(&format!(
            "* {i} FETCH (UID {} BODY[] {{5}}\r\nhello)\r\n",
            100 + i
        ));
    }
    all.push_str("A3 OK Fetch completed\r\n");
    vec![expect("A3 UID FETCH 1:* "), send(all)]
}

/// Interrupt from inside the callback of message `at` of 13 (a callback
/// runs when the interrupt comes; what matters is that it is seen between
/// deliveries): the call fails with a fatal `Interrupted` and no callback
/// runs after it, even with the rest of the answer (the completion too)
/// already buffered; the next call fails with `IllegalState`, not with a
/// second `Interrupted`.
fn interrupt_in_callback(at: u32) {
    let (srv, mut c) = session(13, buffered_fetch_answer(13));
    let intr = c.interrupter();
    let (mut messages, mut chunks) = (0, 0);
    let r = c.fetch_stream(
        "1:*",
        &["BODY.PEEK[]"],
        1 << 20,
        &mut |_| {
            messages += 1;
            if messages == at {
                intr.interrupt();
            }
            true
        },
        &mut |_| {
            chunks += 1;
            true
        },
    );
    let e = r.expect_err("an interrupted fetch");
    assert_eq!(e.kind, ErrorKind::Interrupted, "interrupt at {at}: {e}");
    assert!(e.is_fatal());
    assert_eq!(messages, at, "callbacks after an interrupt at {at}");
    assert_eq!(chunks, at, "chunk callbacks after an interrupt at {at}");
    let next = c.noop().unwrap_err();
    assert_eq!(next.kind, ErrorKind::IllegalState, "{next}");
    assert_eq!(
        c.fatal_error().map(|f| f.kind),
        Some(ErrorKind::Interrupted)
    );
    drop(c);
    let t = srv.finish();
    assert!(!t.contains(b"A4"), "sent after the interrupt: {}", t.text());
}

#[test]
fn interrupt_during_a_streaming_callback_stops_the_deliveries() {
    interrupt_in_callback(2);
}

/// The interrupt comes in the last callback: the answer is complete, but
/// the call it interrupted reports it (it used to return success and leave
/// `Interrupted` to the next call).
#[test]
fn interrupt_in_the_last_callback_is_reported_by_that_call() {
    interrupt_in_callback(13);
}

/// The C ABI's batched fetch: an interrupt during a batch's callback stops
/// the fetch before the next batch, with `IMAPC_ERR_INTERRUPTED`.
#[test]
fn interrupt_during_a_batch_stops_the_batches() {
    use imapclient::ffi::client::*;
    use imapclient::ffi::error::*;
    use imapclient::ffi::stream::*;
    use std::ffi::{c_int, c_void, CString};

    struct Seen {
        c: *const imapc_client,
        batches: usize,
        messages: usize,
    }
    unsafe extern "C" fn on_batch(
        ud: *mut c_void,
        _items: *const imapc_stream_item,
        n: usize,
    ) -> c_int {
        // SAFETY: our Seen.
        let seen = unsafe { &mut *ud.cast::<Seen>() };
        seen.batches += 1;
        seen.messages += n;
        imapc_client_interrupt(seen.c);
        0
    }
    // 200 messages: batches of at most 64 from a buffered answer.
    let mut steps = login_steps();
    steps.extend(select_steps("A2", 200));
    steps.extend(buffered_fetch_answer(200));
    let srv = FakeServer::start(steps);
    let (set, items) = (
        CString::new("1:*").unwrap(),
        CString::new("BODY.PEEK[]").unwrap(),
    );
    // SAFETY: C ABI calls with valid strings and out-pointers.
    let (rc, fatal, seen) = unsafe {
        let c = fake::c_login_select(fake::c_options(srv.port));
        let mut seen = Seen {
            c,
            batches: 0,
            messages: 0,
        };
        let mut err = std::ptr::null_mut();
        let rc = imapc_client_fetch_stream_batched(
            c,
            set.as_ptr(),
            items.as_ptr(),
            1 << 20,
            IMAPC_STREAM_ITEM_VERSION,
            Some(on_batch),
            (&mut seen as *mut Seen).cast(),
            std::ptr::null_mut(),
            &mut err,
        );
        let fatal = imapc_error_is_fatal(err);
        imapc_error_free(err);
        imapc_client_free(c);
        (rc, fatal, (seen.batches, seen.messages))
    };
    assert_eq!(rc, IMAPC_ERR_INTERRUPTED, "batches {seen:?}");
    assert!(fatal, "INTERRUPTED is fatal");
    assert_eq!(seen.0, 1, "batches after the interrupt: {seen:?}");
    assert!(seen.1 <= 64, "{seen:?}");
    let _ = srv.finish();
}
