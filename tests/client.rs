//! The blocking client against the real Dovecot from `tests/common`.
//!
//! INBOX of user `test` holds the 14 seeded messages (see
//! scripts/seed-mail.py); these tests only read it. Tests that change
//! things work in folders of their own (`common::unique_folder`).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::scram::Scram;
use imapclient::client::{
    Client, ConnectOptions, ErrorKind, Event, FetchOptions, SearchKey, Security, StoreAction,
    StoreOptions, TlsConfig, TlsConfigBuilder,
};
use imapclient::proto::dates::Date;

fn cfg() -> Arc<TlsConfig> {
    let srv = common::TestServer::get();
    let mut b = TlsConfigBuilder::new();
    b.add_ca_file(&srv.cafile).expect("CA file");
    b.build().expect("TLS config")
}

fn options(sec: Security) -> ConnectOptions {
    let srv = common::TestServer::get();
    let port = match sec {
        Security::Implicit => srv.tls_port,
        _ => srv.port,
    };
    let mut o = ConnectOptions::new(srv.host.clone(), sec)
        .port(port)
        .tls(cfg());
    o.io_timeout = Some(Duration::from_secs(20));
    o
}

fn login_with(sec: Security) -> Client {
    let srv = common::TestServer::get();
    let mut c = Client::connect(&options(sec)).expect("connect");
    c.login(&srv.user, &srv.password).expect("login");
    c
}

fn login() -> Client {
    login_with(Security::Implicit)
}

/// A session (implicit TLS) of another fixture user, e.g. `test8`.
fn login_as(user: &str) -> Client {
    let srv = common::TestServer::get();
    let mut c = Client::connect(&options(Security::Implicit)).expect("connect");
    c.login(user, &srv.password).expect("login");
    c
}

/// A fresh folder holding copies of INBOX messages with these UIDs.
fn folder_with_copies(c: &mut Client, prefix: &str, uids: &[u32]) -> String {
    let name = common::unique_folder(prefix);
    common::create_new(c, &name);
    c.examine_folder("INBOX").expect("examine INBOX");
    let r = c.copy(uids, &name).expect("copy");
    assert_eq!(r.source, uids.to_vec(), "COPYUID source");
    assert_eq!(r.dest.len(), uids.len(), "COPYUID dest");
    name
}

#[test]
fn implicit_tls_login_and_capabilities() {
    let c = login();
    assert!(c.is_tls());
    assert!(c.has_capability("IMAP4rev1"));
    assert!(
        c.has_capability("idle"),
        "case-insensitive capability lookup"
    );
    // Capabilities were re-read after login: Dovecot adds post-login ones.
    assert!(c.has_capability("MOVE"), "{:?}", c.capabilities());
    // The fixture's `login_greeting`; the `[CAPABILITY ...]` code is not
    // part of the text.
    assert_eq!(c.greeting(), "libimapclient fixture ready.");
}

#[test]
fn starttls_upgrades_and_rereads_capabilities() {
    let srv = common::TestServer::get();
    let mut c = Client::connect(&options(Security::StartTls)).expect("connect");
    assert!(c.is_tls());
    // After TLS the server no longer offers STARTTLS.
    assert!(!c.has_capability("STARTTLS"), "{:?}", c.capabilities());
    c.login(&srv.user, &srv.password).unwrap();
    let st = c.examine_folder("INBOX").unwrap();
    assert_eq!(st.exists, 14);
    c.logout().unwrap();
}

#[test]
fn plaintext_login_when_asked() {
    let mut c = login_with(Security::Plain);
    assert!(!c.is_tls());
    assert_eq!(c.examine_folder("INBOX").unwrap().exists, 14);
}

#[test]
fn wrong_password_is_auth_failed() {
    let srv = common::TestServer::get();
    let mut c = Client::connect(&options(Security::Implicit)).unwrap();
    let e = c.login(&srv.user, "wrong").unwrap_err();
    assert_eq!(e.kind, ErrorKind::AuthFailed, "{e}");
    assert_eq!(e.response_code.as_deref(), Some("AUTHENTICATIONFAILED"));
    // The session stays usable for another attempt.
    c.login(&srv.user, &srv.password).unwrap();
}

#[test]
fn non_ascii_credentials_login() {
    let mut c = Client::connect(&options(Security::Implicit)).unwrap();
    c.login("ünï", "pässwörd")
        .expect("UTF-8 user and password via literals");
    assert!(c.list_folders("", "INBOX").unwrap().len() == 1);
}

#[test]
fn authenticate_plain() {
    use imapclient::client::Sasl;
    let srv = common::TestServer::get();
    let mut c = Client::connect(&options(Security::Implicit)).unwrap();
    let e = c
        .authenticate(&Sasl::Plain {
            authzid: None,
            user: &srv.user,
            password: "nope",
        })
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::AuthFailed);
    c.authenticate(&Sasl::Plain {
        authzid: None,
        user: &srv.user,
        password: &srv.password,
    })
    .unwrap();
    assert_eq!(c.examine_folder("INBOX").unwrap().exists, 14);
    // XOAUTH2 is not offered by this server: refused before sending.
    let mut c2 = Client::connect(&options(Security::Implicit)).unwrap();
    let e = c2
        .authenticate(&Sasl::XOAuth2 {
            user: "x",
            token: "y",
            vendor: None,
        })
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::CapabilityMissing);
}

#[test]
fn tls_untrusted_ca_is_rejected() {
    let srv = common::TestServer::get();
    // The system trust store does not know the test CA.
    let o = ConnectOptions::new(srv.host.clone(), Security::Implicit).port(srv.tls_port);
    let e = Client::connect(&o).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TlsUnknownIssuer, "{e}");
    assert!(e.message.contains("trusted CA"), "{e}");
}

#[test]
fn tls_wrong_host_name_rejected_unless_hostname_check_off() {
    let srv = common::TestServer::get();
    let mut o = options(Security::Implicit);
    o.tls_server_name = Some("imap.wrong.example".into());
    let e = Client::connect(&o).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TlsNameMismatch, "{e}");

    let mut b = TlsConfigBuilder::new();
    b.add_ca_file(&srv.cafile).unwrap().verify_hostname(false);
    o.tls = Some(b.build().unwrap());
    let mut c = Client::connect(&o).expect("chain still verified, name not");
    c.login(&srv.user, &srv.password).unwrap();

    // Host-name check off still rejects an untrusted chain.
    let mut b = TlsConfigBuilder::new();
    b.add_ca_file(&srv.cert("untrusted-ca.pem"))
        .unwrap()
        .verify_hostname(false);
    o.tls = Some(b.build().unwrap());
    assert_eq!(
        Client::connect(&o).unwrap_err().kind,
        ErrorKind::TlsUnknownIssuer
    );
}

#[test]
fn tls_dangerous_accepts_anything() {
    let srv = common::TestServer::get();
    let mut o = ConnectOptions::new(srv.host.clone(), Security::Implicit).port(srv.tls_port);
    o.tls_server_name = Some("imap.wrong.example".into());
    o.tls = Some(
        TlsConfigBuilder::new()
            .dangerous_disable_verification(true)
            .build()
            .unwrap(),
    );
    let mut c = Client::connect(&o).unwrap();
    c.login(&srv.user, &srv.password).unwrap();
}

#[test]
fn list_folders_decodes_utf7() {
    let mut c = login();
    let folders = c.list_folders("", "*").unwrap();
    let names: Vec<&str> = folders.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"INBOX"), "{names:?}");
    assert!(names.contains(&"Entwürfe"), "{names:?}");
    assert!(names.contains(&"Entwürfe/日本語"), "{names:?}");
    assert!(names.contains(&"Archive/2024"), "{names:?}");
    let jp = folders
        .iter()
        .find(|f| f.name == "Entwürfe/日本語")
        .unwrap();
    assert_eq!(jp.raw_name, b"Entw&APw-rfe/&ZeVnLIqe-".to_vec());
    assert_eq!(jp.delimiter, Some('/'));

    c.set_folder_encode(false);
    let raw = c.list_folders("", "Entw*").unwrap();
    assert!(
        raw.iter().any(|f| f.name == "Entw&APw-rfe/&ZeVnLIqe-"),
        "{raw:?}"
    );
    // With encoding off, the wire name selects the folder.
    assert_eq!(
        c.examine_folder("Entw&APw-rfe/&ZeVnLIqe-").unwrap().exists,
        2
    );
}

#[test]
fn folder_exists_takes_names_with_wildcards_exactly() {
    // Servers allow % and * in names. Before, folder_exists refused such a
    // name (InvalidArgument, in Rust and C; Go listed it itself); as a LIST
    // pattern it matches other folders too, so only the exact name counts.
    let mut c = login();
    let base = common::unique_folder("wild");
    let (star, plain) = (format!("{base}/50% off*"), format!("{base}/50X offY"));
    common::create_new(&mut c, &star);
    common::create_new(&mut c, &plain);
    for (name, want) in [
        (star.clone(), true),
        (plain.clone(), true),
        (format!("{base}/50% off"), false),
        (format!("{base}/%"), false),
        (format!("{base}/*"), false),
        (format!("{base}/50% offY"), false),
        (format!("{base}/Ä%"), false),
    ] {
        assert_eq!(c.folder_exists(&name).unwrap(), want, "{name}");
    }
    for f in [&star, &plain] {
        c.delete_folder(f).unwrap();
    }
}

