//! Secrets never reach the log: passwords, tokens and their encoded forms
//! are checked against every line a trace-level logger captured, for
//! LOGIN, AUTHENTICATE PLAIN (with and without SASL-IR), XOAUTH2 and
//! OAUTHBEARER (including their failure flows) and failed logins. Literal
//! bodies are truncated in logs.
//!
//! One test binary has one logger: it captures every line of every test
//! here, and each test checks all of them.

mod common;
mod ctls;
mod fake;

use std::time::Duration;

use base64::Engine as _;
use fake::Step::*;
use fake::{expect, send, FakeServer};
use imapclient::client::{Client, ConnectOptions, ErrorKind, Sasl, Security, TlsConfigBuilder};

use fake::capture_log as init_log;
use fake::log_lines as lines;

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// The forms a secret could leak in: as is, quoted-escaped, base64 alone
/// and inside each SASL payload given.
fn forms(secret: &str, payloads: &[Vec<u8>]) -> Vec<String> {
    let mut v = vec![
        secret.to_string(),
        secret.replace('\\', "\\\\").replace('"', "\\\""),
        b64(secret.as_bytes()),
    ];
    v.extend(payloads.iter().map(|p| b64(p)));
    v
}

/// No captured line contains any form of any secret.
fn assert_never_logged(secrets: &[String]) {
    let all = lines();
    assert!(!all.is_empty(), "the logger captured nothing");
    for l in &all {
        for s in secrets {
            assert!(!l.contains(s.as_str()), "secret {s:?} logged: {l}");
        }
    }
}

/// A line with the command was logged (so the logger sees the wire) and
/// the secret part shows as `<redacted>`.
fn assert_redacted_line(prefix: &str) {
    let all = lines();
    assert!(
        all.iter()
            .any(|l| l.contains(prefix) && l.contains("<redacted>")),
        "no redacted {prefix:?} line in {all:#?}"
    );
}

const PASSWORD: &str = "S3cr3t-P@ss\"w\\ord";
const TOKEN: &str = "ya29.a0AfH6SMBx-Secret-Token_0123456789";

#[test]
fn login_password_is_never_logged() {
    init_log();
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"),
        expect("A1 LOGIN "),
        send("A1 OK [CAPABILITY IMAP4rev1] Logged in\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("alice", PASSWORD).unwrap();
    drop(c);
    let t = srv.finish();
    // The password did go to the server (quoted, escaped).
    assert!(
        t.text()
            .contains("A1 LOGIN alice \"S3cr3t-P@ss\\\"w\\\\ord\""),
        "{}",
        t.text()
    );
    assert_redacted_line("C: A1 LOGIN alice");
    assert_never_logged(&forms(PASSWORD, &[]));
}

#[test]
fn failed_login_does_not_log_the_password() {
    init_log();
    let pw = "wrong-Pa55word-xyzzy";
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1] ready\r\n"),
        expect("A1 LOGIN "),
        send("A1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    let e = c.login("alice", pw).unwrap_err();
    assert_eq!(e.kind, ErrorKind::AuthFailed);
    assert!(!e.message.contains(pw), "{e}");
    assert!(!format!("{e:?}").contains(pw));
    drop(c);
    srv.finish();
    assert_never_logged(&forms(pw, &[]));
}

#[test]
fn non_ascii_password_literal_is_never_logged() {
    init_log();
    let pw = "pässwörd-Ünïcode-42";
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1] ready\r\n"),
        // No LITERAL+: a synchronising literal, the fake sends `+`.
        ExpectLiteral("A1 LOGIN alice {".into()),
        send("A1 OK Logged in\r\n"),
        expect("A2 CAPABILITY"),
        send("* CAPABILITY IMAP4rev1\r\nA2 OK\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("alice", pw).unwrap();
    drop(c);
    let t = srv.finish();
    assert!(t.contains(pw.as_bytes()));
    assert_never_logged(&forms(pw, &[]));
}

fn plain_payload(user: &str, pw: &str) -> Vec<u8> {
    format!("\0{user}\0{pw}").into_bytes()
}

#[test]
fn authenticate_plain_with_sasl_ir() {
    init_log();
    let payload = b64(&plain_payload("alice", PASSWORD));
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] ready\r\n"),
        expect(&format!("A1 AUTHENTICATE PLAIN {payload}")),
        send("A1 OK [CAPABILITY IMAP4rev1] done\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.authenticate(&Sasl::Plain {
        authzid: None,
        user: "alice",
        password: PASSWORD,
    })
    .unwrap();
    drop(c);
    assert!(srv.finish().error.is_none());
    assert_redacted_line("C: A1 AUTHENTICATE PLAIN");
    assert_never_logged(&forms(PASSWORD, &[plain_payload("alice", PASSWORD)]));
}

