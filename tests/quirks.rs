//! Real-world server quirks through the fake server and the full client
//! (select + fetch, then a NOOP): each response is accepted, or costs only
//! an error entry on its message; never the session.
//!
//! The captures are written from memory of quirks client libraries work
//! around, not recorded from live servers. Where a comment names a server
//! (Gmail's X-GM items, Dovecot's timing suffix, NetEase's "Unsafe Login")
//! the pattern is well known from that server; the others are generic
//! deviations seen in the wild and name no server.

mod fake;

use std::time::Duration;

use fake::Step::*;
use fake::{expect, send, FakeServer};
use imapclient::client::{Client, ErrorKind, Event, Messages};

/// LOGIN (A1), SELECT (A2) answered with `select`, UID FETCH (A3) answered
/// with `fetch` (its tagged OK appended), then NOOP (A4).
fn run(select: &str, fetch: &str) -> (Messages, Vec<Event>) {
    let steps = vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 LITERAL+] Logged in\r\n"),
        expect("A2 SELECT "),
        send(format!("{select}A2 OK [READ-WRITE] SELECT completed\r\n")),
        expect("A3 UID FETCH "),
        send(format!("{fetch}A3 OK FETCH completed\r\n")),
        expect("A4 NOOP"),
        send("A4 OK NOOP completed\r\n"),
    ];
    let srv = FakeServer::start(steps);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    c.select_folder("INBOX").expect("select");
    let m = c
        .fetch(
            "1:*",
            &["FLAGS", "BODYSTRUCTURE", "ENVELOPE", "BODY.PEEK[]"],
        )
        .expect("fetch is not fatal");
    c.noop().expect("session alive after the quirk");
    let ev = c.take_events();
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
    (m, ev)
}

const SELECT: &str =
    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* 1 EXISTS\r\n* 0 RECENT\r\n\
                      * OK [UIDVALIDITY 1] ok\r\n";

/// One message with uid 1: parsed cleanly, or kept with an error entry.
fn one(m: &Messages) -> &imapclient::client::Message {
    assert_eq!(m.len(), 1, "{m:?}");
    &m.messages[0]
}

#[test]
fn gmail_extensions_and_labels() {
    // Gmail: X-GM-* items, labels with backslashes and spaces, quoted.
    let (m, _) = run(
        "* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $NotPhishing $Phishing)\r\n\
         * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $NotPhishing $Phishing \\*)] Flags permitted.\r\n\
         * OK [UIDVALIDITY 3] UIDs valid.\r\n* 1 EXISTS\r\n* 0 RECENT\r\n* OK [UIDNEXT 2] Predicted next UID.\r\n\
         * OK [HIGHESTMODSEQ 4409]\r\n",
        "* 1 FETCH (X-GM-THRID 1278455344230334865 X-GM-MSGID 1278455344230334865 \
         X-GM-LABELS (\"\\\\Important\" \"\\\\Sent\" \"Work Stuff\") UID 1 FLAGS (\\Seen) \
         BODY[] {5}\r\nhello)\r\n",
    );
    let msg = one(&m);
    assert!(msg.errors.is_empty(), "{:?}", msg.errors);
    assert_eq!(msg.gm_msgid, Some(1278455344230334865));
    assert_eq!(
        msg.gm_labels.as_deref(),
        Some(
            &[
                "\\Important".to_string(),
                "\\Sent".into(),
                "Work Stuff".into()
            ][..]
        )
    );
    assert_eq!(msg.section("BODY[]"), Some(&b"hello"[..]));
}

#[test]
fn dovecot_timing_suffix_and_trailing_space() {
    // Dovecot appends timings to tagged texts; a trailing space before the
    // closing parenthesis of a FETCH is a common deviation.
    let (m, _) = run(SELECT, "* 1 FETCH (UID 1 FLAGS (\\Seen) )\r\n");
    let msg = one(&m);
    assert!(msg.errors.is_empty(), "{msg:?}");
    assert_eq!(msg.uid, Some(1));
    assert!(msg.has_flag("\\Seen"), "{msg:?}");
}

#[test]
fn doubled_spaces_between_items() {
    let (m, _) = run(SELECT, "* 1 FETCH (UID 1  FLAGS (\\Seen  \\Answered))\r\n");
    let msg = one(&m);
    assert!(msg.errors.is_empty(), "{msg:?}");
    let want = ["\\Seen".to_string(), "\\Answered".to_string()];
    assert_eq!(msg.flags.as_deref(), Some(&want[..]));
}

#[test]
fn bracket_inside_flags() {
    // A keyword with `]` (not an atom char): some servers pass user-made
    // keywords through unchecked.
    let (m, _) = run(
        SELECT,
        "* 1 FETCH (UID 1 FLAGS (\\Seen [Gmail]Label $Junk))\r\n",
    );
    let msg = one(&m);
    assert!(msg.errors.is_empty(), "{msg:?}");
    assert!(
        msg.has_flag("[Gmail]Label") && msg.has_flag("$Junk"),
        "{msg:?}"
    );
}

#[test]
fn negative_body_sizes() {
    // `-1` octets/lines in a body structure, sent by some servers for
    // parts they could not measure: read as 0.
    let (m, _) = run(
        SELECT,
        "* 1 FETCH (UID 1 BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" -1 -1 NIL NIL NIL NIL))\r\n",
    );
    let msg = one(&m);
    assert!(msg.errors.is_empty(), "{msg:?}");
    assert_eq!(msg.body_structure.as_ref().map(|b| b.size), Some(0));
}

#[test]
fn bare_string_disposition() {
    // Disposition sent as a bare string instead of ("attachment" params).
    let (m, _) = run(
        SELECT,
        "* 1 FETCH (UID 1 BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 2 1 NIL NIL NIL NIL)\
         (\"application\" \"pdf\" (\"name\" \"a.pdf\") NIL NIL \"base64\" 100 NIL \"attachment\" NIL NIL) \
         \"mixed\" (\"boundary\" \"b\") NIL NIL NIL))\r\n",
    );
    let msg = one(&m);
    assert!(msg.errors.is_empty(), "{msg:?}");
    let b = msg.body_structure.as_ref().expect("body structure");
    assert_eq!(b.children.len(), 2);
    assert_eq!(&b.children[1].media_subtype[..], b"pdf");
}

#[test]
fn nil_in_odd_places() {
    // NIL for the body parameter list, encoding, subtype and envelope
    // address lists: servers send NIL where lists are expected.
    let (m, _) = run(
        SELECT,
        "* 1 FETCH (UID 1 ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) \
         BODYSTRUCTURE (\"text\" NIL NIL NIL NIL NIL 0 0) FLAGS NIL)\r\n",
    );
    let msg = one(&m);
    assert_eq!(msg.uid, Some(1));
    let env = msg.envelope.as_ref().expect("envelope");
    assert!(env.subject.is_none() && env.from.is_empty());
    assert!(msg.body_structure.is_some());
    // `FLAGS NIL` is not a flag list: that item alone becomes an error.
    assert_eq!(msg.flags, None);
    assert_eq!(msg.errors.len(), 1, "{:?}", msg.errors);
}

#[test]
fn eight_bit_bytes_and_nul_in_literals() {
    // Raw 8-bit headers (providers of Chinese and Russian mail pass raw
    // GBK/KOI8-R/UTF-8 through
    // in envelopes) and a NUL inside a literal body.
    let body = b"Subject: \xd0\x9f\xd1\x80\xd0\xb8\r\n\r\na\0b\xff";
    let mut fetch = b"* 1 FETCH (UID 1 ENVELOPE (\"Mon, 1 Jan 2024 00:00:00 +0000\" \"\xd0\x9f\xd1\x80\xd0\xb8\" \
((\"\xc4\xe3\xba\xc3\" NIL \"a\" \"qq.com\")) NIL NIL NIL NIL NIL NIL \"<x@y>\") BODY[] "
        .to_vec();
    fetch.extend_from_slice(format!("{{{}}}\r\n", body.len()).as_bytes());
    fetch.extend_from_slice(body);
    fetch.extend_from_slice(b")\r\n");
    // 8-bit bytes: the script sends them as they are.
    let steps = vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 LITERAL+] Logged in\r\n"),
        expect("A2 SELECT "),
        send(format!("{SELECT}A2 OK done\r\n")),
        expect("A3 UID FETCH "),
        Send(fetch),
        send("A3 OK done\r\n"),
        expect("A4 NOOP"),
        send("A4 OK\r\n"),
    ];
    let srv = FakeServer::start(steps);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    c.select_folder("INBOX").unwrap();
    let m = c.fetch("1:*", &["ENVELOPE", "BODY.PEEK[]"]).unwrap();
    let msg = one(&m);
    assert_eq!(msg.section("BODY[]"), Some(&body[..]), "binary body intact");
    assert!(msg.errors.is_empty(), "{msg:?}");
    let env = msg.envelope.as_ref().unwrap();
    assert_eq!(env.subject.as_deref(), Some("При"));
    assert_eq!(env.from.len(), 1);
    c.noop().unwrap();
    drop(c);
    srv.finish();
}

#[test]
fn blank_lines_and_empty_fetch_lists() {
    let (m, _) = run(SELECT, "\r\n* 1 FETCH ()\r\n\r\n* 1 FETCH (UID 1)\r\n");
    // The empty list cannot be matched to a UID; the second one can.
    assert!(m.iter().any(|x| x.uid == Some(1)), "{m:?}");
}

#[test]
fn unknown_fetch_items_are_kept_raw() {
    let (m, _) = run(
        SELECT,
        "* 1 FETCH (UID 1 X-VENDOR-SCORE 12 X-LIST (a b (c)) X-STR \"s\" FLAGS (\\Seen))\r\n",
    );
    let msg = one(&m);
    assert!(msg.errors.is_empty(), "{msg:?}");
    assert!(msg.has_flag("\\Seen"), "{msg:?}");
    let names: Vec<&str> = msg.other.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["X-VENDOR-SCORE", "X-LIST", "X-STR"]);
}