#[test]
fn unicode_folder_create_rename_delete_round_trip() {
    let mut c = login();
    let base = common::unique_folder("uni");
    let name = format!("{base}-Ärger & Öl 📬");
    let renamed = format!("{base}-日本語/台北");
    common::create_new(&mut c, &name);
    assert!(c.folder_exists(&name).unwrap());
    let got = c.list_folders("", &name).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].name, name);
    assert!(
        String::from_utf8(got[0].raw_name.clone())
            .unwrap()
            .contains("&-"),
        "& escaped as &-"
    );
    c.rename_folder(&name, &renamed).unwrap();
    assert!(!c.folder_exists(&name).unwrap());
    assert!(c.folder_exists(&renamed).unwrap());
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
}

#[test]
fn select_examine_status() {
    let mut c = login();
    let st = c.folder_status("INBOX").unwrap();
    assert_eq!(st.messages, Some(14));
    assert_eq!(st.uid_next, Some(15));
    assert!(st.uid_validity.is_some());
    assert!(st.unseen.unwrap() >= 5);
    let sel = c.select_folder("INBOX").unwrap();
    assert_eq!(sel.exists, 14);
    assert!(!sel.read_only);
    assert_eq!(sel.uid_next, Some(15));
    assert_eq!(sel.uid_validity, st.uid_validity);
    assert!(sel.flags.iter().any(|f| f == "\\Seen"));
    assert!(
        sel.permanent_flags.iter().any(|f| f == "\\*"),
        "{:?}",
        sel.permanent_flags
    );
    let ex = c.examine_folder("INBOX").unwrap();
    assert!(ex.read_only);
    let cs = c.select_folder_condstore("INBOX", true).unwrap();
    assert!(cs.highest_modseq.is_some());
    c.unselect_folder().unwrap();
    assert!(c.selected().is_none());
}

#[test]
fn fetch_envelopes_flags_and_structure() {
    let mut c = login();
    c.examine_folder("INBOX").unwrap();
    let msgs = c
        .fetch(
            "1:*",
            &[
                "FLAGS",
                "ENVELOPE",
                "RFC822.SIZE",
                "INTERNALDATE",
                "BODYSTRUCTURE",
            ],
        )
        .unwrap();
    assert_eq!(msgs.len(), 14);
    let m2 = msgs.get(2).unwrap();
    let env = m2.envelope.as_ref().unwrap();
    assert_eq!(env.subject.as_deref(), Some("Grüße aus München ☕"));
    assert!(env.subject_raw.as_ref().unwrap().starts_with(b"=?"));
    assert!(m2.has_flag("\\Seen"));
    assert_eq!(
        msgs.get(3)
            .unwrap()
            .envelope
            .as_ref()
            .unwrap()
            .subject
            .as_deref(),
        Some("Café crème")
    );
    assert_eq!(
        msgs.get(12)
            .unwrap()
            .envelope
            .as_ref()
            .unwrap()
            .subject
            .as_deref(),
        Some("日本語の件名")
    );
    let m4 = msgs.get(4).unwrap();
    assert!(m4.has_flag("\\Flagged") && m4.has_flag("\\Seen"));
    let bs = m4.body_structure.as_ref().unwrap();
    assert_eq!(bs.media_type.to_ascii_lowercase(), b"multipart");
    assert_eq!(bs.media_subtype.to_ascii_lowercase(), b"alternative");
    assert_eq!(bs.children.len(), 2);
    assert!(msgs.get(6).unwrap().has_flag("$Forwarded"));
    for m in &msgs {
        assert!(m.size.unwrap() > 0);
        assert!(m.internal_date.is_some(), "uid {:?}", m.uid);
        assert!(m.errors.is_empty(), "{:?}", m.errors);
    }
    let from = &msgs.get(1).unwrap().envelope.as_ref().unwrap().from;
    assert_eq!(from.len(), 1);
    assert!(from[0].email().contains('@'));
}

#[test]
fn use_uid_switches_between_calls() {
    let mut c = login();
    let name = folder_with_copies(&mut c, "uidmode", &[3, 5, 7]);
    c.select_folder(&name).unwrap();
    // UIDs in the new folder are 1..3, sequence numbers too; expunge one to
    // make them differ.
    c.add_flags(1, &["\\Deleted"]).unwrap();
    c.expunge().unwrap();
    let by_uid = c.fetch("2:3", &["UID"]).unwrap();
    assert_eq!(
        by_uid
            .iter()
            .map(|m| (m.seq, m.uid.unwrap()))
            .collect::<Vec<_>>(),
        vec![(1, 2), (2, 3)]
    );
    c.set_use_uid(false);
    assert!(!c.use_uid());
    let by_seq = c.fetch(2, &["UID"]).unwrap();
    assert_eq!(by_seq.get(2).unwrap().uid, Some(3));
    let found = c.search(&[SearchKey::All]).unwrap();
    assert_eq!(found.ids, vec![1, 2]);
    c.set_use_uid(true);
    assert_eq!(c.search(&[SearchKey::All]).unwrap().ids, vec![2, 3]);
}

#[test]
fn search_criteria() {
    let mut c = login();
    c.examine_folder("INBOX").unwrap();
    assert_eq!(c.search(&[SearchKey::Flagged]).unwrap().ids, vec![4, 7]);
    assert_eq!(c.search(&[]).unwrap().ids.len(), 14);
    let unseen = c
        .search(&[SearchKey::Not(Box::new(SearchKey::Seen))])
        .unwrap()
        .ids;
    assert!(
        unseen.contains(&3) && unseen.contains(&9) && !unseen.contains(&1),
        "{unseen:?}"
    );
    let either = c
        .search(&[SearchKey::Or(
            Box::new(SearchKey::Draft),
            Box::new(SearchKey::Answered),
        )])
        .unwrap()
        .ids;
    assert_eq!(either, vec![5, 8, 11]);
    // Non-ASCII criteria go with CHARSET UTF-8, as a literal.
    let jp = c
        .search(&[SearchKey::Subject("日本語".as_bytes().to_vec())])
        .unwrap()
        .ids;
    assert_eq!(jp, vec![12]);
    let since = c
        .search(&[
            SearchKey::Since(Date::new(1990, 1, 1).unwrap()),
            SearchKey::Larger(50_000),
        ])
        .unwrap()
        .ids;
    assert!(since.contains(&9), "{since:?}");
    // An injection attempt is just a string.
    let none = c
        .search(&[SearchKey::From(b"x\r\nA2 DELETE INBOX".to_vec())])
        .unwrap()
        .ids;
    assert!(none.is_empty());
    assert!(c.folder_exists("INBOX").unwrap());
    let e = c
        .search(&[SearchKey::Raw(b"ALL\r\nA9 LOGOUT".to_vec())])
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
}

#[test]
fn sort_and_thread() {
    let mut c = login();
    c.examine_folder("INBOX").unwrap();
    if c.has_capability("SORT") {
        let ids = c.sort(&["REVERSE", "ARRIVAL"], &[]).unwrap();
        assert_eq!(ids.len(), 14);
        assert_eq!(ids[0], 14);
    }
    if c.has_capability("THREAD=REFERENCES") {
        let t = c.thread("REFERENCES", &[]).unwrap();
        // 11 replies to 1: one thread holds both.
        let has = |n: &imapclient::client::ThreadNode, id| n.id == Some(id);
        assert!(
            t.iter()
                .any(|n| has(n, 1) && n.children.iter().any(|ch| has(ch, 11))),
            "{t:?}"
        );
    }
}

#[test]
fn fetch_macros_are_sent_as_their_items() {
    // ALL, FAST and FULL may not stand in a parenthesized list (which the
    // client's list is, UID first): before, '(UID ALL)' drew a BAD.
    let mut c = login();
    c.examine_folder("INBOX").unwrap();
    for (mac, envelope, body) in [
        ("ALL", true, false),
        ("fast", false, false),
        ("Full", true, true),
    ] {
        let m = c.fetch(2, &[mac]).unwrap_or_else(|e| panic!("{mac}: {e}"));
        let m = m.get(2).unwrap_or_else(|| panic!("{mac}: no message"));
        assert!(
            m.flags.is_some() && m.internal_date.is_some(),
            "{mac}: {m:?}"
        );
        assert!(m.size.is_some_and(|n| n > 0), "{mac}: {m:?}");
        assert_eq!(m.envelope.is_some(), envelope, "{mac}");
        assert_eq!(m.body_structure.is_some(), body, "{mac}");
    }
    // With other items too.
    let m = c.fetch(2, &["FAST", "BODY.PEEK[HEADER]"]).unwrap();
    let m = m.get(2).unwrap();
    assert!(m.size.is_some() && m.section("BODY[HEADER]").is_some());
}

