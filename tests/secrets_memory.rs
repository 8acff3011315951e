//! Secrets do not linger in the library's memory: once LOGIN or an
//! AUTHENTICATE exchange is over, no heap block the client freed on the
//! way holds a password, a token, a SASL response or its base64 form,
//! and no block still live (the client's own buffers, their spare
//! capacity included) holds one either.
//!
//! This binary's global allocator does the looking. While a test has
//! armed its thread, every block that thread frees (and every block a
//! reallocation leaves) is searched for the secrets before it goes back to
//! the system allocator, and every block it allocates is remembered
//! until freed, so that the blocks still live can be searched too. The
//! search is C's `memmem` over memory the allocator owns at that moment:
//! bytes never written hold whatever they hold, which C may read as
//! `unsigned char`, and no Rust reference to them is made.
//!
//! The secrets the tests use are `'static` strings, and the fake
//! server's scripts (which hold them) are made before the thread is
//! armed, so the tests themselves free no copy of them while armed; the
//! fake server's copies are on its own thread, which is never armed. Trace logging is on, so the
//! redacted command lines are formed too.

mod common;
mod fake;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ffi::{c_void, CString};
use std::os::raw::c_int;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use fake::Step::*;
use fake::{expect, send, FakeServer};
use imapclient::client::{Client, ConnectOptions, ErrorKind, Sasl, Security, TlsConfigBuilder};

// ---- the allocator -------------------------------------------------------

struct Searching;

#[global_allocator]
static ALLOC: Searching = Searching;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
}

/// The secrets looked for (set while no thread is armed).
static NEEDLES: Mutex<Vec<&'static [u8]>> = Mutex::new(Vec::new());
/// Freed blocks found holding a secret: count, and the first one's needle
/// index and size.
static FREED_HITS: AtomicUsize = AtomicUsize::new(0);
static FIRST_HIT: Mutex<Option<(usize, usize)>> = Mutex::new(None);
/// With `IMAPC_TEST_HIT_TRACE=1`, where the first such block was freed.
static FIRST_HIT_TRACE: Mutex<Option<String>> = Mutex::new(None);

/// Blocks the armed thread allocated and has not freed: an open-addressed
/// table of (address, size); address 0 is a free slot, 1 a removed one.
const SLOTS: usize = 1 << 16;
static LIVE_ADDR: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
static LIVE_SIZE: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
/// Allocations the table had no room for (the live check is then partial).
static LIVE_OVERFLOW: AtomicUsize = AtomicUsize::new(0);
/// A probe is set: every thread takes the blocks it frees out of the
/// table (an armed thread's block may be freed by another).
static TRACKING: AtomicBool = AtomicBool::new(false);

fn armed() -> bool {
    ARMED.try_with(Cell::get).unwrap_or(false)
}

fn slot_of(addr: usize) -> usize {
    (addr >> 4).wrapping_mul(0x9E37_79B9_7F4A_7C15) % SLOTS
}

fn remember(addr: usize, size: usize) {
    let mut i = slot_of(addr);
    for _ in 0..SLOTS {
        let a = LIVE_ADDR[i].load(Ordering::Relaxed);
        if a == 0 || a == 1 {
            LIVE_SIZE[i].store(size, Ordering::Relaxed);
            LIVE_ADDR[i].store(addr, Ordering::Relaxed);
            return;
        }
        i = (i + 1) % SLOTS;
    }
    LIVE_OVERFLOW.fetch_add(1, Ordering::Relaxed);
}

fn forget(addr: usize) {
    let mut i = slot_of(addr);
    for _ in 0..SLOTS {
        match LIVE_ADDR[i].load(Ordering::Relaxed) {
            0 => return,
            a if a == addr => {
                LIVE_ADDR[i].store(1, Ordering::Relaxed);
                return;
            }
            _ => i = (i + 1) % SLOTS,
        }
    }
}

/// The index of the first needle found in `size` bytes at `p`.
///
/// # Safety
/// `p` points to `size` bytes of one allocation.
unsafe fn search(p: *const u8, size: usize, needles: &[&[u8]]) -> Option<usize> {
    needles.iter().position(|n| {
        // SAFETY: the block is `size` bytes; memmem reads them as bytes.
        !n.is_empty()
            && unsafe { !libc::memmem(p.cast(), size, n.as_ptr().cast(), n.len()).is_null() }
    })
}

