//! TLS verification against local TLS servers with bad certificates, and
//! STARTTLS failures, through the full client; and one scripted TLS server
//! for behaviour that depends on what rustls has buffered (the batched
//! streaming fetch's hand-on before a wait).
//!
//! The certificates come from the fixture's certs directory (see
//! scripts/test-server.sh): `ca.pem` is the trusted CA; the servers here
//! present `untrusted-server.pem` (signed by a CA nobody trusts),
//! `expired.pem` (trusted CA, expired in 2021), `wronghost.pem` (trusted
//! CA, for `wrong.example` only) and `selfsigned.pem`.

mod batched;
mod common;
mod ctls;
mod fake;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use fake::Step::*;
use fake::{expect, send, FakeServer};
use imapclient::client::{
    Client, ConnectOptions, ErrorKind, Security, TlsConfig, TlsConfigBuilder, TlsVersion,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A one-connection implicit-TLS IMAP server presenting `cert`/`key` from
/// the fixture's certs directory. It greets with capabilities after the
/// handshake, then reads until the client leaves.
fn tls_server(cert: &str, key: &str) -> u16 {
    tls_script_server(cert, key, |s| {
        let _ = s.write_all(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] tls fake ready\r\n");
        let _ = s.flush();
        let mut buf = [0u8; 1024];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            if buf[..n].windows(6).any(|w| w == b"LOGOUT") {
                let _ = s.write_all(b"* BYE bye\r\nA1 OK done\r\n");
                let _ = s.flush();
            }
        }
    })
}

/// A one-connection implicit-TLS server presenting `cert`/`key` from the
/// fixture's certs directory, running `script` once the handshake is done
/// (a client that rejects the certificate ends it before).
fn tls_script_server(
    cert: &str,
    key: &str,
    script: impl FnOnce(&mut TlsStream) + std::marker::Send + 'static,
) -> u16 {
    tls_script_server_versions(cert, key, rustls::DEFAULT_VERSIONS, script)
}

/// The server side of a TLS connection in these tests.
type TlsStream = rustls::StreamOwned<rustls::ServerConnection, std::net::TcpStream>;

/// `tls_script_server` speaking only the TLS `versions` given.
fn tls_script_server_versions(
    cert: &str,
    key: &str,
    versions: &[&'static rustls::SupportedProtocolVersion],
    script: impl FnOnce(&mut TlsStream) + std::marker::Send + 'static,
) -> u16 {
    let srv = common::TestServer::get();
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(srv.cert(cert))
        .expect("cert file")
        .collect::<Result<_, _>>()
        .expect("cert PEM");
    let key = PrivateKeyDer::from_pem_file(srv.cert(key)).expect("key PEM");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server config");
    let cfg = Arc::new(cfg);
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let Ok((mut tcp, _)) = l.accept() else { return };
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut conn = rustls::ServerConnection::new(cfg).unwrap();
        while conn.is_handshaking() {
            if conn.complete_io(&mut tcp).is_err() {
                return; // the client rejected us: expected in most tests
            }
        }
        script(&mut rustls::StreamOwned::new(conn, tcp));
    });
    port
}

/// Read one command line; its tag and the rest.
fn read_command(s: &mut impl Read) -> String {
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    while s.read(&mut b).unwrap_or(0) == 1 {
        line.push(b[0]);
        if b[0] == b'\n' {
            break;
        }
    }
    String::from_utf8_lossy(&line).into_owned()
}