#[test]
fn authenticate_plain_without_sasl_ir_waits_for_continuation() {
    init_log();
    let pw = "Another-Secret-77";
    let payload = b64(&plain_payload("bob", pw));
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"),
        expect("A1 AUTHENTICATE PLAIN\r\n"),
        send("+ \r\n"),
        expect(&format!("{payload}\r\n")),
        send("A1 OK [CAPABILITY IMAP4rev1] done\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.authenticate(&Sasl::Plain {
        authzid: None,
        user: "bob",
        password: pw,
    })
    .unwrap();
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
    assert_never_logged(&forms(pw, &[plain_payload("bob", pw)]));
}

fn xoauth2_payload(user: &str, token: &str) -> Vec<u8> {
    format!("user={user}\x01auth=Bearer {token}\x01\x01").into_bytes()
}

#[test]
fn xoauth2_failure_flow_never_logs_the_token() {
    init_log();
    // Gmail's error challenge: {"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}
    let challenge =
        b64(br#"{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}"#);
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=OAUTHBEARER] Gimap ready\r\n"),
        expect("A1 AUTHENTICATE XOAUTH2 "),
        send(format!("+ {challenge}\r\n")),
        expect("\r\n"),
        send("A1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    let e = c
        .authenticate(&Sasl::XOAuth2 {
            user: "alice@gmail.com",
            token: TOKEN,
            vendor: None,
        })
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::AuthFailed, "{e}");
    assert!(
        e.message.contains("\"status\":\"400\""),
        "server detail decoded: {e}"
    );
    assert!(!e.message.contains(TOKEN));
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
    assert!(t
        .text()
        .contains(&b64(&xoauth2_payload("alice@gmail.com", TOKEN))));
    assert_redacted_line("C: A1 AUTHENTICATE XOAUTH2");
    assert_never_logged(&forms(TOKEN, &[xoauth2_payload("alice@gmail.com", TOKEN)]));
}

#[test]
fn xoauth2_error_challenge_that_is_not_base64_is_auth_failed_with_its_text() {
    init_log();
    // As before authenticate_with: a server's error challenge that is not
    // base64 is acknowledged (not cancelled with "*") and its text is the
    // server detail of AUTH_FAILED; the client stays usable.
    let token = "raw-error-xoauth2-SECRET";
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] ready\r\n"),
        expect("A1 AUTHENTICATE XOAUTH2 "),
        send("+ invalid token, try again later\r\n"),
        expect("\r\n"),
        send("A1 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n"),
        expect("A2 NOOP"),
        send("A2 OK done\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    let e = c
        .authenticate(&Sasl::XOAuth2 {
            user: "dave",
            token,
            vendor: None,
        })
        .unwrap_err();
    let noop = c.noop();
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}: {:?}", t.error, t.text());
    assert_eq!(e.kind, ErrorKind::AuthFailed, "{e}");
    assert!(e.message.contains("invalid token, try again later"), "{e}");
    assert!(noop.is_ok(), "{noop:?}");
    assert_never_logged(&forms(token, &[xoauth2_payload("dave", token)]));
}