/// Search a block being freed by the armed thread.
///
/// # Safety
/// As `search`.
unsafe fn check_freed(p: *const u8, size: usize) {
    // The needles' lock is only ever taken by armed threads (and by the
    // test setting them, disarmed), never while it allocates.
    let needles = NEEDLES.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: as the caller's.
    if let Some(i) = unsafe { search(p, size, &needles) } {
        drop(needles);
        if FREED_HITS.fetch_add(1, Ordering::SeqCst) == 0 {
            // Disarmed while this allocates.
            ARMED.with(|a| a.set(false));
            *FIRST_HIT.lock().unwrap_or_else(|e| e.into_inner()) = Some((i, size));
            if std::env::var_os("IMAPC_TEST_HIT_TRACE").is_some() {
                let t = std::backtrace::Backtrace::force_capture().to_string();
                *FIRST_HIT_TRACE.lock().unwrap_or_else(|e| e.into_inner()) = Some(t);
            }
            ARMED.with(|a| a.set(true));
        }
    }
}

unsafe impl GlobalAlloc for Searching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as given.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && armed() {
            remember(p as usize, layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as given.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() && armed() {
            remember(p as usize, layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        if TRACKING.load(Ordering::Relaxed) {
            forget(p as usize);
        }
        if armed() {
            // SAFETY: the block is still ours until System.dealloc.
            unsafe { check_freed(p, layout.size()) };
        }
        // SAFETY: forwarded as given.
        unsafe { System.dealloc(p, layout) }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !armed() {
            if TRACKING.load(Ordering::Relaxed) {
                forget(p as usize);
            }
            // SAFETY: forwarded as given.
            return unsafe { System.realloc(p, layout, new_size) };
        }
        // Always move, so the old block is freed (and searched) here, as
        // a reallocation that cannot grow in place leaves it.
        // SAFETY: a valid layout (GlobalAlloc::realloc's contract).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: as alloc.
        let q = unsafe { self.alloc(new_layout) };
        if !q.is_null() {
            // SAFETY: both blocks hold at least the smaller size.
            unsafe {
                std::ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
                self.dealloc(p, layout);
            }
        }
        q
    }
}

// ---- the probe -----------------------------------------------------------

/// One test at a time: the needles, hits and live table are global.
static SERIAL: Mutex<()> = Mutex::new(());

/// Arms the calling thread for one test's secrets.
struct Probe {
    _serial: std::sync::MutexGuard<'static, ()>,
}

impl Probe {
    fn new(secrets: &[&'static [u8]]) -> Probe {
        let serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        fake::capture_log();
        {
            let mut n = NEEDLES.lock().unwrap();
            n.clear();
            n.extend_from_slice(secrets);
        }
        FREED_HITS.store(0, Ordering::SeqCst);
        *FIRST_HIT.lock().unwrap() = None;
        *FIRST_HIT_TRACE.lock().unwrap() = None;
        for a in &LIVE_ADDR {
            a.store(0, Ordering::Relaxed);
        }
        LIVE_OVERFLOW.store(0, Ordering::Relaxed);
        TRACKING.store(true, Ordering::SeqCst);
        ARMED.with(|a| a.set(true));
        Probe { _serial: serial }
    }

    fn disarm(&self) {
        ARMED.with(|a| a.set(false));
    }

    fn needle(i: usize) -> String {
        String::from_utf8_lossy(NEEDLES.lock().unwrap()[i]).into_owned()
    }

    /// No block freed while armed held a secret.
    fn assert_no_freed_copy(&self, what: &str) {
        self.disarm();
        let hits = FREED_HITS.load(Ordering::SeqCst);
        let first = *FIRST_HIT.lock().unwrap();
        if let Some((i, size)) = first {
            let trace = FIRST_HIT_TRACE
                .lock()
                .unwrap()
                .take()
                .unwrap_or_else(|| "(IMAPC_TEST_HIT_TRACE=1 tells where it was freed)".into());
            panic!(
                "{what}: {hits} freed block(s) held a secret; the first, of {size} bytes, held {:?}\n{trace}",
                Probe::needle(i)
            );
        }
        ARMED.with(|a| a.set(true));
    }

    /// No block allocated while armed and still live holds a secret.
    fn assert_no_live_copy(&self, what: &str) {
        self.disarm();
        assert_eq!(LIVE_OVERFLOW.load(Ordering::Relaxed), 0, "live table full");
        let needles = NEEDLES.lock().unwrap().clone();
        let mut live = 0;
        for (a, s) in LIVE_ADDR.iter().zip(&LIVE_SIZE) {
            let addr = a.load(Ordering::Relaxed);
            if addr <= 1 {
                continue;
            }
            live += 1;
            let size = s.load(Ordering::Relaxed);
            // SAFETY: a live block of this thread's of `size` bytes.
            if let Some(i) = unsafe { search(addr as *const u8, size, &needles) } {
                panic!(
                    "{what}: a live block of {size} bytes holds the secret {:?}",
                    String::from_utf8_lossy(needles[i])
                );
            }
        }
        assert!(
            live > 0,
            "{what}: no live block was seen (is the probe armed?)"
        );
        ARMED.with(|a| a.set(true));
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.disarm();
    }
}

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// Leak a string made once, for a needle (made while disarmed).
fn leak(s: String) -> &'static [u8] {
    Box::leak(s.into_boxed_str()).as_bytes()
}

/// The secret itself, and base64 of each payload holding it.
fn needles(secret: &'static str, payloads: &[&[u8]]) -> Vec<&'static [u8]> {
    let mut v = vec![secret.as_bytes()];
    v.extend(payloads.iter().map(|p| leak(b64(p))));
    v
}

/// Connect to `srv`, run `call` with `secrets` looked for, and check: no
/// live block holds one after `call`, no block freed from connecting to
/// dropping the client held one. The fake server's transcript, its
/// script played out.
fn leaves_no_copy(
    srv: FakeServer,
    secrets: &[&'static [u8]],
    what: &str,
    call: impl FnOnce(&mut Client),
) -> fake::Transcript {
    let probe = Probe::new(secrets);
    let mut c = Client::connect(&srv.options()).unwrap();
    call(&mut c);
    probe.assert_no_live_copy(&format!("after {what}"));
    drop(c);
    probe.assert_no_freed_copy(what);
    drop(probe);
    let t = srv.finish();
    assert!(t.error.is_none(), "{what}: {:?}", t.error);
    t
}

// ---- LOGIN ---------------------------------------------------------------

/// Quoted on the wire with two escapes; the needle is a part with none, so
/// it is found in the raw form and in the quoted one.
const PASSWORD: &str = "S3cr3t-P@ss\"w\\ord-LOGIN-77";
const PASSWORD_PART: &str = "-LOGIN-77";

#[test]
fn login_leaves_no_copy_of_the_password() {
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1] ready\r\n"),
        expect("A1 LOGIN alice \"S3cr3t-P@ss\\\"w\\\\ord-LOGIN-77\"\r\n"),
        send("A1 OK [CAPABILITY IMAP4rev1] Logged in\r\n"),
        expect("A2 NOOP"),
        send("A2 OK done\r\n"),
    ]);
    leaves_no_copy(srv, &[PASSWORD_PART.as_bytes()], "LOGIN (quoted)", |c| {
        c.login("alice", PASSWORD).unwrap();
        c.noop().unwrap();
    });
}

#[test]
fn a_password_sent_as_a_literal_leaves_no_copy() {
    // Non-ASCII: a literal; without LITERAL+ a synchronising one, so the
    // password starts a chunk of its own that the final CRLF then grows.
    const PW: &str = "pässwörd-literal-Ünï-31";
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1] ready\r\n"),
        ExpectLiteral("A1 LOGIN alice {".into()),
        send("A1 OK [CAPABILITY IMAP4rev1] Logged in\r\n"),
    ]);
    let t = leaves_no_copy(
        srv,
        &[PW.as_bytes()],
        "LOGIN (synchronising literal)",
        |c| c.login("alice", PW).unwrap(),
    );
    assert!(t.contains(PW.as_bytes()));

    // With LITERAL+ the literal stays in the command's one chunk.
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n"),
        ExpectLiteral("A1 LOGIN alice {".into()),
        send("A1 OK [CAPABILITY IMAP4rev1] Logged in\r\n"),
    ]);
    leaves_no_copy(srv, &[PW.as_bytes()], "LOGIN (LITERAL+)", |c| {
        c.login("alice", PW).unwrap()
    });
}

