//! A scripted fake IMAP server on loopback, for faults a real server will
//! not produce.
//!
//! ```ignore
//! mod fake;
//! use fake::Step::*;
//! let srv = fake::FakeServer::start(vec![send("* OK hi\r\n"), expect("A1 LOGIN"), ...]);
//! let c = Client::connect(&srv.options())?;
//! ...
//! let t = srv.finish(); // what the client sent, and any script failure
//! ```
//!
//! The client tags its commands `A1`, `A2`, ... in order, so scripts name
//! tags literally. `finish` waits for the script to end and then for the
//! client to close (or 3 s), so the transcript holds everything it sent.
#![allow(dead_code)] // each test binary uses a different part of this

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use imapclient::client::{ConnectOptions, Security};

/// One step of a server script.
#[derive(Debug, Clone)]
pub enum Step {
    /// Write these bytes (in one write, or in pieces per `Script::split`).
    Send(Vec<u8>),
    /// Write these bytes in pieces of this size, each its own write.
    SendPieces(Vec<u8>, usize),
    /// Read one line (up to LF) and check it starts with this prefix.
    Expect(String),
    /// Read one line that ends with a literal header `{n}` or `{n+}`; for
    /// a synchronising literal send `+ go ahead` first; then read the n
    /// bytes and the rest of the line.
    ExpectLiteral(String),
    /// Read exactly this many bytes, whatever they are.
    ReadBytes(usize),
    Sleep(Duration),
    /// Wait until the test opens the gate (at most 10 s), e.g. until the
    /// client has handed on what it received so far.
    Wait(Gate),
    /// Close the connection cleanly (FIN).
    Close,
    /// Abort the connection with a TCP RST (SO_LINGER 0, then close).
    Reset,
}

/// A gate a script can wait at (`Step::Wait`) and a test can open.
#[derive(Clone, Default)]
pub struct Gate(std::sync::Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>);

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Gate(open: {})", self.is_open())
    }
}

impl Gate {
    pub fn open(&self) {
        *self.0 .0.lock().unwrap() = true;
        self.0 .1.notify_all();
    }

    pub fn is_open(&self) -> bool {
        *self.0 .0.lock().unwrap()
    }

    /// Wait for `open`, at most `limit`; whether it was opened.
    pub fn wait(&self, limit: Duration) -> bool {
        let (m, cv) = &*self.0;
        let g = cv
            .wait_timeout_while(m.lock().unwrap(), limit, |open| !*open)
            .unwrap();
        *g.0
    }
}

pub fn send(s: impl AsRef<[u8]>) -> Step {
    Step::Send(s.as_ref().to_vec())
}

pub fn expect(prefix: &str) -> Step {
    Step::Expect(prefix.to_string())
}

pub fn sleep_ms(ms: u64) -> Step {
    Step::Sleep(Duration::from_millis(ms))
}

/// What the server saw.
#[derive(Debug, Default, Clone)]
pub struct Transcript {
    /// Every byte the client sent, in order.
    pub received: Vec<u8>,
    /// The lines matched by `Expect` steps.
    pub lines: Vec<String>,
    /// Why the script stopped early, if it did.
    pub error: Option<String>,
}

impl Transcript {
    /// The received bytes as (lossy) text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.received).into_owned()
    }

    /// True when the client sent these bytes anywhere.
    pub fn contains(&self, needle: &[u8]) -> bool {
        !needle.is_empty() && self.received.windows(needle.len()).any(|w| w == needle)
    }
}

/// How `Send` steps are written.
#[derive(Debug, Clone, Copy, Default)]
pub enum Split {
    /// One write per step.
    #[default]
    Whole,
    /// Two writes per step, cut after this many bytes (clamped to fit),
    /// with a short pause between so they arrive separately.
    At(usize),
    /// One write per byte.
    Bytes,
}

/// A running fake server.
pub struct FakeServer {
    pub port: u16,
    handle: Option<JoinHandle<Transcript>>,
}

impl FakeServer {
    /// Listen on 127.0.0.1, accept one connection and play `steps`.
    pub fn start(steps: Vec<Step>) -> FakeServer {
        FakeServer::start_split(steps, Split::Whole)
    }

