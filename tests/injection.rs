//! Command injection against the real Dovecot: folder names, search
//! strings, flags, FETCH items and credentials holding CR, LF, NUL,
//! quotes, parentheses, wildcards, 8-bit bytes and crafted
//! `x\r\nA2 DELETE INBOX` payloads run only the intended command.
//! Folder names with control characters are refused by the client before
//! anything is sent; the others reach the server as one name.
//!
//! Each test works as its own seeded user (test5, test6) so a successful
//! injection could not harm other tests. A sentinel folder is created
//! first; after every attempt the sentinel and INBOX still exist and INBOX
//! has the same number of messages.

mod common;

use std::sync::Arc;
use std::time::Duration;

use imapclient::client::{
    Client, ConnectOptions, ErrorKind, SearchKey, Security, TlsConfigBuilder,
};

fn connect_as(user: &str) -> Client {
    let srv = common::TestServer::get();
    let mut b = TlsConfigBuilder::new();
    b.add_ca_file(&srv.cafile).unwrap();
    let tls: Arc<_> = b.build().unwrap();
    let mut o = ConnectOptions::new(srv.host.clone(), Security::Implicit)
        .port(srv.tls_port)
        .tls(tls);
    o.io_timeout = Some(Duration::from_secs(20));
    let mut c = Client::connect(&o).expect("connect");
    c.login(user, &srv.password).expect("login");
    c
}

/// A fresh copy of the fixture for `user`, a sentinel folder, and the INBOX
/// message count.
fn setup(user: &str) -> (Client, String, u32) {
    let srv = common::TestServer::get();
    srv.seed(user);
    let mut c = connect_as(user);
    let sentinel = common::unique_folder("sentinel");
    common::create_new(&mut c, &sentinel);
    let n = c.folder_status("INBOX").unwrap().messages.unwrap();
    assert!(n > 0);
    (c, sentinel, n)
}

/// Nothing was harmed: the sentinel and INBOX exist, INBOX kept its
/// messages, and the session is still in step (a NOOP answers).
fn check_intact(c: &mut Client, sentinel: &str, inbox: u32, what: &str) {
    c.noop()
        .unwrap_or_else(|e| panic!("{what}: session out of step: {e}"));
    let names: Vec<String> = c
        .list_folders("", "*")
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert!(
        names.iter().any(|n| n == sentinel),
        "{what}: sentinel gone: {names:?}"
    );
    assert!(names.iter().any(|n| n == "INBOX"), "{what}: INBOX gone");
    assert_eq!(
        c.folder_status("INBOX").unwrap().messages,
        Some(inbox),
        "{what}: INBOX changed"
    );
}

fn payloads(sentinel: &str) -> Vec<String> {
    vec![
        "x\r\nA2 DELETE INBOX".into(),
        format!("x\r\nA3 DELETE {sentinel}"),
        format!("x\" \r\nA4 DELETE \"{sentinel}"),
        format!("x {{5}}\r\nA5 DELETE {sentinel}"),
        format!("x\rA6 DELETE {sentinel}"),
        format!("x\nA7 DELETE {sentinel}"),
        "quote\"in(the)name".into(),
        "back\\slash".into(),
        "star*and%percent".into(),
        "naïve-Ünïcode-日本".into(),
        "&AMk--looks-like-utf7".into(),
        "NIL".into(),
        "}{5}".into(),
        "trailing-brace{3}".into(),
    ]
}

/// Every folder, by its wire name (the same whatever `folder_encode`).
fn folder_names(c: &mut Client) -> Vec<Vec<u8>> {
    let mut names: Vec<Vec<u8>> = c
        .list_folders("", "*")
        .unwrap()
        .into_iter()
        .map(|f| f.raw_name)
        .collect();
    names.sort();
    names
}

/// A name holding a control character: refused by the client.
fn has_control(name: &str) -> bool {
    name.chars()
        .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
}