#[test]
fn a_refused_login_leaves_no_copy_either() {
    const PW: &str = "refused-Pa55word-xyzzy";
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1] ready\r\n"),
        expect("A1 LOGIN "),
        send("A1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"),
    ]);
    leaves_no_copy(srv, &[PW.as_bytes()], "refused LOGIN", |c| {
        assert_eq!(
            c.login("alice", PW).unwrap_err().kind,
            ErrorKind::AuthFailed
        )
    });
}

// ---- AUTHENTICATE with the built-in mechanisms ----------------------------

const PLAIN_PW: &str = "plain-Secret-Pw-0042";

fn plain_payload() -> Vec<u8> {
    format!("\0alice\0{PLAIN_PW}").into_bytes()
}

fn authenticate_plain(c: &mut Client) {
    c.authenticate(&Sasl::Plain {
        authzid: None,
        user: "alice",
        password: PLAIN_PW,
    })
    .unwrap()
}

#[test]
fn authenticate_plain_with_sasl_ir_leaves_no_copy() {
    let payload = plain_payload();
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] ready\r\n"),
        expect(&format!("A1 AUTHENTICATE PLAIN {}\r\n", b64(&payload))),
        send("A1 OK [CAPABILITY IMAP4rev1] in\r\n"),
    ]);
    leaves_no_copy(
        srv,
        &needles(PLAIN_PW, &[&payload]),
        "AUTHENTICATE PLAIN (SASL-IR)",
        authenticate_plain,
    );
}