#[test]
fn oauthbearer_failure_flow_never_logs_the_token() {
    init_log();
    let token = "oauthbearer-SECRET-token-99";
    let challenge = b64(br#"{"status":"invalid_token","scope":"example_scope"}"#);
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=OAUTHBEARER] ready\r\n"),
        expect("A1 AUTHENTICATE OAUTHBEARER "),
        send(format!("+ {challenge}\r\n")),
        // RFC 7628 3.2.3: the client answers the error with %x01.
        expect("AQ==\r\n"),
        send("A1 NO SASL authentication failed\r\n"),
    ]);
    let opts = srv.options();
    let mut c = Client::connect(&opts).unwrap();
    let e = c
        .authenticate(&Sasl::OAuthBearer {
            user: "alice@example.com",
            token,
        })
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::AuthFailed, "{e}");
    assert!(e.message.contains("invalid_token"), "{e}");
    drop(c);
    let t = srv.finish();
    assert!(t.error.is_none(), "{:?}", t.error);
    let payload = format!(
        "n,a=alice@example.com,\x01host=127.0.0.1\x01port={}\x01auth=Bearer {token}\x01\x01",
        opts.port
    );
    assert!(t.text().contains(&b64(payload.as_bytes())), "{}", t.text());
    assert_never_logged(&forms(token, &[payload.into_bytes()]));
}

#[test]
fn xoauth2_without_sasl_ir_never_logs_the_token() {
    init_log();
    let token = "no-ir-xoauth2-SECRET";
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2] ready\r\n"),
        expect("A1 AUTHENTICATE XOAUTH2\r\n"),
        send("+ \r\n"),
        expect(&b64(&xoauth2_payload("carol", token))),
        send("A1 OK [CAPABILITY IMAP4rev1] ok\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.authenticate(&Sasl::XOAuth2 {
        user: "carol",
        token,
        vendor: None,
    })
    .unwrap();
    drop(c);
    assert!(srv.finish().error.is_none());
    assert_never_logged(&forms(token, &[xoauth2_payload("carol", token)]));
}

#[test]
fn literal_bodies_are_truncated_in_logs() {
    init_log();
    let mut body = "Subject: big\r\n\r\n".to_string();
    body.push_str(&"x".repeat(10_000));
    body.push_str("SERVER-BODY-TAIL-MARKER");
    let mut msg = "Subject: up\r\n\r\n".to_string();
    msg.push_str(&"y".repeat(5_000));
    msg.push_str("CLIENT-BODY-TAIL-MARKER");
    let mut steps = fake::login_steps();
    steps.extend(fake::select_steps("A2", 1));
    steps.extend([
        expect("A3 UID FETCH 1 "),
        send(format!(
            "* 1 FETCH (UID 1 BODY[] {{{}}}\r\n{body})\r\nA3 OK done\r\n",
            body.len()
        )),
        ExpectLiteral("A4 APPEND INBOX".into()),
        send("A4 OK [APPENDUID 1 2] done\r\n"),
    ]);
    let srv = FakeServer::start(steps);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.login("u", "p").unwrap();
    c.select_folder("INBOX").unwrap();
    let m = c.fetch(1, &["BODY.PEEK[]"]).unwrap();
    assert_eq!(
        m.get(1).unwrap().section("BODY[]").unwrap(),
        body.as_bytes()
    );
    c.append("INBOX", msg.as_bytes(), &[], None).unwrap();
    drop(c);
    assert!(srv.finish().error.is_none());
    let all = lines();
    assert!(all.iter().any(|l| l.contains("S: * 1 FETCH (UID 1 BODY[]")));
    assert!(all.iter().any(|l| l.contains("C: A4 APPEND INBOX")));
    for l in &all {
        assert!(
            !l.contains("SERVER-BODY-TAIL-MARKER"),
            "server literal not truncated: {} bytes",
            l.len()
        );
        assert!(
            !l.contains("CLIENT-BODY-TAIL-MARKER"),
            "client literal not truncated: {} bytes",
            l.len()
        );
        // Only our own targets: rustls traces whole handshake messages.
        if l.split_whitespace()
            .nth(1)
            .is_some_and(|t| t.starts_with("imapclient"))
        {
            assert!(
                l.len() < 2_000,
                "log line of {} bytes: {}",
                l.len(),
                &l[..300]
            );
        }
    }
}