/// Over TLS too, the C ABI's batched streaming fetch hands on what it
/// holds before waiting for the server: the server sends the rest of the
/// answer only once the callback has seen the first two messages (as in
/// `batched_stream_hands_on_before_waiting` in tests/faults.rs, where the
/// check is a poll on the socket; under TLS it is rustls's buffered
/// plaintext).
#[test]
fn batched_stream_over_tls_hands_on_before_waiting() {
    use imapclient::ffi::error::IMAPC_OK;
    use imapclient::ffi::tls::*;
    use std::ffi::CString;
    use std::ptr::null_mut;
    use std::sync::mpsc;

    let (opened, gate) = mpsc::channel::<()>();
    let (lines_tx, lines_rx) = mpsc::channel::<Vec<String>>();
    let port = tls_script_server("server.pem", "server.key", move |s| {
        let mut lines = Vec::new();
        let say = |s: &mut rustls::StreamOwned<_, _>, text: &str| {
            s.write_all(text.as_bytes()).unwrap();
            s.flush().unwrap();
        };
        say(
            s,
            "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] tls fake ready\r\n",
        );
        lines.push(read_command(s));
        say(s, "A1 OK [CAPABILITY IMAP4rev1] Logged in\r\n");
        lines.push(read_command(s));
        say(
            s,
            "* 3 EXISTS\r\n* OK [UIDVALIDITY 1] ok\r\nA2 OK [READ-WRITE] Select done\r\n",
        );
        lines.push(read_command(s));
        say(s, batched::FIRST);
        // The client has to hand the two messages on before this returns.
        if gate.recv_timeout(Duration::from_secs(10)).is_ok() {
            say(s, batched::REST);
        }
        let _ = lines_tx.send(lines);
        let _ = read_command(s);
    });
    let cafile = ctls::test_cafile();
    let host = CString::new("localhost").unwrap();
    // SAFETY: C ABI calls with valid strings and out-pointers.
    let (rc, count, batches) = unsafe {
        let o = ctls::implicit_tls_options(&host, port, |b| {
            assert_eq!(
                imapc_tls_config_builder_add_ca_file(b, cafile.as_ptr(), null_mut()),
                IMAPC_OK
            );
        });
        batched::fetch(o, move || {
            let _ = opened.send(());
        })
    };
    let lines = lines_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("server script");
    assert!(lines[2].starts_with("A3 UID FETCH 1:* "), "{lines:?}");
    assert_eq!(
        rc, IMAPC_OK,
        "the fetch waited with the first messages held back"
    );
    assert_eq!(count, 3);
    assert_eq!(batches, batched::want());
}

fn trusted() -> TlsConfigBuilder {
    let mut b = TlsConfigBuilder::new();
    b.add_ca_file(&common::TestServer::get().cafile)
        .expect("CA file");
    b
}

fn connect(port: u16, cfg: Arc<TlsConfig>) -> Result<Client, imapclient::client::Error> {
    let mut o = ConnectOptions::new("localhost", Security::Implicit)
        .port(port)
        .tls(cfg);
    o.io_timeout = Some(Duration::from_secs(5));
    o.connect_timeout = Some(Duration::from_secs(5));
    Client::connect(&o)
}

/// (cert, key, the error the default configuration gives).
const BAD: &[(&str, &str, ErrorKind)] = &[
    (
        "untrusted-server.pem",
        "untrusted-server.key",
        ErrorKind::TlsUnknownIssuer,
    ),
    ("expired.pem", "expired.key", ErrorKind::TlsExpired),
    ("wronghost.pem", "wronghost.key", ErrorKind::TlsNameMismatch),
    ("selfsigned.pem", "selfsigned.key", ErrorKind::TlsSelfSigned),
];

#[test]
fn good_certificate_is_accepted() {
    let cfg = trusted().build().unwrap();
    let c = connect(tls_server("server.pem", "server.key"), cfg).expect("valid certificate");
    assert!(c.is_tls());
    assert!(c.greeting().contains("tls fake ready"));
}

#[test]
fn bad_certificates_are_rejected_by_default_with_distinct_codes() {
    let cfg = trusted().build().unwrap();
    for &(cert, key, kind) in BAD {
        let e = connect(tls_server(cert, key), cfg.clone()).unwrap_err();
        assert_eq!(e.kind, kind, "{cert}: {e}");
        assert!(e.message.starts_with("TLS: "), "{cert}: {e}");
    }
}

#[test]
fn without_hostname_check_only_the_wrong_name_passes() {
    let cfg = trusted().verify_hostname(false).build().unwrap();
    for &(cert, key, kind) in BAD {
        let r = connect(tls_server(cert, key), cfg.clone());
        if kind == ErrorKind::TlsNameMismatch {
            let c = r.unwrap_or_else(|e| panic!("{cert} should pass without the name check: {e}"));
            assert!(c.is_tls());
        } else {
            assert_eq!(r.unwrap_err().kind, kind, "{cert} must still fail");
        }
    }
}

#[test]
fn dangerous_disable_verification_accepts_all() {
    let cfg = TlsConfigBuilder::new()
        .dangerous_disable_verification(true)
        .build()
        .unwrap();
    assert!(cfg.is_dangerous());
    for &(cert, key, _) in BAD {
        let c = connect(tls_server(cert, key), cfg.clone())
            .unwrap_or_else(|e| panic!("{cert} with verification off: {e}"));
        assert!(c.is_tls());
    }
}

#[test]
fn tls_server_name_overrides_the_connect_host() {
    // wronghost.pem is valid for wrong.example: verifying that name passes.
    let cfg = trusted().build().unwrap();
    let port = tls_server("wronghost.pem", "wronghost.key");
    let mut o = ConnectOptions::new("127.0.0.1", Security::Implicit)
        .port(port)
        .tls(cfg);
    o.tls_server_name = Some("wrong.example".into());
    o.io_timeout = Some(Duration::from_secs(5));
    let c = Client::connect(&o).expect("name checked against tls_server_name");
    assert!(c.is_tls());
}