#[test]
fn authenticate_plain_without_sasl_ir_leaves_no_copy() {
    let payload = plain_payload();
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"),
        expect("A1 AUTHENTICATE PLAIN\r\n"),
        send("+ \r\n"),
        expect(&format!("{}\r\n", b64(&payload))),
        send("A1 OK [CAPABILITY IMAP4rev1] in\r\n"),
    ]);
    leaves_no_copy(
        srv,
        &needles(PLAIN_PW, &[&payload]),
        "AUTHENTICATE PLAIN (no SASL-IR)",
        authenticate_plain,
    );
}

const TOKEN: &str = "ya29.a0AfH6SMBx-Memory-Token_0123456789";

#[test]
fn xoauth2_and_oauthbearer_leave_no_copy_of_the_token() {
    // XOAUTH2 with a vendor, refused: the error challenge is acknowledged.
    let payload = format!("user=alice\x01auth=Bearer {TOKEN}\x01vendor=acme\x01\x01").into_bytes();
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] ready\r\n"),
        expect(&format!("A1 AUTHENTICATE XOAUTH2 {}\r\n", b64(&payload))),
        send(format!("+ {}\r\n", b64(br#"{"status":"401"}"#))),
        expect("\r\n"),
        send("A1 NO [AUTHENTICATIONFAILED] invalid credentials\r\n"),
    ]);
    leaves_no_copy(
        srv,
        &needles(TOKEN, &[&payload]),
        "AUTHENTICATE XOAUTH2",
        |c| {
            let e = c
                .authenticate(&Sasl::XOAuth2 {
                    user: "alice",
                    token: TOKEN,
                    vendor: Some("acme"),
                })
                .unwrap_err();
            assert_eq!(e.kind, ErrorKind::AuthFailed, "{e}");
        },
    );

    // OAUTHBEARER without SASL-IR.
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=OAUTHBEARER] ready\r\n"),
        expect("A1 AUTHENTICATE OAUTHBEARER\r\n"),
        send("+ \r\n"),
        Expect(String::new()),
        send("A1 OK [CAPABILITY IMAP4rev1] in\r\n"),
    ]);
    let payload = format!(
        "n,a=alice,\x01host=127.0.0.1\x01port={}\x01auth=Bearer {TOKEN}\x01\x01",
        srv.port
    )
    .into_bytes();
    let t = leaves_no_copy(
        srv,
        &needles(TOKEN, &[&payload]),
        "AUTHENTICATE OAUTHBEARER",
        |c| {
            c.authenticate(&Sasl::OAuthBearer {
                user: "alice",
                token: TOKEN,
            })
            .unwrap()
        },
    );
    assert!(t.contains(b64(&payload).as_bytes()));
}