/// Every command taking a folder name refuses `name` before sending
/// anything, with a non-fatal InvalidArgument. If one did send it, the
/// rename of the sentinel or the deletes would show in `check_intact`.
fn refused_everywhere(c: &mut Client, name: &str, sentinel: &str, what: &str) {
    const MSG: &[u8] = b"From: a@example.org\r\nSubject: injection\r\n\r\nx\r\n";
    // Read-write, so MOVE gets as far as the name (and would move a
    // message out of INBOX, which `check_intact` would see).
    c.select_folder("INBOX").unwrap();
    let results: Vec<(&str, Option<imapclient::client::Error>)> = vec![
        ("CREATE", c.create_folder(name).err()),
        ("DELETE", c.delete_folder(name).err()),
        ("RENAME from", c.rename_folder(name, "renamed-target").err()),
        ("RENAME to", c.rename_folder(sentinel, name).err()),
        ("SUBSCRIBE", c.subscribe_folder(name).err()),
        ("UNSUBSCRIBE", c.unsubscribe_folder(name).err()),
        ("STATUS", c.folder_status(name).err()),
        ("LIST", c.list_folders("", name).err()),
        ("LIST reference", c.list_folders(name, "*").err()),
        ("LSUB", c.list_subscribed("", name).err()),
        ("exists", c.folder_exists(name).err()),
        ("APPEND", c.append(name, MSG, &[], None).err()),
        ("COPY", c.copy("1", name).err()),
        ("MOVE", c.move_messages("1", name).err()),
        ("GETACL", c.get_acl(name).err()),
        ("GETQUOTAROOT", c.get_quota_root(name).err()),
        ("SELECT", c.select_folder(name).err()),
        ("EXAMINE", c.examine_folder(name).err()),
    ];
    for (cmd, e) in results {
        let e = e.unwrap_or_else(|| panic!("{what}: {cmd} accepted the name"));
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{what}: {cmd}: {e}");
        assert!(
            e.message.contains("control character"),
            "{what}: {cmd}: {e}"
        );
        assert!(!e.is_fatal(), "{what}: {cmd}: {e}");
    }
}

#[test]
fn folder_names_cannot_inject_commands() {
    let (mut c, sentinel, inbox) = setup("test5");
    let before = folder_names(&mut c);
    for encode in [true, false] {
        c.set_folder_encode(encode);
        let mut all = payloads(&sentinel);
        all.extend([
            "nul\0byte".into(),
            "tab\there".into(),
            "del\u{7f}".into(),
            "c1\u{85}next-line".into(),
            format!("sep\u{2028}A8 DELETE {sentinel}"),
        ]);
        for name in all {
            let what = format!("{name:?} (folder_encode {encode})");
            if has_control(&name) {
                // CR, LF, NUL and every other control character: refused
                // by the client, whatever the command.
                refused_everywhere(&mut c, &name, &sentinel, &what);
            } else {
                match c.create_folder(&name) {
                    Ok(()) => {
                        // Created under exactly that name, not split.
                        let found = c
                            .list_folders("", "*")
                            .unwrap()
                            .into_iter()
                            .filter(|f| f.name == name)
                            .count();
                        assert_eq!(found, 1, "{what}: not listed under its exact name");
                        c.delete_folder(&name)
                            .unwrap_or_else(|e| panic!("{what}: delete: {e}"));
                    }
                    Err(e) => assert!(
                        matches!(e.kind, ErrorKind::No | ErrorKind::Bad),
                        "{what}: {e}"
                    ),
                }
                // The other folder commands take the same path.
                let _ = c.rename_folder(&name, "renamed-target");
                let _ = c.folder_status(&name);
                let _ = c.subscribe_folder(&name);
                let _ = c.examine_folder(&name);
                let _ = c.list_folders("", &name);
            }
            check_intact(&mut c, &sentinel, inbox, &what);
            assert_eq!(folder_names(&mut c), before, "{what}: the folders changed");
        }
    }
    c.set_folder_encode(true);
    c.delete_folder(&sentinel).unwrap();
}

