//! The paths that read responses outside `Client::run` (IDLE, AUTHENTICATE,
//! `connect`'s set-up) keep its rules: a fatal error breaks the client,
//! the event bound holds, an error found in a response is reported by the
//! call that read it (never by a later, unrelated one), and the command
//! timeout bounds commands but not the set-up, which the connect timeout
//! bounds. Findings of the review of 2026-11-27, each failing before its
//! fix.
mod fake;

use std::time::{Duration, Instant};

use fake::Step::{self, *};
use fake::{expect, login_steps, send, FakeServer};
use imapclient::client::{Client, ConnectOptions, ErrorKind, Sasl, Security};

fn connect_login(
    steps: Vec<Step>,
    adjust: impl FnOnce(&mut ConnectOptions),
) -> (FakeServer, Client) {
    let mut all = login_steps();
    all.extend(steps);
    let srv = FakeServer::start(all);
    let mut o = srv.options();
    adjust(&mut o);
    let mut c = Client::connect(&o).expect("connect");
    c.login("user", "secret").expect("login");
    (srv, c)
}

/// An event flood during idle_wait overflows max_events: the error is
/// fatal and the client broken (it used to say fatal and stay usable).
#[test]
fn an_event_flood_during_idle_wait_breaks_the_client() {
    let (srv, mut c) = connect_login(
        vec![
            expect("A2 IDLE"),
            send("+ idling\r\n"),
            send("* 1 EXISTS\r\n".repeat(50)),
            Sleep(Duration::from_secs(2)),
        ],
        |o| o.max_events = 10,
    );
    c.idle_start().expect("idle");
    std::thread::sleep(Duration::from_millis(300));
    let e = c.idle_wait(Duration::from_secs(1)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert!(e.is_fatal());
    assert!(
        c.fatal_error().is_some(),
        "fatal error reported but client not broken"
    );
    assert_eq!(c.noop().unwrap_err().kind, ErrorKind::IllegalState);
    drop(c);
    srv.finish();
}

/// A response that did not parse during AUTHENTICATE is reported by
/// authenticate (not fatal: logged in); it used to surface later as the
/// error of an unrelated idle_wait.
#[test]
fn authenticate_reports_what_did_not_parse() {
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN IDLE] fake ready\r\n"),
        expect("A1 AUTHENTICATE PLAIN"),
        send("* SEARCH 1 abc 3\r\nA1 OK [CAPABILITY IMAP4rev1 IDLE] welcome\r\n"),
        expect("A2 IDLE"),
        send("+ idling\r\n"),
        expect("DONE"),
        send("A2 OK done\r\n"),
    ]);
    let o = srv.options();
    let mut c = Client::connect(&o).expect("connect");
    let e = c
        .authenticate(&Sasl::Plain {
            authzid: None,
            user: "u",
            password: "p",
        })
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    assert!(!e.is_fatal());
    assert_eq!(c.state(), imapclient::client::SessionState::Authenticated);
    c.idle_start().expect("idle_start");
    let r = c.idle_wait(Duration::from_millis(300));
    let _ = c.idle_done();
    assert!(
        r.is_ok(),
        "stale error from AUTHENTICATE surfaced in idle_wait"
    );
    drop(c);
    srv.finish();
}

/// The same through idle_done: a malformed line answering DONE is
/// reported by idle_done, not by the next IDLE's idle_wait.
#[test]
fn idle_done_reports_what_did_not_parse() {
    let (srv, mut c) = connect_login(
        vec![
            expect("A2 IDLE"),
            send("+ idling\r\n"),
            expect("DONE"),
            send("* SEARCH 1 abc 3\r\nA2 OK done\r\n"),
            expect("A3 IDLE"),
            send("+ idling\r\n"),
            expect("DONE"),
            send("A3 OK done\r\n"),
        ],
        |_| {},
    );
    c.idle_start().unwrap();
    let d = c.idle_done();
    c.idle_start().unwrap();
    let r = c.idle_wait(Duration::from_millis(300));
    let _ = c.idle_done();
    let e = d.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    assert!(!e.is_fatal());
    assert!(
        r.is_ok(),
        "error from the first IDLE's DONE reported by the second IDLE: {r:?}"
    );
    drop(c);
    srv.finish();
}