#[test]
fn netease_unsafe_login_no_is_not_fatal() {
    // 163.com/126.com refuse SELECT until the client sends ID:
    // `NO SELECT Unsafe Login. Please contact kefu@188.com for help`.
    let srv = FakeServer::start(vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1] LOGIN completed\r\n"),
        expect("A2 SELECT "),
        send("A2 NO SELECT Unsafe Login. Please contact kefu@188.com for help\r\n"),
        expect("A3 NOOP"),
        send("A3 OK NOOP completed\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    let e = c.select_folder("INBOX").unwrap_err();
    assert_eq!(e.kind, ErrorKind::No);
    assert!(e.message.contains("Unsafe Login"), "{e}");
    assert!(c.fatal_error().is_none());
    c.noop().unwrap();
    drop(c);
    srv.finish();
}

#[test]
fn status_text_opening_a_bracket_without_a_code_is_not_fatal() {
    // `resp-text` may start with `[` and hold no code. Before, the parse
    // error on the command's own completion ended the session; and an
    // untagged `* OK [...` during a command failed it.
    let srv = FakeServer::start(vec![
        send("* OK [Server ready, no code here\r\n"),
        expect("A1 CAPABILITY"),
        send("* CAPABILITY IMAP4rev1\r\nA1 OK [Done\r\n"),
        expect("A2 LOGIN "),
        send("A2 OK [CAPABILITY IMAP4rev1] LOGIN completed\r\n"),
        expect("A3 SELECT "),
        send("* OK [Mailbox is being indexed\r\nA3 NO [Can't open mailbox\r\n"),
        expect("A4 NOOP"),
        send("A4 OK NOOP completed\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    assert_eq!(c.greeting(), "[Server ready, no code here");
    c.login("u", "p").unwrap();
    let e = c.select_folder("INBOX").unwrap_err();
    assert_eq!(e.kind, ErrorKind::No);
    assert!(e.message.ends_with("NO [Can't open mailbox"), "{e}");
    assert_eq!(e.response_code, None);
    assert!(c.fatal_error().is_none());
    c.noop().unwrap();
    drop(c);
    srv.finish();
}

#[test]
fn raw_utf8_folder_names_in_list() {
    // Servers that send raw UTF-8 names instead of modified UTF-7 (seen
    // from Russian and Chinese providers): decoded leniently.
    let srv = FakeServer::start(vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1] done\r\n"),
        expect("A2 LIST "),
        send(
            "* LIST (\\HasNoChildren) \"/\" \"\u{41e}\u{442}\u{43f}\u{440}\u{430}\u{432}\u{43b}\u{435}\u{43d}\u{43d}\u{44b}\u{435}\"\r\n\
             * LIST (\\HasNoChildren) \"/\" \"&g0l6P3ux-\"\r\nA2 OK done\r\n",
        ),
        Sleep(Duration::from_millis(10)),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    let f = c.list_folders("", "*").unwrap();
    let names: Vec<&str> = f.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["Отправленные", "草稿箱"]);
    drop(c);
    srv.finish();
}

/// A C ABI client connected (plaintext) to the fake on `port` and logged
/// in as u/p; the caller frees it.
///
/// # Safety
/// Calls the C ABI; nothing for the caller to uphold.
unsafe fn c_client(port: u16) -> *mut imapclient::ffi::client::imapc_client {
    use imapclient::ffi::client::*;
    use imapclient::ffi::error::IMAPC_OK;
    use imapclient::ffi::options::*;
    use std::ffi::CString;
    use std::ptr::null_mut;

    let s = |v: &str| CString::new(v).unwrap();
    let (host, u, p) = (s("127.0.0.1"), s("u"), s("p"));
    let sec = IMAPC_SECURITY_DANGEROUS_PLAINTEXT;
    // SAFETY: valid strings and out-pointers; results asserted.
    unsafe {
        let mut o = null_mut();
        assert_eq!(
            imapc_connect_options_new(host.as_ptr(), port, sec, &mut o, null_mut()),
            IMAPC_OK
        );
        let mut c = null_mut();
        assert_eq!(imapc_client_connect(o, &mut c, null_mut()), IMAPC_OK);
        imapc_connect_options_free(o);
        assert_eq!(
            imapc_client_login(c, u.as_ptr(), p.as_ptr(), null_mut()),
            IMAPC_OK
        );
        c
    }
}

/// Gmail search through the C ABI's typed criteria, as IMAPClient's
/// `gmail_search`: `X-GM-RAW`, `X-GM-THRID` and `X-GM-MSGID` reach the
/// wire as Gmail takes them (a non-ASCII query as a literal, with CHARSET
/// UTF-8) and the ids come back. Dovecot has no X-GM-EXT-1, hence the fake
/// (tests/client.rs checks the refusal on Dovecot).
#[test]
fn gmail_search_keys_through_the_c_abi() {
    use imapclient::ffi::client::*;
    use imapclient::ffi::error::IMAPC_OK;
    use imapclient::ffi::lists::*;
    use imapclient::ffi::search::*;
    use std::ffi::CString;
    use std::ptr::null_mut;

    let mut steps = vec![
        send("* OK [CAPABILITY IMAP4rev1 LITERAL+ X-GM-EXT-1] Gimap ready\r\n"),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 LITERAL+ X-GM-EXT-1 UIDPLUS MOVE] Logged in\r\n"),
    ];
    steps.extend(fake::select_steps("A2", 9));
    steps.extend([
        expect("A3 UID SEARCH "),
        send("* SEARCH 7 9\r\nA3 OK SEARCH completed (Success)\r\n"),
        ExpectLiteral("A4 UID SEARCH ".into()),
        send("* SEARCH 9\r\nA4 OK SEARCH completed (Success)\r\n"),
    ]);
    let srv = FakeServer::start(steps);
    let s = |v: &str| CString::new(v).unwrap();
    // `l` is a live list from the library, freed here.
    let ids = |l: *mut imapc_id_list| -> Vec<u32> {
        let v = (0..imapc_id_list_count(l))
            .map(|i| imapc_id_list_get(l, i))
            .collect();
        imapc_id_list_free(l);
        v
    };
    // SAFETY: C ABI calls with valid strings and out-pointers; every
    // result is asserted.
    let (first, second) = unsafe {
        let c = c_client(srv.port);
        let inbox = s("INBOX");
        assert_eq!(
            imapc_client_select(c, inbox.as_ptr(), null_mut(), null_mut()),
            IMAPC_OK
        );

        let q = imapc_search_new();
        let raw = s(r#"has:attachment "q3 report""#);
        assert_eq!(
            imapc_search_add_gmail_raw(q, raw.as_ptr(), null_mut()),
            IMAPC_OK
        );
        assert_eq!(
            imapc_search_add_gmail_thrid(q, 1278455344230334865, null_mut()),
            IMAPC_OK
        );
        let mut l = null_mut();
        assert_eq!(
            imapc_client_search_criteria(c, q, &mut l, null_mut()),
            IMAPC_OK
        );
        imapc_search_free(q);
        let first = ids(l);

        let q = imapc_search_new();
        let raw = s("subject:Zürich");
        assert_eq!(
            imapc_search_add_gmail_raw(q, raw.as_ptr(), null_mut()),
            IMAPC_OK
        );
        assert_eq!(imapc_search_add_gmail_msgid(q, 42, null_mut()), IMAPC_OK);
        let mut l = null_mut();
        assert_eq!(
            imapc_client_search_criteria(c, q, &mut l, null_mut()),
            IMAPC_OK
        );
        imapc_search_free(q);
        let second = ids(l);
        imapc_client_free(c);
        (first, second)
    };
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
    assert_eq!(first, [7, 9]);
    assert_eq!(second, [9]);
    assert_eq!(
        t.lines[2],
        "A3 UID SEARCH X-GM-RAW \"has:attachment \\\"q3 report\\\"\" X-GM-THRID 1278455344230334865\r\n"
    );
    assert_eq!(
        t.lines[3],
        "A4 UID SEARCH CHARSET UTF-8 X-GM-RAW {8+}\r\nsubject:Zürich X-GM-MSGID 42\r\n"
            .replace("{8+}", &format!("{{{}+}}", "subject:Zürich".len()))
    );
}

/// SETQUOTA's success path, through the C ABI: the limits on the wire as
/// RFC 9208 writes them, and the QUOTA response the server sends back in
/// the list. (Dovecot refuses SETQUOTA to non-administrators, which
/// tests/client.rs checks, and as an administrator with its dict quota
/// Dovecot 2.3.19 crashes on it: hence the fake.)
#[test]
fn set_quota_through_the_c_abi() {
    use imapclient::ffi::client::*;
    use imapclient::ffi::error::IMAPC_OK;
    use imapclient::ffi::lists::*;
    use std::ffi::{CStr, CString};
    use std::ptr::null_mut;

    let mut steps = vec![
        send("* OK [CAPABILITY IMAP4rev1 QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE] ready\r\n"),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 QUOTA QUOTA=RES-STORAGE] Logged in\r\n"),
    ];
    steps.extend([
        expect("A2 SETQUOTA "),
        send("* QUOTA \"User quota\" (STORAGE 10 512000 MESSAGE 3 10000)\r\nA2 OK Setquota completed\r\n"),
        expect("A3 SETQUOTA "),
        send("A3 OK Setquota completed\r\n"),
    ]);
    let srv = FakeServer::start(steps);
    let s = |v: &str| CString::new(v).unwrap();
    // SAFETY: C ABI calls with valid strings, arrays and out-pointers;
    // every result is asserted.
    let (got, second) = unsafe {
        let c = c_client(srv.port);
        let root = s("User quota");
        let (st, msg) = (s("STORAGE"), s("MESSAGE"));
        let names = [st.as_ptr(), msg.as_ptr()];
        let limits = [512_000u64, 10_000];
        let mut l = null_mut();
        let rc = imapc_client_set_quota(
            c,
            root.as_ptr(),
            names.as_ptr(),
            limits.as_ptr(),
            2,
            &mut l,
            null_mut(),
        );
        assert_eq!(rc, IMAPC_OK);
        let text = |p: *const std::ffi::c_char| CStr::from_ptr(p).to_str().unwrap().to_string();
        let got: Vec<_> = (0..imapc_quota_list_count(l))
            .map(|i| {
                (
                    text(imapc_quota_list_root(l, i)),
                    text(imapc_quota_list_resource(l, i)),
                    imapc_quota_list_usage(l, i),
                    imapc_quota_list_limit(l, i),
                )
            })
            .collect();
        imapc_quota_list_free(l);
        // No limits (removes them), QUOTA responses not asked for.
        let second = imapc_client_set_quota(
            c,
            root.as_ptr(),
            null_mut(),
            null_mut(),
            0,
            null_mut(),
            null_mut(),
        );
        imapc_client_free(c);
        (got, second)
    };
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
    assert_eq!(
        t.lines[1],
        "A2 SETQUOTA \"User quota\" (STORAGE 512000 MESSAGE 10000)\r\n"
    );
    assert_eq!(t.lines[2], "A3 SETQUOTA \"User quota\" ()\r\n");
    assert_eq!(second, IMAPC_OK);
    let q = |r: &str, u, l| ("User quota".to_string(), r.to_string(), u, l);
    assert_eq!(got, [q("STORAGE", 10, 512_000), q("MESSAGE", 3, 10_000)]);
}

#[test]
fn utf8_accept_names_folders_in_utf8_and_drops_the_search_charset() {
    // As Gmail after ENABLE UTF8=ACCEPT (RFC 6855): names in UTF-8 both
    // ways, and no CHARSET on SEARCH. Before ENABLE, the usual forms.
    let srv = FakeServer::start(vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 LITERAL+ ENABLE UTF8=ACCEPT] Logged in\r\n"),
        expect("A2 CREATE Entw&APw-rfe"),
        send("A2 OK created\r\n"),
        expect("A3 ENABLE UTF8=ACCEPT"),
        send("* ENABLED UTF8=ACCEPT\r\nA3 OK enabled\r\n"),
        ExpectLiteral("A4 CREATE {16+}".into()),
        send("A4 OK created\r\n"),
        expect("A5 LIST \"\" \"*\""),
        send(
            "* LIST () \"/\" \"Entwürfe/日本\"\r\n\
             * LIST () \"/\" \"R&D\"\r\n\
             A5 OK done\r\n",
        ),
        expect("A6 SELECT INBOX"),
        send("* 2 EXISTS\r\nA6 OK [READ-WRITE] done\r\n"),
        ExpectLiteral("A7 UID SEARCH SUBJECT {5+}".into()),
        send("* SEARCH 2\r\nA7 OK done\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).expect("connect");
    c.login("user", "secret").expect("login");
    c.create_folder("Entwürfe").unwrap();
    assert_eq!(c.enable(&["UTF8=ACCEPT"]).unwrap(), ["UTF8=ACCEPT"]);
    assert!(c.folder_encode(), "the setting itself is left alone");
    c.create_folder("Entwürfe/日本").unwrap();
    let names: Vec<_> = c
        .list_folders("", "*")
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names, ["Entwürfe/日本", "R&D"]);
    c.select_folder("INBOX").unwrap();
    let r = c
        .search(&[imapclient::client::SearchKey::Subject("café".into())])
        .unwrap();
    assert_eq!(r.ids, [2]);
    let t = srv.finish();
    assert!(
        t.contains("A4 CREATE {16+}\r\nEntwürfe/日本".as_bytes()),
        "{}",
        t.text()
    );
    assert!(!t.contains(b"CHARSET"), "{}", t.text());
}

#[test]
fn metadata_server_only_codes_and_unsolicited_changes() {
    use imapclient::client::{MetadataDepth, MetadataOptions};
    // A server with METADATA-SERVER alone (server entries, none per
    // folder); response codes and data Dovecot does not produce.
    let caps = "IMAP4rev1 LITERAL+ METADATA-SERVER";
    let srv = FakeServer::start(vec![
        send(format!("* OK [CAPABILITY {caps}] ready\r\n")),
        expect("A1 LOGIN "),
        send(format!("A1 OK [CAPABILITY {caps}] Logged in\r\n")),
        expect("A2 GETMETADATA (MAXSIZE 1024 DEPTH infinity) \"\" (/shared /private/x)\r\n"),
        send(
            "* METADATA \"\" (/shared/motd {5}\r\nhello /shared/admin \"mailto:a@b\" /shared/gone NIL)\r\n\
             A2 OK [METADATA LONGENTRIES 2000] done\r\n",
        ),
        expect("A3 SETMETADATA \"\" (/shared/motd \"big\")\r\n"),
        send("A3 NO [METADATA MAXSIZE 1024] Value too long\r\n"),
        ExpectLiteral("A4 SETMETADATA \"\" (/shared/a NIL /shared/b ~{3+}".into()),
        send("A4 OK done\r\n"),
        expect("A5 NOOP"),
        send("* METADATA \"\" /shared/motd /shared/admin\r\nA5 OK done\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("user", "pw").unwrap();
    // Per-folder entries need METADATA: refused here.
    let e = c
        .get_metadata("INBOX", &["/shared/comment"], &MetadataOptions::default())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::CapabilityMissing, "{e}");
    let m = c
        .get_metadata(
            "",
            &["/shared", "/private/x"],
            &MetadataOptions {
                max_size: Some(1024),
                depth: MetadataDepth::Infinity,
            },
        )
        .unwrap();
    assert_eq!(m.entries.len(), 3);
    assert_eq!(m.get("/shared/motd"), Some(&b"hello"[..]));
    assert_eq!(m.get("/shared/admin"), Some(&b"mailto:a@b"[..]));
    assert_eq!(m.entries[2].name, "/shared/gone");
    assert_eq!(m.entries[2].value, None);
    assert_eq!(m.long_entries, Some(2000));
    // The refusal's reason is in the message, with its argument.
    let e = c
        .set_metadata("", &[("/shared/motd", Some(b"big"))])
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::No);
    assert_eq!(e.response_code.as_deref(), Some("METADATA"));
    assert!(e.message.contains("[METADATA MAXSIZE 1024]"), "{e}");
    // NIL removes; a value with NUL goes as a literal8.
    c.set_metadata("", &[("/shared/a", None), ("/shared/b", Some(b"x\0y"))])
        .unwrap();
    // Unsolicited: the changed entries reach the caller as before.
    c.noop().unwrap();
    assert_eq!(
        c.take_events(),
        vec![Event::Other(
            b"METADATA \"\" /shared/motd /shared/admin".to_vec()
        )]
    );
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
    assert!(
        t.contains(b"(/shared/a NIL /shared/b ~{3+}\r\nx\0y)\r\n"),
        "{}",
        t.text()
    );
}

/// NOTIFY through the C ABI: the groups as they reach the wire (filters,
/// folder names in modified UTF-7, NONE, STATUS), the STATUS and LIST
/// answers as FOLDER_STATUS and FOLDER_LIST events (a rename with its old
/// name), a STATUS command that gets another folder's STATUS first, and
/// NOTIFY NONE. tests/client.rs has Dovecot's side.
#[test]
fn notify_groups_on_the_wire_and_folder_events_through_the_c_abi() {
    use imapclient::ffi::client::*;
    use imapclient::ffi::error::*;
    use imapclient::ffi::events::*;
    use imapclient::ffi::folder::*;
    use imapclient::ffi::lists::*;
    use imapclient::ffi::notify::*;
    use std::ffi::{CStr, CString};
    use std::ptr::null_mut;

    let caps = "IMAP4rev1 LITERAL+ NOTIFY";
    let srv = FakeServer::start(vec![
        send(format!("* OK [CAPABILITY {caps}] ready\r\n")),
        expect("A1 LOGIN "),
        send(format!("A1 OK [CAPABILITY {caps}] Logged in\r\n")),
        expect(
            "A2 NOTIFY SET STATUS (selected (MessageNew (UID BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]) MessageExpunge FlagChange)) \
             (subtree (Entw&APw-rfe INBOX) (MessageNew MessageExpunge MailboxName)) \
             (mailboxes (Spam) NONE)\r\n",
        ),
        send(
            "* STATUS INBOX (MESSAGES 3 UIDNEXT 9)\r\n\
             * STATUS Entw&APw-rfe (MESSAGES 1 UIDNEXT 2)\r\n\
             A2 OK NOTIFY completed\r\n",
        ),
        expect("A3 STATUS INBOX "),
        send(
            "* LIST () \"/\" Neu (\"OLDNAME\" (Alt))\r\n\
             * STATUS Entw&APw-rfe (MESSAGES 2 UIDNEXT 3)\r\n\
             * STATUS INBOX (MESSAGES 4 UIDNEXT 10)\r\n\
             * LIST (\\NonExistent) \"/\" Weg\r\n\
             A3 OK done\r\n",
        ),
        expect("A4 NOTIFY NONE\r\n"),
        send("A4 OK NOTIFY completed\r\n"),
    ]);
    let s = |v: &str| CString::new(v).unwrap();
    let text = |p: *const std::os::raw::c_char| {
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    };
    // SAFETY: C ABI calls with valid strings, arrays and out-pointers;
    // every result is asserted.
    unsafe {
        let c = c_client(srv.port);
        let n = imapc_notify_new();
        let all = IMAPC_NOTIFY_MESSAGE_NEW | IMAPC_NOTIFY_MESSAGE_EXPUNGE;
        let fetch = s("UID BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]");
        assert_eq!(
            imapc_notify_add(
                n,
                IMAPC_NOTIFY_SELECTED,
                std::ptr::null(),
                0,
                all | IMAPC_NOTIFY_FLAG_CHANGE,
                fetch.as_ptr(),
                null_mut()
            ),
            IMAPC_OK
        );
        let (e, i) = (s("Entwürfe"), s("INBOX"));
        let names = [e.as_ptr(), i.as_ptr()];
        assert_eq!(
            imapc_notify_add(
                n,
                IMAPC_NOTIFY_SUBTREE,
                names.as_ptr(),
                2,
                all | IMAPC_NOTIFY_MAILBOX_NAME,
                std::ptr::null(),
                null_mut()
            ),
            IMAPC_OK
        );
        let spam = s("Spam");
        assert_eq!(
            imapc_notify_add(
                n,
                IMAPC_NOTIFY_FOLDERS,
                &spam.as_ptr(),
                1,
                0,
                std::ptr::null(),
                null_mut()
            ),
            IMAPC_OK
        );
        // Refused while building: the rules of RFC 5465 section 5, a
        // filter that takes no folders given some, one that needs them
        // given none, an unknown filter.
        for (target, folders, count, events) in [
            (
                IMAPC_NOTIFY_PERSONAL,
                std::ptr::null(),
                0,
                IMAPC_NOTIFY_MESSAGE_NEW,
            ),
            (
                IMAPC_NOTIFY_PERSONAL,
                std::ptr::null(),
                0,
                IMAPC_NOTIFY_FLAG_CHANGE,
            ),
            (
                IMAPC_NOTIFY_INBOXES,
                names.as_ptr(),
                2,
                IMAPC_NOTIFY_MAILBOX_NAME,
            ),
            (
                IMAPC_NOTIFY_FOLDERS,
                std::ptr::null(),
                0,
                IMAPC_NOTIFY_MAILBOX_NAME,
            ),
            (99, std::ptr::null(), 0, IMAPC_NOTIFY_MAILBOX_NAME),
        ] {
            let rc = imapc_notify_add(
                n,
                target,
                folders,
                count,
                events,
                std::ptr::null(),
                null_mut(),
            );
            assert_eq!(rc, IMAPC_ERR_INVALID_ARGUMENT, "{target} {events}");
        }
        // FETCH items: the selected folder's MessageNew only, printable.
        let uid = s("UID");
        let evil = s("UID FLÄGS");
        for (target, items) in [
            (IMAPC_NOTIFY_PERSONAL, uid.as_ptr()),
            (IMAPC_NOTIFY_SELECTED, evil.as_ptr()),
        ] {
            let rc = imapc_notify_add(n, target, std::ptr::null(), 0, all, items, null_mut());
            assert_eq!(rc, IMAPC_ERR_INVALID_ARGUMENT, "{target}");
        }
        assert_eq!(
            imapc_notify_add(
                null_mut(),
                IMAPC_NOTIFY_PERSONAL,
                std::ptr::null(),
                0,
                16,
                std::ptr::null(),
                null_mut()
            ),
            IMAPC_ERR_NULL_POINTER
        );
        assert_eq!(imapc_client_notify(c, n, true, null_mut()), IMAPC_OK);
        imapc_notify_free(n);

        // NOTIFY SET STATUS: where each folder stands, as events.
        let mut ev = null_mut();
        assert_eq!(imapc_client_take_events(c, &mut ev, null_mut()), IMAPC_OK);
        assert_eq!(imapc_event_list_count(ev), 2);
        assert_eq!(imapc_event_list_kind(ev, 1), IMAPC_EVENT_FOLDER_STATUS);
        assert_eq!(
            text(imapc_event_list_text(ev, 1)).as_deref(),
            Some("Entwürfe")
        );
        let st = imapc_event_list_folder_status(ev, 1);
        let mut v = 0u64;
        assert!(imapc_folder_status_get(st, IMAPC_STATUS_MESSAGES, &mut v));
        assert_eq!(v, 1);
        assert!(imapc_event_list_folder(ev, 1).is_null());
        imapc_event_list_free(ev);

        // STATUS INBOX takes INBOX's answer, not the one before it.
        let mut fs = null_mut();
        assert_eq!(
            imapc_client_status(c, i.as_ptr(), &mut fs, null_mut()),
            IMAPC_OK
        );
        assert!(imapc_folder_status_get(fs, IMAPC_STATUS_MESSAGES, &mut v));
        assert_eq!(v, 4);
        imapc_folder_status_free(fs);
        let mut ev = null_mut();
        assert_eq!(imapc_client_take_events(c, &mut ev, null_mut()), IMAPC_OK);
        let kinds: Vec<u32> = (0..imapc_event_list_count(ev))
            .map(|k| imapc_event_list_kind(ev, k))
            .collect();
        assert_eq!(
            kinds,
            [
                IMAPC_EVENT_FOLDER_LIST,
                IMAPC_EVENT_FOLDER_STATUS,
                IMAPC_EVENT_FOLDER_LIST
            ]
        );
        assert_eq!(text(imapc_event_list_text(ev, 0)).as_deref(), Some("Neu"));
        assert_eq!(
            text(imapc_event_list_old_name(ev, 0)).as_deref(),
            Some("Alt")
        );
        let f = imapc_event_list_folder(ev, 0);
        assert_eq!(text(imapc_folder_name(f)).as_deref(), Some("Neu"));
        assert!(imapc_event_list_folder_status(ev, 0).is_null());
        let gone = imapc_event_list_folder(ev, 2);
        let ne = s("\\NonExistent");
        assert!(imapc_folder_has_attribute(gone, ne.as_ptr()));
        assert!(imapc_event_list_old_name(ev, 2).is_null());
        imapc_event_list_free(ev);

        // NULL: NOTIFY NONE.
        assert_eq!(
            imapc_client_notify(c, std::ptr::null(), false, null_mut()),
            IMAPC_OK
        );
        imapc_client_free(c);
    }
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// A server with these capabilities, and a client logged in (A1) that
/// has sent NOTIFY SET (personal (MailboxName)) (A2); `rest` scripts
/// what follows.
fn notifying(caps: &str, rest: Vec<fake::Step>) -> (FakeServer, Client) {
    use imapclient::client::{notify_events, NotifyGroup, NotifyTarget};
    let mut steps = vec![
        send(format!("* OK [CAPABILITY {caps}] ready\r\n")),
        expect("A1 LOGIN "),
        send(format!("A1 OK [CAPABILITY {caps}] Logged in\r\n")),
        expect("A2 NOTIFY SET (personal (MailboxName))\r\n"),
        send("A2 OK NOTIFY completed\r\n"),
    ];
    steps.extend(rest);
    let srv = FakeServer::start(steps);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    let personal = NotifyGroup::new(NotifyTarget::Personal, notify_events::MAILBOX_NAME);
    c.notify(&[personal], false).unwrap();
    (srv, c)
}

/// The names of FOLDER_LIST events, with their old names.
fn folder_lists(events: &[Event]) -> Vec<(String, Option<String>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::FolderList { folder, old_name } => Some((folder.name.clone(), old_name.clone())),
            _ => None,
        })
        .collect()
}

/// Under NOTIFY, LIST responses for other folders that come while a LIST
/// runs are events, not part of the listing: one the pattern does not
/// cover, and a rename (OLDNAME) even where it does. `%` stops at the
/// delimiter; INBOX matches in any case; names in modified UTF-7 match
/// as sent or decoded. Without NOTIFY nothing is
/// filtered: a server that matches case-insensitively keeps its answer.
#[test]
fn notify_folder_events_during_list_are_not_listed() {
    let (srv, mut c) = notifying(
        "IMAP4rev1 LITERAL+ NOTIFY",
        vec![
            expect("A3 LIST \"\" \"Work/*\"\r\n"),
            send(
                "* LIST (\\HasChildren) \"/\" Work/A\r\n\
                 * LIST () \"/\" \"Other\"\r\n\
                 * LIST (\\HasNoChildren) \"/\" Work/A/Deep\r\n\
                 * LIST () \"/\" \"Work/New\" (\"OLDNAME\" (\"Work/Old\"))\r\n\
                 * LIST (\\HasNoChildren) \"/\" Work/B\r\n\
                 A3 OK LIST completed\r\n",
            ),
            expect("A4 LIST \"Work/\" \"%\"\r\n"),
            send(
                "* LIST (\\HasChildren) \"/\" Work/A\r\n\
                 * LIST (\\NonExistent) \"/\" Work/A/Gone\r\n\
                 * LIST (\\HasNoChildren) \"/\" Work/B\r\n\
                 A4 OK LIST completed\r\n",
            ),
            expect("A5 LSUB \"\" \"inbox*\"\r\n"),
            send(
                "* LSUB () \"/\" INBOX\r\n\
                 * LIST () \"/\" INBOX/Renamed (\"OLDNAME\" (INBOX/Was))\r\n\
                 * LSUB () \"/\" INBOX/Sub\r\n\
                 A5 OK LSUB completed\r\n",
            ),
            // Dovecot matches decoded names: "*日本*" finds 日本語, whose
            // modified UTF-7 does not hold that of 日本.
            expect("A6 LIST \"\" \"*&ZeVnLA-*\"\r\n"),
            send(
                "* LIST () \"/\" Entw&APw-rfe/&ZeVnLIqe-\r\n\
                 * LIST () \"/\" &ZeVnLIqe-\r\n\
                 * LIST () \"/\" Entw&APw-rfe\r\n\
                 A6 OK LIST completed\r\n",
            ),
        ],
    );
    let names = |f: Vec<imapclient::client::Folder>| -> Vec<String> {
        f.into_iter().map(|f| f.name).collect()
    };
    assert_eq!(
        names(c.list_folders("", "Work/*").unwrap()),
        ["Work/A", "Work/A/Deep", "Work/B"]
    );
    assert_eq!(
        folder_lists(&c.take_events()),
        [
            ("Other".to_string(), None),
            ("Work/New".to_string(), Some("Work/Old".to_string()))
        ]
    );
    assert_eq!(
        names(c.list_folders("Work/", "%").unwrap()),
        ["Work/A", "Work/B"]
    );
    let ev = c.take_events();
    assert!(
        matches!(&ev[..], [Event::FolderList { folder, old_name: None }]
            if folder.name == "Work/A/Gone" && folder.has_flag("\\NonExistent")),
        "{ev:?}"
    );
    assert_eq!(
        names(c.list_subscribed("", "inbox*").unwrap()),
        ["INBOX", "INBOX/Sub"]
    );
    assert_eq!(
        folder_lists(&c.take_events()),
        [("INBOX/Renamed".to_string(), Some("INBOX/Was".to_string()))]
    );
    assert_eq!(
        names(c.list_folders("", "*日本*").unwrap()),
        ["Entwürfe/日本語", "日本語"]
    );
    assert_eq!(
        folder_lists(&c.take_events()),
        [("Entwürfe".to_string(), None)]
    );
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);

    // No NOTIFY: the answer as it comes, though a strict reading of the
    // pattern would not have "Sent Items" for "sent items".
    let srv = FakeServer::start(vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1] Logged in\r\n"),
        expect("A2 LIST \"\" \"sent items\"\r\n"),
        send("* LIST (\\Sent) \"/\" \"Sent Items\"\r\nA2 OK LIST completed\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    assert!(c.folder_exists("sent items").unwrap());
    assert!(c.take_events().is_empty());
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// LIST-STATUS under NOTIFY: a STATUS for a folder the command has not
/// listed (yet) is another folder's news, an event, even where the
/// pattern covers the folder; the listed folders keep theirs (INBOX's
/// whatever its case).
#[test]
fn notify_folder_status_during_list_status_is_an_event() {
    use imapclient::client::FolderStatus;
    let (srv, mut c) = notifying(
        "IMAP4rev1 LITERAL+ NOTIFY LIST-STATUS",
        vec![
            expect(
                "A3 LIST \"\" \"%\" RETURN (STATUS (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN))\r\n",
            ),
            send(
                "* LIST () \"/\" INBOX\r\n\
                 * STATUS inbox (MESSAGES 3 UIDNEXT 4)\r\n\
                 * STATUS Work/Deep (MESSAGES 7 UIDNEXT 8)\r\n\
                 * LIST (\\HasNoChildren) \"/\" Sent\r\n\
                 * STATUS Other (MESSAGES 1 UIDNEXT 2)\r\n\
                 * STATUS Sent (MESSAGES 2 UIDNEXT 3)\r\n\
                 * LIST () \"/\" Work/Deep\r\n\
                 A3 OK LIST completed\r\n",
            ),
        ],
    );
    let got: Vec<(String, Option<u32>)> = c
        .list_folders_with_status("", "%")
        .unwrap()
        .into_iter()
        .map(|f| (f.name, f.status.and_then(|s| s.messages)))
        .collect();
    assert_eq!(
        got,
        [
            ("INBOX".to_string(), Some(3)),
            ("Sent".to_string(), Some(2))
        ]
    );
    let status = |messages, uid_next| FolderStatus {
        messages: Some(messages),
        uid_next: Some(uid_next),
        ..FolderStatus::default()
    };
    let ev = c.take_events();
    // The LIST of a folder "%" does not cover is an event as it comes;
    // the STATUS answers for folders not listed once the answer is
    // complete (a folder's STATUS may come before its LIST).
    assert_eq!(folder_lists(&ev[..1]), [("Work/Deep".to_string(), None)]);
    assert_eq!(
        ev[1..],
        [
            Event::FolderStatus {
                folder: "Work/Deep".into(),
                status: status(7, 8)
            },
            Event::FolderStatus {
                folder: "Other".into(),
                status: status(1, 2)
            },
        ]
    );
    assert_eq!(ev.len(), 3, "{ev:?}");
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

// --- find_special_folder: SPECIAL-USE attributes, then well-known names ---

/// Logged in (A1) to a server with `caps`; for each `(attr, want)` the
/// client looks the folder up with `find_special_folder` while the server
/// answers the `LIST "" "*"` it expects (A2, A3...) with `listing`; then
/// a NOOP. What was found, in order, is exactly the `want`s.
fn special_folders(caps: &str, listing: &str, asks: &[(&str, Option<&str>)]) {
    let mut steps = vec![
        send(format!("* OK [CAPABILITY {caps}] ready\r\n")),
        expect("A1 LOGIN "),
        send(format!("A1 OK [CAPABILITY {caps}] Logged in\r\n")),
    ];
    for i in 0..asks.len() {
        let tag = format!("A{}", i + 2);
        steps.push(expect(&format!("{tag} LIST \"\" \"*\"\r\n")));
        steps.push(send(format!("{listing}{tag} OK List completed\r\n")));
    }
    let tag = format!("A{}", asks.len() + 2);
    steps.push(expect(&format!("{tag} NOOP")));
    steps.push(send(format!("{tag} OK done\r\n")));
    let srv = FakeServer::start(steps);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    let found: Vec<(&str, Option<String>)> = asks
        .iter()
        .map(|&(attr, _)| (attr, c.find_special_folder(attr).expect(attr)))
        .collect();
    let want: Vec<(&str, Option<String>)> = asks
        .iter()
        .map(|&(attr, w)| (attr, w.map(String::from)))
        .collect();
    assert_eq!(found, want);
    c.noop().unwrap();
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// Exchange / Outlook names, no SPECIAL-USE and no attributes: each
/// special use found by its well-known English name; none for `\All` and
/// `\Flagged`, which this server has no folder for ("Outbox" and
/// "Calendar" are not taken for anything). Guards against the name
/// fallback of `find_special_folder` (header: "by SPECIAL-USE or by
/// well-known names") missing the most common names or matching loosely.
#[test]
fn special_folders_by_exchange_names() {
    special_folders(
        "IMAP4rev1 LITERAL+",
        "* LIST (\\HasNoChildren) \"/\" INBOX\r\n\
         * LIST (\\HasNoChildren) \"/\" \"Sent Items\"\r\n\
         * LIST (\\HasNoChildren) \"/\" \"Deleted Items\"\r\n\
         * LIST (\\HasNoChildren) \"/\" Drafts\r\n\
         * LIST (\\HasNoChildren) \"/\" \"Junk Email\"\r\n\
         * LIST (\\HasNoChildren) \"/\" Archive\r\n\
         * LIST (\\HasNoChildren) \"/\" Outbox\r\n\
         * LIST (\\HasChildren \\Noselect) \"/\" Calendar\r\n",
        &[
            ("\\Sent", Some("Sent Items")),
            ("\\Trash", Some("Deleted Items")),
            ("\\Drafts", Some("Drafts")),
            ("\\Junk", Some("Junk Email")),
            ("\\Archive", Some("Archive")),
            ("\\All", None),
            ("\\Flagged", None),
        ],
    );
}

/// The name fallback takes only folders that can hold mail: a
/// `\Noselect` "Sent" (a hierarchy level, here with the real folders
/// under it) loses to "Sent Items"; a `\NonExistent` "Drafts" (LIST-EXTENDED)
/// counts for nothing.
#[test]
fn special_folders_by_name_skip_folders_that_cannot_be_selected() {
    special_folders(
        "IMAP4rev1 LITERAL+",
        "* LIST (\\HasNoChildren) \"/\" INBOX\r\n\
         * LIST (\\HasChildren \\Noselect) \"/\" Sent\r\n\
         * LIST (\\HasNoChildren) \"/\" \"Sent/2025\"\r\n\
         * LIST (\\HasNoChildren) \"/\" \"Sent Items\"\r\n\
         * LIST (\\NonExistent \\HasChildren) \"/\" Drafts\r\n",
        &[("\\Sent", Some("Sent Items")), ("\\Drafts", None)],
    );
}

/// Gmail's `[Gmail]/...` names without attributes (as an old Gmail or a
/// proxy that strips them shows them): all seven special uses, `\All` and
/// `\Archive` both to All Mail, `\Trash` to the British "Bin".
#[test]
fn special_folders_by_gmail_names() {
    special_folders(
        "IMAP4rev1",
        "* LIST (\\HasNoChildren) \"/\" \"INBOX\"\r\n\
         * LIST (\\HasChildren \\Noselect) \"/\" \"[Gmail]\"\r\n\
         * LIST (\\HasNoChildren) \"/\" \"[Gmail]/All Mail\"\r\n\
         * LIST (\\HasNoChildren) \"/\" \"[Gmail]/Bin\"\r\n\
         * LIST (\\HasNoChildren) \"/\" \"[Gmail]/Drafts\"\r\n\
         * LIST (\\HasNoChildren) \"/\" \"[Gmail]/Sent Mail\"\r\n\
         * LIST (\\HasNoChildren) \"/\" \"[Gmail]/Spam\"\r\n\
         * LIST (\\HasNoChildren) \"/\" \"[Gmail]/Starred\"\r\n",
        &[
            ("\\Sent", Some("[Gmail]/Sent Mail")),
            ("\\Drafts", Some("[Gmail]/Drafts")),
            ("\\Trash", Some("[Gmail]/Bin")),
            ("\\Junk", Some("[Gmail]/Spam")),
            ("\\Archive", Some("[Gmail]/All Mail")),
            ("\\All", Some("[Gmail]/All Mail")),
            ("\\Flagged", Some("[Gmail]/Starred")),
        ],
    );
}

/// Courier / Cyrus style: everything below INBOX with "." as delimiter.
#[test]
fn special_folders_by_inbox_prefixed_names() {
    special_folders(
        "IMAP4rev1",
        "* LIST (\\HasChildren) \".\" INBOX\r\n\
         * LIST (\\HasNoChildren) \".\" INBOX.Sent\r\n\
         * LIST (\\HasNoChildren) \".\" INBOX.Drafts\r\n\
         * LIST (\\HasNoChildren) \".\" INBOX.Trash\r\n\
         * LIST (\\HasNoChildren) \".\" INBOX.Spam\r\n\
         * LIST (\\HasNoChildren) \".\" INBOX.Archive\r\n",
        &[
            ("\\Sent", Some("INBOX.Sent")),
            ("\\Drafts", Some("INBOX.Drafts")),
            ("\\Trash", Some("INBOX.Trash")),
            ("\\Junk", Some("INBOX.Spam")),
            ("\\Archive", Some("INBOX.Archive")),
        ],
    );
}

/// The same well-known names below INBOX, whatever the delimiter
/// (Apple Mail's and Outlook's names as a Cyrus or Courier server with the
/// INBOX. personal namespace holds them: seen on Cyrus 3.6,
/// tests/cyrus.rs), found after every name at the top level: a top-level
/// "Trash" beats "INBOX.Deleted Items".
#[test]
fn special_folders_by_well_known_names_below_inbox() {
    special_folders(
        "IMAP4rev1",
        "* LIST (\\HasChildren) \".\" INBOX\r\n\
         * LIST (\\HasNoChildren) \".\" \"INBOX.Sent Messages\"\r\n\
         * LIST (\\HasNoChildren) \".\" \"INBOX.Deleted Items\"\r\n\
         * LIST (\\HasNoChildren) \".\" \"INBOX.Junk E-mail\"\r\n\
         * LIST (\\HasNoChildren \\Noselect) \".\" INBOX.Archives\r\n\
         * LIST (\\HasNoChildren) \".\" INBOXDrafts\r\n\
         * LIST (\\HasNoChildren) \".\" INBOX.Sent.Drafts\r\n",
        &[
            ("\\Sent", Some("INBOX.Sent Messages")),
            ("\\Trash", Some("INBOX.Deleted Items")),
            ("\\Junk", Some("INBOX.Junk E-mail")),
            ("\\Archive", None),
            ("\\Drafts", None),
        ],
    );
    special_folders(
        "IMAP4rev1",
        "* LIST (\\HasChildren) \"/\" inbox\r\n\
         * LIST (\\HasNoChildren) \"/\" \"inbox/Deleted Items\"\r\n\
         * LIST (\\HasNoChildren) \"/\" Bin\r\n\
         * LIST (\\HasNoChildren) \"/\" \"INBOX/Sent Mail\"\r\n",
        &[
            ("\\Trash", Some("Bin")),
            ("\\Sent", Some("INBOX/Sent Mail")),
        ],
    );
}

/// Which name wins: the well-known list's order ("the first match wins"),
/// not the server's, and names and the attribute compare without regard to
/// ASCII case, the server's spelling being returned: with "INBOX.Sent"
/// listed before "sent items", `\Sent` (and `\sent`) is "sent items".
/// Localised names are not on the list: "Gesendete Objekte" and
/// "Gelöschte Elemente" (German Outlook) find nothing (the header promises
/// "well-known names" only; add them to the list and this changes).
#[test]
fn special_folder_names_rank_by_the_list_and_ignore_case() {
    special_folders(
        "IMAP4rev1",
        "* LIST (\\HasNoChildren) \"/\" INBOX\r\n\
         * LIST (\\HasNoChildren) \"/\" INBOX.Sent\r\n\
         * LIST (\\HasNoChildren) \"/\" \"sent items\"\r\n",
        &[
            ("\\Sent", Some("sent items")),
            ("\\sent", Some("sent items")),
        ],
    );
    special_folders(
        "IMAP4rev1",
        "* LIST (\\HasNoChildren) \"/\" INBOX\r\n\
         * LIST (\\HasNoChildren) \"/\" \"Gesendete Objekte\"\r\n\
         * LIST (\\HasNoChildren) \"/\" \"Gel&APY-schte Elemente\"\r\n",
        &[("\\Sent", None), ("\\Trash", None)],
    );
}

/// An attribute beats a name ("SPECIAL-USE attributes first"): a server
/// without the SPECIAL-USE capability that still marks "Outbox Copies"
/// `\Sent` in its LIST has that found, not its folder named "Sent".
#[test]
fn special_use_attribute_in_a_plain_list_beats_a_well_known_name() {
    special_folders(
        "IMAP4rev1",
        "* LIST (\\HasNoChildren) \"/\" Sent\r\n\
         * LIST (\\HasNoChildren \\Sent) \"/\" \"Outbox Copies\"\r\n",
        &[("\\Sent", Some("Outbox Copies")), ("\\Drafts", None)],
    );
}

/// With SPECIAL-USE: `LIST (SPECIAL-USE) "" "*"` first; the folder that
/// carries the attribute wins over a well-known name ("Sent Messages" over
/// "Sent"), with no second LIST. When none carries it, a full `LIST ""
/// "*"` follows and the names decide. Guards against the fallback being
/// skipped on servers that have SPECIAL-USE but leave a use unmarked.
#[test]
fn special_use_server_without_the_attribute_falls_back_to_names() {
    let caps = "IMAP4rev1 SPECIAL-USE";
    let srv = FakeServer::start(vec![
        send(format!("* OK [CAPABILITY {caps}] ready\r\n")),
        expect("A1 LOGIN "),
        send(format!("A1 OK [CAPABILITY {caps}] Logged in\r\n")),
        expect("A2 LIST (SPECIAL-USE) \"\" \"*\"\r\n"),
        send(
            "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Messages\"\r\n\
             * LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\r\n\
             A2 OK List completed\r\n",
        ),
        expect("A3 LIST (SPECIAL-USE) \"\" \"*\"\r\n"),
        send(
            "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Messages\"\r\n\
             * LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\r\n\
             A3 OK List completed\r\n",
        ),
        expect("A4 LIST \"\" \"*\"\r\n"),
        send(
            "* LIST (\\HasNoChildren) \"/\" INBOX\r\n\
             * LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Messages\"\r\n\
             * LIST (\\HasNoChildren) \"/\" Sent\r\n\
             * LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\r\n\
             * LIST (\\HasNoChildren) \"/\" Trash\r\n\
             A4 OK List completed\r\n",
        ),
        expect("A5 NOOP"),
        send("A5 OK done\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    assert_eq!(
        c.find_special_folder("\\Sent").unwrap().as_deref(),
        Some("Sent Messages")
    );
    assert_eq!(
        c.find_special_folder("\\Trash").unwrap().as_deref(),
        Some("Trash")
    );
    c.noop().unwrap();
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// Gmail's answer to `XLIST "" "*"` (German account): the localized
/// INBOX with `\Inbox`, a modified UTF-7 name, a quoted name with a
/// space, a literal name, Gmail's special-use attributes.
const GMAIL_XLIST: &str = "* XLIST (\\HasNoChildren \\Inbox) \"/\" \"Posteingang\"\r\n\
     * XLIST (\\HasNoChildren) \"/\" &AMk-l&AOk-ments\r\n\
     * XLIST (\\Noselect \\HasChildren) \"/\" \"[Gmail]\"\r\n\
     * XLIST (\\HasNoChildren \\AllMail) \"/\" \"[Gmail]/Alle Nachrichten\"\r\n\
     * XLIST (\\HasNoChildren \\Spam) \"/\" {12}\r\n[Gmail]/Spam\r\n\
     * XLIST (\\HasNoChildren \\Starred) \"/\" \"[Gmail]/Markiert\"\r\n\
     * XLIST (\\HasNoChildren \\Important) \"/\" \"[Gmail]/Wichtig\"\r\n\
     * XLIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Gesendet\"\r\n\
     * XLIST (\\HasNoChildren \\Drafts) \"/\" \"[Gmail]/Entw&APw-rfe\"\r\n\
     * XLIST (\\HasNoChildren \\Trash) \"/\" \"[Gmail]/Papierkorb\"\r\n";

/// A folder as (name, raw name, delimiter, attributes), to compare whole.
fn folder_parts(f: &imapclient::client::Folder) -> (&str, &str, Option<char>, Vec<&str>) {
    (
        f.name.as_str(),
        std::str::from_utf8(&f.raw_name).unwrap(),
        f.delimiter,
        f.flags.iter().map(String::as_str).collect(),
    )
}

/// XLIST as IMAPClient's `xlist_folders` sends it and as Gmail answers
/// it: every folder with its attributes, names decoded from modified
/// UTF-7 (and kept raw with `folder_encode` off), the pattern encoded; a
/// NO or a BAD fails the call only. Dovecot has no XLIST, hence the fake
/// (tests/client.rs checks the refusal on Dovecot).
#[test]
fn xlist_folders_as_gmail_answers_them() {
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 AUTH=PLAIN] Gimap ready\r\n"),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 UIDPLUS] u authenticated (Success)\r\n"),
        expect("A2 XLIST \"\" \"*\"\r\n"),
        send(format!("{GMAIL_XLIST}A2 OK Success\r\n")),
        expect("A3 XLIST \"\" \"&AMk-l*\"\r\n"),
        send("* XLIST (\\HasNoChildren) \"/\" &AMk-l&AOk-ments\r\nA3 OK Success\r\n"),
        expect("A4 XLIST \"[Gmail]/\" \"%\"\r\n"),
        send("* XLIST (\\HasNoChildren) \"/\" \"[Gmail]/Entw&APw-rfe\"\r\nA4 OK Success\r\n"),
        expect("A5 XLIST \"\" \"*\"\r\n"),
        send("A5 NO [UNAVAILABLE] XLIST is gone\r\n"),
        expect("A6 XLIST \"\" \"*\"\r\n"),
        send("A6 BAD Unknown command\r\n"),
        expect("A7 NOOP"),
        send("A7 OK Success\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    let all = c.xlist_folders("", "*").unwrap();
    let got: Vec<_> = all.iter().map(folder_parts).collect();
    let d = Some('/');
    assert_eq!(
        got,
        [
            (
                "Posteingang",
                "Posteingang",
                d,
                vec!["\\HasNoChildren", "\\Inbox"]
            ),
            ("Éléments", "&AMk-l&AOk-ments", d, vec!["\\HasNoChildren"]),
            ("[Gmail]", "[Gmail]", d, vec!["\\Noselect", "\\HasChildren"]),
            (
                "[Gmail]/Alle Nachrichten",
                "[Gmail]/Alle Nachrichten",
                d,
                vec!["\\HasNoChildren", "\\AllMail"]
            ),
            (
                "[Gmail]/Spam",
                "[Gmail]/Spam",
                d,
                vec!["\\HasNoChildren", "\\Spam"]
            ),
            (
                "[Gmail]/Markiert",
                "[Gmail]/Markiert",
                d,
                vec!["\\HasNoChildren", "\\Starred"]
            ),
            (
                "[Gmail]/Wichtig",
                "[Gmail]/Wichtig",
                d,
                vec!["\\HasNoChildren", "\\Important"]
            ),
            (
                "[Gmail]/Gesendet",
                "[Gmail]/Gesendet",
                d,
                vec!["\\HasNoChildren", "\\Sent"]
            ),
            (
                "[Gmail]/Entwürfe",
                "[Gmail]/Entw&APw-rfe",
                d,
                vec!["\\HasNoChildren", "\\Drafts"]
            ),
            (
                "[Gmail]/Papierkorb",
                "[Gmail]/Papierkorb",
                d,
                vec!["\\HasNoChildren", "\\Trash"]
            ),
        ]
    );
    assert!(all[0].has_flag("\\inbox") && all[0].is_selectable());
    assert!(!all[2].is_selectable());
    // The pattern goes in modified UTF-7 as LIST's does.
    let e = c.xlist_folders("", "Él*").unwrap();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].name, "Éléments");
    // With folder_encode off, names (and the reference) are raw.
    c.set_folder_encode(false);
    let raw = c.xlist_folders("[Gmail]/", "%").unwrap();
    assert_eq!(raw.len(), 1);
    assert_eq!(raw[0].name, "[Gmail]/Entw&APw-rfe");
    c.set_folder_encode(true);
    for (kind, text) in [
        (ErrorKind::No, "XLIST is gone"),
        (ErrorKind::Bad, "Unknown command"),
    ] {
        let e = c.xlist_folders("", "*").unwrap_err();
        assert_eq!(e.kind, kind, "{e}");
        assert!(!e.is_fatal(), "{e}");
        assert!(e.message.contains(text), "{e}");
    }
    c.noop().expect("the session goes on after NO and BAD");
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
    assert_eq!(t.lines[1], "A2 XLIST \"\" \"*\"\r\n");
}

/// Without the XLIST capability the call fails with CapabilityMissing,
/// not fatally, before anything is sent (the next command is A2); the
/// capability is read from what the server said last (an unsolicited
/// CAPABILITY here), and `mask_capability` hides it again.
#[test]
fn xlist_needs_the_capability() {
    let srv = FakeServer::start(vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 LITERAL+] Logged in\r\n"),
        expect("A2 NOOP"),
        send("* CAPABILITY IMAP4rev1 LITERAL+ XLIST\r\nA2 OK done\r\n"),
        expect("A3 XLIST \"\" \"%\"\r\n"),
        send("* XLIST (\\HasNoChildren \\Inbox) \"/\" INBOX\r\nA3 OK done\r\n"),
        expect("A4 NOOP"),
        send("A4 OK done\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    let e = c.xlist_folders("", "*").unwrap_err();
    assert_eq!(e.kind, ErrorKind::CapabilityMissing, "{e}");
    assert!(!e.is_fatal());
    assert!(e.message.contains("XLIST"), "{e}");
    c.noop().unwrap();
    let inbox = c.xlist_folders("", "%").unwrap();
    assert_eq!(
        inbox.iter().map(folder_parts).collect::<Vec<_>>(),
        [(
            "INBOX",
            "INBOX",
            Some('/'),
            vec!["\\HasNoChildren", "\\Inbox"]
        )]
    );
    c.mask_capability("XLIST");
    let e = c.xlist_folders("", "*").unwrap_err();
    assert_eq!(e.kind, ErrorKind::CapabilityMissing, "{e}");
    c.noop().unwrap();
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
    let xlists = t.text().matches("XLIST").count();
    assert_eq!(
        xlists,
        1,
        "only the XLIST with the capability: {}",
        t.text()
    );
}

/// `imapc_client_xlist` against the Gmail-like answer: the folders, their
/// decoded and raw names and attributes as the C getters give them; a
/// BAD is `IMAPC_ERR_BAD`, not fatal; without the capability (masked)
/// `IMAPC_ERR_CAPABILITY_MISSING`, nothing sent and `*folders_out` left
/// as it was.
#[test]
fn xlist_through_the_c_abi() {
    use imapclient::ffi::client::*;
    use imapclient::ffi::error::*;
    use imapclient::ffi::folder::*;
    use std::ffi::{CStr, CString};
    use std::ptr::null_mut;

    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 XLIST X-GM-EXT-1] Gimap ready\r\n"),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 XLIST X-GM-EXT-1 UIDPLUS] Logged in\r\n"),
        expect("A2 XLIST \"\" \"*\"\r\n"),
        send(format!("{GMAIL_XLIST}A2 OK Success\r\n")),
        expect("A3 XLIST \"\" \"*\"\r\n"),
        send("A3 BAD Unknown command\r\n"),
        expect("A4 NOOP"),
        send("A4 OK done\r\n"),
    ]);
    let s = |v: &str| CString::new(v).unwrap();
    let (all, pat) = (s(""), s("*"));
    // SAFETY: C ABI calls with valid strings and out-pointers; every
    // result is asserted; the list and errors are freed once.
    unsafe {
        let c = c_client(srv.port);
        let mut l = null_mut();
        assert_eq!(
            imapc_client_xlist(c, all.as_ptr(), pat.as_ptr(), &mut l, null_mut()),
            IMAPC_OK
        );
        assert_eq!(imapc_folder_list_count(l), 10);
        let folder = |i: usize| {
            let f = imapc_folder_list_get(l, i);
            let mut n = 0;
            let raw = imapc_folder_raw_name(f, &mut n);
            (
                CStr::from_ptr(imapc_folder_name(f)).to_str().unwrap(),
                std::str::from_utf8(std::slice::from_raw_parts(raw, n)).unwrap(),
                char::from_u32(imapc_folder_delimiter(f)).unwrap(),
            )
        };
        assert_eq!(folder(0), ("Posteingang", "Posteingang", '/'));
        assert_eq!(folder(1), ("Éléments", "&AMk-l&AOk-ments", '/'));
        assert_eq!(folder(4), ("[Gmail]/Spam", "[Gmail]/Spam", '/'));
        assert_eq!(folder(8), ("[Gmail]/Entwürfe", "[Gmail]/Entw&APw-rfe", '/'));
        let has = |i: usize, a: &str| {
            imapc_folder_has_attribute(imapc_folder_list_get(l, i), s(a).as_ptr())
        };
        assert!(has(0, "\\Inbox") && has(0, "\\HasNoChildren"));
        assert!(!has(1, "\\Inbox"));
        assert!(has(3, "\\AllMail") && has(5, "\\Starred") && has(6, "\\Important"));
        assert!(has(7, "\\Sent") && has(8, "\\Drafts") && has(9, "\\Trash"));
        imapc_folder_list_free(l);

        let mut l = null_mut();
        let mut e = null_mut();
        let rc = imapc_client_xlist(c, all.as_ptr(), pat.as_ptr(), &mut l, &mut e);
        assert_eq!(rc, IMAPC_ERR_BAD);
        assert!(l.is_null(), "no list on failure");
        assert!(!imapc_error_is_fatal(e));
        let msg = CStr::from_ptr(imapc_error_message(e)).to_str().unwrap();
        assert!(msg.contains("Unknown command"), "{msg}");
        imapc_error_free(e);
        assert_eq!(imapc_client_noop(c, null_mut()), IMAPC_OK);

        let xlist = s("XLIST");
        assert_eq!(
            imapc_client_mask_capability(c, xlist.as_ptr(), null_mut()),
            IMAPC_OK
        );
        let sentinel = std::ptr::NonNull::<imapc_folder_list>::dangling().as_ptr();
        let mut l = sentinel;
        let mut e = null_mut();
        let rc = imapc_client_xlist(c, all.as_ptr(), pat.as_ptr(), &mut l, &mut e);
        assert_eq!(rc, IMAPC_ERR_CAPABILITY_MISSING);
        assert_eq!(l, sentinel, "*folders_out untouched on failure");
        assert!(!imapc_error_is_fatal(e));
        imapc_error_free(e);
        imapc_client_free(c);
    }
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
    assert_eq!(t.text().matches("XLIST").count(), 2, "{}", t.text());
}

/// Cyrus's SELECT answer, as tests/cyrus.rs meets it: RFC 8474's
/// `[MAILBOXID (id)]` becomes `MailboxState::mailbox_id` (C:
/// `imapc_mailbox_state_mailbox_id`), other codes describing the folder
/// (URLMECH, ANNOTATIONS) are part of the answer and not queued as
/// events, while an ALERT still is. A malformed MAILBOXID is no id. The
/// C state gives the same id, and NULL where the server sent none.
#[test]
fn select_keeps_the_mailbox_id_and_no_folder_codes_as_events() {
    const CYRUS_SELECT: &str = "* 2 EXISTS\r\n* 0 RECENT\r\n\
        * FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen)\r\n\
        * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen \\*)] Ok\r\n\
        * OK [UIDVALIDITY 1764256405] Ok\r\n* OK [UIDNEXT 3] Ok\r\n\
        * OK [HIGHESTMODSEQ 6] Ok\r\n* OK [URLMECH INTERNAL] Ok\r\n\
        * OK [ANNOTATIONS 65536] Ok\r\n\
        * OK [MAILBOXID (b6d9e4d1-3c7a-4d2e-9e3f-d1a2b3c4d5e6)] Ok\r\n\
        * OK [ALERT] Quota nearly full\r\n";
    let srv = FakeServer::start(vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 OBJECTID] Logged in\r\n"),
        expect("A2 SELECT INBOX"),
        send(format!("{CYRUS_SELECT}A2 OK [READ-WRITE] Completed\r\n")),
        expect("A3 SELECT Other"),
        send("* 0 EXISTS\r\n* OK [MAILBOXID broken] Ok\r\nA3 OK [READ-WRITE] Completed\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    let st = c.select_folder("INBOX").unwrap();
    assert_eq!(
        st.mailbox_id.as_deref(),
        Some("b6d9e4d1-3c7a-4d2e-9e3f-d1a2b3c4d5e6")
    );
    assert_eq!(
        (st.exists, st.uid_next, st.highest_modseq),
        (2, Some(3), Some(6))
    );
    let ev = c.take_events();
    assert_eq!(ev.len(), 1, "only the ALERT is news: {ev:?}");
    assert!(
        matches!(&ev[0], Event::Alert(t) if t == "Quota nearly full"),
        "{ev:?}"
    );
    let st = c.select_folder("Other").unwrap();
    assert_eq!(st.mailbox_id, None, "a malformed MAILBOXID is no id");
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);

    // The C state.
    let srv = FakeServer::start(vec![
        send(fake::GREETING),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1 OBJECTID] Logged in\r\n"),
        expect("A2 SELECT INBOX"),
        send(format!("{CYRUS_SELECT}A2 OK [READ-WRITE] Completed\r\n")),
        expect("A3 EXAMINE INBOX"),
        send("* 2 EXISTS\r\nA3 OK [READ-ONLY] Completed\r\n"),
    ]);
    use imapclient::ffi::client::*;
    use imapclient::ffi::error::IMAPC_OK;
    use imapclient::ffi::folder::*;
    use std::ffi::{CStr, CString};
    use std::ptr::null_mut;
    let inbox = CString::new("INBOX").unwrap();
    // SAFETY: C ABI calls with valid strings and out-pointers; every
    // result is asserted; each state is freed once.
    unsafe {
        let c = c_client(srv.port);
        let mut st = null_mut();
        assert_eq!(
            imapc_client_select(c, inbox.as_ptr(), &mut st, null_mut()),
            IMAPC_OK
        );
        let id = imapc_mailbox_state_mailbox_id(st);
        assert!(!id.is_null());
        assert_eq!(
            CStr::from_ptr(id).to_str().unwrap(),
            "b6d9e4d1-3c7a-4d2e-9e3f-d1a2b3c4d5e6"
        );
        imapc_mailbox_state_free(st);
        let mut st = null_mut();
        assert_eq!(
            imapc_client_examine(c, inbox.as_ptr(), &mut st, null_mut()),
            IMAPC_OK
        );
        assert!(imapc_mailbox_state_mailbox_id(st).is_null());
        imapc_mailbox_state_free(st);
        assert!(imapc_mailbox_state_mailbox_id(std::ptr::null()).is_null());
        imapc_client_free(c);
    }
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// CREATE's OK carries the new folder's MAILBOXID on servers with OBJECTID
/// (RFC 8474 section 4.1): `create_folder_with_id` returns it (C:
/// `imapc_client_create_folder_with_id`), `None` (NULL) when the OK has
/// none or one that is not an object id; the folder name goes out in
/// modified UTF-7 as with `create_folder`.
#[test]
fn create_returns_the_mailbox_id_of_the_ok() {
    let srv = FakeServer::start(fake::login_with(
        "IMAP4rev1 OBJECTID",
        vec![
            expect("A2 CREATE Entw&APw-rfe\r\n"),
            send("A2 OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Completed\r\n"),
            expect("A3 CREATE Plain\r\n"),
            send("A3 OK Completed\r\n"),
            expect("A4 CREATE Odd\r\n"),
            send("A4 OK [MAILBOXID (not.an/id)] Completed\r\n"),
            expect("A5 CREATE Taken\r\n"),
            send("A5 NO [ALREADYEXISTS] Mailbox already exists\r\n"),
        ],
    ));
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    assert_eq!(
        c.create_folder_with_id("Entwürfe").unwrap().as_deref(),
        Some("F2212ea87-6097-4256-9d51-71338625")
    );
    assert_eq!(c.create_folder_with_id("Plain").unwrap(), None);
    assert_eq!(c.create_folder_with_id("Odd").unwrap(), None);
    let e = c.create_folder_with_id("Taken").unwrap_err();
    assert_eq!(e.response_code.as_deref(), Some("ALREADYEXISTS"), "{e}");
    assert!(c.take_events().is_empty());
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);

    // The C call: the same id, and NULL where the server sent none.
    let srv = FakeServer::start(fake::login_with(
        "IMAP4rev1 OBJECTID",
        vec![
            expect("A2 CREATE Entw&APw-rfe\r\n"),
            send("A2 OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Completed\r\n"),
            expect("A3 CREATE Plain\r\n"),
            send("A3 OK Completed\r\n"),
        ],
    ));
    use imapclient::ffi::client::*;
    use imapclient::ffi::error::IMAPC_OK;
    use std::ffi::{CStr, CString};
    use std::ptr::null_mut;
    let name = CString::new("Entwürfe").unwrap();
    let plain = CString::new("Plain").unwrap();
    // SAFETY: C ABI calls with valid strings and out-pointers; the id is
    // freed once.
    unsafe {
        let c = c_client(srv.port);
        let mut id = null_mut();
        assert_eq!(
            imapc_client_create_folder_with_id(c, name.as_ptr(), &mut id, null_mut()),
            IMAPC_OK
        );
        assert!(!id.is_null());
        assert_eq!(
            CStr::from_ptr(id).to_str().unwrap(),
            "F2212ea87-6097-4256-9d51-71338625"
        );
        imapc_string_free(id);
        let mut id = c"stale".as_ptr().cast_mut();
        assert_eq!(
            imapc_client_create_folder_with_id(c, plain.as_ptr(), &mut id, null_mut()),
            IMAPC_OK
        );
        assert!(id.is_null(), "no id: NULL, not what was there");
        imapc_client_free(c);
    }
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// CREATE-SPECIAL-USE (RFC 6154 section 3): `CREATE name (USE (...))`
/// with the uses given, the MAILBOXID of the OK returned; refused before
/// anything is sent without the capability, without a use, or with a use
/// that is not `\` and an atom (a space or a parenthesis would change the
/// command); NO [USEATTR] fails the call only. The C call sends the same
/// and takes a NULL id pointer.
#[test]
fn create_with_special_use() {
    use imapclient::client::ErrorKind;
    let srv = FakeServer::start(fake::login_with(
        "IMAP4rev1",
        vec![
            expect("A2 CAPABILITY\r\n"),
            send("* CAPABILITY IMAP4rev1 CREATE-SPECIAL-USE SPECIAL-USE\r\nA2 OK done\r\n"),
            expect("A3 CREATE \"Gesendete Elemente\" (USE (\\Sent))\r\n"),
            send("A3 OK [MAILBOXID (F1-a_b)] Completed\r\n"),
            expect("A4 CREATE M&APw-ll (USE (\\Junk \\Trash))\r\n"),
            send("A4 OK Completed\r\n"),
            expect("A5 CREATE Again (USE (\\Sent))\r\n"),
            send("A5 NO [USEATTR] SPECIAL-USE flag conflict\r\n"),
            expect("A6 NOOP\r\n"),
            send("A6 OK done\r\n"),
        ],
    ));
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    let e = c
        .create_folder_special_use("Sent", &["\\Sent"])
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::CapabilityMissing, "{e}");
    c.refresh_capabilities().unwrap();
    for (uses, why) in [
        (&[][..], "no use"),
        (&["Sent"][..], "no backslash"),
        (&["\\Sent \\Trash"][..], "a space"),
        (&["\\Sent)"][..], "a parenthesis"),
        (&["\\"][..], "no atom"),
        (&["\\Sent", "\\Tr\r\nA9 DELETE INBOX"][..], "a line break"),
    ] {
        let e = c.create_folder_special_use("X", uses).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{why}: {e}");
    }
    assert_eq!(
        c.create_folder_special_use("Gesendete Elemente", &["\\Sent"])
            .unwrap()
            .as_deref(),
        Some("F1-a_b")
    );
    assert_eq!(
        c.create_folder_special_use("Müll", &["\\Junk", "\\Trash"])
            .unwrap(),
        None
    );
    let e = c
        .create_folder_special_use("Again", &["\\Sent"])
        .unwrap_err();
    assert_eq!(
        (e.kind, e.response_code.as_deref()),
        (ErrorKind::No, Some("USEATTR")),
        "{e}"
    );
    c.noop().unwrap();
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);

    // The C call.
    let srv = FakeServer::start(fake::login_with(
        "IMAP4rev1 CREATE-SPECIAL-USE",
        vec![
            expect("A2 CREATE Drafts (USE (\\Drafts))\r\n"),
            send("A2 OK [MAILBOXID (F2)] Completed\r\n"),
            expect("A3 CREATE Archive (USE (\\Archive))\r\n"),
            send("A3 OK [MAILBOXID (F3)] Completed\r\n"),
        ],
    ));
    use imapclient::ffi::client::*;
    use imapclient::ffi::error::*;
    use std::ffi::{CStr, CString};
    use std::ptr::null_mut;
    let drafts = CString::new("Drafts").unwrap();
    let archive = CString::new("Archive").unwrap();
    let u_drafts = CString::new("\\Drafts").unwrap();
    let u_archive = CString::new("\\Archive").unwrap();
    let bad = CString::new("Drafts").unwrap();
    // SAFETY: C ABI calls with valid strings, arrays and out-pointers; the
    // id is freed once.
    unsafe {
        let c = c_client(srv.port);
        let mut id = null_mut();
        let uses = [bad.as_ptr()];
        assert_eq!(
            imapc_client_create_folder_special_use(
                c,
                drafts.as_ptr(),
                uses.as_ptr(),
                1,
                &mut id,
                null_mut()
            ),
            IMAPC_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            imapc_client_create_folder_special_use(
                c,
                drafts.as_ptr(),
                std::ptr::null(),
                1,
                &mut id,
                null_mut()
            ),
            IMAPC_ERR_NULL_POINTER
        );
        let uses = [u_drafts.as_ptr()];
        assert_eq!(
            imapc_client_create_folder_special_use(
                c,
                drafts.as_ptr(),
                uses.as_ptr(),
                1,
                &mut id,
                null_mut()
            ),
            IMAPC_OK
        );
        assert_eq!(CStr::from_ptr(id).to_str().unwrap(), "F2");
        imapc_string_free(id);
        let uses = [u_archive.as_ptr()];
        assert_eq!(
            imapc_client_create_folder_special_use(
                c,
                archive.as_ptr(),
                uses.as_ptr(),
                1,
                null_mut(),
                null_mut()
            ),
            IMAPC_OK
        );
        imapc_client_free(c);
    }
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}

/// APPENDLIMIT (RFC 7889): with `APPENDLIMIT=n` announced, APPEND and
/// MULTIAPPEND refuse a larger message before sending anything (an
/// InvalidArgument with the code TOOBIG, not fatal); a message of exactly
/// n bytes goes. `APPENDLIMIT` without a value (per-folder limits) or a
/// masked capability sets no limit. The C getter and append agree.
#[test]
fn append_limit_refuses_a_larger_message_before_sending() {
    use imapclient::client::{AppendMessage, ErrorKind};
    const TWENTY: &[u8] = b"0123456789abcdefghij";
    const TWENTY_ONE: &[u8] = b"0123456789abcdefghijk";
    let srv = FakeServer::start(fake::login_with(
        "IMAP4rev1 MULTIAPPEND APPENDLIMIT=20",
        vec![
            expect("A2 APPEND INBOX {20}\r\n"),
            send("+ go\r\n"),
            expect("0123456789abcdefghij\r\n"),
            send("A2 OK [APPENDUID 7 1] Done\r\n"),
            expect("A3 NOOP\r\n"),
            send("* CAPABILITY IMAP4rev1 APPENDLIMIT\r\nA3 OK done\r\n"),
            expect("A4 APPEND INBOX {21}\r\n"),
            send("+ go\r\n"),
            expect("0123456789abcdefghijk\r\n"),
            send("A4 NO [TOOBIG] Too big for this folder\r\n"),
        ],
    ));
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    assert_eq!(c.append_limit(), Some(20));
    let e = c.append("INBOX", TWENTY_ONE, &[], None).unwrap_err();
    assert_eq!(
        (e.kind, e.response_code.as_deref(), e.is_fatal()),
        (ErrorKind::InvalidArgument, Some("TOOBIG"), false),
        "{e}"
    );
    assert!(
        e.message.contains("21 bytes") && e.message.contains("20 bytes"),
        "{e}"
    );
    let msgs = [
        AppendMessage {
            data: b"small",
            flags: &[],
            date: None,
        },
        AppendMessage {
            data: TWENTY_ONE,
            flags: &[],
            date: None,
        },
    ];
    let e = c.multiappend("INBOX", &msgs).unwrap_err();
    assert_eq!(e.response_code.as_deref(), Some("TOOBIG"), "{e}");
    assert!(e.message.contains("message 2 "), "{e}");
    assert_eq!(c.append("INBOX", TWENTY, &[], None).unwrap().uids, [1]);
    // Per-folder limits only: the server decides.
    c.noop().unwrap();
    assert_eq!(c.append_limit(), None);
    let e = c.append("INBOX", TWENTY_ONE, &[], None).unwrap_err();
    assert_eq!(
        (e.kind, e.response_code.as_deref()),
        (ErrorKind::No, Some("TOOBIG")),
        "{e}"
    );
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);

    // Masked: no limit of the client's.
    let srv = FakeServer::start(fake::login_with(
        "IMAP4rev1 APPENDLIMIT=20",
        vec![
            expect("A2 APPEND INBOX {21}\r\n"),
            send("+ go\r\n"),
            expect("0123456789abcdefghijk\r\n"),
            send("A2 OK Done\r\n"),
        ],
    ));
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    c.mask_capability("appendlimit");
    assert_eq!(c.append_limit(), None);
    c.append("INBOX", TWENTY_ONE, &[], None).unwrap();
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);

    // The C getter and append.
    let srv = FakeServer::start(fake::login_with(
        "IMAP4rev1 APPENDLIMIT=20",
        vec![expect("A2 NOOP\r\n"), send("A2 OK done\r\n")],
    ));
    use imapclient::ffi::client::*;
    use imapclient::ffi::error::*;
    use std::ffi::{CStr, CString};
    use std::ptr::null_mut;
    let inbox = CString::new("INBOX").unwrap();
    // SAFETY: C ABI calls with valid strings, buffers and out-pointers;
    // the error is freed once.
    unsafe {
        let c = c_client(srv.port);
        let mut limit = 0u64;
        assert!(imapc_client_append_limit(c, &mut limit));
        assert_eq!(limit, 20);
        assert!(!imapc_client_append_limit(c, null_mut()));
        let mut err = null_mut();
        assert_eq!(
            imapc_client_append(
                c,
                inbox.as_ptr(),
                TWENTY_ONE.as_ptr(),
                TWENTY_ONE.len(),
                std::ptr::null(),
                std::ptr::null(),
                0,
                null_mut(),
                &mut err
            ),
            IMAPC_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            CStr::from_ptr(imapc_error_response_code(err))
                .to_str()
                .unwrap(),
            "TOOBIG"
        );
        assert!(!imapc_error_is_fatal(err));
        imapc_error_free(err);
        assert_eq!(imapc_client_noop(c, null_mut()), IMAPC_OK);
        imapc_client_free(c);
    }
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
}