#[test]
fn body_sections_and_partial_fetch() {
    let mut c = login();
    c.examine_folder("INBOX").unwrap();
    let m = c
        .fetch(
            1,
            &[
                "BODY.PEEK[]",
                "RFC822.SIZE",
                "BODY.PEEK[HEADER.FIELDS (SUBJECT)]",
            ],
        )
        .unwrap();
    let m = m.get(1).unwrap();
    let body = m.section("BODY.PEEK[]").unwrap();
    assert_eq!(body.len() as u64, m.size.unwrap());
    assert!(body.windows(7).any(|w| w == b"Subject"));
    let hdr = m.section("BODY[HEADER.FIELDS (SUBJECT)]").unwrap();
    assert!(
        hdr.starts_with(b"Subject: Plain ASCII text"),
        "{:?}",
        String::from_utf8_lossy(hdr)
    );
    let p = c.fetch(9, &["BODY.PEEK[]<0.100>"]).unwrap();
    let s = &p.get(9).unwrap().sections[0];
    assert_eq!(s.origin, Some(0));
    assert_eq!(s.name, "BODY[]<0>");
    assert_eq!(s.data.as_ref().unwrap().len(), 100);
    // Two ranges of one section and the whole of it in one FETCH: three
    // sections, each found by its name as requested. Before, the
    // second range replaced the first under the name `BODY[]`, and a
    // lookup of either range returned whichever came last.
    let p = c
        .fetch(
            9,
            &["BODY.PEEK[]<0.10>", "BODY.PEEK[]<10.10>", "BODY.PEEK[]"],
        )
        .unwrap();
    let m = p.get(9).unwrap();
    let full = m.section("BODY[]").unwrap();
    assert!(full.len() > 90_000, "{}", full.len());
    assert_eq!(m.section("BODY.PEEK[]<0.10>"), Some(&full[..10]));
    assert_eq!(m.section("BODY.PEEK[]<10.10>"), Some(&full[10..20]));
    assert_eq!(m.section("body[]<10>"), Some(&full[10..20]));
    let names: Vec<(&str, Option<u32>)> = m
        .sections
        .iter()
        .map(|s| (s.name.as_str(), s.origin))
        .collect();
    assert_eq!(
        names,
        [
            ("BODY[]<0>", Some(0)),
            ("BODY[]<10>", Some(10)),
            ("BODY[]", None)
        ]
    );
    // A range is not the whole section.
    let p = c.fetch(9, &["BODY.PEEK[]<0.10>"]).unwrap();
    assert_eq!(p.get(9).unwrap().section("BODY[]"), None);
    // Fetch needs no \Seen change: INBOX was examined, message 3 stays unseen.
    assert!(!c
        .fetch(3, &["FLAGS"])
        .unwrap()
        .get(3)
        .unwrap()
        .has_flag("\\Seen"));
}

#[test]
fn fetch_stream_hands_out_chunks_in_fixed_memory() {
    let mut c = login();
    c.examine_folder("INBOX").unwrap();
    let sizes = c.fetch("1:*", &["RFC822.SIZE"]).unwrap();
    let mut got: std::collections::HashMap<u32, u64> = Default::default();
    let mut biggest_chunk = 0usize;
    let mut messages = 0;
    let n = c
        .fetch_stream(
            "1:*",
            &["BODY.PEEK[]"],
            4096,
            &mut |m| {
                messages += 1;
                assert!(m.uid.is_some());
                true
            },
            &mut |ch| {
                biggest_chunk = biggest_chunk.max(ch.data.len());
                assert_eq!(ch.section, "BODY[]");
                *got.entry(ch.seq).or_default() += ch.data.len() as u64;
                true
            },
        )
        .unwrap();
    assert_eq!(n, 14);
    assert_eq!(messages, 14);
    for m in &sizes {
        assert_eq!(got.get(&m.seq).copied(), m.size, "seq {}", m.seq);
    }
    // The 100 KB message came in pieces, never whole.
    assert!(biggest_chunk < 100_000, "{biggest_chunk}");

    // Stopping early is an Aborted error and the session stays usable.
    let e = c
        .fetch_stream("1:*", &["BODY.PEEK[]"], 4096, &mut |_| false, &mut |_| true)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Aborted);
    assert_eq!(c.fetch(1, &["UID"]).unwrap().len(), 1);
}

/// With a threshold of 0 every body section is streamed, and nothing
/// else: Dovecot sends 8-bit subjects and display names (message 13's
/// "Raw UTF-8 header: Ünïcödé" from "Zoë Ünicode") as literals inside
/// ENVELOPE, and those stay in the envelope, which reads exactly as
/// `fetch` gives it (the literals were streamed as if sections and the
/// envelope had empty strings).
#[test]
fn fetch_stream_streams_sections_only() {
    let mut c = login();
    c.examine_folder("INBOX").unwrap();
    let items = [
        "ENVELOPE",
        "BODYSTRUCTURE",
        "BODY.PEEK[HEADER.FIELDS (SUBJECT)]",
    ];
    let want = c.fetch("1:*", &items).unwrap();
    let mut streamed: std::collections::HashMap<u32, Vec<u8>> = Default::default();
    let mut seen = 0;
    c.fetch_stream(
        "1:*",
        &items,
        0,
        &mut |m| {
            let w = want.get(m.uid.unwrap()).unwrap();
            assert_eq!(m.envelope, w.envelope, "seq {}", m.seq);
            assert_eq!(m.body_structure, w.body_structure, "seq {}", m.seq);
            seen += 1;
            true
        },
        &mut |ch| {
            assert_eq!(ch.section, "BODY[HEADER.FIELDS (SUBJECT)]");
            streamed
                .entry(ch.seq)
                .or_default()
                .extend_from_slice(ch.data);
            true
        },
    )
    .unwrap();
    assert_eq!(seen, 14);
    let e13 = want.get(13).unwrap().envelope.as_deref().unwrap();
    assert_eq!(e13.subject.as_deref(), Some("Raw UTF-8 header: Ünïcödé"));
    assert_eq!(e13.from[0].name.as_deref(), Some("Zoë Ünicode"));
    for m in &want {
        let header = m.section("BODY[HEADER.FIELDS (SUBJECT)]").unwrap();
        assert_eq!(
            streamed.get(&m.seq).map(Vec::as_slice),
            Some(header),
            "seq {}",
            m.seq
        );
    }
}

#[test]
fn store_flags_and_read_only_refusal() {
    let mut c = login();
    let name = folder_with_copies(&mut c, "store", &[1, 2, 3]);
    // After EXAMINE, STORE is refused before anything is sent.
    c.examine_folder(&name).unwrap();
    let e = c.add_flags(1, &["\\Flagged"]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ReadOnly);
    c.select_folder(&name).unwrap();
    let r = c.add_flags("1:*", &["\\Flagged", "Custom1"]).unwrap();
    assert_eq!(r.messages.len(), 3);
    assert!(r
        .messages
        .iter()
        .all(|m| m.has_flag("\\Flagged") && m.has_flag("Custom1")));
    let r = c.remove_flags(&[2u32, 3][..], &["\\Flagged"]).unwrap();
    assert!(r.messages.iter().all(|m| !m.has_flag("\\Flagged")));
    let r = c.set_flags(1, &["\\Answered"]).unwrap();
    let mut f = r.messages.get(1).unwrap().flags.clone().unwrap();
    f.retain(|x| x != "\\Recent"); // the server's own, not stored by us
    assert_eq!(f, vec!["\\Answered".to_string()]);
    let r = c
        .store(
            1,
            StoreAction::Add,
            &["\\Seen"],
            &StoreOptions {
                silent: true,
                unchanged_since: None,
            },
        )
        .unwrap();
    assert!(r.messages.is_empty());
    assert!(c
        .fetch(1, &["FLAGS"])
        .unwrap()
        .get(1)
        .unwrap()
        .has_flag("\\Seen"));
    // \Recent is read-only; invalid flags are refused.
    assert_eq!(
        c.add_flags(1, &["\\Recent"]).unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        c.add_flags(1, &["bad flag"]).unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        c.add_flags("50-65", &["x"]).unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
    // Gmail labels need X-GM-EXT-1.
    let e = c
        .store_gmail_labels(1, StoreAction::Add, &["x"], &StoreOptions::default())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::CapabilityMissing);
    // So do Gmail's search keys, nested too (Dovecot would answer BAD);
    // refused before anything is sent, and the session goes on.
    for keys in [
        vec![SearchKey::GmRaw(b"has:attachment".to_vec())],
        vec![
            SearchKey::Seen,
            SearchKey::Not(Box::new(SearchKey::GmThrId(7))),
        ],
    ] {
        let e = c.search(&keys).unwrap_err();
        assert_eq!(e.kind, ErrorKind::CapabilityMissing, "{e}");
        assert!(e.message.contains("X-GM-EXT-1"), "{e}");
    }
    assert_eq!(
        c.search(&[SearchKey::Uid("1".parse().unwrap())])
            .unwrap()
            .ids,
        [1]
    );
    c.select_folder("INBOX").unwrap();
    c.delete_folder(&name).unwrap();
}

#[test]
fn condstore_unchanged_since_and_changed_since() {
    let mut c = login();
    let name = folder_with_copies(&mut c, "condstore", &[1, 2]);
    let st = c.select_folder_condstore(&name, false).unwrap();
    let ms = st.highest_modseq.unwrap();
    c.add_flags(1, &["\\Flagged"]).unwrap();
    let changed = c
        .fetch_with(
            "1:*",
            &["FLAGS"],
            &FetchOptions {
                changed_since: Some(ms),
                vanished: false,
            },
        )
        .unwrap();
    assert_eq!(
        changed.iter().map(|m| m.uid.unwrap()).collect::<Vec<_>>(),
        vec![1]
    );
    assert!(changed.get(1).unwrap().modseq.unwrap() > ms);
    let r = c
        .store(
            "1:2",
            StoreAction::Add,
            &["\\Seen"],
            &StoreOptions {
                silent: false,
                unchanged_since: Some(ms),
            },
        )
        .unwrap();
    assert_eq!(r.modified, vec![1]);
}