/// A self-signed server's own certificate, given as the CA file, is
/// trusted (with its dates and name still checked). It says CA:TRUE, as
/// `openssl req -x509` makes them, which webpki refuses as a server
/// certificate ("CA used as end entity"): before, such a server could only
/// be reached with verification turned off. Found by the C audit.
#[test]
fn a_self_signed_certificate_given_as_the_ca_file_is_trusted() {
    let certs = common::TestServer::get()
        .cafile
        .parent()
        .unwrap()
        .to_owned();
    let pinned = |file: &str| {
        let mut b = TlsConfigBuilder::new();
        b.add_ca_file(&certs.join(file)).unwrap();
        b
    };
    let cfg = pinned("selfsigned.pem").build().unwrap();
    let c = connect(tls_server("selfsigned.pem", "selfsigned.key"), cfg.clone())
        .expect("the added certificate itself");
    assert!(c.is_tls());
    // Another self-signed certificate is still refused as such.
    let other = pinned("selfsigned-expired.pem").build().unwrap();
    let e = connect(tls_server("selfsigned.pem", "selfsigned.key"), other).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TlsSelfSigned, "{e}");
    // Its name is checked: for another name, a mismatch, unless the
    // name check is off.
    let name_as = |cfg: Arc<TlsConfig>| {
        let mut o = ConnectOptions::new("127.0.0.1", Security::Implicit)
            .port(tls_server("selfsigned.pem", "selfsigned.key"))
            .tls(cfg);
        o.tls_server_name = Some("other.example".into());
        o.io_timeout = Some(Duration::from_secs(5));
        Client::connect(&o)
    };
    assert_eq!(name_as(cfg).unwrap_err().kind, ErrorKind::TlsNameMismatch);
    let c = name_as(
        pinned("selfsigned.pem")
            .verify_hostname(false)
            .build()
            .unwrap(),
    )
    .expect("name check off");
    assert!(c.is_tls());
    // Its dates are checked: an expired one, trusted the same way, fails.
    let cfg = pinned("selfsigned-expired.pem").build().unwrap();
    let e = connect(
        tls_server("selfsigned-expired.pem", "selfsigned-expired.key"),
        cfg,
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::TlsExpired, "{e}");
}

/// The fake's greeting and its answer to LOGIN, for the command timeout
/// tests.
fn greet_and_login(s: &mut TlsStream) {
    let _ = s.write_all(b"* OK [CAPABILITY IMAP4rev1] tls fake ready\r\n");
    let _ = s.flush();
    let _ = read_command(s);
    let _ = s.write_all(b"A1 OK [CAPABILITY IMAP4rev1] Logged in\r\n");
    let _ = s.flush();
}

/// A client of the fake on `port`, logged in, with a `limit` command
/// timeout and a 30 s I/O timeout.
fn command_timeout_client(port: u16, limit: Duration) -> Client {
    let mut o = ConnectOptions::new("localhost", Security::Implicit)
        .port(port)
        .tls(trusted().build().unwrap());
    o.connect_timeout = Some(Duration::from_secs(5));
    o.io_timeout = Some(Duration::from_secs(30));
    o.command_timeout = Some(limit);
    let mut c = Client::connect(&o).expect("connect");
    c.login("user", "secret").expect("login");
    c
}

/// `r`, which took `took`, is the command timeout's fatal error, and the
/// call lasted at least `limit` (less the kernel timer's slack).
fn assert_command_timed_out<T: std::fmt::Debug>(
    r: Result<T, imapclient::client::Error>,
    took: Duration,
    limit: Duration,
) {
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e} after {took:?}");
    assert!(e.is_fatal(), "{e}");
    assert!(
        e.message.contains("longer than the command timeout"),
        "not the command timeout's error: {e}"
    );
    assert!(took >= limit - Duration::from_millis(50), "took {took:?}");
}

/// The size of the APPEND the server below never takes.
const BIG_APPEND: usize = 64 << 20;

/// A TLS fake that logs the client in, takes the APPEND of `BIG_APPEND`
/// bytes with a `+` and then never reads again, holding the connection
/// open until the sender returned is used or dropped (at most 60 s).
fn never_reading_append_server() -> (u16, std::sync::mpsc::Sender<()>) {
    let (release, held) = std::sync::mpsc::channel::<()>();
    let port = tls_script_server("server.pem", "server.key", move |s| {
        greet_and_login(s);
        let append = read_command(s);
        if append == format!("A2 APPEND INBOX {{{BIG_APPEND}}}\r\n") {
            let _ = s.write_all(b"+ go ahead\r\n");
            let _ = s.flush();
        }
        let _ = held.recv_timeout(Duration::from_secs(60));
    });
    (port, release)
}