// ---- a mechanism of the caller's ----------------------------------------

const STEP_SECRET: &str = "custom-step-SECRET-response-9a8b";
const FIRST_SECRET: &str = "client-first-SECRET-initial-5c6d";

#[test]
fn a_custom_mechanisms_responses_leave_no_copy() {
    for sasl_ir in [true, false] {
        let mut n = needles(
            STEP_SECRET,
            &[STEP_SECRET.as_bytes(), FIRST_SECRET.as_bytes()],
        );
        n.push(FIRST_SECRET.as_bytes());
        let caps = if sasl_ir {
            "SASL-IR AUTH=X-CUSTOM"
        } else {
            "AUTH=X-CUSTOM"
        };
        let mut script = vec![send(format!(
            "* OK [CAPABILITY IMAP4rev1 {caps}] ready\r\n"
        ))];
        if sasl_ir {
            script.push(expect(&format!(
                "A1 AUTHENTICATE X-CUSTOM {}\r\n",
                b64(FIRST_SECRET.as_bytes())
            )));
        } else {
            script.push(expect("A1 AUTHENTICATE X-CUSTOM\r\n"));
            script.push(send("+ \r\n"));
            script.push(expect(&format!("{}\r\n", b64(FIRST_SECRET.as_bytes()))));
        }
        script.extend([
            send(format!("+ {}\r\n", b64(b"next?"))),
            expect(&format!("{}\r\n", b64(STEP_SECRET.as_bytes()))),
            send("A1 OK [CAPABILITY IMAP4rev1] in\r\n"),
        ]);
        let srv = FakeServer::start(script);
        let what = format!("authenticate_with (SASL-IR {sasl_ir})");
        leaves_no_copy(srv, &n, &what, |c| {
            let mut calls = 0;
            c.authenticate_with("X-CUSTOM", true, |_| {
                calls += 1;
                // The responses are the library's to wipe once returned.
                Ok(if calls == 1 {
                    FIRST_SECRET
                } else {
                    STEP_SECRET
                }
                .as_bytes()
                .to_vec())
            })
            .unwrap();
            assert_eq!(calls, 2);
        });
    }
}

// ---- the C ABI's step callback -------------------------------------------

mod c_abi {
    use super::*;
    use imapclient::ffi::client::*;
    use imapclient::ffi::error::*;
    use imapclient::ffi::options::*;

    const C_SECRET: &str = "c-callback-SECRET-reply-77aa";
    const C_OVERWRITTEN: &str = "c-first-reply-SECRET-then-replaced";

    /// Sets a long reply, then the real one over it (a caller changing
    /// its mind); on the second challenge sets one more and cancels.
    unsafe extern "C" fn step(
        userdata: *mut c_void,
        _challenge: *const u8,
        _len: usize,
        reply: *mut imapc_sasl_reply,
    ) -> c_int {
        // SAFETY: the test's counter.
        let calls = unsafe { &mut *(userdata as *mut u32) };
        *calls += 1;
        let set = |s: &str| {
            // SAFETY: the callback's reply; `s` holds its bytes.
            let rc = unsafe { imapc_sasl_reply_set(reply, s.as_ptr(), s.len(), null_mut()) };
            assert_eq!(rc, IMAPC_OK);
        };
        set(C_OVERWRITTEN);
        set(C_SECRET);
        if *calls >= 2 {
            // A reply set, then a cancel: the reply is dropped unsent.
            set(C_OVERWRITTEN);
            return 1;
        }
        0
    }