#[test]
fn append_copy_move_expunge() {
    let mut c = login();
    let a = common::unique_folder("append");
    let b = common::unique_folder("moved");
    common::create_new(&mut c, &a);
    common::create_new(&mut c, &b);
    let msg = b"From: x@example.org\r\nSubject: appended \xc3\xa9\r\n\r\nHello\r\n";
    let when = imapclient::client::DateTime::from_unix(1_700_000_000, 60);
    let r = c
        .append(&a, msg, &["\\Seen", "\\Flagged"], Some(when))
        .unwrap();
    assert_eq!(r.uids, vec![1]);
    assert!(r.uid_validity.is_some());
    c.append(&a, b"Subject: two\r\n\r\nx\r\n", &[], None)
        .unwrap();
    c.select_folder(&a).unwrap();
    let m = c
        .fetch(1, &["FLAGS", "INTERNALDATE", "BODY.PEEK[]"])
        .unwrap();
    let m = m.get(1).unwrap();
    assert!(m.has_flag("\\Flagged"));
    assert_eq!(m.internal_date.unwrap().unix_timestamp(), 1_700_000_000);
    assert_eq!(m.section("BODY[]").unwrap(), &msg[..]);
    let cp = c.copy(1, &b).unwrap();
    assert_eq!(cp.source, vec![1]);
    assert_eq!(cp.dest, vec![1]);
    let mv = c.move_messages(2, &b).unwrap();
    assert_eq!(mv.source, vec![2]);
    assert_eq!(mv.dest, vec![2]);
    assert_eq!(c.selected().unwrap().exists, 1);
    // The EXPUNGE of the move updated the counters; it is not a result.
    c.add_flags(1, &["\\Deleted"]).unwrap();
    assert_eq!(c.expunge().unwrap(), vec![1]);
    assert_eq!(c.folder_status(&b).unwrap().messages, Some(2));
    c.select_folder(&b).unwrap();
    let e = c.copy(1, "no-such-folder-xyz").unwrap_err();
    assert_eq!(e.kind, ErrorKind::No);
    assert_eq!(e.response_code.as_deref(), Some("TRYCREATE"));
    c.unselect_folder().unwrap();
    c.delete_folder(&a).unwrap();
    c.delete_folder(&b).unwrap();
}

#[test]
fn uid_expunge_only_touches_named_messages() {
    let mut c = login();
    let name = folder_with_copies(&mut c, "uidexp", &[1, 2, 3]);
    c.select_folder(&name).unwrap();
    c.add_flags("1:*", &["\\Deleted"]).unwrap();
    let gone = c.uid_expunge(2).unwrap();
    assert_eq!(gone.len(), 1);
    assert_eq!(c.search(&[]).unwrap().ids, vec![1, 3]);
}

#[test]
fn unsolicited_exists_goes_to_events_not_results() {
    let mut a = login();
    let mut b = login();
    let name = folder_with_copies(&mut a, "events", &[1]);
    a.select_folder(&name).unwrap();
    b.append(&name, b"Subject: from b\r\n\r\nhi\r\n", &[], None)
        .unwrap();
    let got = a.fetch(1, &["FLAGS"]).unwrap();
    assert_eq!(got.len(), 1, "only the asked message: {got:?}");
    a.noop().unwrap();
    let ev = a.take_events();
    assert!(ev.contains(&Event::Exists(2)), "{ev:?}");
    assert_eq!(a.selected().unwrap().exists, 2);
    assert!(a.take_events().is_empty());
}

#[test]
fn idle_sees_a_message_appended_by_another_client() {
    let mut a = login();
    let name = common::unique_folder("idle");
    common::create_new(&mut a, &name);
    a.select_folder(&name).unwrap();
    a.idle_start().unwrap();
    // Nothing happens: the wait times out with no events.
    let t0 = Instant::now();
    assert!(a.idle_wait(Duration::from_millis(300)).unwrap().is_empty());
    assert!(t0.elapsed() >= Duration::from_millis(250));
    // Other commands are refused while idling.
    assert_eq!(a.noop().unwrap_err().kind, ErrorKind::IllegalState);
    idle_until_appended(&mut a, &name, 1);
    a.idle_done().unwrap();
    assert_eq!(a.search(&[]).unwrap().ids, vec![1]);
}

/// With `c` idling on `folder`: another connection appends a message
/// after 200 ms; wait until `c` hears of it (EXISTS `n`, within 15 s).
fn idle_until_appended(c: &mut Client, folder: &str, n: u32) {
    let f = folder.to_string();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        let mut b = login();
        b.append(&f, b"Subject: idle\r\n\r\nx\r\n", &[], None)
            .unwrap();
    });
    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(15);
    while !events.contains(&Event::Exists(n)) && Instant::now() < deadline {
        events.extend(c.idle_wait(Duration::from_secs(5)).unwrap());
    }
    t.join().unwrap();
    assert!(events.contains(&Event::Exists(n)), "{events:?}");
}

/// Dovecot's LOGIN completion carries its capabilities: over a 200-byte
/// `max_line` the line is discarded. The command ends at once with a
/// non-fatal `LimitExceeded` (it waited for the I/O timeout, then the
/// connection was lost) and the connection stays in step with the server.
/// (Whether LOGIN succeeded is unknown to the client, which stays logged
/// out and refuses what needs a login.)
#[test]
fn login_completion_over_max_line_is_not_fatal() {
    let srv = common::TestServer::get();
    let mut o = options(Security::Implicit);
    o.limits.max_line = 200;
    o.io_timeout = Some(Duration::from_secs(3));
    let mut c = Client::connect(&o).expect("connect (the greeting is shorter)");
    let t0 = Instant::now();
    let e = c.login(&srv.user, &srv.password).unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert!(!e.is_fatal(), "{e}");
    assert!(c.fatal_error().is_none());
    assert!(e.message.contains("unknown"), "{e}");
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    c.noop().expect("NOOP after the lost completion");
    // Logged in after all: the server's capability list is as long as the
    // LOGIN line was. Its untagged line is skipped as before (the command
    // completes), and the session goes on.
    let e = c.refresh_capabilities().unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert!(!e.is_fatal(), "{e}");
    c.noop().expect("NOOP");
    c.logout().expect("logout");
}

#[test]
fn interrupt_from_another_thread_returns_promptly() {
    // Plain TLS, and with COMPRESS (the inflater over the TLS stream).
    for compress in [false, true] {
        let mut a = login();
        if compress {
            a.compress().unwrap();
        }
        a.examine_folder("INBOX").unwrap();
        a.idle_start().unwrap();
        let intr = a.interrupter();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            intr.interrupt();
        });
        let t0 = Instant::now();
        let e = a.idle_wait(Duration::from_secs(30)).unwrap_err();
        t.join().unwrap();
        assert_eq!(e.kind, ErrorKind::Interrupted, "compress {compress}: {e}");
        assert!(t0.elapsed() < Duration::from_secs(5));
        // The connection is closed after an interrupt.
        assert_eq!(a.noop().unwrap_err().kind, ErrorKind::IllegalState);
    }
}

