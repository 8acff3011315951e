//! fetch_bench over the Rust API (the layer under the C ABI), so the core is
//! measured on its own. Same contract as examples-c/fetch_bench and
//! bindings/go/cmd/fetchbench:
//!
//!   IMAP_HOST IMAP_PORT IMAP_USER IMAP_PASSWORD IMAP_TLS (implicit,
//!   starttls, none) IMAP_CAFILE (optional) IMAP_COMPRESS (1: COMPRESS=DEFLATE
//!   after login)
//!   cargo run --release --example fetch_bench -- FOLDER ITEMS [--stream]
//!
//! Logs in, EXAMINEs FOLDER, fetches `1:*` by UID with ITEMS, touches every
//! value (counts envelopes, sums section bytes) and prints one line
//! `messages=N bytes=B seconds=S`, S covering only the fetch. `--stream`
//! uses `fetch_stream` and drops body chunks as they arrive.
use std::path::Path;
use std::time::Instant;

use imapclient::client::{Client, ConnectOptions, Security, TlsConfigBuilder};

/// Sections larger than this are streamed in pieces with `--stream`;
/// `FETCH_BENCH_STREAM_THRESHOLD` overrides it for experiments.
const STREAM_THRESHOLD: u64 = 64 * 1024;

fn stream_threshold() -> u64 {
    std::env::var("FETCH_BENCH_STREAM_THRESHOLD")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(STREAM_THRESHOLD)
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| fail(&format!("{name} is not set")))
}

fn fail(msg: &str) -> ! {
    eprintln!("fetch_bench: {msg}");
    std::process::exit(1)
}

/// Split an item list on spaces outside brackets and parentheses, so
/// `BODY.PEEK[HEADER.FIELDS (FROM TO)]` stays one item.
fn split_items(s: &str) -> Vec<&str> {
    let s = s.trim();
    let s = s
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(s);
    let (mut out, mut depth, mut start) = (Vec::new(), 0i32, None);
    for (i, c) in s.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            c if c.is_whitespace() && depth == 0 => {
                if let Some(b) = start.take() {
                    out.push(&s[b..i]);
                }
                continue;
            }
            _ => {}
        }
        start.get_or_insert(i);
    }
    if let Some(b) = start {
        out.push(&s[b..]);
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stream = args.iter().any(|a| a == "--stream");
    let pos: Vec<&String> = args.iter().filter(|a| *a != "--stream").collect();
    if pos.len() != 2 {
        eprintln!("usage: fetch_bench FOLDER ITEMS [--stream]");
        std::process::exit(2);
    }
    let security = match std::env::var("IMAP_TLS").as_deref().unwrap_or("implicit") {
        "none" => Security::Plain,
        "starttls" => Security::StartTls,
        "implicit" => Security::Implicit,
        other => fail(&format!("IMAP_TLS={other}: use implicit, starttls or none")),
    };
    let port: u16 = env("IMAP_PORT")
        .parse()
        .unwrap_or_else(|_| fail("IMAP_PORT is not a port"));
    let mut opts = ConnectOptions::new(env("IMAP_HOST"), security).port(port);
    if let (Ok(ca), false) = (std::env::var("IMAP_CAFILE"), security == Security::Plain) {
        let mut b = TlsConfigBuilder::new();
        b.add_ca_file(Path::new(&ca))
            .unwrap_or_else(|e| fail(&e.to_string()));
        opts = opts.tls(b.build().unwrap_or_else(|e| fail(&e.to_string())));
    }
    let mut c = Client::connect(&opts).unwrap_or_else(|e| fail(&format!("connect: {e}")));
    c.login(&env("IMAP_USER"), &env("IMAP_PASSWORD"))
        .unwrap_or_else(|e| fail(&format!("login: {e}")));
    if std::env::var("IMAP_COMPRESS").as_deref() == Ok("1") {
        c.compress()
            .unwrap_or_else(|e| fail(&format!("compress: {e}")));
    }
    c.examine_folder(pos[0])
        .unwrap_or_else(|e| fail(&format!("examine: {e}")));
    let items = split_items(pos[1]);

    let (mut messages, mut bytes, mut envelopes) = (0u64, 0u64, 0u64);
    let t0 = Instant::now();
    if stream {
        let n = c
            .fetch_stream(
                "1:*",
                &items,
                stream_threshold(),
                &mut |m| {
                    envelopes += u64::from(m.envelope.is_some());
                    std::hint::black_box((&m.flags, m.size, &m.internal_date, &m.body_structure));
                    true
                },
                &mut |ch| {
                    bytes += ch.data.len() as u64;
                    true
                },
            )
            .unwrap_or_else(|e| fail(&format!("fetch: {e}")));
        messages = n as u64;
    } else {
        let all = c
            .fetch("1:*", &items)
            .unwrap_or_else(|e| fail(&format!("fetch: {e}")));
        for m in all.iter() {
            messages += 1;
            envelopes += u64::from(m.envelope.is_some());
            std::hint::black_box((&m.flags, m.size, &m.internal_date, &m.body_structure));
            bytes += m
                .sections
                .iter()
                .map(|s| s.data.as_ref().map_or(0, |d| d.len() as u64))
                .sum::<u64>();
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    std::hint::black_box(envelopes);
    println!("messages={messages} bytes={bytes} seconds={secs:.6}");
    let _ = c.logout();
}
