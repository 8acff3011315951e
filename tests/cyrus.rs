//! Interoperability: the client's main operations against a real Cyrus
//! IMAP server (the private instance of scripts/cyrus-server.sh, which
//! `make test` starts beside the Dovecot of the other tests).
//!
//! Runs when `CYRUS_PORT` is set (with `CYRUS_HOST`, `CYRUS_USER`,
//! `CYRUS_PASSWORD`, `CYRUS_USER2`, `CYRUS_ADMIN`, `CYRUS_ADMIN_PASSWORD`,
//! `CYRUS_TLS_PORT`, `CYRUS_CAFILE`, `CYRUS_ALT_PORT`); without it every
//! test passes at once with a note, as the TLS and upstream-namespace
//! tests do without their variables, unless `IMAPC_REQUIRE_SERVERS=1`
//! (set by `make test`), which makes a missing variable a failure. By hand:
//! `scripts/cyrus-server.sh run -- cargo test --release --test cyrus`.
//!
//! The instance keeps Debian's namespace settings: the user's folders are
//! `INBOX.<name>`, the separator is `.`, other users' are `user.<name>`.
//! Tests ask NAMESPACE for the prefix, as a client must, and work in
//! folders of their own (the user's INBOX is shared by all of them).
//! `CYRUS_ALT_PORT` shows the same mailboxes with upstream Cyrus 3's
//! namespace (top level, `/`); `CYRUS_TLS_PORT` is implicit TLS with a
//! certificate from `CYRUS_CAFILE`, and the plaintext port offers STARTTLS.

mod common;

use std::time::{Duration, Instant};

use imapclient::client::{
    AppendMessage, Client, ConnectOptions, ErrorKind, Event, FetchOptions, MetadataOptions,
    SearchKey, Security, StoreAction, StoreOptions, TlsConfigBuilder,
};
use imapclient::proto::dates::Date;

struct Cyrus {
    host: String,
    port: u16,
    /// Implicit TLS, with the CA that signs its certificate; the TLS tests
    /// skip without them.
    tls: Option<(u16, String)>,
    /// The upstream-namespace port; its test skips without it.
    alt_port: Option<u16>,
    user: String,
    password: String,
    user2: String,
    admin: String,
    admin_password: String,
}

/// A test skipped for want of `what` (with a note), or failed when
/// `IMAPC_REQUIRE_SERVERS=1` (`make test` sets it: there a missing
/// variable is a broken set-up, not a reason to pass).
fn skip(what: &str) {
    let required = std::env::var("IMAPC_REQUIRE_SERVERS").is_ok_and(|v| v == "1");
    assert!(!required, "{what} is not set, and IMAPC_REQUIRE_SERVERS=1");
    eprintln!(
        "skipped: {what} is not set (run under `make test` or \
         `scripts/cyrus-server.sh run -- cargo test --test cyrus`)"
    );
}

/// The Cyrus from the environment, or `None` (see [`skip`]) when
/// `CYRUS_PORT` is not set.
fn cyrus() -> Option<Cyrus> {
    let Ok(port) = std::env::var("CYRUS_PORT") else {
        skip("CYRUS_PORT");
        return None;
    };
    let var = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_owned());
    let port_of = |k: &str, v: &str| -> u16 {
        v.parse()
            .unwrap_or_else(|_| panic!("{k}={v:?} is not a port"))
    };
    Some(Cyrus {
        host: var("CYRUS_HOST", "127.0.0.1"),
        port: port_of("CYRUS_PORT", &port),
        tls: std::env::var("CYRUS_TLS_PORT")
            .ok()
            .zip(std::env::var("CYRUS_CAFILE").ok())
            .map(|(p, ca)| (port_of("CYRUS_TLS_PORT", &p), ca)),
        alt_port: std::env::var("CYRUS_ALT_PORT")
            .ok()
            .map(|p| port_of("CYRUS_ALT_PORT", &p)),
        user: var("CYRUS_USER", "test"),
        password: var("CYRUS_PASSWORD", "pass"),
        user2: var("CYRUS_USER2", "test2"),
        admin: var("CYRUS_ADMIN", "admin"),
        admin_password: var("CYRUS_ADMIN_PASSWORD", "pass"),
    })
}

/// `let srv = need_cyrus!();` returns from the test when there is none.
macro_rules! need_cyrus {
    () => {
        match cyrus() {
            Some(s) => s,
            None => return,
        }
    };
}

fn connect(srv: &Cyrus) -> Client {
    let mut o = ConnectOptions::new(srv.host.clone(), Security::Plain).port(srv.port);
    o.io_timeout = Some(Duration::from_secs(20));
    Client::connect(&o).expect("connect to Cyrus")
}

fn login(srv: &Cyrus) -> Client {
    let mut c = connect(srv);
    c.login(&srv.user, &srv.password).expect("login");
    c
}

/// A new folder of the user's, named `INBOX.<tag>-<unique>` (the personal
/// namespace's prefix, as NAMESPACE says), created.
fn new_folder(c: &mut Client, tag: &str) -> String {
    let name = format!("{}{}", personal_prefix(c), common::unique_folder(tag));
    c.create_folder(&name)
        .unwrap_or_else(|e| panic!("CREATE {name}: {e}"));
    name
}

fn personal_prefix(c: &mut Client) -> String {
    let ns = c.namespace().expect("NAMESPACE");
    ns.personal.first().expect("a personal namespace").0.clone()
}

/// The test message: multipart/mixed with a quoted-printable UTF-8 text
/// part and a base64 attachment, RFC 2047 subject and display name.
const MIME: &[u8] = b"Date: Tue, 14 May 2024 09:30:00 +0200\r\n\
From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.org>\r\n\
To: Anna <anna@example.com>, bob@example.net\r\n\
Cc: \"Team, Ops\" <ops@example.com>\r\n\
Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgWsO8cmljaCDimJU=?=\r\n\
Message-ID: <mime-1@example.org>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"=-b0undary-=\"\r\n\
\r\n\
This is a multi-part message in MIME format.\r\n\
--=-b0undary-=\r\n\
Content-Type: text/plain; charset=utf-8; format=flowed\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Gr=C3=BC=C3=9Fe aus Z=C3=BCrich, die Rechnung liegt bei.\r\n\
\r\n\
--=-b0undary-=\r\n\
Content-Type: application/octet-stream; name=\"daten.bin\"\r\n\
Content-Transfer-Encoding: base64\r\n\
Content-Disposition: attachment; filename=\"daten.bin\"\r\n\
\r\n\
AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\r\n\
--=-b0undary-=--\r\n";

/// A small message with this subject (ASCII) and Message-ID / References.
fn simple(subject: &str, id: &str, refs: Option<&str>) -> Vec<u8> {
    let mut m = format!(
        "From: sender@example.org\r\nTo: test@example.org\r\nSubject: {subject}\r\n\
         Message-ID: <{id}@example.org>\r\n"
    );
    if let Some(r) = refs {
        m.push_str(&format!(
            "References: <{r}@example.org>\r\nIn-Reply-To: <{r}@example.org>\r\n"
        ));
    }
    m.push_str("\r\nbody of ");
    m.push_str(subject);
    m.push_str("\r\n");
    m.into_bytes()
}

fn lower(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_ascii_lowercase()
}

#[test]
fn greeting_capabilities_login_and_logout() {
    let srv = need_cyrus!();
    let mut c = connect(&srv);
    assert!(!c.is_tls());
    assert!(c.greeting().contains("Cyrus IMAP"), "{}", c.greeting());
    assert!(c.has_capability("IMAP4rev1"), "{:?}", c.capabilities());
    assert!(c.has_capability("AUTH=PLAIN"), "{:?}", c.capabilities());
    // A wrong password: the server's NO, and the session stays usable.
    let e = c.login(&srv.user, "wrong").unwrap_err();
    assert_eq!(e.kind, ErrorKind::AuthFailed, "{e}");
    c.login(&srv.user, &srv.password).unwrap();
    // Capabilities re-read after login: the post-login ones are there.
    for cap in [
        "UIDPLUS",
        "MOVE",
        "IDLE",
        "NAMESPACE",
        "MULTIAPPEND",
        "SORT",
        "THREAD=REFERENCES",
        "QUOTA",
        "ACL",
        "METADATA",
        "CONDSTORE",
        "ESEARCH",
        "LIST-STATUS",
    ] {
        assert!(c.has_capability(cap), "{cap}: {:?}", c.capabilities());
    }
    // RFC 7889: Cyrus announces APPENDLIMIT=4294967295 (no limit of its
    // maxmessagesize setting).
    assert_eq!(c.append_limit(), Some(u64::from(u32::MAX)));
    c.noop().unwrap();
    c.logout().unwrap();
    assert_eq!(c.noop().unwrap_err().kind, ErrorKind::IllegalState);
}