#[test]
fn dovecot_login_and_authenticate_never_log_the_password() {
    init_log();
    // The fixture's non-ASCII user: its password goes as a literal.
    let srv = common::TestServer::get();
    let (user, pw) = ("ünï", "pässwörd");
    let mut b = TlsConfigBuilder::new();
    b.add_ca_file(&srv.cafile).unwrap();
    let mut o = ConnectOptions::new(srv.host.clone(), Security::Implicit)
        .port(srv.tls_port)
        .tls(b.build().unwrap());
    o.io_timeout = Some(Duration::from_secs(20));
    let mut c = Client::connect(&o).unwrap();
    assert_eq!(
        c.login(user, "pässwörd-wrong").unwrap_err().kind,
        ErrorKind::AuthFailed
    );
    c.login(user, pw).expect("login");
    c.logout().unwrap();
    let mut c = Client::connect(&o).unwrap();
    c.authenticate(&Sasl::Plain {
        authzid: None,
        user,
        password: pw,
    })
    .expect("AUTHENTICATE PLAIN");
    c.logout().unwrap();
    assert_never_logged(&forms(pw, &[plain_payload(user, pw)]));
    assert_never_logged(&forms("pässwörd-wrong", &[]));
}

/// The captured lines of `target` at `level` that contain `needle`.
fn lines_with(level: &str, target: &str, needle: &str) -> Vec<String> {
    let head = format!("{level} {target} ");
    lines()
        .into_iter()
        .filter(|l| l.starts_with(&head) && l.contains(needle))
        .collect()
}

/// `dangerous_disable_verification`: "A warning is logged at every
/// connection" (header and Rust doc). One configuration used for two
/// connections to the fixture's Dovecot, implicit TLS and STARTTLS, and a
/// third connection with a configuration made by the C ABI's
/// `imapc_tls_config_builder_dangerous_disable_verification`: each logs
/// exactly one WARN line on `imapclient::tls` that names its host (a
/// distinct `tls_server_name` per connection, so concurrent tests cannot
/// be counted) and says verification is off. A connection that only
/// skips the host-name check logs its own, milder warning instead. Guards against a
/// warning given once per configuration or process, only for implicit
/// TLS, or at a level a WARN filter drops.
#[test]
fn dangerous_verification_warns_at_every_connection() {
    use imapclient::ffi::client::{imapc_client_connect, imapc_client_free};
    use imapclient::ffi::error::IMAPC_OK;
    use imapclient::ffi::options::*;
    use imapclient::ffi::tls::*;
    use std::ffi::CString;
    use std::ptr::null_mut;

    init_log();
    let srv = common::TestServer::get();
    let off = "certificate verification is OFF for";
    let cfg = TlsConfigBuilder::new()
        .dangerous_disable_verification(true)
        .build()
        .unwrap();
    let connections = [
        (
            Security::Implicit,
            srv.tls_port,
            "dangerous-implicit.invalid",
        ),
        (Security::StartTls, srv.port, "dangerous-starttls.invalid"),
    ];
    for (security, port, name) in connections {
        let mut o = ConnectOptions::new(srv.host.clone(), security)
            .port(port)
            .tls(cfg.clone());
        o.tls_server_name = Some(name.into());
        o.io_timeout = Some(Duration::from_secs(20));
        let mut c = Client::connect(&o).unwrap_or_else(|e| panic!("{security:?}: {e}"));
        assert!(c.is_tls());
        c.logout().unwrap();
        let warned = lines_with("WARN", "imapclient::tls", &format!("{off} {name}:"));
        assert_eq!(warned.len(), 1, "{security:?}: {:#?}", lines());
    }

    // The same promise through the C builder.
    let name = "dangerous-c.invalid";
    let host = CString::new(srv.host.as_str()).unwrap();
    let sni = CString::new(name).unwrap();
    // SAFETY: C ABI calls with valid strings, live handles and writable
    // out-pointers; each handle is freed once.
    unsafe {
        let o = ctls::implicit_tls_options(&host, srv.tls_port, |b| {
            assert_eq!(
                imapc_tls_config_builder_dangerous_disable_verification(b, null_mut()),
                IMAPC_OK
            );
        });
        assert_eq!(
            imapc_connect_options_set_tls_server_name(o, sni.as_ptr(), null_mut()),
            IMAPC_OK
        );
        let mut client = null_mut();
        assert_eq!(imapc_client_connect(o, &mut client, null_mut()), IMAPC_OK);
        imapc_connect_options_free(o);
        imapc_client_free(client);
    }
    let warned = lines_with("WARN", "imapclient::tls", &format!("{off} {name}:"));
    assert_eq!(warned.len(), 1, "C builder: {:#?}", lines());

    // Only the host-name check off: the chain is verified, no such warning.
    let name = "localhost-unchecked.invalid";
    let mut b = TlsConfigBuilder::new();
    b.add_ca_file(&srv.cafile).unwrap().verify_hostname(false);
    let mut o = ConnectOptions::new(srv.host.clone(), Security::Implicit)
        .port(srv.tls_port)
        .tls(b.build().unwrap());
    o.tls_server_name = Some(name.into());
    o.io_timeout = Some(Duration::from_secs(20));
    let mut c = Client::connect(&o).expect("chain verified, name not checked");
    c.logout().unwrap();
    assert!(
        lines()
            .iter()
            .all(|l| !(l.contains(off) && l.contains(name))),
        "{:#?}",
        lines()
    );
    // It gets a warning of its own, once per connection, that says what
    // is and is not checked.
    let unchecked = format!("host name verification is off for {name}:");
    let warned = lines_with("WARN", "imapclient::tls", &unchecked);
    assert_eq!(warned.len(), 1, "{:#?}", lines());
}

