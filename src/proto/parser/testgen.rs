//! Generators of realistic server output for benchmarks, fuzz seeds and
//! tests. Not part of the API.

/// Deterministic xorshift so the stream is varied but reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const NAMES: &[&str] = &[
    "Alice Example",
    "Bob \\\"The Builder\\\"",
    "Carol",
    "Dave O'Brien",
    "Eve",
];
const WORDS: &[&str] = &[
    "meeting",
    "report",
    "invoice",
    "re:",
    "lunch",
    "quarterly",
    "update",
    "urgent",
];

fn addr(rng: &mut Rng, out: &mut String) {
    let n = rng.below(NAMES.len() as u64) as usize;
    if rng.below(4) == 0 {
        out.push_str("(NIL NIL ");
    } else {
        out.push_str(&format!("(\"{}\" NIL ", NAMES[n]));
    }
    out.push_str(&format!(
        "\"user{}\" \"example{}.com\")",
        rng.below(1000),
        n
    ));
}

fn addrs(rng: &mut Rng, out: &mut String, max: u64) {
    let n = rng.below(max + 1);
    if n == 0 {
        out.push_str("NIL");
        return;
    }
    out.push('(');
    for _ in 0..n {
        addr(rng, out);
    }
    out.push(')');
}

fn text_part(rng: &mut Rng, sub: &str) -> String {
    format!(
        "(\"TEXT\" \"{sub}\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" {} {} NIL NIL NIL NIL)",
        rng.below(100_000),
        rng.below(2000)
    )
}

/// (a) A typical FETCH stream, about 8 MB for 10 000 messages.
pub fn fetch_stream(n: u32) -> Vec<u8> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = String::with_capacity(n as usize * 900);
    for seq in 1..=n {
        let mut subject = String::new();
        for _ in 0..(3 + rng.below(6)) {
            subject.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
            subject.push(' ');
        }
        let subject = match rng.below(8) {
            0 => "NIL".to_string(),
            1 => format!("{{{}}}\r\n{subject}", subject.len()),
            2 => format!("\"=?utf-8?q?{}?= \\\"quoted\\\"\"", subject.trim()),
            _ => format!("\"{}\"", subject.trim()),
        };
        out.push_str(&format!(
            "* {seq} FETCH (UID {} FLAGS ({}) RFC822.SIZE {} INTERNALDATE \"{:02}-Jul-2024 {:02}:44:25 +0200\" ENVELOPE (\"Wed, 17 Jul 2024 02:23:25 -0700\" {subject} ",
            seq * 3 + 100,
            ["\\Seen", "\\Seen \\Answered", "", "\\Flagged $Forwarded"][rng.below(4) as usize],
            rng.below(10_000_000),
            1 + rng.below(28),
            rng.below(24)
        ));
        for max in [2, 0, 0, 4, 2, 1] {
            addrs(&mut rng, &mut out, max);
            out.push(' ');
        }
        out.push_str(&format!(
            "NIL \"<{}.{}@mail.example.com>\") BODYSTRUCTURE ",
            rng.next() % 1_000_000_007,
            seq
        ));
        match rng.below(3) {
            0 => out.push_str(&text_part(&mut rng, "PLAIN")),
            1 => {
                let (a, b) = (text_part(&mut rng, "PLAIN"), text_part(&mut rng, "HTML"));
                out.push_str(&format!(
                    "({a}{b} \"ALTERNATIVE\" (\"BOUNDARY\" \"b1_{seq}\") NIL NIL NIL)"
                ));
            }
            _ => {
                let (a, b) = (text_part(&mut rng, "PLAIN"), text_part(&mut rng, "HTML"));
                out.push_str(&format!(
                    "(({a}{b} \"ALTERNATIVE\" (\"BOUNDARY\" \"b2_{seq}\") NIL NIL NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"report {seq}.pdf\") NIL NIL \"BASE64\" {} NIL (\"attachment\" (\"filename\" \"report {seq}.pdf\")) NIL NIL) \"MIXED\" (\"BOUNDARY\" \"b1_{seq}\") NIL NIL NIL)",
                    rng.below(5_000_000)
                ));
            }
        }
        out.push_str(")\r\n");
    }
    out.into_bytes()
}

/// (b) BODY[] literals totalling about `total` bytes.
pub fn literal_stream(total: usize) -> Vec<u8> {
    let body: Vec<u8> = (0..(256 << 10))
        .map(|k: usize| b"abcdefghij klmnop\r\n"[k % 19])
        .collect();
    let mut out = Vec::with_capacity(total + (64 << 10));
    let mut n = 1;
    while out.len() < total {
        let size = (64 << 10) + (n * 7919) % (192 << 10);
        out.extend_from_slice(format!("* {n} FETCH (UID {n} BODY[] {{{size}}}\r\n").as_bytes());
        out.extend_from_slice(&body[..size]);
        out.extend_from_slice(b")\r\n");
        n += 1;
    }
    out
}

/// (c) One response with `n` literals.
pub fn many_literals(n: usize) -> Vec<u8> {
    let mut out = b"* 1 FETCH (UID 1".to_vec();
    for k in 0..n {
        out.extend_from_slice(format!(" BODY[{k}] {{10}}\r\n0123456789").as_bytes());
    }
    out.extend_from_slice(b")\r\n");
    out
}

/// (d) `* SEARCH` with `n` ids.
pub fn big_search(n: u32) -> Vec<u8> {
    let mut out = b"* SEARCH".to_vec();
    for k in 0..n {
        out.extend_from_slice(format!(" {}", k * 3 + 1).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out
}
