//! Replay IMAP server for benchmarks: answers from bytes captured from a real
//! Dovecot (bench/capture.py), held in memory and written with large
//! writes, so the client under test is the only bottleneck.
//!
//!   imap-replay CAPTURE_DIR [PORT]
//!
//! Reads CAPTURE_DIR/manifest.tsv, listens on 127.0.0.1:PORT (0 or absent:
//! any free port), prints `port=N` on stdout, then serves every connection
//! in its own thread until killed. It speaks just enough IMAP: greeting,
//! CAPABILITY, LOGIN (any credentials), SELECT/EXAMINE of a captured
//! folder, [UID] FETCH of a captured item list (the message set is ignored:
//! the whole capture is replayed), NOOP, ID, ENABLE, LOGOUT. The tagged
//! completion line of each captured answer is rewritten to the client's tag.
//!
//! manifest.tsv lines: `KIND<TAB>FOLDER<TAB>ITEMS<TAB>FILE`, KIND one of
//! greeting, capability, login, examine, fetch (FOLDER and ITEMS `-` where
//! they do not apply).
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;

#[derive(Default)]
struct Captures {
    greeting: Vec<u8>,
    capability: Vec<u8>,
    login: Vec<u8>,
    /// folder -> EXAMINE answer
    examine: HashMap<String, Vec<u8>>,
    /// (folder, normalised items) -> FETCH answer
    fetch: HashMap<(String, String), Vec<u8>>,
}

/// Items as a canonical key: upper case, no outer parentheses, no `UID`
/// (clients add it or not), sorted.
fn norm_items(s: &str) -> String {
    let s = s.trim();
    let s = s
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(s);
    let mut items = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '[' | '(' if !cur.is_empty() || c == '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' | ')' if depth > 0 => {
                depth -= 1;
                cur.push(c);
            }
            c if c.is_whitespace() && depth == 0 => {
                if !cur.is_empty() {
                    items.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        items.push(cur);
    }
    let mut items: Vec<String> = items
        .into_iter()
        .map(|i| i.to_ascii_uppercase())
        .filter(|i| i != "UID")
        .collect();
    items.sort();
    items.join(" ")
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        s[1..s.len() - 1]
            .replace("\\\"", "\"")
            .replace("\\\\", "\\")
    } else {
        s.to_string()
    }
}

fn load(dir: &Path) -> std::io::Result<Captures> {
    let mut c = Captures::default();
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv"))?;
    for line in manifest.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 4 {
            return Err(std::io::Error::other(format!("bad manifest line: {line}")));
        }
        let data = std::fs::read(dir.join(f[3]))?;
        match f[0] {
            "greeting" => c.greeting = data,
            "capability" => c.capability = data,
            "login" => c.login = data,
            "examine" => {
                c.examine.insert(f[1].to_string(), data);
            }
            "fetch" => {
                c.fetch.insert((f[1].to_string(), norm_items(f[2])), data);
            }
            k => return Err(std::io::Error::other(format!("unknown kind {k}"))),
        }
    }
    Ok(c)
}

/// Write a captured answer with its last (tagged) line given `tag`.
fn replay(w: &mut TcpStream, data: &[u8], tag: &str) -> std::io::Result<()> {
    let body = data.strip_suffix(b"\r\n").unwrap_or(data);
    let start = body.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let last = &data[start..];
    let rest = match last.iter().position(|&b| b == b' ') {
        Some(i) => &last[i..],
        None => b" OK done\r\n".as_slice(),
    };
    w.write_all(&data[..start])?;
    let mut line = Vec::with_capacity(tag.len() + rest.len());
    line.extend_from_slice(tag.as_bytes());
    line.extend_from_slice(rest);
    w.write_all(&line)
}

/// One command, literals included (synchronising ones get a continuation).
fn read_command(
    r: &mut BufReader<TcpStream>,
    w: &mut TcpStream,
) -> std::io::Result<Option<String>> {
    let mut cmd = Vec::new();
    loop {
        let mut line = Vec::new();
        if r.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line).into_owned();
        let t = text.trim_end();
        if let Some(open) = t.rfind('{').filter(|_| t.ends_with('}')) {
            let spec = &t[open + 1..t.len() - 1];
            let (num, plus) = match spec.strip_suffix('+') {
                Some(n) => (n, true),
                None => (spec, false),
            };
            if let Ok(n) = num.parse::<usize>() {
                if !plus {
                    w.write_all(b"+ Ready\r\n")?;
                }
                cmd.extend_from_slice(&line);
                let mut lit = vec![0; n];
                r.read_exact(&mut lit)?;
                cmd.extend_from_slice(&lit);
                continue;
            }
        }
        cmd.extend_from_slice(&line);
        return Ok(Some(String::from_utf8_lossy(&cmd).trim_end().to_string()));
    }
}

