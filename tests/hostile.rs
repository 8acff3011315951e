//! A hostile or broken server must not make a result silently short, nor
//! the client's memory grow without bound, nor a call wait for an answer
//! that has come (findings of the hostile-server audit of 2026-11-27).
//!
//! Each test, through the scripted fake server, asserts the error kind,
//! whether it is fatal, and that the client is in step afterwards (the
//! next command gets its own answer) when it says it is.

mod fake;

use std::time::{Duration, Instant};

use fake::Step::{self, *};
use fake::{expect, login_steps, select_steps, send, FakeServer};
use imapclient::client::{Client, ConnectOptions, ErrorKind, Event, SearchKey};

/// Connect, LOGIN (A1) and SELECT INBOX (A2) with `exists` messages, the
/// options adjusted first; later commands are A3, A4...
fn session_with(
    exists: u32,
    rest: Vec<Step>,
    adjust: impl FnOnce(&mut ConnectOptions),
) -> (FakeServer, Client) {
    let mut steps = login_steps();
    steps.extend(select_steps("A2", exists));
    steps.extend(rest);
    let srv = FakeServer::start(steps);
    let mut o = srv.options();
    adjust(&mut o);
    let mut c = Client::connect(&o).expect("connect");
    c.login("user", "secret").expect("login");
    c.select_folder("INBOX").expect("select");
    (srv, c)
}

fn session(exists: u32, rest: Vec<Step>) -> (FakeServer, Client) {
    session_with(exists, rest, |_| {})
}

/// The next command (`tag` NOOP) gets its own OK: the client is in step.
fn noop_ok(tag: &str) -> Vec<Step> {
    vec![
        expect(&format!("{tag} NOOP")),
        send(format!("{tag} OK done\r\n")),
    ]
}