#[test]
fn search_strings_cannot_inject_commands() {
    let (mut c, sentinel, inbox) = setup("test6");
    c.examine_folder("INBOX").unwrap();
    for p in payloads(&sentinel) {
        let b = p.clone().into_bytes();
        for key in [
            SearchKey::Subject(b.clone()),
            SearchKey::Text(b.clone()),
            SearchKey::Header(b.clone(), b.clone()),
            SearchKey::Or(
                Box::new(SearchKey::From(b.clone())),
                Box::new(SearchKey::Body(b.clone())),
            ),
            SearchKey::Keyword(b.clone()),
            SearchKey::Raw(b.clone()),
        ] {
            let what = format!("SEARCH {key:?}");
            match c.search(std::slice::from_ref(&key)) {
                Ok(r) => assert!(r.ids.len() <= inbox as usize, "{what}"),
                Err(e) => assert!(
                    matches!(
                        e.kind,
                        ErrorKind::InvalidArgument | ErrorKind::No | ErrorKind::Bad
                    ),
                    "{what}: {e}"
                ),
            }
            check_intact(&mut c, &sentinel, inbox, &what);
        }
    }
    // An unbalanced quote in raw search text opens a quoted string the
    // server never sees closed: a string after it must not escape.
    for (raw, after) in [
        (&b"\""[..], format!("\r\nA90 DELETE {sentinel}\r\n")),
        (&b"SUBJECT \"abc"[..], format!("\r\nA91 DELETE {sentinel}")),
        (&b"("[..], format!("\r\nA92 DELETE {sentinel}\r\n")),
    ] {
        let key = [
            SearchKey::Raw(raw.to_vec()),
            SearchKey::Text(after.clone().into_bytes()),
        ];
        let what = format!("SEARCH {key:?}");
        if let Err(e) = c.search(&key) {
            assert!(
                matches!(
                    e.kind,
                    ErrorKind::InvalidArgument | ErrorKind::No | ErrorKind::Bad
                ),
                "{what}: {e}"
            );
        }
        check_intact(&mut c, &sentinel, inbox, &what);
    }
}