/// Over TLS the command timeout bounds the writes of TLS records (rustls
/// writes them a record at a time, each its own syscall): a server that
/// takes APPEND's synchronising literal (`+`) and then never reads stalls
/// the write of the message once the socket buffers are full, and the
/// command timeout (1 s) ends the call, not the 30 s I/O timeout.
#[test]
fn command_timeout_bounds_a_tls_write_the_server_never_reads() {
    let (port, release) = never_reading_append_server();
    let limit = Duration::from_secs(1);
    let mut c = command_timeout_client(port, limit);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let t0 = std::time::Instant::now();
        let r = c.append("INBOX", &vec![b'a'; BIG_APPEND], &[], None);
        let _ = tx.send((c, r.map(|_| ()), t0.elapsed()));
    });
    // A call the command timeout does not stop would hold the test for
    // the I/O timeout and more: fail at 20 s instead.
    let (mut c, r, took) = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the APPEND outlived its command timeout by far");
    let _ = release.send(());
    assert_command_timed_out(r, took, limit);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(c.fatal_error().map(|e| e.kind), Some(ErrorKind::Timeout));
    let next = c.noop().unwrap_err();
    assert_eq!(next.kind, ErrorKind::IllegalState, "{next}");
    assert!(next.is_fatal(), "{next}");
}

/// Without a command timeout, the I/O timeout bounds a TLS write the
/// server never takes: once a socket write has waited the I/O timeout
/// (2 s here) with nothing sent, the call fails (`Timeout`, fatal), with
/// no further wait. rustls took the socket's `WouldBlock` as a cue to
/// read for another I/O timeout, and its next write waited a third. A
/// thread watches the client's send queue for when the kernel last took
/// bytes: the socket write that took them still waits out the I/O timeout
/// for room for the rest (and returns what it sent), the next one waits
/// the I/O timeout and fails, and that must be all: 2 I/O timeouts after
/// the last progress (4.05 s here), not 4 (8 s). Before the stall the
/// kernel takes a few more bytes every I/O timeout or so as it makes
/// room; each such write succeeds, as documented for io_timeout.
#[test]
fn io_timeout_bounds_a_tls_write_the_server_never_reads() {
    use std::sync::{Arc, Mutex};
    use std::time::Instant;
    let io_timeout = Duration::from_secs(2);
    let last_arrival = Arc::new(Mutex::new(Instant::now()));
    let arrival = last_arrival.clone();
    let (port, release) = never_reading_append_server();
    let mut o = ConnectOptions::new("localhost", Security::Implicit)
        .port(port)
        .tls(trusted().build().unwrap());
    o.connect_timeout = Some(Duration::from_secs(5));
    o.io_timeout = Some(io_timeout);
    let mut c = Client::connect(&o).expect("connect");
    c.login("user", "secret").expect("login");
    // Watch the client's send queue (bytes the kernel took from it, not
    // yet acknowledged): when it last grew is when a write last made
    // progress. Only growth counts: the queue also shrinks when the peer
    // acknowledges a little more (its window opening late), which does
    // not wake a blocked writer until enough room is free, so it is no
    // progress of the write. And growth by one is not a write either but
    // the FIN of the shutdown with which the client drops the connection
    // on the timeout (a TLS record adds 5 bytes of header at least): on a
    // loaded machine the test thread can be descheduled for some ms
    // between that shutdown and taking `failed_at`, and two CI runs failed
    // here with 'failed 7 ms / 9 ms after the last progress'.
    let fd = c.raw_fd().expect("a socket");
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let watcher = std::thread::spawn(move || {
        let mut queued: libc::c_int = -1;
        while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
            stopped.recv_timeout(Duration::from_millis(5))
        {
            let mut n: libc::c_int = 0;
            // SAFETY: TIOCOUTQ (SIOCOUTQ) writes one int.
            if unsafe { libc::ioctl(fd, libc::TIOCOUTQ, &mut n) } == 0 {
                if n > queued + 1 {
                    *arrival.lock().unwrap() = Instant::now();
                }
                queued = n;
            }
        }
    });
    let r = c.append("INBOX", &vec![b'a'; BIG_APPEND], &[], None);
    let failed_at = Instant::now();
    let _ = stop.send(());
    watcher.join().unwrap();
    let _ = release.send(());
    let e = r.unwrap_err();
    let stalled = failed_at.saturating_duration_since(*last_arrival.lock().unwrap());
    assert_eq!(
        e.kind,
        ErrorKind::Timeout,
        "{e} after a stall of {stalled:?}"
    );
    assert!(e.is_fatal(), "{e}");
    assert!(
        e.message.contains("within the write timeout (io_timeout"),
        "{e}"
    );
    assert!(
        stalled >= io_timeout - Duration::from_millis(100),
        "failed {stalled:?} after the last progress"
    );
    assert!(
        stalled < io_timeout * 5 / 2,
        "failed {stalled:?} after the last progress: more than the write that made it and one more"
    );
    assert_eq!(c.fatal_error().map(|e| e.kind), Some(ErrorKind::Timeout));
}