#[test]
fn authenticate_plain() {
    use imapclient::client::Sasl;
    let srv = need_cyrus!();
    let mut c = connect(&srv);
    c.authenticate(&Sasl::Plain {
        authzid: None,
        user: &srv.user,
        password: &srv.password,
    })
    .unwrap();
    assert_eq!(c.list_folders("", "INBOX").unwrap().len(), 1);
}

#[test]
fn namespace_is_inbox_dot() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let ns = c.namespace().unwrap();
    assert_eq!(ns.personal, vec![("INBOX.".to_string(), Some('.'))]);
    assert_eq!(ns.other, vec![("user.".to_string(), Some('.'))]);
    assert_eq!(ns.shared, vec![(String::new(), Some('.'))]);
}

#[test]
fn non_ascii_folder_create_list_rename_delete() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let base = format!(
        "{}{}",
        personal_prefix(&mut c),
        common::unique_folder("uni")
    );
    let name = format!("{base}-Ärger & Öl 📬");
    let renamed = format!("{base}-日本語.台北");
    c.create_folder(&name).unwrap();
    assert!(c.folder_exists(&name).unwrap());
    let got = c.list_folders("", &name).unwrap();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].name, name);
    assert_eq!(got[0].delimiter, Some('.'));
    let raw = String::from_utf8(got[0].raw_name.clone()).unwrap();
    assert!(raw.is_ascii() && raw.contains("&-"), "{raw}");
    assert!(raw.contains("&AMQ-rger"), "{raw}");
    // Everything below the prefix with a wildcard, decoded.
    let all = c.list_folders("", &format!("{base}*")).unwrap();
    assert!(all.iter().any(|f| f.name == name), "{all:?}");

    // RENAME into a new hierarchy: Cyrus creates the parent level too.
    c.rename_folder(&name, &renamed).unwrap();
    assert!(!c.folder_exists(&name).unwrap());
    assert!(c.folder_exists(&renamed).unwrap());
    let under = c.list_folders("", &format!("{base}-日本語.%")).unwrap();
    assert_eq!(
        under.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        [renamed.as_str()]
    );
    c.subscribe_folder(&renamed).unwrap();
    assert!(c
        .list_subscribed("", &renamed)
        .unwrap()
        .iter()
        .any(|f| f.name == renamed));
    c.unsubscribe_folder(&renamed).unwrap();
    c.delete_folder(&renamed).unwrap();
    assert!(!c.folder_exists(&renamed).unwrap());
    let e = c.delete_folder(&renamed).unwrap_err();
    assert_eq!(e.kind, ErrorKind::No, "{e}");
    // The level RENAME made is a folder of its own (not \Noselect).
    let parent = format!("{base}-日本語");
    let p = c.list_folders("", &parent).unwrap();
    assert!(p.len() == 1 && p[0].is_selectable(), "{p:?}");
    c.delete_folder(&parent).unwrap();
    // A folder outside the personal namespace is the server's NO.
    let e = c
        .create_folder(&common::unique_folder("top-level"))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::No, "{e}");
}

#[test]
fn select_examine_and_status() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let name = new_folder(&mut c, "select");
    let empty = c.select_folder(&name).unwrap();
    assert_eq!((empty.exists, empty.uid_next), (0, Some(1)));
    for i in 0..3 {
        let flags: &[&str] = if i == 0 { &["\\Seen"] } else { &[] };
        c.append(
            &name,
            &simple(&format!("m{i}"), &format!("sel{i}"), None),
            flags,
            None,
        )
        .unwrap();
    }
    let st = c.folder_status(&name).unwrap();
    assert_eq!(st.messages, Some(3));
    assert_eq!(st.uid_next, Some(4));
    assert_eq!(st.unseen, Some(2));
    assert_eq!(st.uid_validity, empty.uid_validity);
    let sel = c.select_folder(&name).unwrap();
    assert_eq!(sel.exists, 3);
    assert!(!sel.read_only);
    assert_eq!(sel.uid_next, Some(4));
    assert!(sel.uid_validity.is_some_and(|v| v > 0));
    assert_eq!(sel.uid_validity, st.uid_validity);
    assert_eq!(sel.unseen, Some(2), "first unseen message");
    for f in ["\\Answered", "\\Flagged", "\\Draft", "\\Deleted", "\\Seen"] {
        assert!(sel.flags.iter().any(|x| x == f), "{f}: {:?}", sel.flags);
        assert!(
            sel.permanent_flags.iter().any(|x| x == f),
            "{f}: {:?}",
            sel.permanent_flags
        );
    }
    assert!(
        sel.permanent_flags.iter().any(|f| f == "\\*"),
        "{:?}",
        sel.permanent_flags
    );
    assert!(
        sel.highest_modseq.is_some(),
        "Cyrus sends HIGHESTMODSEQ always"
    );
    let ex = c.examine_folder(&name).unwrap();
    assert!(ex.read_only);
    assert_eq!(ex.exists, 3);
    let cs = c.select_folder_condstore(&name, false).unwrap();
    assert!(cs.highest_modseq.is_some_and(|m| m > 0));
    assert_eq!(c.selected().unwrap().exists, 3);
    c.unselect_folder().unwrap();
    assert!(c.selected().is_none());
    c.delete_folder(&name).unwrap();
}