    pub fn start_split(steps: Vec<Step>, split: Split) -> FakeServer {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = l.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || serve(l, steps, split));
        FakeServer {
            port,
            handle: Some(handle),
        }
    }

    /// Plaintext connect options to this server with a 2 s I/O timeout.
    pub fn options(&self) -> ConnectOptions {
        self.options_with(Security::Plain)
    }

    pub fn options_with(&self, sec: Security) -> ConnectOptions {
        let mut o = ConnectOptions::new("127.0.0.1", sec).port(self.port);
        o.io_timeout = Some(Duration::from_secs(2));
        o.connect_timeout = Some(Duration::from_secs(2));
        o
    }

    /// Wait for the script to end and the client to close; the transcript.
    pub fn finish(mut self) -> Transcript {
        self.handle
            .take()
            .unwrap()
            .join()
            .expect("fake server thread panicked")
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        // Unfinished servers end on their own (accept and read timeouts).
        let _ = self.handle.take();
    }
}

fn serve(l: TcpListener, steps: Vec<Step>, split: Split) -> Transcript {
    let mut t = Transcript::default();
    l.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut s = loop {
        match l.accept() {
            Ok((s, _)) => break s,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => {
                t.error = Some(format!("no client connected: {e}"));
                return t;
            }
        }
    };
    s.set_nonblocking(false).unwrap();
    s.set_nodelay(true).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut pending: Vec<u8> = Vec::new();
    for step in steps {
        let r = run_step(&mut s, &step, split, &mut pending, &mut t);
        if let Err(e) = r {
            t.error = Some(format!("{step:?}: {e}"));
            return t;
        }
        if matches!(step, Step::Close | Step::Reset) {
            return t;
        }
    }
    // Capture whatever else the client sends until it closes.
    let _ = s.set_read_timeout(Some(Duration::from_secs(3)));
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        t.received.extend_from_slice(&buf[..n]);
    }
    t
}

fn write_pieces(s: &mut TcpStream, data: &[u8], size: usize) -> std::io::Result<()> {
    for p in data.chunks(size.max(1)) {
        s.write_all(p)?;
        s.flush()?;
        std::thread::sleep(Duration::from_micros(200));
    }
    Ok(())
}

/// Read up to and including LF (bytes already read beyond stay in `pending`).
fn read_line(
    s: &mut TcpStream,
    pending: &mut Vec<u8>,
    t: &mut Transcript,
) -> std::io::Result<Vec<u8>> {
    loop {
        if let Some(i) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=i).collect();
            return Ok(line);
        }
        let mut buf = [0u8; 4096];
        let n = s.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!(
                    "client closed; partial line {:?}",
                    String::from_utf8_lossy(pending)
                ),
            ));
        }
        t.received.extend_from_slice(&buf[..n]);
        pending.extend_from_slice(&buf[..n]);
    }
}

fn read_exact(
    s: &mut TcpStream,
    pending: &mut Vec<u8>,
    t: &mut Transcript,
    n: usize,
) -> std::io::Result<Vec<u8>> {
    while pending.len() < n {
        let mut buf = [0u8; 4096];
        let k = s.read(&mut buf)?;
        if k == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        t.received.extend_from_slice(&buf[..k]);
        pending.extend_from_slice(&buf[..k]);
    }
    Ok(pending.drain(..n).collect())
}

fn literal_size(line: &[u8]) -> Option<(usize, bool)> {
    let l = line
        .strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\n"))?;
    let l = l.strip_suffix(b"}")?;
    let (l, plus) = match l.strip_suffix(b"+") {
        Some(l) => (l, true),
        None => (l, false),
    };
    let open = l.iter().rposition(|&b| b == b'{')?;
    let n = std::str::from_utf8(&l[open + 1..]).ok()?.parse().ok()?;
    Some((n, plus))
}

fn bad(msg: String) -> std::io::Error {
    std::io::Error::other(msg)
}

fn run_step(
    s: &mut TcpStream,
    step: &Step,
    split: Split,
    pending: &mut Vec<u8>,
    t: &mut Transcript,
) -> std::io::Result<()> {
    match step {
        Step::Send(d) => match split {
            Split::Whole => {
                s.write_all(d)?;
                s.flush()
            }
            Split::Bytes => write_pieces(s, d, 1),
            Split::At(k) => {
                let k = k.clamp(1, d.len().max(1));
                s.write_all(&d[..k.min(d.len())])?;
                s.flush()?;
                std::thread::sleep(Duration::from_micros(500));
                s.write_all(&d[k.min(d.len())..])?;
                s.flush()
            }
        },
        Step::SendPieces(d, n) => write_pieces(s, d, *n),
        Step::Expect(prefix) => {
            let line = read_line(s, pending, t)?;
            let text = String::from_utf8_lossy(&line).into_owned();
            if !line.starts_with(prefix.as_bytes()) {
                return Err(bad(format!("expected {prefix:?}, got {text:?}")));
            }
            t.lines.push(text);
            Ok(())
        }
        Step::ExpectLiteral(prefix) => {
            let mut all = Vec::new();
            loop {
                let line = read_line(s, pending, t)?;
                all.extend_from_slice(&line);
                match literal_size(&line) {
                    Some((n, plus)) => {
                        if !plus {
                            s.write_all(b"+ go ahead\r\n")?;
                        }
                        let data = read_exact(s, pending, t, n)?;
                        all.extend_from_slice(&data);
                    }
                    None => break,
                }
            }
            let text = String::from_utf8_lossy(&all).into_owned();
            if !all.starts_with(prefix.as_bytes()) {
                return Err(bad(format!("expected {prefix:?}, got {text:?}")));
            }
            t.lines.push(text);
            Ok(())
        }
        Step::ReadBytes(n) => read_exact(s, pending, t, *n).map(|_| ()),
        Step::Sleep(d) => {
            std::thread::sleep(*d);
            Ok(())
        }
        Step::Wait(g) => {
            g.wait(Duration::from_secs(10));
            Ok(())
        }
        Step::Close => {
            let _ = s.shutdown(Shutdown::Both);
            Ok(())
        }
        Step::Reset => {
            reset(s);
            Ok(())
        }
    }
}