/// Over TLS one read of the client may take several socket reads (rustls
/// reads until it has a whole record): a server that sends NOOP's answer
/// as one TLS record, a byte every 50 ms (some 3 s in all), must still
/// meet the command timeout (1 s), each socket read waiting at most until
/// it, not the time to the record's end.
#[test]
fn command_timeout_bounds_a_tls_record_dripped_a_byte_at_a_time() {
    let (release, held) = std::sync::mpsc::channel::<()>();
    let port = tls_script_server("server.pem", "server.key", move |s| {
        greet_and_login(s);
        let _ = read_command(s);
        // The answer as one record, its bytes one at a time.
        let _ = s
            .conn
            .writer()
            .write_all(b"* 1 EXISTS\r\nA2 OK NOOP completed\r\n");
        let mut record = Vec::new();
        while s.conn.wants_write() {
            s.conn.write_tls(&mut record).unwrap();
        }
        for b in record {
            if s.sock.write_all(&[b]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = held.recv_timeout(Duration::from_secs(30));
    });
    let limit = Duration::from_secs(1);
    let mut c = command_timeout_client(port, limit);
    let t0 = std::time::Instant::now();
    let r = c.noop();
    let took = t0.elapsed();
    let _ = release.send(());
    assert_command_timed_out(r, took, limit);
    // The record takes some 3 s to arrive: the call ends well before.
    assert!(took < Duration::from_millis(2000), "took {took:?}");
    assert_eq!(c.fatal_error().map(|e| e.kind), Some(ErrorKind::Timeout));
}

// --- The lowest TLS version ---

const TLS12_ONLY: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS12];

/// A one-connection implicit-TLS server with the good certificate that
/// speaks only `versions`; once the handshake is done it reports the
/// version agreed on, greets, and reads until the client leaves.
fn versioned_server(
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> (u16, std::sync::mpsc::Receiver<rustls::ProtocolVersion>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let port = tls_script_server_versions("server.pem", "server.key", versions, move |s| {
        if let Some(v) = s.conn.protocol_version() {
            let _ = tx.send(v);
        }
        let _ = s.write_all(b"* OK [CAPABILITY IMAP4rev1] versioned fake ready\r\n");
        let _ = s.flush();
        let mut buf = [0u8; 256];
        while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
    });
    (port, rx)
}

/// The default ("TLS 1.2 or later", `imapc_tls_config_builder_new`)
/// connects to a server that speaks only TLS 1.2 and agrees on TLS 1.3
/// with one that has both. Guards against a default raised to 1.3 (which
/// would cut off older servers) and against 1.3 never being used.
#[test]
fn default_min_version_accepts_tls_1_2_and_prefers_1_3() {
    use rustls::ProtocolVersion::{TLSv1_2, TLSv1_3};
    for (versions, want) in [(TLS12_ONLY, TLSv1_2), (rustls::DEFAULT_VERSIONS, TLSv1_3)] {
        let (port, agreed) = versioned_server(versions);
        let c = connect(port, trusted().build().unwrap())
            .unwrap_or_else(|e| panic!("default config, server with {want:?}: {e}"));
        assert!(c.is_tls());
        assert!(
            c.greeting().contains("versioned fake ready"),
            "{}",
            c.greeting()
        );
        assert_eq!(agreed.recv_timeout(Duration::from_secs(5)), Ok(want));
    }
}

/// `min_version(Tls13)` (`imapc_tls_config_builder_set_min_version` with
/// `IMAPC_TLS_VERSION_1_3`) refuses a server that speaks only TLS 1.2:
/// no handshake completes, and connect fails with `Tls` (no more specific
/// code fits; fatal) and a message that starts with "TLS: " and names the
/// cause, the protocol version. The same configuration connects to a
/// TLS 1.3 server. Guards against the minimum being ignored (a silent
/// downgrade to 1.2) and against an opaque error.
#[test]
fn min_version_1_3_refuses_a_tls_1_2_only_server() {
    let cfg = trusted().min_version(TlsVersion::Tls13).build().unwrap();
    let (port, agreed) = versioned_server(TLS12_ONLY);
    let e = connect(port, cfg.clone()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls, "{e}");
    assert!(e.is_fatal(), "{e}");
    assert!(e.message.starts_with("TLS: "), "{e}");
    assert!(e.message.contains("version"), "{e}");
    assert!(
        agreed.recv_timeout(Duration::from_secs(1)).is_err(),
        "a TLS 1.2 handshake completed"
    );
    let (port, agreed) = versioned_server(rustls::DEFAULT_VERSIONS);
    let c = connect(port, cfg).expect("minimum 1.3, server with 1.3");
    assert!(c.is_tls());
    assert_eq!(
        agreed.recv_timeout(Duration::from_secs(5)),
        Ok(rustls::ProtocolVersion::TLSv1_3)
    );
}

/// Through the C ABI: a config built with `IMAPC_TLS_VERSION_1_3` makes
/// `imapc_client_connect` to a TLS 1.2-only server fail with
/// `IMAPC_ERR_TLS`, a fatal error whose message names the version; built
/// with `IMAPC_TLS_VERSION_1_2` it connects. Guards against the C constant
/// being mapped to the wrong minimum.
#[test]
fn c_set_min_version_1_3_refuses_a_tls_1_2_only_server() {
    use imapclient::ffi::client::{imapc_client_connect, imapc_client_free};
    use imapclient::ffi::error::*;
    use imapclient::ffi::options::*;
    use imapclient::ffi::tls::*;
    use std::ffi::{CStr, CString};
    use std::ptr::null_mut;

    let cafile = ctls::test_cafile();
    let host = CString::new("localhost").unwrap();
    // SAFETY: C ABI calls with valid strings, live handles and writable
    // out-pointers; each handle is freed once.
    let connect_with = |version: u32, port: u16| unsafe {
        let o = ctls::implicit_tls_options(&host, port, |b| {
            assert_eq!(
                imapc_tls_config_builder_add_ca_file(b, cafile.as_ptr(), null_mut()),
                IMAPC_OK
            );
            assert_eq!(
                imapc_tls_config_builder_set_min_version(b, version, null_mut()),
                IMAPC_OK
            );
        });
        assert_eq!(
            imapc_connect_options_set_io_timeout_ms(o, 5000, null_mut()),
            IMAPC_OK
        );
        let mut client = null_mut();
        let mut err = null_mut();
        let rc = imapc_client_connect(o, &mut client, &mut err);
        imapc_connect_options_free(o);
        let outcome = if rc == IMAPC_OK {
            assert!(!client.is_null());
            assert!(err.is_null());
            Ok(())
        } else {
            assert!(client.is_null(), "client written on failure");
            let msg = CStr::from_ptr(imapc_error_message(err))
                .to_string_lossy()
                .into_owned();
            let fatal = imapc_error_is_fatal(err);
            assert_eq!(imapc_error_code(err), rc);
            imapc_error_free(err);
            Err((rc, fatal, msg))
        };
        imapc_client_free(client);
        outcome
    };
    let (port, agreed) = versioned_server(TLS12_ONLY);
    let (rc, fatal, msg) = connect_with(IMAPC_TLS_VERSION_1_3, port).unwrap_err();
    assert_eq!(rc, IMAPC_ERR_TLS, "{msg}");
    assert!(fatal, "{msg}");
    assert!(msg.starts_with("TLS: ") && msg.contains("version"), "{msg}");
    assert!(agreed.recv_timeout(Duration::from_secs(1)).is_err());
    let (port, agreed) = versioned_server(TLS12_ONLY);
    connect_with(IMAPC_TLS_VERSION_1_2, port).expect("minimum 1.2, TLS 1.2 server");
    assert_eq!(
        agreed.recv_timeout(Duration::from_secs(5)),
        Ok(rustls::ProtocolVersion::TLSv1_2)
    );
}

// --- Trust anchors: an added CA replaces the system store ---

/// Set in the child process that a trust-store test runs itself in.
const SYSTEM_STORE_CHILD: &str = "IMAPC_TEST_SYSTEM_STORE_CHILD";

/// True in the child process; in the parent, reruns test `name` alone in a
/// child whose system store is the untrusted CA alone (rustls-native-certs
/// reads `SSL_CERT_FILE` instead of the platform's store), checks that it
/// ran and passed, and returns false.
fn in_child_with_stand_in_store(name: &str) -> bool {
    let srv = common::TestServer::get();
    if std::env::var_os(SYSTEM_STORE_CHILD).is_some() {
        return true;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--test-threads=1", "--nocapture"])
        .env(SYSTEM_STORE_CHILD, "1")
        .env("SSL_CERT_FILE", srv.cert("untrusted-ca.pem"))
        .env_remove("SSL_CERT_DIR")
        // The same certificates (and no second server) in the child.
        .env("IMAP_HOST", &srv.host)
        .env("IMAP_PORT", srv.port.to_string())
        .env("IMAP_TLS_PORT", srv.tls_port.to_string())
        .env("IMAP_TEST_DIR", &srv.dir)
        .env("IMAP_CAFILE", &srv.cafile)
        .output()
        .expect("running the child test");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "child failed:\n{text}");
    assert!(
        text.contains(&format!("test {name} ... ok")) && text.contains("1 passed"),
        "the child did not run the test:\n{text}"
    );
    false
}

/// `add_ca_file` (`imapc_tls_config_builder_add_ca_file`: "Adding a CA
/// replaces the system store unless use_system_roots turns it back on").
/// The test reruns itself in a child process whose system store is the
/// untrusted CA alone (rustls-native-certs reads `SSL_CERT_FILE` instead
/// of the platform's store), so the check stays offline and touches no
/// real trust store. There: the default trusts `untrusted-server.pem`
/// (proving the stand-in store is used) and not `server.pem`; with
/// `ca.pem` added, `server.pem` passes and `untrusted-server.pem` fails
/// with `TlsUnknownIssuer`; `use_system_roots(true)` trusts both; and
/// turning the system store off with no CA added leaves no trust anchor,
/// a `TlsConfig` error at build. Guards against an added CA merely
/// extending the system store (a CA pinned by the caller would then not
/// pin anything) and against `use_system_roots` being ignored.
#[test]
fn an_added_ca_replaces_the_system_store() {
    if !in_child_with_stand_in_store("an_added_ca_replaces_the_system_store") {
        return;
    }
    let good = || tls_server("server.pem", "server.key");
    let other = || tls_server("untrusted-server.pem", "untrusted-server.key");

    let system = TlsConfigBuilder::new().build().unwrap();
    assert!(connect(other(), system.clone()).unwrap().is_tls());
    let e = connect(good(), system).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TlsUnknownIssuer, "{e}");

    let added = trusted().build().unwrap();
    assert!(connect(good(), added.clone()).unwrap().is_tls());
    let e = connect(other(), added).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::TlsUnknownIssuer,
        "the system store is still trusted: {e}"
    );

    let both = trusted().use_system_roots(true).build().unwrap();
    assert!(connect(good(), both.clone()).unwrap().is_tls());
    assert!(connect(other(), both).unwrap().is_tls());

    let e = TlsConfigBuilder::new()
        .use_system_roots(false)
        .build()
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::TlsConfig, "{e}");
    // It says why: the store was turned off, not found empty.
    assert!(e.message.contains("system store is turned off"), "{e}");
}