#[test]
fn append_and_fetch_a_mime_message() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let name = new_folder(&mut c, "mime");
    let date =
        imapclient::proto::dates::parse_internal_date(b"14-May-2024 09:31:07 +0200").unwrap();
    let r = c
        .append(&name, MIME, &["\\Flagged", "$Label1"], Some(date))
        .unwrap();
    let sel = c.select_folder(&name).unwrap();
    assert_eq!(r.uid_validity, sel.uid_validity, "APPENDUID");
    assert_eq!(r.uids, vec![1]);
    let msgs = c
        .fetch(
            1,
            &[
                "FLAGS",
                "ENVELOPE",
                "RFC822.SIZE",
                "INTERNALDATE",
                "BODYSTRUCTURE",
                "BODY.PEEK[]",
            ],
        )
        .unwrap();
    assert_eq!(msgs.len(), 1);
    let m = msgs.get(1).unwrap();
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.uid, Some(1));
    assert!(
        m.has_flag("\\Flagged") && m.has_flag("$Label1"),
        "{:?}",
        m.flags
    );
    assert!(!m.has_flag("\\Seen"), "BODY.PEEK sets no \\Seen");
    assert_eq!(m.size, Some(MIME.len() as u64));
    // The moment given to APPEND; Cyrus keeps a timestamp only and
    // answers in its own zone (Dovecot keeps the +0200).
    let d = m.internal_date.as_ref().unwrap();
    assert_eq!(d.unix_timestamp(), date.unix_timestamp());
    assert_eq!(m.section("BODY[]"), Some(MIME), "the bytes appended");

    let env = m.envelope.as_ref().unwrap();
    assert_eq!(env.subject.as_deref(), Some("Grüße aus Zürich ☕"));
    assert!(env.subject_raw.as_ref().unwrap().starts_with(b"=?UTF-8?B?"));
    assert_eq!(env.message_id.as_deref(), Some("<mime-1@example.org>"));
    assert_eq!(
        env.date.as_ref().map(|d| d.unix_timestamp()),
        Some(1_715_671_800)
    );
    assert_eq!(env.from.len(), 1);
    assert_eq!(env.from[0].name.as_deref(), Some("Jörg Müller"));
    assert_eq!(env.from[0].email(), "joerg@example.org");
    // Sender and Reply-To default to From (RFC 3501 7.4.2).
    assert_eq!(env.sender, env.from);
    assert_eq!(env.reply_to, env.from);
    let to: Vec<String> = env.to.iter().map(|a| a.email()).collect();
    assert_eq!(to, ["anna@example.com", "bob@example.net"]);
    assert_eq!(env.to[0].name.as_deref(), Some("Anna"));
    assert_eq!(env.to[1].name, None);
    assert_eq!(env.cc.len(), 1);
    assert_eq!(env.cc[0].name.as_deref(), Some("Team, Ops"));
    assert!(env.bcc.is_empty());

    let bs = m.body_structure.as_ref().unwrap();
    assert_eq!(lower(&bs.media_type), "multipart");
    assert_eq!(lower(&bs.media_subtype), "mixed");
    assert!(
        bs.params
            .iter()
            .any(|(k, v)| lower(k) == "boundary" && v.as_ref() == b"=-b0undary-="),
        "{:?}",
        bs.params
    );
    assert_eq!(bs.children.len(), 2);
    let text = &bs.children[0];
    assert_eq!(
        (lower(&text.media_type), lower(&text.media_subtype)),
        ("text".into(), "plain".into())
    );
    let params: Vec<(String, String)> = text
        .params
        .iter()
        .map(|(k, v)| (lower(k), lower(v)))
        .collect();
    assert!(
        params.contains(&("charset".into(), "utf-8".into())),
        "{params:?}"
    );
    assert!(
        params.contains(&("format".into(), "flowed".into())),
        "{params:?}"
    );
    assert_eq!(
        text.encoding.as_deref().map(lower).as_deref(),
        Some("quoted-printable")
    );
    // RFC 2046: the CRLF before a boundary belongs to the boundary, so the
    // part is its text line with one CRLF.
    assert_eq!(text.lines, Some(1));
    assert_eq!(text.size, 58);
    let att = &bs.children[1];
    assert_eq!(
        (lower(&att.media_type), lower(&att.media_subtype)),
        ("application".into(), "octet-stream".into())
    );
    assert_eq!(
        att.encoding.as_deref().map(lower).as_deref(),
        Some("base64")
    );
    assert!(att
        .params
        .iter()
        .any(|(k, v)| lower(k) == "name" && v.as_ref() == b"daten.bin"));
    let disp = att.disposition.as_ref().expect("Content-Disposition");
    assert_eq!(lower(&disp.kind), "attachment");
    assert!(disp
        .params
        .iter()
        .any(|(k, v)| lower(k) == "filename" && v.as_ref() == b"daten.bin"));
    assert_eq!(
        att.size, 44,
        "the base64 line, without the CRLF of the boundary"
    );

    // Parts by number, and BODY[] sets \Seen without PEEK.
    let parts = c
        .fetch(
            1,
            &[
                "BODY.PEEK[1]",
                "BODY.PEEK[2]",
                "BODY.PEEK[2.MIME]",
                "BODY.PEEK[HEADER.FIELDS (SUBJECT)]",
            ],
        )
        .unwrap();
    let p = parts.get(1).unwrap();
    assert_eq!(
        p.section("BODY[2]"),
        Some(&b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="[..])
    );
    assert_eq!(
        p.section("BODY[1]"),
        Some(&b"Gr=C3=BC=C3=9Fe aus Z=C3=BCrich, die Rechnung liegt bei.\r\n"[..])
    );
    assert!(p
        .section("BODY[2.MIME]")
        .unwrap()
        .starts_with(b"Content-Type: application/octet-stream"));
    assert_eq!(
        p.section("BODY[HEADER.FIELDS (SUBJECT)]"),
        Some(&b"Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgWsO8cmljaCDimJU=?=\r\n\r\n"[..])
    );
    let seen = c.fetch(1, &["BODY[TEXT]"]).unwrap();
    assert!(seen.get(1).unwrap().section("BODY[TEXT]").is_some());
    let f = c.fetch(1, &["FLAGS"]).unwrap();
    assert!(f.get(1).unwrap().has_flag("\\Seen"));
    c.delete_folder(&name).unwrap();
}

#[test]
fn multiappend_gives_a_uid_range() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let name = new_folder(&mut c, "multi");
    let a = simple("one", "ma1", None);
    let b = simple("two", "ma2", None);
    let d = simple("three", "ma3", None);
    let msgs = [
        AppendMessage {
            data: &a,
            flags: &["\\Seen"],
            date: None,
        },
        AppendMessage {
            data: &b,
            flags: &[],
            date: None,
        },
        AppendMessage {
            data: &d,
            flags: &["\\Draft"],
            date: None,
        },
    ];
    let r = c.multiappend(&name, &msgs).unwrap();
    assert_eq!(r.uids, vec![1, 2, 3]);
    assert!(r.uid_validity.is_some());
    c.examine_folder(&name).unwrap();
    let got = c.fetch("1:*", &["FLAGS", "RFC822.SIZE"]).unwrap();
    assert_eq!(got.len(), 3);
    assert!(got.get(1).unwrap().has_flag("\\Seen"));
    assert!(got.get(3).unwrap().has_flag("\\Draft"));
    assert_eq!(got.get(2).unwrap().size, Some(b.len() as u64));
    c.delete_folder(&name).unwrap();
}

#[test]
fn fetch_stream_reassembles_the_message() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let name = new_folder(&mut c, "stream");
    // A message larger than the threshold, so it comes in pieces.
    let mut big = b"Subject: big\r\nContent-Type: text/plain\r\n\r\n".to_vec();
    while big.len() < 300_000 {
        big.extend_from_slice(
            b"0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n",
        );
    }
    c.append(&name, &big, &[], None).unwrap();
    c.append(&name, MIME, &[], None).unwrap();
    c.examine_folder(&name).unwrap();
    let mut bodies: Vec<Vec<u8>> = vec![Vec::new(), Vec::new()];
    let mut seen = Vec::new();
    let mut chunks = 0;
    let n = c
        .fetch_stream(
            "1:*",
            &["UID", "RFC822.SIZE", "BODY.PEEK[]"],
            16 * 1024,
            &mut |m| {
                seen.push((m.uid, m.size));
                true
            },
            &mut |ch| {
                chunks += 1;
                let i = ch.uid.expect("UID before the section") as usize - 1;
                assert_eq!(ch.section, "BODY[]");
                assert_eq!(ch.offset, bodies[i].len() as u64);
                bodies[i].extend_from_slice(ch.data);
                true
            },
        )
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        seen,
        vec![
            (Some(1), Some(big.len() as u64)),
            (Some(2), Some(MIME.len() as u64))
        ]
    );
    assert!(chunks > 2, "{chunks} chunks");
    assert_eq!(bodies[0], big);
    assert_eq!(bodies[1], MIME);
    c.delete_folder(&name).unwrap();
}

/// A folder with the MIME message (UID 1) and four simple ones: a thread
/// of three (2, 3 replies to 2, 4 replies to 3) and a lone one (5).
fn search_folder(c: &mut Client, tag: &str) -> String {
    let name = new_folder(c, tag);
    c.append(&name, MIME, &["\\Seen"], None).unwrap();
    c.append(&name, &simple("Apples", "t1", None), &[], None)
        .unwrap();
    c.append(
        &name,
        &simple("Re: Apples", "t2", Some("t1")),
        &["\\Flagged"],
        None,
    )
    .unwrap();
    c.append(
        &name,
        &simple("Re: Apples", "t3", Some("t2")),
        &["$Work"],
        None,
    )
    .unwrap();
    c.append(&name, &simple("Bananas", "t4", None), &[], None)
        .unwrap();
    name
}