fn serve(stream: TcpStream, caps: Arc<Captures>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut w = stream.try_clone()?;
    let mut r = BufReader::new(stream);
    w.write_all(&caps.greeting)?;
    let mut folder: Option<String> = None;
    while let Some(cmd) = read_command(&mut r, &mut w)? {
        let mut parts = cmd.splitn(3, ' ');
        let tag = parts.next().unwrap_or("*").to_string();
        let mut verb = parts.next().unwrap_or("").to_ascii_uppercase();
        let mut args = parts.next().unwrap_or("").to_string();
        if verb == "UID" {
            let mut p = args.splitn(2, ' ');
            verb = p.next().unwrap_or("").to_ascii_uppercase();
            args = p.next().unwrap_or("").to_string();
        }
        match verb.as_str() {
            "CAPABILITY" => replay(&mut w, &caps.capability, &tag)?,
            "LOGIN" | "AUTHENTICATE" => replay(&mut w, &caps.login, &tag)?,
            "SELECT" | "EXAMINE" => {
                let name = unquote(args.split(" (").next().unwrap_or(""));
                match caps.examine.get(&name) {
                    Some(d) => {
                        folder = Some(name);
                        replay(&mut w, d, &tag)?;
                    }
                    None => write!(
                        w,
                        "{tag} NO [NONEXISTENT] replay: no capture of folder {name}\r\n"
                    )?,
                }
            }
            "FETCH" => {
                let mut p = args.splitn(2, ' ');
                let set = p.next().unwrap_or("");
                let items = norm_items(p.next().unwrap_or(""));
                if set != "1:*" {
                    eprintln!("imap-replay: FETCH set {set} replayed as 1:*");
                }
                let key = (folder.clone().unwrap_or_default(), items);
                match caps.fetch.get(&key) {
                    Some(d) => replay(&mut w, d, &tag)?,
                    None => {
                        eprintln!("imap-replay: no capture for {key:?}");
                        write!(w, "{tag} NO replay: no capture for these items\r\n")?
                    }
                }
            }
            "NOOP" | "CHECK" | "ENABLE" | "UNSELECT" | "CLOSE" => {
                write!(w, "{tag} OK {verb} completed.\r\n")?
            }
            "ID" => write!(w, "* ID NIL\r\n{tag} OK ID completed.\r\n")?,
            "LOGOUT" => {
                write!(w, "* BYE Logging out\r\n{tag} OK Logout completed.\r\n")?;
                return Ok(());
            }
            _ => write!(w, "{tag} BAD replay: unsupported command\r\n")?,
        }
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args.len() > 2 {
        eprintln!("usage: imap-replay CAPTURE_DIR [PORT]");
        std::process::exit(2);
    }
    let caps = match load(Path::new(&args[0])) {
        Ok(c) => Arc::new(c),
        Err(e) => {
            eprintln!("imap-replay: {}: {e}", args[0]);
            std::process::exit(1);
        }
    };
    let port: u16 = args.get(1).map_or(0, |p| p.parse().expect("PORT"));
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind");
    println!("port={}", listener.local_addr().expect("addr").port());
    std::io::stdout().flush().ok();
    for conn in listener.incoming() {
        let Ok(conn) = conn else { continue };
        let caps = caps.clone();
        std::thread::spawn(move || {
            if let Err(e) = serve(conn, caps) {
                if e.kind() != std::io::ErrorKind::BrokenPipe
                    && e.kind() != std::io::ErrorKind::ConnectionReset
                {
                    eprintln!("imap-replay: {e}");
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::norm_items;

    #[test]
    fn items_normalise() {
        assert_eq!(norm_items("(UID FLAGS envelope)"), "ENVELOPE FLAGS");
        assert_eq!(norm_items("BODY.PEEK[]"), "BODY.PEEK[]");
        assert_eq!(
            norm_items("(UID BODY.PEEK[HEADER.FIELDS (FROM TO)] FLAGS)"),
            "BODY.PEEK[HEADER.FIELDS (FROM TO)] FLAGS"
        );
    }
}