/// The system store is read once per process (README: "Connecting, TLS
/// and errors"): in a child whose store is the untrusted CA, a first
/// configuration reads it; the store then changes (`SSL_CERT_FILE` now
/// names the trusted CA), and a second configuration, as well as a
/// connection with no configuration of its own (the default), still
/// trust the store as first read. Read again each time, they would trust
/// `server.pem` and refuse `untrusted-server.pem`.
#[test]
fn the_system_store_is_read_once_per_process() {
    if !in_child_with_stand_in_store("the_system_store_is_read_once_per_process") {
        return;
    }
    let good = || tls_server("server.pem", "server.key");
    let other = || tls_server("untrusted-server.pem", "untrusted-server.key");
    let first = TlsConfigBuilder::new().build().unwrap();
    assert!(connect(other(), first).unwrap().is_tls());

    // The child runs this test alone, on one thread: nothing else reads
    // the environment while it changes.
    std::env::set_var("SSL_CERT_FILE", common::TestServer::get().cert("ca.pem"));
    let second = TlsConfigBuilder::new().build().unwrap();
    assert!(connect(other(), second.clone()).unwrap().is_tls());
    let e = connect(good(), second).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TlsUnknownIssuer, "store read again: {e}");

    let mut o = ConnectOptions::new("localhost", Security::Implicit).port(other());
    o.io_timeout = Some(Duration::from_secs(5));
    o.connect_timeout = Some(Duration::from_secs(5));
    let c = Client::connect(&o).expect("the default configuration, store as first read");
    assert!(c.is_tls());
}