#[test]
fn search_with_criteria_and_utf8() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let name = search_folder(&mut c, "search");
    c.examine_folder(&name).unwrap();
    let s = |c: &mut Client, k: &[SearchKey]| {
        let mut ids = c.search(k).unwrap().ids;
        ids.sort_unstable();
        ids
    };
    assert_eq!(s(&mut c, &[]), [1, 2, 3, 4, 5]);
    // Non-ASCII: CHARSET UTF-8, matched against the decoded subject and body.
    assert_eq!(s(&mut c, &[SearchKey::Subject("Zürich".into())]), [1]);
    assert_eq!(s(&mut c, &[SearchKey::Body("Grüße".into())]), [1]);
    assert_eq!(s(&mut c, &[SearchKey::From("Müller".into())]), [1]);
    assert_eq!(s(&mut c, &[SearchKey::Subject("apples".into())]), [2, 3, 4]);
    assert_eq!(s(&mut c, &[SearchKey::Seen]), [1]);
    assert_eq!(s(&mut c, &[SearchKey::Unseen]), [2, 3, 4, 5]);
    assert_eq!(s(&mut c, &[SearchKey::Flagged]), [3]);
    assert_eq!(s(&mut c, &[SearchKey::Keyword(b"$Work".to_vec())]), [4]);
    assert_eq!(s(&mut c, &[SearchKey::Larger(500)]), [1]);
    assert_eq!(
        s(
            &mut c,
            &[SearchKey::Or(
                Box::new(SearchKey::Flagged),
                Box::new(SearchKey::Subject("bananas".into()))
            )]
        ),
        [3, 5]
    );
    assert_eq!(
        s(
            &mut c,
            &[
                SearchKey::Not(Box::new(SearchKey::Seen)),
                SearchKey::Header(b"References".to_vec(), b"t1@".to_vec()),
            ]
        ),
        [3]
    );
    assert_eq!(
        s(
            &mut c,
            &[SearchKey::SentOn(Date::new(2024, 5, 14).unwrap())]
        ),
        [1]
    );
    assert_eq!(
        s(&mut c, &[SearchKey::Subject("nothing like it".into())]),
        []
    );
    c.delete_folder(&name).unwrap();
}

#[test]
fn sort_and_thread() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let name = search_folder(&mut c, "sort");
    c.examine_folder(&name).unwrap();
    // SUBJECT sorts by the base subject: "Apples" (2, 3, 4 by sent date,
    // none; then by UID), "Bananas", then the MIME message's "Grüße ...".
    assert_eq!(c.sort(&["SUBJECT"], &[]).unwrap(), [2, 3, 4, 5, 1]);
    assert_eq!(c.sort(&["REVERSE", "SIZE"], &[]).unwrap()[0], 1);
    assert_eq!(
        c.sort(&["SUBJECT"], &[SearchKey::Subject("apples".into())])
            .unwrap(),
        [2, 3, 4]
    );
    let threads = c.thread("REFERENCES", &[]).unwrap();
    let ids = |n: &imapclient::client::ThreadNode| -> Vec<u32> {
        let mut out = Vec::new();
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            out.extend(x.id);
            stack.extend(x.children.iter().rev());
        }
        out
    };
    let mut got: Vec<Vec<u32>> = threads.iter().map(ids).collect();
    got.sort();
    assert_eq!(got, vec![vec![1], vec![2, 3, 4], vec![5]], "{threads:?}");
    // 2 -> 3 -> 4: each reply a child of the one it answers.
    let t = threads.iter().find(|t| ids(t)[0] == 2).unwrap();
    assert_eq!(t.children.len(), 1);
    assert_eq!(t.children[0].id, Some(3));
    assert_eq!(t.children[0].children[0].id, Some(4));
    let o = c.thread("ORDEREDSUBJECT", &[]).unwrap();
    assert_eq!(o.len(), 3, "{o:?}");
    // RFC 8474's EMAILID and THREADID: an object id per message (the
    // client checks the grammar). Debian's Cyrus runs without
    // conversations and answers `THREADID (NIL)`: no thread id, not one
    // id "NIL" shared by every message (the client took it for one).
    let m = c.fetch("1:*", &["EMAILID", "THREADID"]).unwrap();
    let mut emails = std::collections::HashSet::new();
    for n in 1..=5 {
        let m = m.get(n).unwrap();
        assert!(m.errors.is_empty(), "{m:?}");
        assert_eq!(m.thread_id, None, "{m:?}");
        emails.insert(m.email_id.clone().expect("EMAILID"));
    }
    assert_eq!(emails.len(), 5, "{emails:?}");
    c.delete_folder(&name).unwrap();
}

#[test]
fn store_adds_and_removes_flags() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let name = search_folder(&mut c, "store");
    c.select_folder(&name).unwrap();
    let r = c.add_flags("2:3", &["\\Seen", "$Important"]).unwrap();
    assert_eq!(r.messages.len(), 2, "{r:?}");
    for uid in [2, 3] {
        let m = r.messages.get(uid).unwrap();
        assert!(m.has_flag("\\Seen") && m.has_flag("$Important"), "{m:?}");
    }
    let r = c.remove_flags(3, &["\\Flagged", "$Important"]).unwrap();
    let m = r.messages.get(3).unwrap();
    assert!(m.has_flag("\\Seen"));
    assert!(
        !m.has_flag("\\Flagged") && !m.has_flag("$Important"),
        "{m:?}"
    );
    let r = c.set_flags(5, &["\\Answered"]).unwrap();
    // \Recent: this session was the first to see the messages (it
    // appended them); the server keeps it whatever STORE says.
    let flags: Vec<&String> = r.messages.get(5).unwrap().flags.iter().flatten().collect();
    assert!(flags.contains(&&"\\Answered".to_string()), "{flags:?}");
    assert!(
        flags.iter().all(|f| *f == "\\Answered" || *f == "\\Recent"),
        "{flags:?}"
    );
    let got = c.fetch("1:*", &["FLAGS"]).unwrap();
    let with = |f: &str| -> Vec<u32> {
        got.iter()
            .filter(|m| m.has_flag(f))
            .filter_map(|m| m.uid)
            .collect()
    };
    assert_eq!(with("\\Seen"), [1, 2, 3]);
    assert_eq!(with("$Important"), [2]);
    assert_eq!(with("\\Flagged"), Vec::<u32>::new());
    // The new keyword is now a flag of the folder.
    let sel = c.select_folder(&name).unwrap();
    assert!(
        sel.flags.iter().any(|f| f == "$Important"),
        "{:?}",
        sel.flags
    );
    // EXAMINE: read-only, refused before anything is sent.
    c.examine_folder(&name).unwrap();
    let e = c.add_flags(1, &["\\Deleted"]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ReadOnly, "{e}");
    c.delete_folder(&name).unwrap();
}

#[test]
fn copy_move_expunge_and_uid_expunge() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let src = search_folder(&mut c, "copy-src");
    let dst = new_folder(&mut c, "copy-dst");
    c.select_folder(&src).unwrap();
    let r = c.copy(&[1u32, 2][..], &dst).unwrap();
    assert_eq!(r.source, [1, 2]);
    assert_eq!(r.dest, [1, 2]);
    assert_eq!(
        r.uid_validity,
        c.folder_status(&dst).unwrap().uid_validity,
        "COPYUID"
    );
    let m = c.move_messages(&[3u32, 4][..], &dst).unwrap();
    assert_eq!(m.source, [3, 4]);
    assert_eq!(m.dest, [3, 4]);
    let ev = c.take_events();
    assert_eq!(c.selected().unwrap().exists, 3, "{ev:?}");
    assert_eq!(c.search(&[]).unwrap().ids, [1, 2, 5]);
    let st = c.folder_status(&dst).unwrap();
    assert_eq!(st.messages, Some(4));

    // UID EXPUNGE takes only the named \Deleted messages.
    c.add_flags(&[1u32, 2][..], &["\\Deleted"]).unwrap();
    let gone = c.uid_expunge(2).unwrap();
    assert_eq!(gone, [2], "the sequence number expunged");
    assert_eq!(c.search(&[]).unwrap().ids, [1, 5]);
    // EXPUNGE the rest of the \Deleted.
    let gone = c.expunge().unwrap();
    assert_eq!(gone, [1]);
    assert_eq!(c.search(&[]).unwrap().ids, [5]);
    assert_eq!(c.selected().unwrap().exists, 1);
    c.unselect_folder().unwrap();
    c.delete_folder(&src).unwrap();
    c.delete_folder(&dst).unwrap();
}