#[test]
fn illegal_state_and_missing_capability() {
    let srv = common::TestServer::get();
    let mut c = Client::connect(&options(Security::Implicit)).unwrap();
    assert_eq!(
        c.list_folders("", "*").unwrap_err().kind,
        ErrorKind::IllegalState
    );
    c.login(&srv.user, &srv.password).unwrap();
    let e = c.fetch(1, &["FLAGS"]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalState);
    assert!(e.message.contains("no folder is selected"), "{e}");
    assert_eq!(
        c.fetch(1, &[]).unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        c.fetch(1, &["FLAGS\r\nA1 LOGOUT"]).unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
}

#[test]
fn session_extras() {
    let mut c = login();
    if c.has_capability("ID") {
        let id = c
            .id(&[("name", "libimapclient"), ("version", "0.1")])
            .unwrap();
        assert!(
            id.iter().any(|(k, _)| k.eq_ignore_ascii_case("name")),
            "{id:?}"
        );
    }
    let ns = c.namespace().unwrap();
    assert_eq!(ns.personal.len(), 1);
    assert_eq!(ns.personal[0].1, Some('/'));
    let en = c.enable(&["CONDSTORE"]).unwrap();
    assert_eq!(en, vec!["CONDSTORE".to_string()]);
    assert_eq!(
        c.find_special_folder("\\Sent").unwrap().as_deref(),
        Some("Sent")
    );
    c.noop().unwrap();
    if c.has_capability("QUOTA") {
        let (roots, quotas) = c.get_quota_root("INBOX").unwrap();
        assert!(!roots.is_empty());
        assert!(quotas.iter().all(|q| q.limit > 0));
    }
    if c.has_capability("ACL") {
        let acl = c.get_acl("INBOX").unwrap();
        assert!(!acl.is_empty());
    }
    c.logout().unwrap();
    assert_eq!(c.noop().unwrap_err().kind, ErrorKind::IllegalState);
    c.logout().unwrap();
}

#[test]
fn multiappend_and_move_fallback_without_move_capability() {
    use imapclient::client::AppendMessage;
    let mut c = login();
    let a = common::unique_folder("multi");
    let b = common::unique_folder("fallback");
    common::create_new(&mut c, &a);
    common::create_new(&mut c, &b);
    let msgs = [
        AppendMessage {
            data: b"Subject: one\r\n\r\n1\r\n",
            flags: &["\\Seen"],
            date: None,
        },
        AppendMessage {
            data: b"Subject: two\r\n\r\n2\r\n",
            flags: &[],
            date: None,
        },
        AppendMessage {
            data: b"Subject: three\r\n\r\n3\r\n",
            flags: &["\\Deleted"],
            date: None,
        },
    ];
    let r = c.multiappend(&a, &msgs).unwrap();
    assert_eq!(r.uids, vec![1, 2, 3]);
    c.select_folder(&a).unwrap();
    // Without MOVE: COPY + STORE \Deleted + UID EXPUNGE of exactly the moved
    // message; message 3, already \Deleted, must survive.
    c.mask_capability("MOVE");
    assert!(!c.has_capability("MOVE"));
    let mv = c.move_messages(1, &b).unwrap();
    assert_eq!(mv.source, vec![1]);
    assert_eq!(c.search(&[]).unwrap().ids, vec![2, 3]);
    // The same by sequence number.
    c.set_use_uid(false);
    c.move_messages(1, &b).unwrap();
    c.set_use_uid(true);
    assert_eq!(c.search(&[]).unwrap().ids, vec![3]);
    assert_eq!(c.folder_status(&b).unwrap().messages, Some(2));
}

#[test]
fn idle_is_renewed_and_keeps_delivering() {
    let mut a = login();
    let name = common::unique_folder("renew");
    common::create_new(&mut a, &name);
    a.select_folder(&name).unwrap();
    a.set_idle_renew_interval(Duration::from_millis(300));
    a.idle_start().unwrap();
    // Several renewals happen inside this wait.
    assert!(a.idle_wait(Duration::from_millis(1200)).unwrap().is_empty());
    assert!(a.is_idle());
    let mut b = login();
    b.append(&name, b"Subject: after renew\r\n\r\nx\r\n", &[], None)
        .unwrap();
    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !events.contains(&Event::Exists(1)) && Instant::now() < deadline {
        events.extend(a.idle_wait(Duration::from_secs(2)).unwrap());
    }
    assert!(events.contains(&Event::Exists(1)), "{events:?}");
    a.idle_done().unwrap();
}

#[test]
fn idle_renewal_keeps_events_that_race_the_done() {
    // Renew every 100 ms while another client appends: an EXISTS that
    // arrives between DONE and its OK must still be reported (it was
    // dropped once; the C idle example hung on it).
    let mut a = login();
    let name = common::unique_folder("renewrace");
    common::create_new(&mut a, &name);
    a.select_folder(&name).unwrap();
    a.set_idle_renew_interval(Duration::from_millis(100));
    a.idle_start().unwrap();
    let appender = std::thread::spawn({
        let name = name.clone();
        move || {
            let mut b = login();
            for i in 0..10 {
                std::thread::sleep(Duration::from_millis(37));
                b.append(
                    &name,
                    format!("Subject: {i}\r\n\r\nx\r\n").as_bytes(),
                    &[],
                    None,
                )
                .unwrap();
            }
        }
    });
    let mut last = 0;
    let deadline = Instant::now() + Duration::from_secs(15);
    while last < 10 && Instant::now() < deadline {
        for e in a.idle_wait(Duration::from_millis(500)).unwrap() {
            if let Event::Exists(n) = e {
                last = last.max(n);
            }
        }
    }
    appender.join().unwrap();
    assert_eq!(last, 10);
    a.idle_done().unwrap();
}

#[test]
fn acl_and_quota() {
    let mut c = login();
    assert!(c.has_capability("ACL"), "fixture enables ACL");
    assert!(c.has_capability("QUOTA"), "fixture enables QUOTA");
    let name = common::unique_folder("acl");
    common::create_new(&mut c, &name);
    c.set_acl(&name, "test2", "lr").unwrap();
    let acl = c.get_acl(&name).unwrap();
    assert!(
        acl.iter().any(|(who, r)| who == "test2" && r == "lr"),
        "{acl:?}"
    );
    let (roots, quotas) = c.get_quota_root("INBOX").unwrap();
    assert!(!roots.is_empty());
    assert!(
        quotas.iter().any(|q| q.usage > 0 && q.limit > q.usage),
        "{quotas:?}"
    );
    let q = c.get_quota(&roots[0]).unwrap();
    assert_eq!(q.len(), quotas.len());
    // SETQUOTA: Dovecot parses the command and refuses it to a user who
    // is not an administrator (NO, not BAD: the syntax passed). Setting
    // limits for real needs Dovecot's dict quota as an admin, which
    // crashes Dovecot 2.3.19; tests/quirks.rs has the success path.
    let e = c
        .set_quota(&roots[0], &[("STORAGE", 5000), ("MESSAGE", 77)])
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::No, "{e}");
    assert!(e.message.contains("only by admin"), "{e}");
    for bad in [
        &[("STOR AGE", 1)][..],
        &[("", 1)],
        &[("STORAGE", 1u64 << 63)],
    ] {
        let e = c.set_quota(&roots[0], bad).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad:?}: {e}");
    }
    // Limits only: other tests add mail as the same user meanwhile.
    let limits = |q: &[imapclient::client::Quota]| -> Vec<(String, u64)> {
        q.iter().map(|x| (x.resource.clone(), x.limit)).collect()
    };
    assert_eq!(
        limits(&c.get_quota(&roots[0]).unwrap()),
        limits(&q),
        "limits unchanged"
    );
    c.delete_folder(&name).unwrap();
}

/// The messages with `\Recent` left out of their flags: it belongs to
/// the one session that saw a message first (RFC 3501 2.3.2), which other
/// tests of the same user may be.
fn without_recent(m: &imapclient::client::Messages) -> Vec<imapclient::client::Message> {
    m.iter()
        .map(|x| {
            let mut x = x.clone();
            if let Some(f) = x.flags.as_mut() {
                f.retain(|f| !f.eq_ignore_ascii_case("\\Recent"));
            }
            x
        })
        .collect()
}

#[test]
fn compress_deflate_gives_the_same_answers_in_fewer_bytes() {
    // Refused before login (servers offer it only then), nothing sent.
    let mut pre = Client::connect(&options(Security::Implicit)).unwrap();
    assert_eq!(pre.compress().unwrap_err().kind, ErrorKind::IllegalState);
    pre.logout().unwrap();

    let items = [
        "FLAGS",
        "ENVELOPE",
        "RFC822.SIZE",
        "INTERNALDATE",
        "BODYSTRUCTURE",
        "BODY.PEEK[]",
    ];
    let mut plain = login();
    plain.examine_folder("INBOX").unwrap();
    let want = plain.fetch("1:*", &items).unwrap();
    assert_eq!(want.len(), 14);

    for sec in [Security::Implicit, Security::Plain] {
        let mut c = login_with(sec);
        assert!(c.has_capability("COMPRESS=DEFLATE"));
        assert!(!c.is_compressed());
        c.compress().unwrap();
        assert!(c.is_compressed());
        assert_eq!(c.is_tls(), sec == Security::Implicit);
        // Once only: a second COMPRESS is refused here, nothing sent.
        assert_eq!(c.compress().unwrap_err().kind, ErrorKind::IllegalState);
        c.examine_folder("INBOX").unwrap();
        let got = c.fetch("1:*", &items).unwrap();
        assert_eq!(
            without_recent(&got),
            without_recent(&want),
            "{sec:?}: the same messages as without COMPRESS"
        );
        let s = c.compression_stats().unwrap();
        let bodies: u64 = got.iter().map(|m| m.size.unwrap()).sum();
        assert!(s.received > bodies, "{s:?}: every body came through it");
        assert!(
            s.received_wire * 2 < s.received,
            "{s:?}: mail text should compress at least 2:1"
        );
        assert!(s.sent > 0 && s.sent_wire > 0, "{s:?}");

        // Streaming reads the same bytes in chunks through the inflater.
        let mut streamed = 0u64;
        c.fetch_stream("1:*", &["BODY.PEEK[]"], 4096, &mut |_| true, &mut |ch| {
            streamed += ch.data.len() as u64;
            true
        })
        .unwrap();
        assert_eq!(streamed, bodies);

        // A synchronising literal: the command line must reach the server
        // (flushed) before the client waits for its `+`.
        let name = common::unique_folder("compress");
        common::create_new(&mut c, &name);
        c.mask_capability("LITERAL+");
        let mut big = b"Subject: compressed append\r\n\r\n".to_vec();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        while big.len() < 300_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            big.extend_from_slice(format!("{x:016x}\r\n").as_bytes());
        }
        let r = c.append(&name, &big, &["\\Seen"], None).unwrap();
        c.select_folder(&name).unwrap();
        let back = c.fetch(r.uids[0], &["BODY.PEEK[]"]).unwrap();
        assert_eq!(
            back.get(r.uids[0]).unwrap().section("BODY[]"),
            Some(&big[..])
        );

        // IDLE: DONE goes out through the compressor too.
        c.idle_start().unwrap();
        idle_until_appended(&mut c, &name, 2);
        c.idle_done().unwrap();
        c.examine_folder("INBOX").unwrap();
        c.delete_folder(&name).unwrap();
        c.logout().unwrap();
    }
}

#[test]
fn list_folders_with_status_in_one_command_or_one_per_folder() {
    // A user of its own: Dovecot 2.3.19 can panic (EDEADLK on
    // mailboxes.lock) when one session creates a folder while another
    // LISTs the same account, and this test does both.
    common::TestServer::get().seed("test8");
    let login = || login_as("test8");
    let mut c = login();
    assert!(c.has_capability("LIST-STATUS"));
    // A hierarchy placeholder: the parent of a folder that was created
    // alone cannot be selected and gets no status.
    let parent = common::unique_folder("liststatus");
    let child = format!("{parent}/child");
    c.create_folder(&child).unwrap();
    c.append(&child, b"Subject: s\r\n\r\nx\r\n", &[], None)
        .unwrap();

    let one = c.list_folders_with_status("", "*").unwrap();
    let mut d = login();
    d.mask_capability("LIST-STATUS");
    let each = d.list_folders_with_status("", "*").unwrap();
    for (name, messages) in [
        ("INBOX", Some(14)),
        ("Entwürfe/日本語", Some(2)),
        ("Archive/2024", None),
        ("Sent", None),
        (child.as_str(), Some(1)),
    ] {
        let a = one
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name}"));
        let b = each
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name}"));
        let (sa, sb) = (a.status.clone().unwrap(), b.status.clone().unwrap());
        assert_eq!(sa, sb, "{name}: LIST-STATUS and STATUS agree");
        assert_eq!(sa, c.folder_status(name).unwrap(), "{name}");
        if messages.is_some() {
            assert_eq!(sa.messages, messages, "{name}");
        }
        assert!(sa.uid_validity.is_some() && sa.uid_next.is_some(), "{name}");
        assert!(sa.highest_modseq.is_some(), "{name}: CONDSTORE adds it");
    }
    // Dovecot lists the placeholder as \NonExistent.
    let p = one.iter().find(|f| f.name == parent).unwrap();
    assert!(!p.is_selectable(), "{p:?}");
    assert_eq!(p.status, None);
    let q = each.iter().find(|f| f.name == parent).unwrap();
    assert!(!q.is_selectable(), "{q:?}");
    assert_eq!(q.status, None);
    // A plain LIST has no status.
    assert!(c
        .list_folders("", "*")
        .unwrap()
        .iter()
        .all(|f| f.status.is_none()));
    c.delete_folder(&child).unwrap();
    let _ = c.delete_folder(&parent);
}