    #[test]
    fn the_c_reply_copy_is_wiped_when_sent_and_when_dropped() {
        let mut n = needles(C_SECRET, &[C_SECRET.as_bytes(), C_OVERWRITTEN.as_bytes()]);
        n.push(C_OVERWRITTEN.as_bytes());
        let srv = FakeServer::start(vec![
            send("* OK [CAPABILITY IMAP4rev1 AUTH=X-CUSTOM] ready\r\n"),
            expect("A1 AUTHENTICATE X-CUSTOM\r\n"),
            send(format!("+ {}\r\n", b64(b"first"))),
            expect(&format!("{}\r\n", b64(C_SECRET.as_bytes()))),
            send(format!("+ {}\r\n", b64(b"second"))),
            expect("*\r\n"),
            send("A1 BAD cancelled\r\n"),
        ]);
        let probe = Probe::new(&n);
        let host = CString::new("127.0.0.1").unwrap();
        let mech = CString::new("X-CUSTOM").unwrap();
        let mut calls: u32 = 0;
        // SAFETY: valid pointers throughout; the callback's contract kept.
        unsafe {
            let mut o = null_mut();
            assert_eq!(
                imapc_connect_options_new(
                    host.as_ptr(),
                    srv.port,
                    IMAPC_SECURITY_DANGEROUS_PLAINTEXT,
                    &mut o,
                    null_mut()
                ),
                IMAPC_OK
            );
            let mut c = null_mut();
            assert_eq!(imapc_client_connect(o, &mut c, null_mut()), IMAPC_OK);
            imapc_connect_options_free(o);
            let mut err = null_mut();
            let rc = imapc_client_authenticate_sasl(
                c,
                mech.as_ptr(),
                false,
                Some(step),
                (&mut calls as *mut u32).cast(),
                &mut err,
            );
            assert_eq!(rc, IMAPC_ERR_ABORTED);
            imapc_error_free(err);
            assert_eq!(calls, 2);
            probe.assert_no_live_copy("after imapc_client_authenticate_sasl");
            imapc_client_free(c);
        }
        probe.assert_no_freed_copy("imapc_client_authenticate_sasl");
        probe.disarm();
        let t = srv.finish();
        assert!(t.error.is_none(), "{:?}", t.error);
    }
}

// ---- the real server -----------------------------------------------------

/// Dovecot: LOGIN (the password a non-synchronising literal, LITERAL+)
/// and AUTHENTICATE PLAIN (SASL-IR) work, over TLS and in plaintext, and
/// leave no copy. What rustls does with the TLS plaintext inside its own
/// buffers is its business (see the README); this checks that nothing of
/// it is left where this search can see.
#[test]
fn dovecot_login_and_authenticate_leave_no_copy() {
    let srv = common::TestServer::get();
    // The fixture's non-ASCII user: a password no other text holds.
    const USER: &str = "ünï";
    const PW: &str = "pässwörd";
    let payload = format!("\0{USER}\0{PW}").into_bytes();
    let mut b = TlsConfigBuilder::new();
    b.add_ca_file(&srv.cafile).unwrap();
    let tls = ConnectOptions::new(srv.host.clone(), Security::Implicit)
        .port(srv.tls_port)
        .tls(b.build().unwrap());
    let plain = ConnectOptions::new(srv.host.clone(), Security::Plain).port(srv.port);
    for mut o in [tls, plain] {
        o.io_timeout = Some(Duration::from_secs(20));
        let probe = Probe::new(&needles(PW, &[&payload]));
        let mut c = Client::connect(&o).unwrap();
        c.login(USER, PW).expect("LOGIN");
        probe.assert_no_live_copy("after LOGIN to Dovecot");
        c.noop().unwrap();
        c.logout().unwrap();
        drop(c);
        let mut c = Client::connect(&o).unwrap();
        assert!(c.has_capability("SASL-IR"));
        c.authenticate(&Sasl::Plain {
            authzid: None,
            user: USER,
            password: PW,
        })
        .expect("AUTHENTICATE PLAIN");
        probe.assert_no_live_copy("after AUTHENTICATE PLAIN to Dovecot");
        c.logout().unwrap();
        drop(c);
        probe.assert_no_freed_copy(&format!("Dovecot ({:?})", o.security));
    }
}