/// Make the close send a RST: SO_LINGER with a zero timeout.
fn reset(s: &TcpStream) {
    use std::os::fd::AsRawFd;
    let lg = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket fd and a correctly sized linger struct.
    let r = unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &lg as *const libc::linger as *const libc::c_void,
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(r, 0, "setsockopt SO_LINGER");
    // The script ends here; dropping the stream closes it with a RST.
}

/// Peak resident set size of this process in KiB (VmHWM).
pub fn vm_hwm_kib() -> u64 {
    status_field("VmHWM:")
}

/// Reset VmHWM to the current RSS (Linux >= 4.0), so a later `vm_hwm_kib`
/// shows the peak since now.
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Current resident set size in KiB.
pub fn vm_rss_kib() -> u64 {
    status_field("VmRSS:")
}

fn status_field(name: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// A typical greeting with capabilities, so the client sends no CAPABILITY.
pub const GREETING: &str =
    "* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR IDLE UIDPLUS MOVE] fake ready\r\n";

/// Greeting, then LOGIN (as `A1`) answered with capabilities.
pub fn login_steps() -> Vec<Step> {
    vec![
        send(GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE] Logged in\r\n"),
    ]
}

/// Greeting, then LOGIN (as `A1`) answered with the capabilities `caps`,
/// then `rest`.
pub fn login_with(caps: &str, rest: Vec<Step>) -> Vec<Step> {
    let mut v = vec![
        send(GREETING),
        expect("A1 LOGIN "),
        send(format!("A1 OK [CAPABILITY {caps}] Logged in\r\n")),
    ];
    v.extend(rest);
    v
}

/// SELECT INBOX as `tag`, with `exists` messages.
pub fn select_steps(tag: &str, exists: u32) -> Vec<Step> {
    vec![
        expect(&format!("{tag} SELECT ")),
        send(format!(
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n\
             * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.\r\n\
             * {exists} EXISTS\r\n\
             * 0 RECENT\r\n\
             * OK [UIDVALIDITY 1700000000] UIDs valid\r\n\
             * OK [UIDNEXT {}] Predicted next UID\r\n\
             {tag} OK [READ-WRITE] Select completed\r\n",
            exists + 1
        )),
    ]
}

/// Plaintext connect options for a fake server on `port`, made through the
/// C ABI (for tests of what a C caller gets). The caller frees them.
///
/// # Safety
/// Only C ABI calls with valid strings and out-pointers.
pub unsafe fn c_options(port: u16) -> *mut imapclient::ffi::options::imapc_connect_options {
    use imapclient::ffi::error::IMAPC_OK;
    use imapclient::ffi::options::*;
    let host = std::ffi::CString::new("127.0.0.1").unwrap();
    let mut o = std::ptr::null_mut();
    // SAFETY: as the function's contract.
    let rc = unsafe {
        imapc_connect_options_new(
            host.as_ptr(),
            port,
            IMAPC_SECURITY_DANGEROUS_PLAINTEXT,
            &mut o,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(rc, IMAPC_OK);
    o
}

/// Connect through the C ABI with `options` (freed here), LOGIN as the
/// scripts of `login_steps` expect and SELECT INBOX; each step asserted.
/// The caller frees the client.
///
/// # Safety
/// `options` is live.
pub unsafe fn c_login_select(
    options: *mut imapclient::ffi::options::imapc_connect_options,
) -> *mut imapclient::ffi::client::imapc_client {
    use imapclient::ffi::client::*;
    use imapclient::ffi::error::IMAPC_OK;
    use std::ffi::CString;
    use std::ptr::null_mut;
    let (user, pass, inbox) = (
        CString::new("user").unwrap(),
        CString::new("secret").unwrap(),
        CString::new("INBOX").unwrap(),
    );
    // SAFETY: as the function's contract; valid strings and out-pointers.
    unsafe {
        let mut c = null_mut();
        assert_eq!(imapc_client_connect(options, &mut c, null_mut()), IMAPC_OK);
        imapclient::ffi::options::imapc_connect_options_free(options);
        assert_eq!(
            imapc_client_login(c, user.as_ptr(), pass.as_ptr(), null_mut()),
            IMAPC_OK
        );
        assert_eq!(
            imapc_client_select(c, inbox.as_ptr(), null_mut(), null_mut()),
            IMAPC_OK
        );
        c
    }
}

/// splitmix64: the chaos tests' random numbers, reproducible from a seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Every log line of this test binary, once `capture_log` has run (one
/// logger per binary: it captures every test's lines).
static LOG_LINES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, r: &log::Record<'_>) {
        let line = format!("{} {} {}", r.level(), r.target(), r.args());
        LOG_LINES
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(line);
    }
    fn flush(&self) {}
}

/// Capture every log record at trace level from now on (idempotent).
pub fn capture_log() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        log::set_logger(&Capture).expect("one logger per test binary");
        log::set_max_level(log::LevelFilter::Trace);
    });
}