#[test]
fn authenticate_with_never_logs_responses_and_handles_odd_servers() {
    init_log();
    let secret = "custom-mech-SECRET-4242";
    // A server-first mechanism: both responses are secrets, never logged;
    // an empty response is an empty line.
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=X-CUSTOM] ready\r\n"),
        expect("A1 AUTHENTICATE X-CUSTOM\r\n"),
        send(format!("+ {}\r\n", b64(b"who?"))),
        expect(&format!("{}\r\n", b64(secret.as_bytes()))),
        send("+ \r\n"),
        expect("\r\n"),
        send("A1 OK [CAPABILITY IMAP4rev1] in\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    let mut seen = Vec::new();
    c.authenticate_with("x-custom", false, |ch| {
        seen.push(ch.to_vec());
        Ok(if seen.len() == 1 {
            secret.as_bytes().to_vec()
        } else {
            Vec::new()
        })
    })
    .unwrap();
    assert_eq!(seen, [b"who?".to_vec(), Vec::new()]);
    drop(c);
    assert!(srv.finish().error.is_none());
    assert_never_logged(&forms(secret, &[]));

    // A client-first mechanism with an empty initial response: "=" inline.
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=EXTERNAL] ready\r\n"),
        expect("A1 AUTHENTICATE EXTERNAL =\r\n"),
        send("A1 OK [CAPABILITY IMAP4rev1] in\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    c.authenticate_with("EXTERNAL", true, |_| Ok(Vec::new()))
        .unwrap();
    drop(c);
    assert!(srv.finish().error.is_none());

    // A challenge that is not base64: cancelled ("*"), a non-fatal
    // PROTOCOL error, the client usable.
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=X-CUSTOM] ready\r\n"),
        expect("A1 AUTHENTICATE X-CUSTOM\r\n"),
        send("+ not base64!\r\n"),
        expect("*\r\n"),
        send("A1 BAD Authentication aborted by client\r\n"),
        expect("A2 NOOP"),
        send("A2 OK done\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    let e = c
        .authenticate_with("X-CUSTOM", false, |_| panic!("not called"))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    assert!(!e.is_fatal());
    c.noop().unwrap();
    drop(c);
    assert!(srv.finish().error.is_none());

    // The mechanism cancels but the server says OK anyway: the session is
    // one the caller refused, so it ends (fatal PROTOCOL).
    let srv = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=X-CUSTOM] ready\r\n"),
        expect("A1 AUTHENTICATE X-CUSTOM\r\n"),
        send(format!("+ {}\r\n", b64(b"v=forged"))),
        expect("*\r\n"),
        send("A1 OK welcome anyway\r\n"),
    ]);
    let mut c = Client::connect(&srv.options()).unwrap();
    let e = c
        .authenticate_with("X-CUSTOM", false, |_| Err("bad server signature".into()))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    assert!(
        e.is_fatal() && e.message.contains("bad server signature"),
        "{e}"
    );
    assert_eq!(c.noop().unwrap_err().kind, ErrorKind::IllegalState);
    drop(c);
    srv.finish();
}