/// With command_timeout set, the set-up's CAPABILITY still waits the
/// connect timeout (it waited io_timeout / command_timeout).
#[test]
fn set_up_keeps_the_connect_timeout_under_a_command_timeout() {
    let srv = FakeServer::start(vec![
        send("* OK fake ready\r\n"),
        expect("A1 CAPABILITY"),
        Sleep(Duration::from_secs(6)),
    ]);
    let mut o = srv.options();
    o.connect_timeout = Some(Duration::from_secs(1));
    o.io_timeout = None;
    o.command_timeout = Some(Duration::from_secs(4));
    let t0 = Instant::now();
    let r = Client::connect(&o);
    let took = t0.elapsed();
    assert!(
        took < Duration::from_millis(2500),
        "connect_timeout (1 s) not honoured: {took:?}"
    );
    drop(r);
    srv.finish();
}

/// STARTTLS, with and without a command timeout: the TLS handshake after
/// the OK is bounded by the connect timeout (with one, the read timeout
/// used to be reset to io_timeout, None here, after STARTTLS's command:
/// no bound).
#[test]
fn starttls_handshake_keeps_the_connect_timeout() {
    for command_timeout in [None, Some(Duration::from_secs(30))] {
        let srv = FakeServer::start(vec![
            send("* OK [CAPABILITY IMAP4rev1 STARTTLS] fake ready\r\n"),
            expect("A1 STARTTLS"),
            send("A1 OK go\r\n"),
            Sleep(Duration::from_secs(6)),
        ]);
        let mut o = srv.options_with(Security::StartTls);
        o.connect_timeout = Some(Duration::from_secs(1));
        o.io_timeout = None;
        o.command_timeout = command_timeout;
        let t0 = Instant::now();
        let r = Client::connect(&o);
        let took = t0.elapsed();
        assert!(
            took < Duration::from_millis(2500),
            "handshake not bounded by connect_timeout ({command_timeout:?}): {took:?}"
        );
        assert!(r.is_err());
        drop(r);
        srv.finish();
    }
}

/// An IDLE renewal puts the events idle_done took back in front of those
/// the new IDLE queued: more than max_events is the fatal LimitExceeded
/// (the queue used to hold 6 with max_events 3).
#[test]
fn an_idle_renewal_keeps_the_event_bound() {
    let (srv, mut c) = connect_login(
        vec![
            expect("A2 IDLE"),
            send("+ idling\r\n"),
            expect("DONE"),
            send("* 1 EXISTS\r\n* 2 EXISTS\r\n* 3 EXISTS\r\nA2 OK done\r\n"),
            expect("A3 IDLE"),
            send("* 4 EXISTS\r\n* 5 EXISTS\r\n* 6 EXISTS\r\n+ idling\r\n"),
            expect("DONE"),
            send("A3 OK done\r\n"),
        ],
        |o| o.max_events = 3,
    );
    c.set_idle_renew_interval(Duration::from_millis(200));
    c.idle_start().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let r = c.idle_wait(Duration::from_millis(500));
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert!(e.is_fatal());
    assert!(c.fatal_error().is_some());
    drop(c);
    srv.finish();
}

/// AUTHENTICATE is one command: command_timeout bounds it against a
/// dripping server (it ran 4 s against a 1 s bound).
#[test]
fn command_timeout_bounds_authenticate() {
    let mut steps = vec![
        send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN IDLE] fake ready\r\n"),
        expect("A1 AUTHENTICATE PLAIN"),
        send("* OK "),
    ];
    for _ in 0..20 {
        steps.push(send("x"));
        steps.push(Sleep(Duration::from_millis(200)));
    }
    steps.push(send("\r\nA1 OK [CAPABILITY IMAP4rev1 IDLE] welcome\r\n"));
    let srv = FakeServer::start(steps);
    let mut o = srv.options();
    o.io_timeout = Some(Duration::from_secs(2));
    o.command_timeout = Some(Duration::from_secs(1));
    let mut c = Client::connect(&o).expect("connect");
    let t0 = Instant::now();
    let r = c.authenticate(&Sasl::Plain {
        authzid: None,
        user: "u",
        password: "p",
    });
    let took = t0.elapsed();
    assert_eq!(r.unwrap_err().kind, ErrorKind::Timeout);
    assert!(
        took < Duration::from_millis(2500),
        "AUTHENTICATE not bounded by command_timeout (1 s): {took:?}"
    );
    drop(c);
    srv.finish();
}