/// The lines captured so far.
pub fn log_lines() -> Vec<String> {
    LOG_LINES.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// A number from the environment, decimal or `0x` hex.
pub fn env_num(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| {
        let v = v.trim();
        match v.strip_prefix("0x") {
            Some(h) => u64::from_str_radix(h, 16).ok(),
            None => v.parse().ok(),
        }
    })
}

/// What one chaos session tells the driver.
pub struct SessionReport {
    /// Its mutation class, for the tally.
    pub class: String,
    /// The session, for a report of its findings.
    pub what: String,
    /// Broken promises; empty when it kept them all.
    pub bad: Vec<String>,
    /// How it ended, for the tally.
    pub how: String,
}

/// Run the sessions of a chaos test, `workers` at a time: `0..sessions`
/// (or `CHAOS_SESSIONS`), or the one `CHAOS_ONLY` names, with `CHAOS_SEED`
/// in place of `seed`; `run(seed, i)` plays session `i`. Prints the tally
/// and returns the findings, one line per session and one per broken
/// promise ("" when none), after checking that every session ran.
pub fn run_chaos<F>(name: &str, seed: u64, sessions: usize, workers: usize, run: F) -> String
where
    F: Fn(u64, usize) -> SessionReport + Send + Sync + 'static,
{
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{mpsc, Arc};
    let seed = env_num("CHAOS_SEED").unwrap_or(seed);
    let n = env_num("CHAOS_SESSIONS").map_or(sessions, |n| n as usize);
    let indices: Arc<Vec<usize>> = Arc::new(match env_num("CHAOS_ONLY") {
        Some(i) => vec![i as usize],
        None => (0..n).collect(),
    });
    let t0 = Instant::now();
    let run = Arc::new(run);
    let next = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel::<(usize, SessionReport, Duration)>();
    let mut threads = Vec::new();
    for _ in 0..workers.min(indices.len()) {
        let (next, indices, run, tx) = (next.clone(), indices.clone(), run.clone(), tx.clone());
        threads.push(std::thread::spawn(move || loop {
            let k = next.fetch_add(1, Ordering::SeqCst);
            let Some(&i) = indices.get(k) else { break };
            let t = Instant::now();
            let r = run(seed, i);
            let _ = tx.send((i, r, t.elapsed()));
        }));
    }
    drop(tx);
    let mut findings = Vec::new();
    let mut slowest = Duration::ZERO;
    let mut done = 0;
    let mut tally: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (i, r, took) in rx {
        done += 1;
        *tally.entry(r.class).or_default().entry(r.how).or_default() += 1;
        slowest = slowest.max(took);
        if !r.bad.is_empty() {
            findings.push((i, r.what, r.bad));
        }
    }
    for t in threads {
        t.join().expect("worker");
    }
    findings.sort_by_key(|f| f.0);
    eprintln!(
        "{name}: {done} sessions (seed {seed:#x}) in {:?}, slowest {slowest:?}, {} with findings",
        t0.elapsed(),
        findings.len()
    );
    for (class, hows) in &tally {
        eprintln!("  {class:12} {hows:?}");
    }
    let mut report = String::new();
    for (_, what, bad) in &findings {
        let _ = writeln!(report, "{what}");
        for b in bad {
            let _ = writeln!(report, "    {b}");
        }
    }
    assert_eq!(done, indices.len(), "sessions that did not report");
    report
}