#[test]
fn list_folders_with_status_in_one_command() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let name = new_folder(&mut c, "liststatus");
    c.append(&name, &simple("a", "ls1", None), &[], None)
        .unwrap();
    c.append(&name, &simple("b", "ls2", None), &["\\Seen"], None)
        .unwrap();
    let got = c.list_folders_with_status("", &name).unwrap();
    assert_eq!(got.len(), 1, "{got:?}");
    let st = got[0].status.as_ref().expect("STATUS with the LIST");
    assert_eq!(st.messages, Some(2));
    assert_eq!(st.uid_next, Some(3));
    assert_eq!(st.unseen, Some(1));
    assert!(st.uid_validity.is_some());
    c.delete_folder(&name).unwrap();
}

/// RFC 8474 OBJECTID: SELECT gives the folder's MAILBOXID, which differs
/// between folders and stays the same across RENAME (what a sync keys a
/// folder on to follow a rename), and EXAMINE gives the same. CREATE's OK
/// gives it too (`create_folder_with_id`).
#[test]
fn the_mailbox_id_survives_a_rename() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    assert!(c.has_capability("OBJECTID"));
    let a = format!(
        "{}{}",
        personal_prefix(&mut c),
        common::unique_folder("objid-a")
    );
    let created = c
        .create_folder_with_id(&a)
        .unwrap()
        .expect("MAILBOXID in CREATE's OK");
    let b = new_folder(&mut c, "objid-b");
    let id_a = c.select_folder(&a).unwrap().mailbox_id.expect("MAILBOXID");
    assert_eq!(id_a, created, "CREATE and SELECT give one id");
    let id_b = c.examine_folder(&b).unwrap().mailbox_id.expect("MAILBOXID");
    assert!(!id_a.is_empty() && id_a != id_b, "{id_a} {id_b}");
    assert_eq!(
        c.examine_folder(&a).unwrap().mailbox_id.as_deref(),
        Some(&*id_a)
    );
    c.unselect_folder().unwrap();
    let renamed = format!("{a}-renamed");
    c.rename_folder(&a, &renamed).unwrap();
    assert_eq!(
        c.select_folder(&renamed).unwrap().mailbox_id.as_deref(),
        Some(&*id_a),
        "the id follows the folder"
    );
    c.unselect_folder().unwrap();
    c.delete_folder(&renamed).unwrap();
    c.delete_folder(&b).unwrap();
    // (Cyrus's `[CLOSED]` on each SELECT while one is open, and RENAME's
    // untagged OK, stay events, as they are.)
    let ev = c.take_events();
    assert!(
        !ev.iter()
            .any(|e| matches!(e, Event::Status { code: Some(c), .. }
            if ["MAILBOXID", "URLMECH", "ANNOTATIONS"].contains(&c.as_str()))),
        "{ev:?}"
    );
}

/// RFC 6154 CREATE-SPECIAL-USE: the folder gets the use (LIST shows it,
/// `find_special_folder` finds it by it, not by name) and CREATE's OK its
/// MAILBOXID; Cyrus refuses a second folder with the same use and an
/// unknown use (`\Flagged`: Cyrus 3.6 knows none) with NO [USEATTR], and
/// deleting the folder until its use is taken off.
/// (`\Drafts`: no other test of the suites sharing this user asks for
/// it.)
#[test]
fn create_with_special_use() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    assert!(c.has_capability("CREATE-SPECIAL-USE"));
    let prefix = personal_prefix(&mut c);
    let name = format!("{prefix}{}", common::unique_folder("Wichtig ★"));
    let id = c
        .create_folder_special_use(&name, &["\\Drafts"])
        .unwrap()
        .expect("MAILBOXID");
    let listed = c.list_folders("", &name).unwrap();
    let found = c.find_special_folder("\\Drafts").unwrap();
    let other = format!("{prefix}{}", common::unique_folder("drafts-2"));
    let second = c.create_folder_special_use(&other, &["\\Drafts"]);
    let bogus = c.create_folder_special_use(&other, &["\\Flagged"]);
    let selected = c.examine_folder(&name).unwrap().mailbox_id;
    c.unselect_folder().unwrap();
    // Cyrus keeps a folder with a use from DELETE (NO "SPECIAL-USE flag
    // conflict") until the use is taken off.
    let refused = c.delete_folder(&name);
    c.set_metadata(&name, &[("/private/specialuse", None)])
        .unwrap();
    c.delete_folder(&name).unwrap();
    assert_eq!(refused.unwrap_err().kind, ErrorKind::No);
    assert_eq!(found.as_deref(), Some(&*name));
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(listed[0].has_flag("\\Drafts"), "{listed:?}");
    assert_eq!(selected.as_deref(), Some(&*id));
    for r in [second, bogus] {
        let e = r.unwrap_err();
        assert_eq!(
            (e.kind, e.response_code.as_deref()),
            (ErrorKind::No, Some("USEATTR")),
            "{e}"
        );
    }
    assert!(!c.folder_exists(&other).unwrap());
}

#[test]
fn idle_sees_a_message_appended_by_another_session() {
    let srv = need_cyrus!();
    let mut a = login(&srv);
    let name = new_folder(&mut a, "idle");
    let st = a.select_folder(&name).unwrap();
    // Cyrus's SELECT answer has untagged OKs with RFC 8474's MAILBOXID
    // (kept in the state), RFC 4467's URLMECH and RFC 5257's ANNOTATIONS:
    // all part of the answer, none news for the IDLE that follows.
    assert!(st.mailbox_id.is_some(), "{st:?}");
    let ev = a.take_events();
    assert!(ev.is_empty(), "{ev:?}");
    a.idle_start().unwrap();
    assert!(a.idle_wait(Duration::from_millis(300)).unwrap().is_empty());
    assert_eq!(a.noop().unwrap_err().kind, ErrorKind::IllegalState);
    let f = name.clone();
    let appender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        let srv = cyrus().unwrap();
        let mut b = login(&srv);
        b.append(&f, &simple("idle", "idle1", None), &[], None)
            .unwrap();
        b.logout().unwrap();
    });
    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(15);
    while !events.contains(&Event::Exists(1)) && Instant::now() < deadline {
        events.extend(a.idle_wait(Duration::from_secs(5)).unwrap());
    }
    appender.join().unwrap();
    assert!(events.contains(&Event::Exists(1)), "{events:?}");
    a.idle_done().unwrap();
    assert_eq!(a.selected().unwrap().exists, 1);
    assert_eq!(a.search(&[]).unwrap().ids, [1]);
    a.delete_folder(&name).unwrap();
}

#[test]
fn quota_of_the_users_root() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let (roots, quotas) = c.get_quota_root("INBOX").unwrap();
    assert_eq!(roots, ["INBOX"], "{quotas:?}");
    let limit = |q: &[imapclient::client::Quota], r: &str| {
        q.iter()
            .find(|x| x.resource.eq_ignore_ascii_case(r))
            .map(|x| x.limit)
    };
    // Set by scripts/cyrus-server.sh as the admin.
    assert_eq!(limit(&quotas, "STORAGE"), Some(100_000), "{quotas:?}");
    assert_eq!(limit(&quotas, "MESSAGE"), Some(10_000), "{quotas:?}");
    assert!(quotas.iter().all(|q| q.root == "INBOX"), "{quotas:?}");
    // Cyrus answers GETQUOTA and SETQUOTA to admins only (Dovecot answers
    // GETQUOTA to the user): the server's NO, the session goes on.
    let e = c.get_quota(&roots[0]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::No, "{e}");
    let e = c.set_quota(&roots[0], &[("STORAGE", 5)]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::No, "{e}");
    c.noop().unwrap();
}