#[test]
fn qresync_fetch_vanished_resyncs_a_folder_in_one_command() {
    let mut a = login();
    let name = common::unique_folder("qresync");
    common::create_new(&mut a, &name);
    for i in 1..=4 {
        let m = format!("Subject: m{i}\r\n\r\nx\r\n");
        a.append(&name, m.as_bytes(), &[], None).unwrap();
    }
    // What a sync daemon keeps from its last session.
    let st = a.select_folder_condstore(&name, false).unwrap();
    let (validity, modseq) = (st.uid_validity.unwrap(), st.highest_modseq.unwrap());
    // Then, before the next session: a flag, an expunge, a new message.
    a.add_flags(2, &["\\Flagged"]).unwrap();
    a.add_flags(3, &["\\Deleted"]).unwrap();
    assert_eq!(a.uid_expunge(3).unwrap(), [3]);
    a.append(&name, b"Subject: m5\r\n\r\nx\r\n", &[], None)
        .unwrap();
    a.logout().unwrap();

    // Without ENABLE QRESYNC the server would answer BAD: refused here.
    let mut b = login();
    b.select_folder_condstore(&name, true).unwrap();
    let e = b.fetch_vanished("1:*", &["FLAGS"], modseq).unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalState, "{e}");
    assert!(e.message.contains("QRESYNC"), "{e}");
    b.logout().unwrap();

    let mut c = login();
    assert_eq!(c.enable(&["QRESYNC"]).unwrap(), ["QRESYNC"]);
    let st = c.select_folder_condstore(&name, true).unwrap();
    assert_eq!(st.uid_validity, Some(validity));
    let (msgs, gone) = c.fetch_vanished("1:*", &["FLAGS"], modseq).unwrap();
    let uids: Vec<u32> = msgs.iter().map(|m| m.uid.unwrap()).collect();
    assert_eq!(
        uids,
        [2, 5],
        "changed since the modseq: the flag and the new one"
    );
    assert!(msgs.get(2).unwrap().has_flag("\\Flagged"));
    assert_eq!(gone, [3], "expunged since the modseq");
    // They came as the result, not as events too.
    assert!(!c
        .take_events()
        .iter()
        .any(|e| matches!(e, Event::Vanished { .. })));
    // Nothing changed since the folder's present HIGHESTMODSEQ.
    let now = st.highest_modseq.unwrap();
    let (msgs, gone) = c.fetch_vanished("1:*", &["FLAGS"], now).unwrap();
    assert!(msgs.is_empty() && gone.is_empty(), "{msgs:?} {gone:?}");
    // Under QRESYNC an expunge by another client arrives as VANISHED (not
    // EXPUNGE), and the folder's count follows it.
    assert_eq!(c.selected().unwrap().exists, 4);
    let mut e = login();
    e.select_folder(&name).unwrap();
    e.add_flags(4, &["\\Deleted"]).unwrap();
    e.uid_expunge(4).unwrap();
    e.logout().unwrap();
    c.noop().unwrap();
    let events = c.take_events();
    assert!(
        events.contains(&Event::Vanished {
            earlier: false,
            uids: vec![4]
        }),
        "{events:?}"
    );
    assert_eq!(c.selected().unwrap().exists, 3);
    // Its own expunge, under QRESYNC: UIDs back, and the count follows.
    c.select_folder_condstore(&name, false).unwrap();
    c.add_flags(5, &["\\Deleted"]).unwrap();
    assert_eq!(c.uid_expunge(5).unwrap(), [5]);
    assert_eq!(c.selected().unwrap().exists, 2);
    // Expunged by another session while this one has the folder selected,
    // told during the resync itself as plain VANISHED: part of the answer
    // (for the UIDs asked about), and an event (the count follows). Before,
    // it was an event only and the answer said nothing had gone.
    let st = c.select_folder_condstore(&name, false).unwrap();
    let now = st.highest_modseq.unwrap();
    c.take_events();
    let mut e = login();
    e.select_folder(&name).unwrap();
    e.add_flags("1:2", &["\\Deleted"]).unwrap();
    assert_eq!(e.uid_expunge("1:2").unwrap().len(), 2);
    e.logout().unwrap();
    let (msgs, gone) = c.fetch_vanished("2:10", &["FLAGS"], now).unwrap();
    assert!(msgs.is_empty(), "{msgs:?}");
    assert_eq!(gone, [2], "expunged now, among the UIDs asked about");
    let events = c.take_events();
    assert!(
        events.contains(&Event::Vanished {
            earlier: false,
            uids: vec![1, 2]
        }),
        "{events:?}"
    );
    assert_eq!(c.selected().unwrap().exists, 0);
    c.logout().unwrap();
    let mut d = login();
    d.delete_folder(&name).unwrap();
}

#[test]
fn binary_fetch_decodes_a_base64_part_on_the_server() {
    use base64::Engine as _;
    let mut c = login();
    c.examine_folder("INBOX").unwrap();
    // The fixture's multipart messages whose second part is base64 (the
    // PDF attachment among them).
    let all = c.fetch("1:*", &["BODYSTRUCTURE"]).unwrap();
    let uids: Vec<u32> = all
        .iter()
        .filter(|m| {
            m.body_structure.as_ref().is_some_and(|b| {
                b.children.get(1).is_some_and(|p| {
                    p.encoding
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(b"base64"))
                })
            })
        })
        .map(|m| m.uid.unwrap())
        .collect();
    assert!(!uids.is_empty(), "the fixture has a base64 attachment");
    let got = c
        .fetch(
            uids.as_slice(),
            &["BODY.PEEK[2]", "BINARY.PEEK[2]", "BINARY.SIZE[2]"],
        )
        .unwrap();
    assert_eq!(got.len(), uids.len());
    for m in &got {
        let encoded: Vec<u8> = m
            .section("BODY[2]")
            .unwrap()
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        let want = base64::engine::general_purpose::STANDARD
            .decode(&encoded)
            .unwrap();
        let binary = m.section("BINARY[2]").unwrap();
        assert_eq!(binary, &want[..], "UID {:?}", m.uid);
        assert_eq!(
            m.binary_sizes,
            [("2".to_string(), want.len() as u64)],
            "UID {:?}",
            m.uid
        );
    }
}

#[test]
fn close_expunges_deleted_messages_and_unselect_does_not() {
    let mut c = login();
    let name = common::unique_folder("close");
    common::create_new(&mut c, &name);
    for i in 1..=3 {
        let m = format!("Subject: c{i}\r\n\r\nx\r\n");
        c.append(&name, m.as_bytes(), &[], None).unwrap();
    }
    c.select_folder(&name).unwrap();
    c.add_flags(1, &["\\Deleted"]).unwrap();
    c.unselect_folder().unwrap();
    assert!(c.selected().is_none());
    assert_eq!(c.folder_status(&name).unwrap().messages, Some(3));
    c.select_folder(&name).unwrap();
    c.close_folder().unwrap();
    assert!(c.selected().is_none());
    assert_eq!(
        c.fetch(1, &["UID"]).unwrap_err().kind,
        ErrorKind::IllegalState
    );
    assert_eq!(c.folder_status(&name).unwrap().messages, Some(2));
    // Read-only, CLOSE expunges nothing.
    c.select_folder(&name).unwrap();
    c.add_flags(2, &["\\Deleted"]).unwrap();
    c.examine_folder(&name).unwrap();
    c.close_folder().unwrap();
    assert_eq!(c.folder_status(&name).unwrap().messages, Some(2));
    c.delete_folder(&name).unwrap();
}