/// Script `data` to be written whole, or (split) in pieces of 1 to
/// `max_piece` bytes, half of them after a pause of up to `max_pause_us`
/// microseconds, drawn from `rng`.
pub fn emit(
    steps: &mut Vec<Step>,
    data: &[u8],
    split: bool,
    rng: &mut Rng,
    max_piece: usize,
    max_pause_us: usize,
) {
    if data.is_empty() {
        return;
    }
    if !split {
        steps.push(Step::Send(data.to_vec()));
        return;
    }
    let mut i = 0;
    while i < data.len() {
        let n = rng.range(1, max_piece).min(data.len() - i);
        steps.push(Step::Send(data[i..i + n].to_vec()));
        if rng.chance(50) {
            steps.push(Step::Sleep(Duration::from_micros(
                rng.range(0, max_pause_us) as u64,
            )));
        }
        i += n;
    }
}

/// The kinds of error whose connection is gone: always fatal.
pub const CONNECTION_KINDS: &[imapclient::client::ErrorKind] = &[
    imapclient::client::ErrorKind::Bye,
    imapclient::client::ErrorKind::ConnectionClosed,
    imapclient::client::ErrorKind::Timeout,
    imapclient::client::ErrorKind::Io,
];

/// What every chaos session checks of an error a server's bytes caused:
/// a kind among `server_kinds`, fatal when its connection is gone, and
/// `is_fatal` in agreement with the client's `fatal_error` (`broken`).
pub fn check_server_error(
    e: &imapclient::client::Error,
    broken: Option<imapclient::client::ErrorKind>,
    server_kinds: &[imapclient::client::ErrorKind],
    bad: &mut Vec<String>,
) {
    if !server_kinds.contains(&e.kind) {
        bad.push(format!(
            "error kind {:?} from a server's bytes: {e}",
            e.kind
        ));
    }
    if CONNECTION_KINDS.contains(&e.kind) && !e.is_fatal() {
        bad.push(format!("{:?} not fatal: {e}", e.kind));
    }
    if e.is_fatal() != broken.is_some() {
        bad.push(format!(
            "is_fatal {} but fatal_error {:?}: {e}",
            e.is_fatal(),
            broken
        ));
    }
}

/// Run one chaos session, `f`, on a thread of its own, panics caught: its
/// value, or a finding and a tally word when it hung past `bound`
/// ("hung") or panicked ("panic").
pub fn run_bounded<T: Send + 'static>(
    bound: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, (String, &'static str)> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        let _ = tx.send(r);
    });
    match rx.recv_timeout(bound) {
        Err(_) => Err((format!("hung: no end after {bound:?}"), "hung")),
        Ok(Err(p)) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err((format!("panicked: {msg}"), "panic"))
        }
        Ok(Ok(v)) => Ok(v),
    }
}

/// Script `data` dripped a byte at a time over about four seconds: past a
/// chaos test's command timeout, never past its I/O timeout.
pub fn drip(steps: &mut Vec<Step>, data: &[u8]) {
    let pause = Duration::from_millis(4000 / data.len() as u64);
    for &b in data {
        steps.extend([Step::Send(vec![b]), Step::Sleep(pause)]);
    }
}

/// A dripped answer must end its call with a fatal `Timeout` soon after
/// `command_timeout`.
pub fn check_command_timeout<T: std::fmt::Debug>(
    result: &Result<T, imapclient::client::Error>,
    took: Duration,
    command_timeout: Duration,
    bad: &mut Vec<String>,
) {
    match result {
        Err(e) if e.kind == imapclient::client::ErrorKind::Timeout && e.is_fatal() => {
            if took > command_timeout + Duration::from_millis(1500) {
                bad.push(format!("the command timeout fired after {took:?}"));
            }
        }
        r => bad.push(format!("expected the command timeout, got {r:?}")),
    }
}

/// The end of a chaos session: the NOOP after the call under test (and
/// how long it took), then, when `wait_server`, whatever went wrong with
/// the server's script.
pub fn noop_and_finish(
    mut c: imapclient::client::Client,
    srv: FakeServer,
    wait_server: bool,
) -> (
    Result<(), imapclient::client::Error>,
    Duration,
    Option<String>,
) {
    let t = Instant::now();
    let next = c.noop();
    let took = t.elapsed();
    drop(c);
    let transcript_error = if wait_server {
        srv.finish().error
    } else {
        None
    };
    (next, took, transcript_error)
}