#[test]
fn acl_get_and_set() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let name = new_folder(&mut c, "acl");
    let acl = c.get_acl(&name).unwrap();
    assert!(
        acl.iter()
            .any(|(who, r)| who == &srv.user && r.contains('a')),
        "the owner has every right: {acl:?}"
    );
    c.set_acl(&name, &srv.user2, "lrs").unwrap();
    let acl = c.get_acl(&name).unwrap();
    assert!(
        acl.iter().any(|(who, r)| who == &srv.user2 && r == "lrs"),
        "{acl:?}"
    );
    // The other user sees it in the other users' namespace.
    let mut b = login_user2(&srv);
    let other = format!("user.{}.{}", srv.user, &name["INBOX.".len()..]);
    let ex = b.examine_folder(&other).unwrap();
    assert_eq!(ex.exists, 0);
    c.set_acl(&name, &srv.user2, "").unwrap();
    assert!(!c
        .get_acl(&name)
        .unwrap()
        .iter()
        .any(|(w, _)| w == &srv.user2));
    assert_eq!(b.examine_folder(&other).unwrap_err().kind, ErrorKind::No);
    c.delete_folder(&name).unwrap();
}

fn login_user2(srv: &Cyrus) -> Client {
    let mut c = connect(srv);
    c.login(&srv.user2, &srv.password).expect("login user2");
    c
}

fn login_admin(srv: &Cyrus) -> Client {
    let mut c = connect(srv);
    c.login(&srv.admin, &srv.admin_password)
        .expect("login admin");
    c
}

#[test]
fn quota_set_by_the_admin() {
    // SETQUOTA's success path on a real server (the private Dovecot
    // refuses it to everyone). Only this test touches user2's quota.
    let srv = need_cyrus!();
    let mut a = login_admin(&srv);
    let root = format!("user.{}", srv.user2);
    // No quota root yet: the server's NO ("Quota root does not exist");
    // an earlier run against the same server left one without limits.
    match a.get_quota(&root) {
        Err(e) => assert_eq!(e.kind, ErrorKind::No, "{e}"),
        Ok(q) => assert_eq!(q, [], "no limits"),
    }
    // Cyrus answers SETQUOTA with no QUOTA response: nothing to report.
    a.set_quota(&root, &[("STORAGE", 5000), ("MESSAGE", 77)])
        .unwrap();
    let q = a.get_quota(&root).unwrap();
    let got: Vec<(&str, &str, u64, u64)> = q
        .iter()
        .map(|x| (x.root.as_str(), x.resource.as_str(), x.usage, x.limit))
        .collect();
    assert_eq!(
        got,
        [
            (root.as_str(), "STORAGE", 0, 5000),
            (root.as_str(), "MESSAGE", 0, 77)
        ]
    );
    // The user sees it through GETQUOTAROOT, named by its INBOX.
    let mut u = login_user2(&srv);
    let (roots, quotas) = u.get_quota_root("INBOX").unwrap();
    assert_eq!(roots, ["INBOX"]);
    assert_eq!(quotas.len(), 2, "{quotas:?}");
    // An empty list removes the limits (the root stays, without any).
    a.set_quota(&root, &[]).unwrap();
    assert_eq!(a.get_quota(&root).unwrap(), []);
}

#[test]
fn metadata_set_and_get() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let name = new_folder(&mut c, "metadata");
    c.set_metadata(
        &name,
        &[
            ("/private/comment", Some(b"hello")),
            ("/shared/comment", Some("geteilt: Grüße".as_bytes())),
        ],
    )
    .unwrap();
    let plain = MetadataOptions::default();
    let m = c
        .get_metadata(&name, &["/private/comment", "/shared/comment"], &plain)
        .unwrap();
    assert_eq!(m.get("/private/comment"), Some(&b"hello"[..]));
    assert_eq!(m.get("/shared/comment"), Some("geteilt: Grüße".as_bytes()));
    c.set_metadata(&name, &[("/private/comment", None)])
        .unwrap();
    let m = c
        .get_metadata(&name, &["/private/comment"], &plain)
        .unwrap();
    assert_eq!(m.get("/private/comment"), None);
    c.delete_folder(&name).unwrap();
}

#[test]
fn special_folders_by_attribute_and_by_name_under_inbox() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    assert!(c.has_capability("SPECIAL-USE"));
    // Nothing is marked \Sent or \Trash on this server: the names decide,
    // below the personal namespace's INBOX. (the names Apple Mail and
    // Outlook give these folders).
    c.create_folder("INBOX.Sent Messages").unwrap();
    c.create_folder("INBOX.Deleted Items").unwrap();
    assert_eq!(
        c.find_special_folder("\\Sent").unwrap().as_deref(),
        Some("INBOX.Sent Messages")
    );
    assert_eq!(
        c.find_special_folder("\\Trash").unwrap().as_deref(),
        Some("INBOX.Deleted Items")
    );
    assert_eq!(c.find_special_folder("\\Junk").unwrap(), None);
    // An attribute (Cyrus sets it by METADATA /private/specialuse) wins.
    let name = new_folder(&mut c, "archive");
    c.set_metadata(&name, &[("/private/specialuse", Some(b"\\Archive"))])
        .unwrap();
    let listed = c.list_folders("", &name).unwrap();
    assert!(listed[0].has_flag("\\Archive"), "{listed:?}");
    assert_eq!(
        c.find_special_folder("\\Archive").unwrap().as_deref(),
        Some(name.as_str())
    );
    c.set_metadata(&name, &[("/private/specialuse", None)])
        .unwrap();
    for f in [name.as_str(), "INBOX.Sent Messages", "INBOX.Deleted Items"] {
        c.delete_folder(f).unwrap();
    }
}

#[test]
fn compress_id_and_binary_fetch() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let id = c.id(&[("name", "libimapclient tests")]).unwrap();
    let get = |k: &str| id.iter().find(|(n, _)| n == k).and_then(|(_, v)| v.clone());
    assert_eq!(get("name").as_deref(), Some("Cyrus IMAPD"));
    assert!(
        get("version").is_some_and(|v| v.starts_with("3.")),
        "{id:?}"
    );
    c.compress().unwrap();
    assert!(c.is_compressed());
    let name = new_folder(&mut c, "binary");
    c.append(&name, MIME, &[], None).unwrap();
    c.examine_folder(&name).unwrap();
    let m = c
        .fetch(1, &["BINARY.PEEK[2]", "BINARY.SIZE[2]", "BODY.PEEK[]<0.6>"])
        .unwrap();
    let m = m.get(1).unwrap();
    // The server decoded the base64 part.
    let bytes: Vec<u8> = (0u8..32).collect();
    assert_eq!(m.section("BINARY[2]"), Some(&bytes[..]));
    assert_eq!(m.binary_sizes, [("2".to_string(), 32)]);
    let partial = m.sections.iter().find(|s| s.name == "BODY[]<0>").unwrap();
    assert_eq!(
        (partial.origin, partial.data.as_deref()),
        (Some(0), Some(&b"Date: "[..]))
    );
    let stats = c.compression_stats().unwrap();
    assert!(stats.received_wire < stats.received, "{stats:?}");
    c.delete_folder(&name).unwrap();
}

#[test]
fn qresync_and_condstore() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let name = new_folder(&mut c, "qresync");
    for i in 0..4 {
        c.append(
            &name,
            &simple(&format!("q{i}"), &format!("q{i}"), None),
            &[],
            None,
        )
        .unwrap();
    }
    assert_eq!(c.enable(&["QRESYNC"]).unwrap(), ["CONDSTORE", "QRESYNC"]);
    let st = c.select_folder_condstore(&name, false).unwrap();
    let since = st.highest_modseq.unwrap();
    c.add_flags(2, &["\\Seen"]).unwrap();
    c.add_flags(3, &["\\Deleted"]).unwrap();
    // Under QRESYNC expunges come as VANISHED: UIDs.
    assert_eq!(c.expunge().unwrap(), [3]);
    let (changed, vanished) = c.fetch_vanished("1:*", &["FLAGS"], since).unwrap();
    assert_eq!(vanished, [3]);
    let uids: Vec<u32> = changed.iter().filter_map(|m| m.uid).collect();
    assert_eq!(uids, [2]);
    assert!(changed.get(2).unwrap().modseq.is_some_and(|m| m > since));
    // UNCHANGEDSINCE below the message's MODSEQ: not stored, MODIFIED.
    let r = c
        .store(
            1,
            StoreAction::Add,
            &["\\Flagged"],
            &StoreOptions {
                silent: false,
                unchanged_since: Some(1),
            },
        )
        .unwrap();
    assert_eq!(r.modified, [1]);
    let f = c.fetch(1, &["FLAGS"]).unwrap();
    assert!(!f.get(1).unwrap().has_flag("\\Flagged"));
    let r = c
        .fetch_with(
            "1:*",
            &["FLAGS"],
            &FetchOptions {
                changed_since: Some(since),
                vanished: false,
            },
        )
        .unwrap();
    assert_eq!(r.iter().filter_map(|m| m.uid).collect::<Vec<_>>(), [2]);
    c.delete_folder(&name).unwrap();
}