#[test]
fn flags_items_and_credentials_cannot_inject_commands() {
    let (mut c, sentinel, inbox) = setup("test7");
    let folder = common::unique_folder("flags");
    common::create_new(&mut c, &folder);
    c.examine_folder("INBOX").unwrap();
    c.copy(1, &folder).unwrap();
    c.select_folder(&folder).unwrap();
    for p in payloads(&sentinel) {
        // A valid keyword atom is stored as exactly that flag; anything
        // else is refused before sending.
        match c.add_flags("1:*", &[p.as_str()]) {
            Ok(r) => {
                assert!(
                    imapclient::proto::flags::check_store_flag(p.as_bytes()).is_ok(),
                    "{p:?}"
                );
                assert!(r.messages.get(1).unwrap().has_flag(&p), "{p:?}: {r:?}");
            }
            Err(e) => assert_eq!(e.kind, ErrorKind::InvalidArgument, "flag {p:?}: {e}"),
        }
        let e = c.fetch("1:*", &[p.as_str()]);
        if let Err(e) = e {
            assert!(
                matches!(
                    e.kind,
                    ErrorKind::InvalidArgument | ErrorKind::Bad | ErrorKind::No
                ),
                "item {p:?}: {e}"
            );
        }
        check_intact(&mut c, &sentinel, inbox, &format!("flag/item {p:?}"));
    }
    let e = c.sort(&["DATE\r\nA1 DELETE INBOX"], &[]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    let e = c.enable(&["CONDSTORE\r\nA1 DELETE INBOX"]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    check_intact(&mut c, &sentinel, inbox, "sort/enable");
    c.logout().unwrap();

    // Credentials: a user name or password with CR/LF goes as a literal
    // and simply fails to log in; NUL is refused before anything is sent.
    let srv = common::TestServer::get();
    let mut b = TlsConfigBuilder::new();
    b.add_ca_file(&srv.cafile).unwrap();
    let mut o = ConnectOptions::new(srv.host.clone(), Security::Implicit)
        .port(srv.tls_port)
        .tls(b.build().unwrap());
    o.io_timeout = Some(Duration::from_secs(20));
    for (user, pw) in [
        (format!("test7\r\nA2 DELETE {sentinel}"), "pass".to_string()),
        ("test7".to_string(), format!("pass\r\nA2 DELETE {sentinel}")),
        ("test7\" \"pass\" x".to_string(), "x".to_string()),
        ("test7".to_string(), "pa\0ss".to_string()),
    ] {
        let mut c2 = Client::connect(&o).unwrap();
        let e = c2.login(&user, &pw).unwrap_err();
        let want = if pw.contains('\0') {
            ErrorKind::InvalidArgument
        } else {
            ErrorKind::AuthFailed
        };
        assert_eq!(e.kind, want, "{user:?}/{pw:?}: {e}");
        c2.noop().expect("session in step after a refused login");
    }
    let mut c = connect_as("test7");
    check_intact(&mut c, &sentinel, inbox, "credentials");
}

/// An APPEND date the INTERNALDATE grammar cannot carry (a year past 9999,
/// an hour of 99, an offset of days) is refused before anything is sent.
/// Before, it went out as written; Dovecot refused the line before it
/// reached the literal's `{n+}` and read the message, already sent with
/// LITERAL+, as commands: a message line `X1 DELETE folder` deleted the
/// folder. Found by an audit of the Go binding (`time.Date(10000, ...)`).
#[test]
fn append_dates_cannot_inject_the_message_as_commands() {
    use imapclient::client::AppendMessage;
    use imapclient::proto::dates::{Date, DateTime};
    let (mut c, sentinel, n) = setup("test8");
    let msg = format!(
        "From: a@example.org\r\nSubject: hostile\r\n\r\nX1 DELETE {sentinel}\r\nX2 DELETE INBOX\r\n"
    );
    let ok = DateTime::new(Date::new(2024, 2, 29).unwrap(), 12, 0, 0, 60).unwrap();
    let bad = [
        ("year 10000", DateTime::from_unix(253_402_300_800, 0)),
        ("year -5", DateTime::from_unix(-62_356_608_000, 0)),
        ("hour 99", DateTime { hour: 99, ..ok }),
        (
            "day 40",
            DateTime {
                date: Date {
                    year: 2020,
                    month: 2,
                    day: 40,
                },
                ..ok
            },
        ),
        ("offset of 70 days", DateTime::from_unix(0, 100_000)),
    ];
    for (what, d) in bad {
        let e = c
            .append("INBOX", msg.as_bytes(), &[], Some(d))
            .expect_err(what);
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{what}: {e}");
        assert!(!e.is_fatal(), "{what}: {e}");
        assert!(e.message.contains("internal date"), "{what}: {e}");
        // MULTIAPPEND: a bad date on the second message sends nothing,
        // not even the first.
        let msgs = [
            AppendMessage {
                data: msg.as_bytes(),
                flags: &[],
                date: Some(ok),
            },
            AppendMessage {
                data: msg.as_bytes(),
                flags: &[],
                date: Some(d),
            },
        ];
        let e = c.multiappend("INBOX", &msgs).expect_err(what);
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{what}: {e}");
        check_intact(&mut c, &sentinel, n, what);
    }
    // The edges of the grammar still go: year 1 and 9999.
    for d in [
        DateTime::new(Date::new(1, 1, 1).unwrap(), 0, 0, 0, 0).unwrap(),
        DateTime::new(Date::new(9999, 12, 31).unwrap(), 23, 59, 59, -720).unwrap(),
    ] {
        c.append("INBOX", msg.as_bytes(), &[], Some(d))
            .expect("edge date");
    }
    check_intact(&mut c, &sentinel, n + 2, "edge dates");
}
