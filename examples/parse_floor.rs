//! A second floor for the fetch benchmark: the protocol core alone. A raw
//! socket, the framer and the parser, with every parsed response dropped
//! at once: no client, no owned results. Same contract as fetch_bench
//! (IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_PASSWORD; IMAP_TLS must be
//! `none`):
//!
//!   cargo run --release --example parse_floor -- FOLDER ITEMS [--stream]
//!
//! Prints `messages=N bytes=B seconds=S`: N is the number of FETCH
//! responses parsed, B the size of the FETCH answer, S the time from
//! sending the FETCH to parsing its tagged completion. What any client
//! built on this core pays at least: the distance from here to the raw
//! floor is framing and parsing, from here to fetch_bench the client.
//! `--stream` is accepted and changes nothing (responses are not kept).
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use imapclient::proto::framer::{Event, Framer, Limits};
use imapclient::proto::parser::parse_response;
use imapclient::proto::types::{Response, StatusKind, Untagged};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| fail(&format!("{name} is not set")))
}

fn fail(msg: &str) -> ! {
    eprintln!("parse_floor: {msg}");
    std::process::exit(1)
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Reads and parses responses until the tagged one; returns (FETCH
/// responses, bytes read, whether the tagged status was OK).
fn answer(s: &mut TcpStream, f: &mut Framer, tag: &str) -> (u64, u64, bool) {
    let (mut fetches, mut bytes) = (0u64, 0u64);
    loop {
        loop {
            let frame = match f.next_event() {
                Ok(Some(Event::Frame(frame))) => frame,
                Ok(Some(Event::LiteralChunk { .. })) => fail("unexpected literal chunk"),
                Ok(None) => break,
                Err(e) => fail(&format!("framing: {e}")),
            };
            match parse_response(frame) {
                Ok(Response::Tagged { tag: t, status }) if t.as_ref() == tag.as_bytes() => {
                    return (fetches, bytes, status.kind == StatusKind::Ok);
                }
                Ok(Response::Untagged(Untagged::Fetch { items, .. })) => {
                    std::hint::black_box(&items);
                    fetches += 1;
                }
                Ok(r) => {
                    std::hint::black_box(&r);
                }
                Err(e) => fail(&format!("parse: {e}")),
            }
        }
        let room = f.read_buf(64 * 1024);
        let n = s.read(room).unwrap_or_else(|e| fail(&format!("read: {e}")));
        if n == 0 {
            fail("connection closed");
        }
        f.commit(n);
        bytes += n as u64;
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--stream")
        .collect();
    if args.len() != 2 {
        eprintln!("usage: parse_floor FOLDER ITEMS [--stream]");
        std::process::exit(2);
    }
    if std::env::var("IMAP_TLS").is_ok_and(|t| t != "none") {
        fail("only IMAP_TLS=none is supported");
    }
    let port: u16 = env("IMAP_PORT")
        .parse()
        .unwrap_or_else(|_| fail("IMAP_PORT is not a port"));
    let mut s = TcpStream::connect((env("IMAP_HOST").as_str(), port))
        .unwrap_or_else(|e| fail(&format!("connect: {e}")));
    s.set_nodelay(true).ok();
    let mut f = Framer::new(Limits::default());
    // The greeting is untagged: read until the framer has one response.
    loop {
        if let Ok(Some(_)) = f.next_event() {
            break;
        }
        let room = f.read_buf(4096);
        let n = s.read(room).unwrap_or_else(|e| fail(&format!("read: {e}")));
        if n == 0 {
            fail("closed before the greeting");
        }
        f.commit(n);
    }
    let login = format!(
        "A1 LOGIN {} {}\r\n",
        quote(&env("IMAP_USER")),
        quote(&env("IMAP_PASSWORD"))
    );
    s.write_all(login.as_bytes())
        .unwrap_or_else(|e| fail(&format!("write: {e}")));
    if !answer(&mut s, &mut f, "A1").2 {
        fail("login failed");
    }
    s.write_all(format!("A2 EXAMINE {}\r\n", quote(&args[0])).as_bytes())
        .unwrap_or_else(|e| fail(&format!("write: {e}")));
    if !answer(&mut s, &mut f, "A2").2 {
        fail("EXAMINE failed");
    }
    let cmd = format!("A3 UID FETCH 1:* ({})\r\n", args[1]);
    let t0 = Instant::now();
    s.write_all(cmd.as_bytes())
        .unwrap_or_else(|e| fail(&format!("write: {e}")));
    let (messages, bytes, ok) = answer(&mut s, &mut f, "A3");
    let secs = t0.elapsed().as_secs_f64();
    if !ok {
        fail("FETCH failed");
    }
    println!("messages={messages} bytes={bytes} seconds={secs:.6}");
    let _ = s.write_all(b"A4 LOGOUT\r\n");
}