#[test]
fn metadata_set_get_depth_maxsize_and_removal() {
    use imapclient::client::{MetadataDepth, MetadataOptions};
    let mut c = login();
    assert!(c.has_capability("METADATA"), "fixture sets imap_metadata");
    let name = common::unique_folder("metadata Ü");
    common::create_new(&mut c, &name);
    // CR, LF and 8-bit bytes go as a literal.
    let binary: &[u8] = b"a\tb\r\nc\xff";
    c.set_metadata(
        &name,
        &[
            ("/private/comment", Some(b"hello")),
            ("/shared/comment", Some("geteilt: Grüße".as_bytes())),
            ("/private/vendor/imapc/bin", Some(binary)),
            ("/private/vendor/imapc/empty", Some(b"")),
        ],
    )
    .unwrap();
    let plain = MetadataOptions::default();
    let m = c
        .get_metadata(
            &name,
            &["/private/comment", "/shared/comment", "/private/nothing"],
            &plain,
        )
        .unwrap();
    assert_eq!(m.get("/private/comment"), Some(&b"hello"[..]));
    assert_eq!(m.get("/SHARED/Comment"), Some("geteilt: Grüße".as_bytes()));
    assert_eq!(m.get("/private/nothing"), None);
    assert_eq!(m.long_entries, None);
    // One entry alone, the binary value back byte for byte.
    let m = c
        .get_metadata(&name, &["/private/vendor/imapc/bin"], &plain)
        .unwrap();
    assert_eq!(m.entries.len(), 1, "{m:?}");
    assert_eq!(m.get("/private/vendor/imapc/bin"), Some(binary));
    // DEPTH: the entries below /private/vendor.
    let deep = |depth| MetadataOptions {
        max_size: None,
        depth,
    };
    let m = c
        .get_metadata(&name, &["/private/vendor"], &deep(MetadataDepth::Infinity))
        .unwrap();
    let mut names: Vec<_> = m.entries.iter().map(|e| e.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["/private/vendor/imapc/bin", "/private/vendor/imapc/empty"]
    );
    let m = c
        .get_metadata(&name, &["/private/vendor"], &deep(MetadataDepth::Zero))
        .unwrap();
    assert!(m.entries.iter().all(|e| e.value.is_none()), "{m:?}");
    // MAXSIZE: the longer value is left out and its size reported.
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
    // A NUL goes as a literal8, which Dovecot parses (NO, not BAD) and
    // will not store.
    let e = c
        .set_metadata(&name, &[("/private/comment", Some(b"a\0b"))])
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::No, "{e}");
    assert!(e.message.contains("NUL"), "{e}");
    // None removes.
    c.set_metadata(&name, &[("/private/comment", None)])
        .unwrap();
    let m = c
        .get_metadata(&name, &["/private/comment"], &plain)
        .unwrap();
    assert_eq!(m.get("/private/comment"), None);

    // The server's own entries ("").
    let entry = format!("/private/vendor/imapc/{}", common::unique_folder("srv"));
    c.set_metadata("", &[(&entry, Some(b"server wide"))])
        .unwrap();
    let m = c.get_metadata("", &[&entry], &plain).unwrap();
    assert_eq!(m.get(&entry), Some(&b"server wide"[..]));
    c.set_metadata("", &[(&entry, None)]).unwrap();

    // Bad entry names: refused here, nothing sent, the session goes on.
    for bad in [
        "/bad/comment",
        "private/comment",
        "/private/",
        "/private//x",
        "/private/a*",
        "/shared/%",
        "/private/a\r\nA1 LOGOUT",
    ] {
        let e = c.get_metadata(&name, &[bad], &plain).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad:?}: {e}");
        let e = c.set_metadata(&name, &[(bad, Some(b"x"))]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad:?}: {e}");
    }
    assert_eq!(
        c.get_metadata(&name, &[], &plain).unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
    // A folder that does not exist: the server's NO.
    let e = c
        .set_metadata(
            &common::unique_folder("nometadata"),
            &[("/private/comment", Some(b"x"))],
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::No, "{e}");
    // Without the capability: refused before sending.
    c.mask_capability("METADATA");
    let e = c
        .get_metadata(&name, &["/private/comment"], &plain)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::CapabilityMissing, "{e}");
    c.noop().unwrap();
    c.delete_folder(&name).unwrap();
}

/// A new folder of b's user, for a NOTIFY test to select.
fn new_folder_for_fetch(b: &mut Client) -> String {
    let name = common::unique_folder("notify-selected");
    common::create_new(b, &name);
    name
}

#[test]
fn notify_reports_other_folders_during_idle() {
    use imapclient::client::notify_events as ev;
    use imapclient::client::{NotifyGroup, NotifyTarget};
    // A user of its own: the personal namespace of user test changes all
    // the time under the other tests.
    common::TestServer::get().seed("test9");
    let login9 = || login_as("test9");
    let mut a = login9();
    assert!(a.has_capability("NOTIFY"));
    let personal = NotifyGroup::new(
        NotifyTarget::Personal,
        ev::MESSAGE_NEW | ev::MESSAGE_EXPUNGE | ev::MAILBOX_NAME,
    );
    // STATUS: every folder's counters first, as events.
    a.notify(std::slice::from_ref(&personal), true).unwrap();
    let first = a.take_events();
    let inbox = first.iter().find_map(|e| match e {
        Event::FolderStatus { folder, status } if folder == "INBOX" => Some(status.clone()),
        _ => None,
    });
    assert_eq!(inbox.and_then(|s| s.messages), Some(14), "{first:?}");
    assert!(
        first.iter().any(
            |e| matches!(e, Event::FolderStatus { folder, .. } if folder == "Entwürfe/日本語")
        ),
        "names decoded: {first:?}"
    );

    let old = common::unique_folder("notify Ö");
    let new = format!("{old} renamed");
    // Each change in its turn, once the last one was heard of: Dovecot
    // compares snapshots, and a folder created and deleted between two
    // looks is never reported.
    let mut b = login9();
    a.idle_start().unwrap();
    let heard = |a: &mut Client, what: &str, want: &dyn Fn(&Event) -> bool| {
        let mut seen = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            let got = a.idle_wait(Duration::from_millis(500)).unwrap();
            if got.iter().any(want) {
                return;
            }
            seen.extend(got);
        }
        panic!("{what}: not heard of; events {seen:?}");
    };
    b.create_folder(&old).unwrap();
    heard(&mut a, "created", &|e| {
        matches!(e, Event::FolderList { folder, old_name: None }
            if folder.name == old && !folder.has_flag("\\NonExistent"))
    });
    b.append(&old, b"Subject: n\r\n\r\nx\r\n", &[], None)
        .unwrap();
    heard(&mut a, "appended", &|e| {
        matches!(e, Event::FolderStatus { folder, status }
            if folder == &old && status.messages == Some(1))
    });
    b.rename_folder(&old, &new).unwrap();
    heard(&mut a, "renamed", &|e| {
        matches!(e, Event::FolderList { folder, old_name: Some(o) }
            if folder.name == new && o == &old)
    });
    b.delete_folder(&new).unwrap();
    heard(&mut a, "deleted", &|e| {
        matches!(e, Event::FolderList { folder, .. }
            if folder.name == new && folder.has_flag("\\NonExistent"))
    });
    a.idle_done().unwrap();

    // The selected folder, with FETCH items: each new message comes with
    // its UID and flags, as a FETCH event after the EXISTS.
    a.select_folder(&new_folder_for_fetch(&mut b)).unwrap();
    let mut selected = NotifyGroup::new(
        NotifyTarget::Selected,
        ev::MESSAGE_NEW | ev::MESSAGE_EXPUNGE | ev::FLAG_CHANGE,
    );
    selected.fetch = vec!["UID".into(), "FLAGS".into()];
    a.notify(&[selected.clone(), personal.clone()], false)
        .unwrap();
    a.idle_start().unwrap();
    let sel = a.selected().unwrap().name.clone();
    let r = b
        .append(&sel, b"Subject: s\r\n\r\nx\r\n", &["\\Flagged"], None)
        .unwrap();
    heard(&mut a, "fetched", &|e| {
        matches!(e, Event::Fetch(m)
            if m.uid == r.uids.first().copied() && m.has_flag("\\Flagged"))
    });
    a.idle_done().unwrap();
    // Unselected first: Dovecot ends a session whose selected folder
    // another session deletes.
    a.unselect_folder().unwrap();
    b.delete_folder(&sel).unwrap();
    // FETCH items only with the selected folder's MessageNew.
    let mut bad = NotifyGroup::new(
        NotifyTarget::Personal,
        ev::MESSAGE_NEW | ev::MESSAGE_EXPUNGE,
    );
    bad.fetch = vec!["UID".into()];
    let e = a.notify(&[bad], false).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
    selected.fetch = vec!["UID\r\nA1 LOGOUT".into()];
    let e = a.notify(&[selected], false).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");

    // STATUS of one folder while NOTIFY is on: that folder's counters.
    assert_eq!(a.folder_status("INBOX").unwrap().messages, Some(14));
    // LIST while NOTIFY is on takes only what the pattern covers: all of
    // Dovecot's answers, for references and patterns of every kind.
    let names = |f: Vec<imapclient::client::Folder>| -> Vec<String> {
        f.into_iter().map(|f| f.name).collect()
    };
    let all = names(a.list_folders("", "*").unwrap());
    assert!(
        all.len() >= 6 && all.iter().any(|n| n == "Entwürfe/日本語"),
        "{all:?}"
    );
    assert_eq!(names(a.list_folders("", "inbox").unwrap()), ["INBOX"]);
    for (reference, pattern) in [
        ("Entwürfe/", "%"),
        ("Entwürfe", "/%"),
        ("", "Entw*/%"),
        ("", "*日本*"),
    ] {
        assert_eq!(
            names(a.list_folders(reference, pattern).unwrap()),
            ["Entwürfe/日本語"],
            "{reference:?} {pattern:?}"
        );
    }
    assert_eq!(
        names(a.list_subscribed("", "*").unwrap()),
        names(b.list_subscribed("", "*").unwrap())
    );
    let with = a.list_folders_with_status("", "%").unwrap();
    let inbox = with.iter().find(|f| f.name == "INBOX");
    assert_eq!(inbox.and_then(|f| f.status.as_ref()?.messages), Some(14));
    assert!(a.take_events().is_empty());
    // Refused here: MessageNew without MessageExpunge; no folders.
    for g in [
        NotifyGroup::new(NotifyTarget::Personal, ev::MESSAGE_NEW),
        NotifyGroup::new(NotifyTarget::Folders(vec![]), ev::MAILBOX_NAME),
        NotifyGroup::new(NotifyTarget::Inboxes, 1 << 20),
    ] {
        let e = a.notify(std::slice::from_ref(&g), false).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{g:?}: {e}");
    }
    // Dovecot cannot watch METADATA: its NO names the event.
    let e = a
        .notify(
            &[NotifyGroup::new(
                NotifyTarget::Personal,
                ev::MAILBOX_METADATA_CHANGE,
            )],
            false,
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::No, "{e}");
    assert!(e.message.contains("BADEVENT"), "{e}");
    a.notify_none().unwrap();
    a.noop().unwrap();
}