#[test]
fn move_without_the_move_capability_falls_back() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let src = new_folder(&mut c, "fallback-src");
    let dst = new_folder(&mut c, "fallback-dst");
    for i in 0..3 {
        c.append(
            &src,
            &simple(&format!("f{i}"), &format!("f{i}"), None),
            &[],
            None,
        )
        .unwrap();
    }
    c.mask_capability("MOVE");
    c.select_folder(&src).unwrap();
    // An unrelated \Deleted message stays: UID EXPUNGE of the moved only.
    c.add_flags(2, &["\\Deleted"]).unwrap();
    let r = c.move_messages(&[1u32, 3][..], &dst).unwrap();
    assert_eq!((r.source, r.dest), (vec![1, 3], vec![1, 2]));
    assert_eq!(c.search(&[]).unwrap().ids, [2]);
    assert_eq!(c.folder_status(&dst).unwrap().messages, Some(2));
    c.unselect_folder().unwrap();
    c.delete_folder(&src).unwrap();
    c.delete_folder(&dst).unwrap();
}

#[test]
fn idle_sees_another_sessions_expunge() {
    let srv = need_cyrus!();
    let mut a = login(&srv);
    let name = new_folder(&mut a, "idle-expunge");
    for i in 0..3 {
        a.append(
            &name,
            &simple(&format!("e{i}"), &format!("e{i}"), None),
            &[],
            None,
        )
        .unwrap();
    }
    a.select_folder(&name).unwrap();
    a.take_events();
    a.idle_start().unwrap();
    let f = name.clone();
    let other = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        let srv = cyrus().unwrap();
        let mut b = login(&srv);
        b.select_folder(&f).unwrap();
        b.add_flags(2, &["\\Deleted"]).unwrap();
        b.expunge().unwrap();
    });
    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(15);
    while !events.contains(&Event::Expunge(2)) && Instant::now() < deadline {
        events.extend(a.idle_wait(Duration::from_secs(5)).unwrap());
    }
    other.join().unwrap();
    assert!(events.contains(&Event::Expunge(2)), "{events:?}");
    a.idle_done().unwrap();
    assert_eq!(a.selected().unwrap().exists, 2);
    a.delete_folder(&name).unwrap();
}

#[test]
fn metadata_depth_maxsize_and_what_cyrus_refuses() {
    use imapclient::client::MetadataDepth;
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let name = new_folder(&mut c, "metadata-more");
    c.set_metadata(
        &name,
        &[
            ("/private/comment", Some(b"hello")),
            ("/shared/comment", Some("geteilt: Grüße".as_bytes())),
        ],
    )
    .unwrap();
    let m = c
        .get_metadata(
            &name,
            &["/private/comment", "/shared/comment"],
            &MetadataOptions {
                max_size: Some(5),
                depth: MetadataDepth::Zero,
            },
        )
        .unwrap();
    assert_eq!(m.get("/private/comment"), Some(&b"hello"[..]));
    assert_eq!(m.get("/shared/comment"), None);
    assert_eq!(m.long_entries, Some("geteilt: Grüße".len() as u64));
    // Cyrus's own entries below /private/vendor/cmu, without values.
    let m = c
        .get_metadata(
            &name,
            &["/private/vendor"],
            &MetadataOptions {
                max_size: None,
                depth: MetadataDepth::Infinity,
            },
        )
        .unwrap();
    assert!(
        m.entries
            .iter()
            .any(|e| e.name.starts_with("/private/vendor/cmu/cyrus-imapd/")),
        "{m:?}"
    );
    // Cyrus stores only the entries it knows (Dovecot takes any name under
    // /private/vendor): NO, and the batch is not stored.
    let e = c
        .set_metadata(
            &name,
            &[
                ("/private/comment", Some(b"changed")),
                ("/private/vendor/imapc/x", Some(b"x")),
            ],
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::No, "{e}");
    // A value with a NUL goes as a literal8, which Cyrus does not take in
    // SETMETADATA: BAD, not fatal.
    let e = c
        .set_metadata(&name, &[("/private/comment", Some(b"a\0b"))])
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Bad, "{e}");
    assert!(!e.is_fatal());
    let m = c
        .get_metadata(&name, &["/private/comment"], &MetadataOptions::default())
        .unwrap();
    assert_eq!(m.get("/private/comment"), Some(&b"hello"[..]));
    c.delete_folder(&name).unwrap();
}

#[test]
fn messages_cyrus_refuses_or_rewrites() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let name = new_folder(&mut c, "rewrites");
    // Bare LF line ends: refused (Dovecot stores them).
    let e = c
        .append(&name, b"Subject: lf\n\nbody\n", &[], None)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::No, "{e}");
    assert!(e.message.contains("bare newlines"), "{e}");
    // Raw UTF-8 in a header: stored, each 8-bit byte of the header
    // replaced by X in ENVELOPE (Cyrus's munge8bit; Dovecot keeps it).
    c.append(&name, "Subject: Zürich\r\n\r\nx\r\n".as_bytes(), &[], None)
        .unwrap();
    // A NUL in the body: APPEND sends it as a literal8 (BINARY), and
    // BODY[] brings it back.
    let nul: &[u8] = b"Subject: nul\r\n\r\na\0b\r\n";
    c.append(&name, nul, &[], None).unwrap();
    c.examine_folder(&name).unwrap();
    let m = c.fetch("1:*", &["ENVELOPE", "BODY.PEEK[]"]).unwrap();
    let env = m.get(1).unwrap().envelope.as_ref().unwrap();
    assert_eq!(env.subject.as_deref(), Some("ZXXrich"));
    assert_eq!(m.get(2).unwrap().section("BODY[]"), Some(nul));
    c.delete_folder(&name).unwrap();
}

/// `let (port, cafile) = need_tls!(srv);` returns from the test without
/// `CYRUS_TLS_PORT` and `CYRUS_CAFILE`.
macro_rules! need_tls {
    ($srv:expr) => {
        match $srv.tls.clone() {
            Some(t) => t,
            None => {
                skip("CYRUS_TLS_PORT or CYRUS_CAFILE");
                return;
            }
        }
    };
}

fn tls_options(srv: &Cyrus, sec: Security) -> ConnectOptions {
    let (tls_port, cafile) = srv.tls.clone().expect("CYRUS_TLS_PORT");
    let mut b = TlsConfigBuilder::new();
    b.add_ca_file(std::path::Path::new(&cafile))
        .expect("CYRUS_CAFILE");
    let port = match sec {
        Security::Implicit => tls_port,
        _ => srv.port,
    };
    let mut o = ConnectOptions::new(srv.host.clone(), sec)
        .port(port)
        .tls(b.build().unwrap());
    o.io_timeout = Some(Duration::from_secs(20));
    o
}

#[test]
fn implicit_tls_and_starttls_with_cyrus_openssl() {
    let srv = need_cyrus!();
    let (tls_port, _) = need_tls!(srv);
    let mut c = Client::connect(&tls_options(&srv, Security::Implicit)).unwrap();
    assert!(c.is_tls());
    c.login(&srv.user, &srv.password).unwrap();
    assert!(c.examine_folder("INBOX").unwrap().read_only);
    c.logout().unwrap();
    // STARTTLS on the plaintext port: capabilities read again after it.
    let plain = connect(&srv);
    assert!(
        plain.has_capability("STARTTLS"),
        "{:?}",
        plain.capabilities()
    );
    let mut s = Client::connect(&tls_options(&srv, Security::StartTls)).unwrap();
    assert!(s.is_tls());
    assert!(!s.has_capability("STARTTLS"), "{:?}", s.capabilities());
    s.login(&srv.user, &srv.password).unwrap();
    assert!(s.has_capability("UIDPLUS"));
    // The system trust store does not know the test CA.
    let o = ConnectOptions::new(srv.host.clone(), Security::Implicit).port(tls_port);
    let e = Client::connect(&o).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TlsUnknownIssuer, "{e}");
}

