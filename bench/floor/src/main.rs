//! The floor: a raw socket reader that sends the same commands as the
//! clients and reads the FETCH answer without parsing it. Same contract as
//! fetch_bench (IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_PASSWORD; IMAP_TLS
//! must be `none`):
//!
//!   imap-floor FOLDER ITEMS [--stream]
//!
//! Prints `messages=N bytes=B seconds=S`: N is EXISTS from EXAMINE, B the
//! size of the whole FETCH answer in bytes (not body bytes), S the time from
//! sending the FETCH to reading its tagged completion line. The end is found
//! by looking only at the end of each read for a line starting `A3 `.
//!
//! With `FLOOR_KEEP=1` the floor also keeps every byte of the answer: each
//! read is copied into retained 1 MiB blocks of fresh memory, freed only
//! after the time is taken. That is the least any API must do that returns
//! the whole answer in memory (one copy, plus the kernel's page faults on
//! the new memory), and it is the fair floor for a buffered download.
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

// 64 KiB reads: measured fastest here (the buffer stays in L2; 1 MiB reads
// were 1.5-4x slower on loopback). FLOOR_BUF overrides it for experiments.
const BUF: usize = 64 * 1024;
fn buf_size() -> usize {
    std::env::var("FLOOR_BUF")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(BUF)
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        eprintln!("imap-floor: {name} is not set");
        std::process::exit(2)
    })
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Retained copy of the answer for `FLOOR_KEEP=1`.
#[derive(Default)]
struct Keep {
    on: bool,
    blocks: Vec<Vec<u8>>,
}

const KEEP_BLOCK: usize = 1 << 20;

impl Keep {
    fn put(&mut self, mut data: &[u8]) {
        if !self.on {
            return;
        }
        while !data.is_empty() {
            let room = match self.blocks.last() {
                Some(b) => b.capacity() - b.len(),
                None => 0,
            };
            if room == 0 {
                self.blocks.push(Vec::with_capacity(KEEP_BLOCK));
                continue;
            }
            let n = room.min(data.len());
            let last = self.blocks.last_mut().expect("a block");
            last.extend_from_slice(&data[..n]);
            data = &data[n..];
        }
    }

    fn len(&self) -> u64 {
        self.blocks.iter().map(|b| b.len() as u64).sum()
    }
}

/// Reads until a read ends with a complete line that starts with `tag `.
/// Keeps only a short tail across reads (and, with `keep` on, a copy of
/// everything). Returns (bytes read, tail).
fn read_answer(s: &mut TcpStream, buf: &mut [u8], tag: &[u8], keep: &mut Keep) -> (u64, Vec<u8>) {
    let mut total = 0u64;
    let mut tail: Vec<u8> = Vec::with_capacity(1024);
    loop {
        let n = s.read(buf).expect("read");
        if n == 0 {
            eprintln!("imap-floor: connection closed");
            std::process::exit(1);
        }
        total += n as u64;
        let chunk = &buf[..n];
        keep.put(chunk);
        // Keep the last 512 bytes seen (the tagged line is short).
        if chunk.len() >= 512 {
            tail.clear();
            tail.extend_from_slice(&chunk[n - 512..]);
        } else {
            tail.extend_from_slice(chunk);
            if tail.len() > 512 {
                tail.drain(..tail.len() - 512);
            }
        }
        if tail.ends_with(b"\r\n") {
            let body = &tail[..tail.len() - 2];
            if let Some(i) = body.iter().rposition(|&b| b == b'\n') {
                if body[i + 1..].starts_with(tag) {
                    return (total, body[i + 1..].to_vec());
                }
            } else if total == tail.len() as u64 && body.starts_with(tag) {
                return (total, body.to_vec());
            }
        }
    }
}

fn main() {
    // `--stream` is accepted and changes nothing: the floor never buffers.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--stream")
        .collect();
    if args.len() != 2 {
        eprintln!("usage: imap-floor FOLDER ITEMS [--stream]");
        std::process::exit(2);
    }
    if std::env::var("IMAP_TLS")
        .map(|t| t != "none")
        .unwrap_or(false)
    {
        eprintln!("imap-floor: only IMAP_TLS=none is supported");
        std::process::exit(2);
    }
    let host = env("IMAP_HOST");
    let port: u16 = env("IMAP_PORT").parse().expect("IMAP_PORT");
    let mut s = TcpStream::connect((host.as_str(), port)).expect("connect");
    s.set_nodelay(true).ok();
    let mut buf = vec![0u8; buf_size()];
    // Greeting: one line.
    let mut greeting = Vec::new();
    while !greeting.ends_with(b"\r\n") {
        let n = s.read(&mut buf).expect("read");
        assert!(n > 0, "closed before greeting");
        greeting.extend_from_slice(&buf[..n]);
    }
    let login = format!(
        "A1 LOGIN {} {}\r\n",
        quote(&env("IMAP_USER")),
        quote(&env("IMAP_PASSWORD"))
    );
    s.write_all(login.as_bytes()).expect("write");
    let (_, line) = read_answer(&mut s, &mut buf, b"A1 ", &mut Keep::default());
    assert!(
        line.starts_with(b"A1 OK"),
        "login failed: {}",
        String::from_utf8_lossy(&line)
    );
    s.write_all(format!("A2 EXAMINE {}\r\n", quote(&args[0])).as_bytes())
        .expect("write");
    // The EXAMINE answer is small: read it whole to find EXISTS.
    let mut exam = Vec::new();
    loop {
        let n = s.read(&mut buf).expect("read");
        assert!(n > 0, "closed during EXAMINE");
        exam.extend_from_slice(&buf[..n]);
        if exam.ends_with(b"\r\n")
            && (exam.starts_with(b"A2 ")
                || exam
                    .windows(5)
                    .any(|w| w == b"\nA2 O" || w == b"\nA2 N" || w == b"\nA2 B"))
        {
            break;
        }
    }
    let text = String::from_utf8_lossy(&exam);
    assert!(
        text.contains("\nA2 OK") || text.starts_with("A2 OK"),
        "EXAMINE failed: {text}"
    );
    let exists: u64 = text
        .lines()
        .filter_map(|l| l.strip_prefix("* ")?.strip_suffix(" EXISTS")?.parse().ok())
        .next_back()
        .unwrap_or(0);

    let cmd = format!("A3 UID FETCH 1:* ({})\r\n", args[1]);
    let mut keep = Keep {
        on: std::env::var("FLOOR_KEEP").is_ok_and(|v| v == "1"),
        blocks: Vec::new(),
    };
    let t0 = Instant::now();
    s.write_all(cmd.as_bytes()).expect("write");
    let (bytes, line) = read_answer(&mut s, &mut buf, b"A3 ", &mut keep);
    let secs = t0.elapsed().as_secs_f64();
    if keep.on && keep.len() != bytes {
        eprintln!("imap-floor: kept {} of {bytes} bytes", keep.len());
        std::process::exit(1);
    }
    drop(keep);
    if !line.starts_with(b"A3 OK") {
        eprintln!(
            "imap-floor: FETCH failed: {}",
            String::from_utf8_lossy(&line)
        );
        std::process::exit(1);
    }
    println!("messages={exists} bytes={bytes} seconds={secs:.6}");
    let _ = s.write_all(b"A4 LOGOUT\r\n");
}