/// The socket's SO_KEEPALIVE and, when on, Linux's TCP_KEEPIDLE,
/// TCP_KEEPINTVL and TCP_KEEPCNT (seconds, seconds, probes).
#[cfg(target_os = "linux")]
fn keepalive_of(c: &Client) -> (i32, i32, i32, i32) {
    let fd = c.raw_fd().expect("connected");
    let get = |level, name| {
        let mut v: libc::c_int = -1;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: one c_int out-parameter of the size given.
        let r = unsafe {
            libc::getsockopt(
                fd,
                level,
                name,
                (&mut v as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        assert_eq!(r, 0, "getsockopt {level} {name}");
        v
    };
    (
        get(libc::SOL_SOCKET, libc::SO_KEEPALIVE),
        get(libc::IPPROTO_TCP, libc::TCP_KEEPIDLE),
        get(libc::IPPROTO_TCP, libc::TCP_KEEPINTVL),
        get(libc::IPPROTO_TCP, libc::TCP_KEEPCNT),
    )
}

#[test]
#[cfg(target_os = "linux")]
fn tcp_keepalive_is_on_by_default_and_follows_the_options() {
    use imapclient::client::Keepalive;
    // Default: 60 s of silence, then a probe every 15 s, 4 of them.
    let c = login_with(Security::StartTls);
    assert_eq!(keepalive_of(&c), (1, 60, 15, 4));
    // Set: the same socket options under TLS.
    let mut o = options(Security::Implicit);
    o.keepalive = Some(Keepalive {
        idle: Duration::from_secs(25),
        interval: Duration::from_secs(5),
        count: 3,
    });
    let mut c = Client::connect(&o).expect("connect");
    assert_eq!(keepalive_of(&c), (1, 25, 5, 3));
    c.noop().expect("the connection works");
    // Off.
    o.keepalive = None;
    let c = Client::connect(&o).expect("connect");
    assert_eq!(keepalive_of(&c).0, 0, "SO_KEEPALIVE off");
}

/// A folder of `n` messages whose Subject is their number (1..=n), and
/// a second, empty one.
fn numbered_folders(c: &mut Client, prefix: &str, n: u32) -> (String, String) {
    let (a, b) = (
        common::unique_folder(&format!("{prefix}A")),
        common::unique_folder(&format!("{prefix}B")),
    );
    common::create_new(c, &a);
    common::create_new(c, &b);
    let texts: Vec<Vec<u8>> = (1..=n)
        .map(|i| format!("From: a@example.org\r\nSubject: {i}\r\n\r\nbody {i}\r\n").into_bytes())
        .collect();
    let msgs: Vec<imapclient::client::AppendMessage<'_>> = texts
        .iter()
        .map(|t| imapclient::client::AppendMessage {
            data: t,
            flags: &[],
            date: None,
        })
        .collect();
    c.multiappend(&a, &msgs).expect("multiappend");
    (a, b)
}

/// The Subjects (numbers) of every message of `folder`, sorted.
fn subjects(c: &mut Client, folder: &str) -> Vec<u32> {
    c.examine_folder(folder).expect("examine");
    if c.selected().map(|s| s.exists) == Some(0) {
        return Vec::new();
    }
    let mut v: Vec<u32> = c
        .fetch("1:*", &["ENVELOPE"])
        .expect("fetch")
        .iter()
        .map(|m| {
            let e = m.envelope.as_ref().expect("envelope");
            e.subject.as_deref().unwrap().parse().unwrap()
        })
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn move_by_sequence_number_split_over_several_commands_moves_the_messages_asked_for() {
    // With the shortest command line, 30 odd sequence numbers take several
    // MOVE commands; each one's expunges renumber the messages, so later
    // parts named by sequence number moved other messages (47..59 stayed,
    // 70, 72... went). With MOVE and, masked, with the fallback.
    let srv = common::TestServer::get();
    let mut o = options(Security::Implicit);
    o.max_command_len = 100;
    let mut c = Client::connect(&o).expect("connect");
    c.login(&srv.user, &srv.password).expect("login");
    let odd: Vec<u32> = (1..60).step_by(2).collect();
    for masked in [false, true] {
        let (a, b) = numbered_folders(&mut c, "splitmove", 120);
        if masked {
            c.mask_capability("MOVE");
        }
        c.select_folder(&a).expect("select");
        c.set_use_uid(false);
        let r = c.move_messages(odd.as_slice(), &b).expect("move");
        c.set_use_uid(true);
        assert_eq!(r.source.len(), odd.len(), "masked {masked}");
        assert_eq!(subjects(&mut c, &b), odd, "masked {masked}: moved");
        let rest: Vec<u32> = (1..=120).filter(|i| i % 2 == 0 || *i > 59).collect();
        assert_eq!(subjects(&mut c, &a), rest, "masked {masked}: left");
        c.unselect_folder().ok();
        c.delete_folder(&a).expect("delete");
        c.delete_folder(&b).expect("delete");
    }
}

#[test]
fn authenticate_with_a_mechanism_of_the_callers() {
    let srv = common::TestServer::get();
    let connect = || Client::connect(&options(Security::Implicit)).unwrap();

    // SCRAM-SHA-256, client first (its first message goes inline: SASL-IR),
    // with the server's signature checked in the last step.
    let mut c = connect();
    let mut scram = Scram::new(&srv.user, &srv.password);
    c.authenticate_with("scram-sha-256", true, |ch| scram.step(ch))
        .unwrap();
    assert!(scram.verified, "the server's final message was not checked");
    assert_eq!(scram.challenges, 2);
    assert_eq!(c.examine_folder("INBOX").unwrap().exists, 14);

    // A wrong password: refused by the server; the client stays usable.
    // Then LOGIN, server first: a challenge for the name, one for the
    // password.
    let mut c = connect();
    common::scram::wrong_scram_then_login(&mut c, &srv.user, &srv.password);
    assert_eq!(c.examine_folder("INBOX").unwrap().exists, 14);

    // The mechanism cancels at the server's final message (a signature
    // that does not verify): ABORTED with its reason, not authenticated,
    // still usable.
    let mut c = connect();
    let mut scram = Scram::new(&srv.user, &srv.password);
    let e = c
        .authenticate_with("SCRAM-SHA-256", true, |ch| {
            let r = scram.step(ch);
            scram.server_signature.iter_mut().for_each(|b| *b ^= 1);
            r
        })
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Aborted, "{e}");
    assert!(e.message.contains("does not verify"), "{e}");
    assert!(!e.is_fatal());
    assert_eq!(
        c.examine_folder("INBOX").unwrap_err().kind,
        ErrorKind::IllegalState
    );
    c.login(&srv.user, &srv.password).unwrap();

    // Cancelled before anything is sent (the initial response), a name
    // that is not a mechanism name, a mechanism the server lacks.
    let mut c = connect();
    let e = c
        .authenticate_with("PLAIN", true, |_| Err("no token".into()))
        .unwrap_err();
    assert_eq!(
        (e.kind, e.message.contains("no token")),
        (ErrorKind::Aborted, true)
    );
    for (name, kind) in [
        ("PLAIN X", ErrorKind::InvalidArgument),
        ("", ErrorKind::InvalidArgument),
        ("A-MECHANISM-NAME-TOO-LONG", ErrorKind::InvalidArgument),
        ("GSSAPI", ErrorKind::CapabilityMissing),
    ] {
        let e = c
            .authenticate_with(name, false, |_| Ok(Vec::new()))
            .unwrap_err();
        assert_eq!(e.kind, kind, "{name}: {e}");
    }
    // PLAIN through the generic path, as IMAPClient's sasl_login takes it.
    let plain = format!("\0{}\0{}", srv.user, srv.password).into_bytes();
    c.authenticate_with("PLAIN", true, |_| Ok(plain.clone()))
        .unwrap();
    assert_eq!(c.examine_folder("INBOX").unwrap().exists, 14);

    // A panic in the first call of a client-first mechanism: nothing was
    // sent, the client goes on.
    let mut c = connect();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        c.authenticate_with("PLAIN", true, |_| panic!("step bug"))
    }));
    assert!(r.is_err());
    assert!(c.fatal_error().is_none());
    c.noop().unwrap();

    // A panic in the step: the exchange is cut, so the client is broken.
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        c.authenticate_with("LOGIN", false, |_| panic!("step bug"))
    }));
    assert!(r.is_err());
    assert!(c.fatal_error().is_some());
    assert_eq!(c.noop().unwrap_err().kind, ErrorKind::IllegalState);
}

/// Dovecot has no XLIST (Gmail's): `xlist_folders` fails with
/// CapabilityMissing, not fatally, and the session goes on: NOOP, and
/// LIST gives the fixture's folders.
#[test]
fn xlist_without_the_capability_is_refused_and_the_client_goes_on() {
    let mut c = login();
    assert!(!c.has_capability("XLIST"));
    let e = c.xlist_folders("", "*").unwrap_err();
    assert_eq!(e.kind, ErrorKind::CapabilityMissing, "{e}");
    assert!(!e.is_fatal(), "{e}");
    assert!(e.message.contains("XLIST"), "{e}");
    c.noop().unwrap();
    let names: Vec<String> = c
        .list_folders("", "*")
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert!(names.iter().any(|n| n == "INBOX"), "{names:?}");
    assert!(names.iter().any(|n| n == "Entwürfe/日本語"), "{names:?}");
}