fn login_alt(srv: &Cyrus, port: u16) -> Client {
    let mut o = ConnectOptions::new(srv.host.clone(), Security::Plain).port(port);
    o.io_timeout = Some(Duration::from_secs(20));
    let mut c = Client::connect(&o).expect("connect to Cyrus (upstream namespace)");
    c.login(&srv.user, &srv.password).expect("login");
    c
}

#[test]
fn upstream_namespace_top_level_folders_and_slash() {
    let srv = need_cyrus!();
    let Some(port) = srv.alt_port else {
        skip("CYRUS_ALT_PORT");
        return;
    };
    let mut a = login_alt(&srv, port);
    let ns = a.namespace().unwrap();
    assert_eq!(ns.personal, vec![(String::new(), Some('/'))]);
    assert_eq!(ns.other, vec![("Other Users/".to_string(), Some('/'))]);
    assert_eq!(ns.shared, vec![("Shared Folders/".to_string(), Some('/'))]);
    // A non-ASCII folder and one below it, at the top level; "." is an
    // ordinary character here.
    let base = common::unique_folder("alt");
    let top = format!("{base} Ärger.v1");
    let child = format!("{top}/日本語");
    a.create_folder(&top).unwrap();
    a.create_folder(&child).unwrap();
    let got = a.list_folders("", &format!("{top}*")).unwrap();
    let names: Vec<(&str, Option<char>)> =
        got.iter().map(|f| (f.name.as_str(), f.delimiter)).collect();
    assert_eq!(
        names,
        [(top.as_str(), Some('/')), (child.as_str(), Some('/'))]
    );
    assert_eq!(
        String::from_utf8(got[1].raw_name.clone()).unwrap(),
        format!("{base} &AMQ-rger.v1/&ZeVnLIqe-")
    );
    let r = a.append(&child, MIME, &[], None).unwrap();
    assert_eq!(r.uids, [1]);
    // The same mailbox through the package's namespace: INBOX.<name>, "."
    // separating levels; the "." in the name shows as "^" there.
    let mut b = login(&srv);
    let legacy = format!("INBOX.{base} Ärger^v1.日本語");
    let st = b.folder_status(&legacy).unwrap();
    assert_eq!(st.messages, Some(1));
    // RENAME and DELETE on the upstream side.
    let renamed = format!("{base} Öl");
    a.rename_folder(&top, &renamed).unwrap();
    assert!(a.folder_exists(&format!("{renamed}/日本語")).unwrap());
    a.select_folder(&format!("{renamed}/日本語")).unwrap();
    let m = a.fetch(1, &["BODY.PEEK[]"]).unwrap();
    assert_eq!(m.get(1).unwrap().section("BODY[]"), Some(MIME));
    a.unselect_folder().unwrap();
    a.delete_folder(&format!("{renamed}/日本語")).unwrap();
    a.delete_folder(&renamed).unwrap();
    assert!(!b.folder_exists(&legacy).unwrap());
}

#[test]
fn authenticate_scram_and_login_with_cyrus_sasl() {
    let srv = need_cyrus!();
    // SCRAM-SHA-256 by Cyrus SASL (Dovecot has its own): client first,
    // the server's signature checked in the last step.
    let mut c = connect(&srv);
    assert!(
        c.has_capability("AUTH=SCRAM-SHA-256"),
        "{:?}",
        c.capabilities()
    );
    let mut scram = common::scram::Scram::new(&srv.user, &srv.password);
    c.authenticate_with("SCRAM-SHA-256", true, |ch| scram.step(ch))
        .unwrap();
    assert!(scram.verified, "the server's final message was not checked");
    assert_eq!(scram.challenges, 2);
    assert!(c.has_capability("UIDPLUS"), "{:?}", c.capabilities());
    // A wrong password, then LOGIN (server first).
    let mut c = connect(&srv);
    common::scram::wrong_scram_then_login(&mut c, &srv.user, &srv.password);
    assert_eq!(c.list_folders("", "INBOX").unwrap().len(), 1);
}

#[test]
fn idle_over_tls_with_compress() {
    // IDLE through rustls and the inflater against Cyrus's OpenSSL and
    // zlib: every APPEND of another session is heard (EXISTS may come
    // for several at once).
    let srv = need_cyrus!();
    need_tls!(srv);
    let mut a = Client::connect(&tls_options(&srv, Security::Implicit)).unwrap();
    a.login(&srv.user, &srv.password).unwrap();
    a.compress().unwrap();
    let name = new_folder(&mut a, "idle-tls");
    a.select_folder(&name).unwrap();
    a.take_events();
    a.idle_start().unwrap();
    let f = name.clone();
    let appender = std::thread::spawn(move || {
        let srv = cyrus().unwrap();
        let mut b = login(&srv);
        for i in 0..5 {
            std::thread::sleep(Duration::from_millis(300));
            b.append(
                &f,
                &simple(&format!("t{i}"), &format!("t{i}"), None),
                &[],
                None,
            )
            .unwrap();
        }
    });
    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !events.contains(&Event::Exists(5)) && Instant::now() < deadline {
        events.extend(a.idle_wait(Duration::from_secs(3)).unwrap());
    }
    appender.join().unwrap();
    assert!(events.contains(&Event::Exists(5)), "{events:?}");
    a.idle_done().unwrap();
    assert_eq!(a.fetch("1:*", &["ENVELOPE"]).unwrap().len(), 5);
    a.delete_folder(&name).unwrap();
}

#[test]
fn refusals_and_their_response_codes() {
    let srv = need_cyrus!();
    let mut c = login(&srv);
    let missing = format!("INBOX.{}", common::unique_folder("missing"));
    let e = c
        .append(&missing, &simple("x", "rc1", None), &[], None)
        .unwrap_err();
    assert_eq!(
        (e.kind, e.response_code.as_deref()),
        (ErrorKind::No, Some("TRYCREATE")),
        "{e}"
    );
    let name = new_folder(&mut c, "codes");
    c.append(&name, &simple("x", "rc2", None), &[], None)
        .unwrap();
    c.select_folder(&name).unwrap();
    for e in [
        c.copy(1, &missing).unwrap_err(),
        c.move_messages(1, &missing).unwrap_err(),
    ] {
        assert_eq!(e.response_code.as_deref(), Some("TRYCREATE"), "{e}");
    }
    c.unselect_folder().unwrap();
    // Cyrus 3.6 sends no ALREADYEXISTS or OVERQUOTA code (Dovecot does):
    // the text is all there is to go by.
    let e = c.create_folder(&name).unwrap_err();
    assert_eq!((e.kind, e.response_code.as_deref()), (ErrorKind::No, None));
    assert!(e.message.contains("already exists"), "{e}");
    // A quota of one message on this folder alone, set by the admin.
    let mut admin = login_admin(&srv);
    let root = format!("user.{}.{}", srv.user, &name["INBOX.".len()..]);
    admin.set_quota(&root, &[("MESSAGE", 1)]).unwrap();
    let (roots, quotas) = c.get_quota_root(&name).unwrap();
    assert_eq!(roots, [name.as_str()]);
    assert_eq!(
        quotas
            .iter()
            .map(|q| (q.resource.as_str(), q.usage, q.limit))
            .collect::<Vec<_>>(),
        [("MESSAGE", 1, 1)]
    );
    let e = c
        .append(&name, &simple("y", "rc3", None), &[], None)
        .unwrap_err();
    assert_eq!((e.kind, e.response_code.as_deref()), (ErrorKind::No, None));
    assert!(e.message.contains("Over quota"), "{e}");
    c.noop().unwrap();
    c.delete_folder(&name).unwrap();
}