fn finish(srv: FakeServer, c: Client) {
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// A server that floods untagged data during a NOOP: the queue holds at
/// most `max_events`; one more ends the connection with a fatal
/// `LimitExceeded` at once (the call used to read on, growing without
/// bound: 6.4 GB in 21 s against a server sending `* 1 EXISTS` forever).
#[test]
fn an_event_flood_is_bounded_and_fatal() {
    let flood = "* 1 EXISTS\r\n".repeat(5_000);
    let (srv, mut c) = session_with(
        1,
        vec![
            expect("A3 NOOP"),
            // Exactly the limit: fine.
            send(format!("{}A3 OK done\r\n", "* 2 EXISTS\r\n".repeat(1_000))),
            expect("A4 NOOP"),
            send(flood),
            Sleep(Duration::from_secs(3)),
        ],
        |o| o.max_events = 1_000,
    );
    c.noop().expect("1 000 events fit");
    assert_eq!(c.take_events().len(), 1_000);
    let t0 = Instant::now();
    let e = c.noop().unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert!(e.is_fatal());
    assert!(e.message.contains("more than 1000 events"), "{e}");
    // At once, not at the I/O timeout (2 s) or the end of the flood.
    assert!(
        t0.elapsed() < Duration::from_millis(1500),
        "{:?}",
        t0.elapsed()
    );
    assert_eq!(c.pending_events(), 1_000);
    assert_eq!(c.noop().unwrap_err().kind, ErrorKind::IllegalState);
    drop(c);
    srv.finish();
}

/// An untagged response that does not parse, during a command that
/// collects such responses, fails the command (not fatally: the session
/// is in step) instead of a result without it: `* SEARCH 1 abc 3` used
/// to give an empty SEARCH result, a bad LIST line one folder less, a
/// SELECT with `* 4294967296 EXISTS` `exists` 0.
#[test]
fn a_response_that_does_not_parse_fails_its_command() {
    let (srv, mut c) = session(
        3,
        vec![
            expect("A3 UID SEARCH"),
            send("* SEARCH 1 abc 3\r\nA3 OK done\r\n"),
            expect("A4 LIST "),
            send(
                "* LIST () \"/\" INBOX\r\n* LIST () \"//\" Foo\r\n* LIST () \"/\" Bar\r\nA4 OK done\r\n",
            ),
            expect("A5 SELECT "),
            send(
                "* 4294967296 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\nA5 OK [READ-WRITE] done\r\n",
            ),
        ]
        .into_iter()
        .chain(noop_ok("A6"))
        .collect(),
    );
    for (what, e) in [
        ("SEARCH", c.search(&[SearchKey::All]).unwrap_err()),
        ("LIST", c.list_folders("", "*").unwrap_err()),
        ("SELECT", c.select_folder("INBOX").unwrap_err()),
    ] {
        assert_eq!(e.kind, ErrorKind::Protocol, "{what}: {e}");
        assert!(!e.is_fatal(), "{what}: {e}");
        assert!(e.message.contains("did not parse"), "{what}: {e}");
        assert!(
            e.raw.as_deref().is_some_and(|r| r.starts_with(b"* ")),
            "{what}: {e:?}"
        );
    }
    c.noop().expect("in step");
    finish(srv, c);
}

/// Lines that are not untagged data (text that is not IMAP, a tagged line
/// of no command of ours) cannot belong to a result: skipped, the command
/// succeeds (as before).
#[test]
fn garbage_that_is_not_untagged_data_is_skipped() {
    let (srv, mut c) = session(
        1,
        vec![
            expect("A3 NOOP"),
            send("hello there\r\nA9 FROBNICATE\r\n)))\r\n* 2 EXISTS\r\nA3 OK done\r\n"),
        ],
    );
    c.noop().expect("not untagged data");
    assert_eq!(c.take_events(), vec![Event::Exists(2)]);
    finish(srv, c);
}

/// A FETCH response whose UID item does not parse is the command's (under
/// UIDs it carries no other): the message is in the result with an
/// error. One whose number does not parse is in it as message 0, with an
/// error. Both used to vanish (the first as an event), with no error
/// counted; buffered and streaming alike.
#[test]
fn a_fetch_response_with_a_broken_number_is_kept_with_an_error() {
    let answer = "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n\
                  * 2 FETCH (UID 4294967298 FLAGS (\\Seen))\r\n\
                  * 3x FETCH (UID 3 FLAGS (\\Seen))\r\n\
                  A{tag} OK done\r\n";
    let (srv, mut c) = session(
        3,
        vec![
            expect("A3 UID FETCH 1:* "),
            send(answer.replace("{tag}", "3")),
            expect("A4 UID FETCH 1:* "),
            send(answer.replace("{tag}", "4")),
        ]
        .into_iter()
        .chain(noop_ok("A5"))
        .collect(),
    );
    let m = c.fetch("1:*", &["FLAGS"]).expect("fetch");
    let got: Vec<_> = m.iter().map(|m| (m.seq, m.uid, m.errors.len())).collect();
    assert_eq!(got, vec![(1, Some(1), 0), (2, None, 1), (0, None, 1)]);
    assert!(c.take_events().is_empty());
    let mut streamed = Vec::new();
    c.fetch_stream(
        "1:*",
        &["FLAGS"],
        0,
        &mut |m: &imapclient::client::Message| {
            streamed.push((m.seq, m.uid, m.errors.len()));
            true
        },
        &mut |_| true,
    )
    .expect("fetch_stream");
    assert_eq!(streamed, got);
    c.noop().expect("in step");
    finish(srv, c);
}

/// A set from the server too large to expand is a non-fatal
/// `LimitExceeded`, not a list cut at the range that did not fit (an
/// ESEARCH `ALL 1:5,100:20000100` gave 5 ids, `1:4294967295` none).
#[test]
fn a_set_too_large_to_expand_is_an_error_not_a_short_list() {
    let (srv, mut c) = session(
        3,
        vec![
            expect("A3 UID SEARCH"),
            send("* ESEARCH (TAG \"A3\") UID ALL 1:5,100:20000100\r\nA3 OK done\r\n"),
            expect("A4 UID SEARCH"),
            send("* ESEARCH (TAG \"A4\") UID ALL 1:4294967295\r\nA4 OK done\r\n"),
            expect("A5 UID SEARCH"),
            send("* ESEARCH (TAG \"A5\") UID ALL 1:3,7\r\nA5 OK done\r\n"),
        ],
    );
    for _ in 0..2 {
        let e = c.search(&[SearchKey::All]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
        assert!(!e.is_fatal());
    }
    assert_eq!(c.search(&[SearchKey::All]).unwrap().ids, vec![1, 2, 3, 7]);
    finish(srv, c);
}

/// COPYUID with sets of different sizes cannot be paired: a non-fatal
/// `Protocol` error saying the copy was carried out (the pairs used to be
/// cut to the shorter set).
#[test]
fn copyuid_of_unequal_sets_is_an_error() {
    let (srv, mut c) = session(
        3,
        vec![
            expect("A3 UID COPY 1:3 "),
            send("A3 OK [COPYUID 9 1:3 10:11] done\r\n"),
        ]
        .into_iter()
        .chain(noop_ok("A4"))
        .collect(),
    );
    let e = c.copy("1:3", "Archive").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    assert!(!e.is_fatal());
    assert!(e.message.contains("carried out"), "{e}");
    c.noop().expect("in step");
    finish(srv, c);
}

/// Without LITERAL+, APPEND waits for `+` before the message. A server
/// answering OK instead never got the message: the call used to return
/// success (with the APPENDUID) having sent nothing but `{21}`.
#[test]
fn append_completed_before_the_message_was_sent_is_an_error() {
    let caps = "IMAP4rev1 UIDPLUS";
    let srv = FakeServer::start(vec![
        send(format!("* OK [CAPABILITY {caps}] fake ready\r\n")),
        expect("A1 LOGIN user secret\r\n"),
        send(format!("A1 OK [CAPABILITY {caps}] Logged in\r\n")),
        expect("A2 APPEND INBOX {21}\r\n"),
        send("A2 OK [APPENDUID 1 5] done\r\n"),
        Sleep(Duration::from_millis(500)),
    ]);
    let mut c = Client::connect(&srv.options()).expect("connect");
    c.login("user", "secret").expect("login");
    let e = c
        .append("INBOX", b"Subject: x\r\n\r\nhello\r\n", &[], None)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    assert!(e.is_fatal());
    assert!(e.message.contains("never sent"), "{e}");
    drop(c);
    let t = srv.finish();
    assert!(!t.contains(b"hello"), "{}", t.text());
}

/// The command's own tagged line that does not parse (`A3 BYE weird`)
/// ends the call at once with a fatal `Protocol` error: whether the
/// command succeeded is unknown. It used to be skipped, and the call
/// waited for the I/O timeout.
#[test]
fn a_completion_that_does_not_parse_fails_at_once() {
    let (srv, mut c) = session(
        1,
        vec![
            expect("A3 NOOP"),
            send("A3 BYE weird\r\n"),
            Sleep(Duration::from_secs(3)),
        ],
    );
    let t0 = Instant::now();
    let e = c.noop().unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(1), "{:?}", t0.elapsed());
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    assert!(e.is_fatal());
    assert!(e.message.contains("completion of command A3"), "{e}");
    drop(c);
    srv.finish();
}

/// An ESEARCH whose TAG names another command is not this search's
/// result (it was taken as the result: `TAG "A2"` during A3's SEARCH);
/// it answers no command running, and is dropped (logged).
#[test]
fn an_esearch_for_another_command_is_not_the_result() {
    let (srv, mut c) = session(
        3,
        vec![
            expect("A3 UID SEARCH"),
            send("* ESEARCH (TAG \"A2\") UID ALL 1:3\r\n* ESEARCH (TAG \"A3\") UID ALL 2\r\nA3 OK done\r\n"),
        ],
    );
    assert_eq!(c.search(&[SearchKey::All]).unwrap().ids, vec![2]);
    finish(srv, c);
}

/// A server that sends a byte now and then keeps every read within the
/// I/O timeout: `command_timeout` bounds the whole command (fatal
/// `Timeout`), and a command that completes in time is not affected.
#[test]
fn command_timeout_bounds_a_dripping_server() {
    let mut steps = vec![
        expect("A3 NOOP"),
        send("* 1 EXISTS\r\nA3 OK done\r\n"),
        expect("A4 UID FETCH 1 "),
        send("* 1 FETCH (UID 1 BODY[] {300}\r\n"),
    ];
    for _ in 0..30 {
        steps.push(send("0123456789"));
        steps.push(Sleep(Duration::from_millis(150)));
    }
    let (srv, mut c) = session_with(1, steps, |o| {
        o.io_timeout = Some(Duration::from_secs(2));
        o.command_timeout = Some(Duration::from_secs(1));
    });
    c.noop().expect("a quick command is not affected");
    let t0 = Instant::now();
    let e = c.fetch(1, &["BODY.PEEK[]"]).unwrap_err();
    let took = t0.elapsed();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    assert!(e.is_fatal());
    assert!(e.message.contains("command timeout"), "{e}");
    assert!(took >= Duration::from_millis(900), "{took:?}");
    // The drip would take 4.5 s; the I/O timeout alone never fires.
    assert!(took < Duration::from_millis(2500), "{took:?}");
    drop(c);
    srv.finish();
}

/// The same broken FETCH responses through the C ABI's buffered fetch
/// (the packing path C programs use, apart from the Rust API's merge):
/// three messages, the broken two with seq 0 (no UID) and one error each,
/// read through the accessors.
#[test]
fn a_fetch_response_with_a_broken_number_is_kept_through_the_c_abi() {
    use imapclient::ffi::client::*;
    use imapclient::ffi::error::*;
    use imapclient::ffi::message::*;
    use std::ffi::CString;
    use std::ptr::null_mut;

    let srv = FakeServer::start({
        let mut s = login_steps();
        s.extend(select_steps("A2", 3));
        s.extend([
            expect("A3 UID FETCH 1:* "),
            send(
                "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n\
                 * 2 FETCH (UID 4294967298 FLAGS (\\Seen))\r\n\
                 * 3x FETCH (UID 3 FLAGS (\\Seen))\r\n\
                 A3 OK done\r\n",
            ),
        ]);
        s
    });
    let (set, items) = (CString::new("1:*").unwrap(), CString::new("FLAGS").unwrap());
    // SAFETY: C ABI calls with valid strings and out-pointers; every
    // object is freed once.
    unsafe {
        let c = fake::c_login_select(fake::c_options(srv.port));
        let mut list = null_mut();
        assert_eq!(
            imapc_client_fetch(c, set.as_ptr(), items.as_ptr(), &mut list, null_mut()),
            IMAPC_OK
        );
        let got: Vec<(u32, u32, usize)> = (0..imapc_message_list_count(list))
            .map(|i| {
                let m = imapc_message_list_get(list, i);
                (
                    imapc_message_seq(m),
                    imapc_message_uid(m),
                    imapc_message_error_count(m),
                )
            })
            .collect();
        assert_eq!(got, vec![(1, 1, 0), (2, 0, 1), (0, 0, 1)]);
        imapc_message_list_free(list);
        imapc_client_free(c);
    }
    srv.finish();
}