#[test]
fn plaintext_server_on_the_tls_port_is_a_tls_error() {
    let srv = FakeServer::start(vec![
        send(fake::GREETING),
        Sleep(Duration::from_millis(500)),
        Close,
    ]);
    let mut o = srv.options_with(Security::Implicit);
    o.tls = Some(trusted().build().unwrap());
    let e = Client::connect(&o).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls, "{e}");
}

// --- STARTTLS: never fall back to plaintext, never send credentials ---

fn starttls_options(srv: &FakeServer) -> ConnectOptions {
    let mut o = srv.options_with(Security::StartTls);
    o.tls = Some(trusted().build().unwrap());
    o
}

fn assert_no_credentials(t: &fake::Transcript) {
    let text = t.text();
    assert!(!text.contains("LOGIN"), "LOGIN sent: {text:?}");
    assert!(
        !text.contains("AUTHENTICATE"),
        "AUTHENTICATE sent: {text:?}"
    );
    assert!(!text.contains("secret-pw"), "password sent: {text:?}");
}

#[test]
fn starttls_not_offered_fails_and_sends_nothing_secret() {
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] no TLS here\r\n"),
        Sleep(Duration::from_millis(300)),
    ]);
    let e = Client::connect(&starttls_options(&srv)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::StartTlsFailed, "{e}");
    assert!(e.message.contains("does not offer"), "{e}");
    let t = srv.finish();
    assert!(t.received.is_empty(), "sent {:?}", t.text());
}

