//! Contender: the Rust `imap` crate (2.x) under the fetch_bench contract.
//!
//!   IMAP_HOST IMAP_PORT IMAP_USER IMAP_PASSWORD (IMAP_TLS must be `none`)
//!   rust-imap-bench FOLDER ITEMS [--stream]
//!
//! Prints `messages=N bytes=B seconds=S` (S covers only the fetch). The
//! crate has no streaming API: `--stream` is refused.
use std::net::TcpStream;
use std::time::Instant;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        eprintln!("rust-imap-bench: {name} is not set");
        std::process::exit(2)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 2 {
        eprintln!("usage: rust-imap-bench FOLDER ITEMS   (no --stream: the crate cannot stream)");
        std::process::exit(2);
    }
    if std::env::var("IMAP_TLS")
        .map(|t| t != "none")
        .unwrap_or(false)
    {
        eprintln!("rust-imap-bench: only IMAP_TLS=none is supported");
        std::process::exit(2);
    }
    let host = env("IMAP_HOST");
    let port: u16 = env("IMAP_PORT").parse().expect("IMAP_PORT");
    let tcp = TcpStream::connect((host.as_str(), port)).expect("connect");
    let mut client = imap::Client::new(tcp);
    client.read_greeting().expect("greeting");
    let mut session = client
        .login(env("IMAP_USER"), env("IMAP_PASSWORD"))
        .map_err(|e| e.0)
        .expect("login");
    session.examine(&args[0]).expect("examine");

    let t0 = Instant::now();
    let fetches = session
        .uid_fetch("1:*", format!("({})", args[1]))
        .expect("fetch");
    let mut messages = 0u64;
    let mut bytes = 0u64;
    let mut envelopes = 0u64;
    for f in fetches.iter() {
        messages += 1;
        if let Some(e) = f.envelope() {
            envelopes += 1;
            std::hint::black_box(e.subject);
        }
        bytes += f.body().map_or(0, |b| b.len() as u64);
        std::hint::black_box((f.flags(), f.size, f.internal_date(), f.bodystructure()));
    }
    let secs = t0.elapsed().as_secs_f64();
    std::hint::black_box(envelopes);
    println!("messages={messages} bytes={bytes} seconds={secs:.6}");
    drop(fetches);
    let _ = session.logout();
}