#[test]
fn starttls_not_offered_after_capability_command() {
    // The greeting has no capabilities: the client asks, sees no STARTTLS.
    let srv = FakeServer::start(vec![
        send("* OK ready\r\n"),
        expect("A1 CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 AUTH=PLAIN LOGIN\r\nA1 OK done\r\n"),
    ]);
    let e = Client::connect(&starttls_options(&srv)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::StartTlsFailed, "{e}");
    let t = srv.finish();
    assert_eq!(t.text(), "A1 CAPABILITY\r\n");
    assert_no_credentials(&t);
}

#[test]
fn starttls_refused_fails() {
    let srv = FakeServer::start(vec![
        send(fake::GREETING.replace("IDLE", "STARTTLS")),
        expect("A1 STARTTLS"),
        send("A1 NO [UNAVAILABLE] TLS is broken today\r\n"),
    ]);
    let e = Client::connect(&starttls_options(&srv)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::StartTlsFailed, "{e}");
    assert!(e.message.contains("TLS is broken today"), "{e}");
    let t = srv.finish();
    assert_eq!(t.text(), "A1 STARTTLS\r\n");
}

#[test]
fn plaintext_injected_after_starttls_ok_is_refused() {
    // CVE-2011-0411 style: the OK and an injected response in one write.
    let srv = FakeServer::start(vec![
        send(fake::GREETING.replace("IDLE", "STARTTLS")),
        expect("A1 STARTTLS"),
        send("A1 OK Begin TLS negotiation now\r\n* OK injected\r\n"),
        Sleep(Duration::from_millis(300)),
    ]);
    let e = Client::connect(&starttls_options(&srv)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::StartTlsFailed, "{e}");
    assert!(e.message.contains("injection"), "{e}");
    let t = srv.finish();
    assert_eq!(
        t.text(),
        "A1 STARTTLS\r\n",
        "nothing after STARTTLS, not even a ClientHello"
    );
}

#[test]
fn preauth_greeting_cannot_skip_starttls() {
    // A PREAUTH greeting on the clear port (RFC 3501: STARTTLS is then
    // impossible) must not leave an unencrypted, authenticated session.
    let srv = FakeServer::start(vec![
        send("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] logged in already\r\n"),
        expect("A1 STARTTLS"),
        send("A1 BAD STARTTLS not allowed now\r\n"),
    ]);
    let e = Client::connect(&starttls_options(&srv)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::StartTlsFailed, "{e}");
    srv.finish();
}

#[test]
fn starttls_ok_then_close_is_a_tls_error() {
    let srv = FakeServer::start(vec![
        send(fake::GREETING.replace("IDLE", "STARTTLS")),
        expect("A1 STARTTLS"),
        send("A1 OK go\r\n"),
        Sleep(Duration::from_millis(100)),
        Close,
    ]);
    let e = Client::connect(&starttls_options(&srv)).unwrap_err();
    assert!(
        matches!(e.kind, ErrorKind::Tls | ErrorKind::ConnectionClosed),
        "{:?}: {e}",
        e.kind
    );
    assert_no_credentials(&srv.finish());
}
