//! Chaos: a few hundred short sessions against the scripted fake server,
//! each one command whose valid answer is mutated at random, checked
//! against what the client promises on bad input (README, "a hostile
//! server"): a clear error, never a panic, never a hang past its timeouts,
//! never a silent short result; a fatal error breaks the client (the next
//! call is a fatal `IllegalState`), a non-fatal one leaves it in step (the
//! next NOOP gets its own OK).
//!
//! Each session: connect, LOGIN (A1), SELECT (A2), then one command (A3)
//! drawn from FETCH (FLAGS, ENVELOPE, BODYSTRUCTURE, BODY[] literals, and
//! BODY[] through `fetch_stream`), UID SEARCH, ESEARCH, LIST, STATUS,
//! APPEND with and without LITERAL+, UID COPY and UID MOVE with COPYUID,
//! EXPUNGE, NOOP with unsolicited data and IDLE (start, wait, done), whose
//! answer gets one mutation of a class (see `Class`: split writes,
//! truncation, a bit flipped, a byte replaced, a literal size changed, a
//! response duplicated, garbage lines, unsolicited responses, numbers
//! replaced by 0 / 2^32-1 / 2^32, BYE, an event flood, several byte
//! mutations at once, a drip past the command timeout), then NOOP (A4).
//! Command and class go round-robin over the session index (every pair
//! twice); the mutation's details come from a splitmix64 generator seeded
//! from `SEED` and the index, so a run is reproducible. `CHAOS_SEED=n`,
//! `CHAOS_SESSIONS=n` explore further; `CHAOS_ONLY=i` replays session `i`
//! alone and prints it. Sessions run `WORKERS` at a time (most of their
//! time is spent waiting for a timeout): about 17 s in all.
//!
//! What is checked, per session (`check`):
//! - every call returns within `CALL_BOUND` (io_timeout 2 s,
//!   command_timeout 3 s), no panic, the session within `SESSION_BOUND`;
//! - an error has a kind a server's bytes can cause, fatal for the
//!   connection-level kinds, and `is_fatal` agrees with `fatal_error`;
//! - after a fatal error the NOOP is a fatal `IllegalState`; after a
//!   non-fatal one, or success, it succeeds (in step), unless the mutated
//!   answer ends inside a response (which then swallows the NOOP's);
//! - a truncated answer is never a success;
//! - mutations that change nothing a command collects (split writes,
//!   garbage lines, a duplicated completion, unsolicited responses, a BYE
//!   the server does not act on) give exactly the unmutated result;
//! - a BYE then FIN, or an event flood, before the completion fails the
//!   command with `Bye` / `LimitExceeded` (after it, the NOOP); a drip
//!   fails it with the command timeout;
//! - a FETCH that succeeds accounts for every FETCH response the mutated
//!   bytes hold (framed as a server means them): each is in the result or
//!   an event, or there are at least as many messages with errors as are
//!   missing; a streamed section comes whole, in order;
//! - a SEARCH, ESEARCH, EXPUNGE, LIST or STATUS that succeeds gives what
//!   the mutated bytes say, where that is decidable (`expected_ids`,
//!   `list_count`, `expected_status`): a number that does not parse must
//!   fail the command, never vanish from its result.

mod fake;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fake::Step::{self, *};
use fake::{expect, select_steps, send, FakeServer, Rng};
use imapclient::client::{Client, Error, ErrorKind, Event, FolderStatus, Messages, SearchKey};

const SEED: u64 = 0xC4A0_5202_6112_7000;
/// Two per command and class.
const SESSIONS: usize = 2 * CMDS.len() * CLASSES.len();
/// Sessions run at once: most of a session's time is spent waiting on a
/// timeout, not on the CPU.
const WORKERS: usize = 12;
const MAX_EVENTS: usize = 1000;
const IO_TIMEOUT: Duration = Duration::from_secs(2);
const COMMAND_TIMEOUT: Duration = Duration::from_secs(3);
/// Longest any one call may take.
const CALL_BOUND: Duration = Duration::from_secs(8);
/// Longest a whole session may take before it counts as hung.
const SESSION_BOUND: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    FetchFlags,
    FetchEnvelope,
    FetchStructure,
    FetchBody,
    FetchStream,
    Search,
    ESearch,
    List,
    Status,
    AppendPlus,
    AppendSync,
    Copy,
    Move,
    Expunge,
    Noop,
    Idle,
}

const CMDS: &[Cmd] = &[
    Cmd::FetchFlags,
    Cmd::FetchEnvelope,
    Cmd::FetchStructure,
    Cmd::FetchBody,
    Cmd::FetchStream,
    Cmd::Search,
    Cmd::ESearch,
    Cmd::List,
    Cmd::Status,
    Cmd::AppendPlus,
    Cmd::AppendSync,
    Cmd::Copy,
    Cmd::Move,
    Cmd::Expunge,
    Cmd::Noop,
    Cmd::Idle,
];

impl Cmd {
    /// The command's result is the events (NOOP, IDLE).
    fn result_is_events(self) -> bool {
        matches!(self, Cmd::Noop | Cmd::Idle)
    }

    fn caps(self) -> &'static str {
        match self {
            Cmd::ESearch => "IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE ESEARCH",
            Cmd::AppendSync => "IMAP4rev1 IDLE UIDPLUS MOVE",
            _ => "IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE",
        }
    }
}

/// The message APPEND sends.
const MSG: &[u8] = b"From: a@example.org\r\nSubject: chaos\r\n\r\nhello\r\n";

/// One piece of the server's side of the command: a step played as is, or
/// an answer (complete responses, CRLF included) that mutations work on.
#[derive(Debug, Clone)]
enum Part {
    Fixed(Step),
    Answer(Vec<Vec<u8>>),
}

fn answer(resps: &[&str]) -> Part {
    Part::Answer(resps.iter().map(|r| r.as_bytes().to_vec()).collect())
}

/// The server's side of A3, unmutated.
fn script(cmd: Cmd) -> Vec<Part> {
    use Part::Fixed;
    let fetch = || Fixed(expect("A3 UID FETCH 1:* "));
    match cmd {
        Cmd::FetchFlags => vec![
            fetch(),
            answer(&[
                "* 1 FETCH (UID 11 FLAGS (\\Seen))\r\n",
                "* 2 FETCH (UID 12 FLAGS (\\Answered \\Flagged $Forwarded))\r\n",
                "* 3 FETCH (UID 13 FLAGS ())\r\n",
                "A3 OK Fetch completed\r\n",
            ]),
        ],
        Cmd::FetchEnvelope => vec![
            fetch(),
            answer(&[
                "* 1 FETCH (UID 11 ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800\" \"Hello (world)\" \
                 ((\"Fred Foo\" NIL \"fred\" \"example.org\")) NIL NIL \
                 ((NIL NIL \"joe\" \"example.com\")) NIL NIL NIL \"<1@example.org>\"))\r\n",
                "* 2 FETCH (UID 12 ENVELOPE (NIL {12}\r\nHi \"{3}\" (x) NIL NIL NIL NIL NIL NIL NIL NIL))\r\n",
                "* 3 FETCH (UID 13 ENVELOPE (\"Tue, 1 Jan 2000 00:00:00 +0000\" \"=?UTF-8?Q?caf=C3=A9?=\" \
                 ((NIL NIL \"a\" \"b.c\")(\"Group\" NIL NIL NIL)) NIL NIL NIL NIL NIL \"<0@x>\" NIL))\r\n",
                "A3 OK Fetch completed\r\n",
            ]),
        ],
        Cmd::FetchStructure => vec![
            fetch(),
            answer(&[
                "* 1 FETCH (UID 11 BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n",
                "* 2 FETCH (UID 12 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"QUOTED-PRINTABLE\" 120 4 NIL NIL NIL NIL)\
                 (\"APPLICATION\" \"PDF\" (\"NAME\" \"a.pdf\") \"<p1>\" \"A file\" \"BASE64\" 4096 NIL (\"ATTACHMENT\" (\"FILENAME\" \"a.pdf\")) NIL NIL) \
                 \"MIXED\" (\"BOUNDARY\" \"xyz\") NIL NIL NIL))\r\n",
                "* 3 FETCH (UID 13 BODYSTRUCTURE (\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 342 \
                 (NIL \"inner\" NIL NIL NIL NIL NIL NIL NIL NIL) (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1) 12))\r\n",
                "A3 OK Fetch completed\r\n",
            ]),
        ],
        Cmd::FetchBody | Cmd::FetchStream => vec![
            fetch(),
            answer(&[
                "* 1 FETCH (UID 11 RFC822.SIZE 26 BODY[] {26}\r\nSubject: hi\r\n\r\n(x) \"{3}\"\r\n)\r\n",
                "* 2 FETCH (UID 12 RFC822.SIZE 0 BODY[] {0}\r\n)\r\n",
                "* 3 FETCH (UID 13 BODY[] {14}\r\nA3 OK fooled\r\n RFC822.SIZE 14)\r\n",
                "A3 OK Fetch completed\r\n",
            ]),
        ],
        Cmd::Search => vec![
            Fixed(expect("A3 UID SEARCH")),
            answer(&["* SEARCH 11 12 13 42\r\n", "A3 OK Search completed\r\n"]),
        ],
        Cmd::ESearch => vec![
            Fixed(expect("A3 UID SEARCH RETURN (ALL)")),
            answer(&[
                "* ESEARCH (TAG \"A3\") UID ALL 11:13,42\r\n",
                "A3 OK Search completed\r\n",
            ]),
        ],
        Cmd::List => vec![
            Fixed(expect("A3 LIST ")),
            answer(&[
                "* LIST (\\HasNoChildren) \"/\" INBOX\r\n",
                "* LIST (\\HasChildren) \"/\" Archive\r\n",
                "* LIST (\\HasNoChildren \\Sent) \"/\" \"Archive/Sent Items\"\r\n",
                "* LIST () \"/\" {7}\r\nfoo\"bar\r\n",
                "* LIST (\\Noselect) NIL Odd\r\n",
                "A3 OK List completed\r\n",
            ]),
        ],
        Cmd::Status => vec![
            Fixed(expect("A3 STATUS Archive ")),
            answer(&[
                "* STATUS Archive (MESSAGES 5 RECENT 0 UIDNEXT 44 UIDVALIDITY 1700000001 UNSEEN 2)\r\n",
                "A3 OK Status completed\r\n",
            ]),
        ],
        Cmd::AppendPlus => vec![
            Fixed(Step::ExpectLiteral("A3 APPEND INBOX".into())),
            answer(&["A3 OK [APPENDUID 1700000000 44] Append completed\r\n"]),
        ],
        Cmd::AppendSync => vec![
            Fixed(expect("A3 APPEND INBOX {")),
            answer(&["+ go ahead\r\n"]),
            Fixed(ReadBytes(MSG.len() + 2)),
            answer(&["A3 OK [APPENDUID 1700000000 44] Append completed\r\n"]),
        ],
        Cmd::Copy => vec![
            Fixed(expect("A3 UID COPY 11:13 Archive")),
            answer(&["A3 OK [COPYUID 1700000001 11:13 101:103] Copy completed\r\n"]),
        ],
        Cmd::Move => vec![
            Fixed(expect("A3 UID MOVE 11:13 Archive")),
            answer(&[
                "* OK [COPYUID 1700000001 11:13 101:103] Moved\r\n",
                "* 1 EXPUNGE\r\n",
                "* 1 EXPUNGE\r\n",
                "* 1 EXPUNGE\r\n",
                "A3 OK Move completed\r\n",
            ]),
        ],
        Cmd::Expunge => vec![
            Fixed(expect("A3 EXPUNGE")),
            answer(&[
                "* 3 EXPUNGE\r\n",
                "* 1 EXPUNGE\r\n",
                "A3 OK Expunge completed\r\n",
            ]),
        ],
        Cmd::Noop => vec![
            Fixed(expect("A3 NOOP")),
            answer(&[
                "* 4 EXISTS\r\n",
                "* 1 RECENT\r\n",
                "* 2 FETCH (FLAGS (\\Seen))\r\n",
                "* OK [ALERT] Quota at 95%\r\n",
                "* 2 EXPUNGE\r\n",
                "A3 OK NOOP completed\r\n",
            ]),
        ],
        Cmd::Idle => vec![
            Fixed(expect("A3 IDLE")),
            answer(&["+ idling\r\n", "* 4 EXISTS\r\n", "* 1 RECENT\r\n"]),
            Fixed(expect("DONE")),
            answer(&["* 2 EXPUNGE\r\n", "A3 OK Idle completed\r\n"]),
        ],
    }
}

/// Mutation classes, one per session (round-robin).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// The answer in random write sizes with small pauses, bytes intact.
    Split,
    /// Cut at a random byte, then FIN, RST, or silence then FIN.
    Truncate,
    /// One bit of a random byte flipped.
    Flip,
    /// A random byte replaced by space, CR, LF, NUL, quote, paren, brace.
    Replace,
    /// A literal's announced size changed (a number elsewhere when the
    /// answer has no literal).
    LiteralSize,
    /// A response sent twice.
    Duplicate,
    /// A line that is not untagged data inserted between responses.
    Garbage,
    /// An unsolicited untagged response inserted between responses.
    Untagged,
    /// A number replaced by 0, 4294967295 or 4294967296.
    Number,
    /// `* BYE` inserted between responses.
    Bye,
    /// `max_events + 1` untagged responses inserted between responses.
    Flood,
    /// Two to four of Flip, Replace, LiteralSize and Number at once.
    Multi,
    /// The answer a byte at a time, spread over 4 s: each read within
    /// the I/O timeout, the whole past the command timeout.
    Drip,
}

const CLASSES: &[Class] = &[
    Class::Split,
    Class::Truncate,
    Class::Flip,
    Class::Replace,
    Class::LiteralSize,
    Class::Duplicate,
    Class::Garbage,
    Class::Untagged,
    Class::Number,
    Class::Bye,
    Class::Flood,
    Class::Multi,
    Class::Drip,
];

/// What a session's outcome must satisfy beyond the general rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Nothing more is decidable.
    Loose,
    /// The unmutated result; with `events`, the unmutated events too.
    Same { events: bool },
    /// An error, fatal.
    NeverOk,
    /// `Bye` from the command, or (after its completion) from the NOOP.
    Bye { after: bool },
    /// `LimitExceeded` from the command, or (after its completion) from the
    /// NOOP.
    Flood { after: bool },
    /// A fatal `Timeout` once the command timeout is up, not much later.
    CommandTimeout,
}

/// One session, ready to play.
struct Case {
    index: usize,
    cmd: Cmd,
    class: Class,
    /// What was done, for the report.
    what: String,
    steps: Vec<Step>,
    /// The bytes of the command's answer as sent (every answer part), for
    /// the FETCH accounting.
    sent: Vec<u8>,
    expect: Expect,
}

const GARBAGE: &[&str] = &[
    "hello there\r\n",
    ")))(((\r\n",
    "\r\n",
    "A99 NO whatever\r\n",
    "A2 OK [READ-WRITE] stale completion\r\n",
    "+ spurious\r\n",
    "12345 six\r\n",
    "\t\r\n",
];

const UNTAGGED: &[&str] = &[
    "* 9 EXISTS\r\n",
    "* 4 RECENT\r\n",
    "* 7 FETCH (FLAGS (\\Deleted))\r\n",
    "* OK [ALERT] chaos alert\r\n",
    "* OK still here\r\n",
    "* NO [ALERT] disk almost full\r\n",
    "* 3 EXPUNGE\r\n",
    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
    "* OK [HIGHESTMODSEQ 7] x\r\n",
];

const BYE: &str = "* BYE chaos says goodbye\r\n";

const REPLACEMENTS: &[u8] = b" \r\n\0\"(){}";

/// Positions (start, end) of the runs of ASCII digits in `b`.
fn digit_runs(b: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            runs.push((s, i));
        } else {
            i += 1;
        }
    }
    runs
}

/// Literal headers `{n}` at a line end in `b`: (start of n, end of n, n).
fn literal_headers(b: &[u8]) -> Vec<(usize, usize, u64)> {
    let mut out = Vec::new();
    for (i, w) in b.windows(3).enumerate() {
        if w == b"}\r\n" {
            if let Some(open) = b[..i].iter().rposition(|&c| c == b'{') {
                let digits = &b[open + 1..i];
                if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
                    let n = std::str::from_utf8(digits).unwrap().parse().unwrap();
                    out.push((open + 1, i, n));
                }
            }
        }
    }
    out
}

/// Apply one byte-level mutation of `class` (a literal size changed, when
/// there is none a number, when there is none a byte replaced); what it
/// did.
fn byte_mutation(class: Class, bytes: &mut Vec<u8>, rng: &mut Rng) -> String {
    let mut class = class;
    let mut note = "";
    if class == Class::LiteralSize && literal_headers(bytes).is_empty() {
        class = Class::Number;
        note = "(no literal) ";
    }
    if class == Class::Number && digit_runs(bytes).is_empty() {
        class = Class::Replace;
        note = "(no number) ";
    }
    match class {
        Class::Flip => {
            let at = rng.below(bytes.len());
            let bit = rng.below(8);
            let old = bytes[at];
            bytes[at] ^= 1 << bit;
            format!("{note}byte {at} {:?} ^ {:#x}", old as char, 1 << bit)
        }
        Class::Replace => {
            let at = rng.below(bytes.len());
            let with = *rng.pick(REPLACEMENTS);
            let old = bytes[at];
            bytes[at] = with;
            format!("{note}byte {at} {:?} -> {:?}", old as char, with as char)
        }
        Class::LiteralSize => {
            let lits = literal_headers(bytes);
            let (s, e, n) = *rng.pick(&lits);
            let d = rng.range(2, 20) as u64;
            let new = *rng.pick(&[
                n + 1,
                n.saturating_sub(1),
                n + d,
                n.saturating_sub(d),
                0,
                2 * n,
                100_000_000,
            ]);
            bytes.splice(s..e, new.to_string().into_bytes());
            format!("{note}literal {{{n}}} -> {{{new}}}")
        }
        Class::Number => {
            let runs = digit_runs(bytes);
            let (s, e) = *rng.pick(&runs);
            let new = *rng.pick(&["0", "4294967295", "4294967296"]);
            let old = String::from_utf8_lossy(&bytes[s..e]).into_owned();
            bytes.splice(s..e, new.bytes());
            format!("{note}number {old} at {s} -> {new}")
        }
        _ => unreachable!("{class:?} is not a byte mutation"),
    }
}

/// Write `data` whole, or (split) in pieces of 1 to 40 bytes, some after
/// a pause of up to 3 ms.
fn emit(steps: &mut Vec<Step>, data: &[u8], split: bool, rng: &mut Rng) {
    fake::emit(steps, data, split, rng, 40, 3000);
}

fn show(b: &[u8]) -> String {
    let s: String = b.escape_ascii().to_string();
    if s.len() > 600 {
        format!("{}...<{} bytes>", &s[..600], b.len())
    } else {
        s
    }
}

/// The case for session `index` of a run seeded with `seed`.
fn make_case(seed: u64, index: usize) -> Case {
    let cmd = CMDS[index % CMDS.len()];
    let class = CLASSES[(index / CMDS.len()) % CLASSES.len()];
    let mut rng = Rng(seed ^ (index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let mut parts = script(cmd);
    let answers: Vec<usize> = (0..parts.len())
        .filter(|&i| matches!(parts[i], Part::Answer(_)))
        .collect();
    let last_answer = *answers.last().unwrap();
    let p = *rng.pick(&answers);
    let Part::Answer(resps) = &mut parts[p] else {
        unreachable!()
    };
    let is_last = p == last_answer;
    let split = class == Class::Split || (class != Class::Drip && rng.chance(25));
    let mut what = String::new();
    // The answer part `p` as bytes, when a byte-level mutation rewrites it.
    let mut bytes: Vec<u8> = resps.concat();
    let original = bytes.clone();
    let mut truncate: Option<(usize, u8)> = None;
    let mut verdict = Expect::Loose;
    match class {
        Class::Split => {
            verdict = Expect::Same { events: true };
        }
        Class::Truncate => {
            let at = rng.below(bytes.len());
            let how = rng.below(3) as u8;
            truncate = Some((at, how));
            let _ = write!(
                what,
                "part {p}: cut at {at}/{} then {}",
                bytes.len(),
                ["FIN", "RST", "silence, FIN"][how as usize]
            );
            verdict = Expect::NeverOk;
        }
        Class::Flip | Class::Replace | Class::LiteralSize | Class::Number => {
            let _ = write!(
                what,
                "part {p}: {}",
                byte_mutation(class, &mut bytes, &mut rng)
            );
        }
        Class::Drip => {
            let _ = write!(what, "part {p}: dripped over 4 s");
            // IDLE is bounded by idle_wait's own timeout, not the command
            // timeout.
            if cmd != Cmd::Idle {
                verdict = Expect::CommandTimeout;
            }
        }
        Class::Multi => {
            let n = rng.range(2, 4);
            let done: Vec<String> = (0..n)
                .map(|_| {
                    let c = *rng.pick(&[
                        Class::Flip,
                        Class::Replace,
                        Class::LiteralSize,
                        Class::Number,
                    ]);
                    byte_mutation(c, &mut bytes, &mut rng)
                })
                .collect();
            let _ = write!(what, "part {p}: {}", done.join("; "));
        }
        Class::Duplicate => {
            let i = rng.below(resps.len());
            let _ = write!(
                what,
                "part {p}: response {i} sent twice: {}",
                show(&resps[i])
            );
            // A duplicated completion arrives as a stale one: ignored.
            if resps[i].starts_with(b"A3 ") {
                verdict = Expect::Same { events: true };
            }
            let r = resps[i].clone();
            resps.insert(i + 1, r);
            bytes = resps.concat();
        }
        Class::Garbage | Class::Untagged | Class::Bye | Class::Flood => {
            let i = rng.range(0, resps.len());
            let line: String = match class {
                Class::Garbage => {
                    verdict = Expect::Same { events: true };
                    rng.pick(GARBAGE).to_string()
                }
                Class::Untagged => {
                    // EXPUNGE responses are EXPUNGE's result.
                    let pool: Vec<&str> = UNTAGGED
                        .iter()
                        .copied()
                        .filter(|l| cmd != Cmd::Expunge || !l.contains("EXPUNGE"))
                        .collect();
                    if !cmd.result_is_events() {
                        verdict = Expect::Same { events: false };
                    }
                    rng.pick(&pool).to_string()
                }
                Class::Bye => {
                    // The client takes a BYE as news (an event) until the
                    // server closes: with the connection closed after it,
                    // the call fails with `Bye`; with the answer going on,
                    // the result is the unmutated one.
                    if rng.chance(60) {
                        let at: usize = resps[..i].iter().map(Vec::len).sum::<usize>() + BYE.len();
                        truncate = Some((at, 0));
                        what.push_str("then FIN: ");
                        verdict = Expect::Bye {
                            after: is_last && i == resps.len(),
                        };
                    } else if !cmd.result_is_events() {
                        verdict = Expect::Same { events: false };
                    }
                    BYE.to_string()
                }
                _ => {
                    // IDLE hands events out as they come: a flood there
                    // need not overflow the queue.
                    let after = is_last && i == resps.len();
                    if cmd != Cmd::Idle || after {
                        verdict = Expect::Flood { after };
                    }
                    "* 5 EXISTS\r\n".repeat(MAX_EVENTS + 1)
                }
            };
            let _ = write!(
                what,
                "part {p}: before response {i}: {}",
                show(line.as_bytes())
            );
            resps.insert(i, line.into_bytes());
            bytes = resps.concat();
        }
    }
    if matches!(
        class,
        Class::Flip | Class::Replace | Class::Number | Class::LiteralSize | Class::Multi
    ) && bytes == original
    {
        // The mutation changed nothing.
        verdict = Expect::Same { events: true };
    }
    if split && class != Class::Split {
        what.push_str(", split");
    }
    if class == Class::Split {
        what.push_str("split writes");
    }
    // Play the parts: the mutated one from `bytes`, the others as they are.
    let mut steps = Vec::new();
    let mut sent = Vec::new();
    for (k, part) in parts.into_iter().enumerate() {
        match part {
            Part::Fixed(s) => steps.push(s),
            Part::Answer(r) => {
                let data = if k == p { bytes.clone() } else { r.concat() };
                match truncate {
                    Some((at, how)) if k == p => {
                        emit(&mut steps, &data[..at], split, &mut rng);
                        sent.extend_from_slice(&data[..at]);
                        match how {
                            0 => steps.push(Close),
                            1 => steps.push(Reset),
                            _ => steps.extend([Sleep(Duration::from_millis(2500)), Close]),
                        }
                        break;
                    }
                    _ if k == p && class == Class::Drip => {
                        fake::drip(&mut steps, &data);
                        sent.extend_from_slice(&data);
                    }
                    _ => {
                        emit(&mut steps, &data, split, &mut rng);
                        sent.extend_from_slice(&data);
                    }
                }
            }
        }
    }
    if truncate.is_none() {
        steps.extend([expect("A4 NOOP"), send("A4 OK NOOP completed\r\n")]);
    }
    Case {
        index,
        cmd,
        class,
        what,
        steps,
        sent,
        expect: verdict,
    }
}

/// A command's result in comparable form.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Got {
    Fetch(Messages),
    /// `fetch_stream`: (seq, uid, errors) of each message, the sections
    /// streamed (chunks joined: where reads split them varies), and what
    /// was wrong with the chunks (`chunk_problems`).
    Stream(Vec<(u32, Option<u32>, usize)>, Vec<Chunked>, Vec<String>),
    /// SEARCH's and EXPUNGE's numbers.
    Ids(Vec<u32>),
    /// LIST's folders (how many, and all of it).
    Folders(usize, String),
    Status(FolderStatus),
    Text(String),
}

fn text<T: std::fmt::Debug>(r: Result<T, Error>) -> Result<Got, Error> {
    r.map(|v| Got::Text(format!("{v:?}")))
}

/// One chunk of a streamed section.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Chunked {
    seq: u32,
    section: String,
    offset: u64,
    total: u64,
    data: Vec<u8>,
}

/// `fetch_stream` of BODY[], sections over 8 bytes streamed.
fn fetch_stream(c: &mut Client) -> Result<Got, Error> {
    let mut msgs = Vec::new();
    let mut chunks = Vec::new();
    c.fetch_stream(
        "1:*",
        &["RFC822.SIZE", "BODY.PEEK[]"],
        8,
        &mut |m| {
            msgs.push((m.seq, m.uid, m.errors.len()));
            true
        },
        &mut |k| {
            chunks.push(Chunked {
                seq: k.seq,
                section: k.section.to_string(),
                offset: k.offset,
                total: k.total,
                data: k.data.to_vec(),
            });
            true
        },
    )?;
    let problems = chunk_problems(&chunks);
    let mut joined: Vec<Chunked> = Vec::new();
    for k in chunks {
        match joined.last_mut() {
            Some(j) if k.offset > 0 && j.seq == k.seq && j.section == k.section => {
                j.data.extend_from_slice(&k.data)
            }
            _ => joined.push(k),
        }
    }
    Ok(Got::Stream(msgs, joined, problems))
}

/// Run A3 (for IDLE: start, wait, done) on a selected client.
fn run_cmd(c: &mut Client, cmd: Cmd) -> Result<Got, Error> {
    let fetch = |c: &mut Client, item: &str| c.fetch("1:*", &[item]).map(Got::Fetch);
    match cmd {
        Cmd::FetchFlags => fetch(c, "FLAGS"),
        Cmd::FetchEnvelope => fetch(c, "ENVELOPE"),
        Cmd::FetchStructure => fetch(c, "BODYSTRUCTURE"),
        Cmd::FetchBody => c
            .fetch("1:*", &["RFC822.SIZE", "BODY.PEEK[]"])
            .map(Got::Fetch),
        Cmd::FetchStream => fetch_stream(c),
        Cmd::Search | Cmd::ESearch => c.search(&[SearchKey::All]).map(|r| Got::Ids(r.ids)),
        Cmd::List => c
            .list_folders("", "*")
            .map(|f| Got::Folders(f.len(), format!("{f:?}"))),
        Cmd::Status => c.folder_status("Archive").map(Got::Status),
        Cmd::AppendPlus | Cmd::AppendSync => text(c.append("INBOX", MSG, &[], None)),
        Cmd::Copy => text(c.copy("11:13", "Archive")),
        Cmd::Move => text(c.move_messages("11:13", "Archive")),
        Cmd::Expunge => c.expunge().map(Got::Ids),
        Cmd::Noop => {
            c.noop()?;
            Ok(Got::Text(format!("{:?}", c.take_events())))
        }
        Cmd::Idle => {
            c.idle_start()?;
            let w = c.idle_wait(Duration::from_millis(300));
            // A non-fatal error leaves IDLE running: end it all the same.
            let d = c.idle_done();
            match (w, d) {
                (Err(e), _) if e.is_fatal() => Err(e),
                (_, Err(e)) if e.is_fatal() => Err(e),
                (Err(e), _) | (_, Err(e)) => Err(e),
                (Ok(mut a), Ok(b)) => {
                    a.extend(b);
                    a.extend(c.take_events());
                    Ok(Got::Text(format!("{a:?}")))
                }
            }
        }
    }
}

/// What a session did.
#[derive(Debug)]
struct Outcome {
    result: Result<Got, Error>,
    took: Duration,
    /// `fatal_error()` after the command.
    broken: Option<ErrorKind>,
    /// The events queued after the command.
    events: Vec<Event>,
    /// The NOOP (A4) after it.
    next: Result<(), Error>,
    next_took: Duration,
    transcript_error: Option<String>,
}

/// Play a script: connect, LOGIN, SELECT, `steps` (A3 and on), A3, NOOP.
/// `wait_server`: wait for the server's transcript (the baseline).
fn play(cmd: Cmd, steps: Vec<Step>, wait_server: bool) -> Result<Outcome, String> {
    let caps = cmd.caps();
    let mut all = vec![
        send(format!("* OK [CAPABILITY {caps}] chaos ready\r\n")),
        expect("A1 LOGIN "),
        send(format!("A1 OK [CAPABILITY {caps}] Logged in\r\n")),
    ];
    all.extend(select_steps("A2", 3));
    all.extend(steps);
    let srv = FakeServer::start(all);
    let mut o = srv.options();
    o.io_timeout = Some(IO_TIMEOUT);
    o.command_timeout = Some(COMMAND_TIMEOUT);
    o.max_events = MAX_EVENTS;
    let mut c = Client::connect(&o).map_err(|e| format!("connect: {e}"))?;
    c.login("user", "secret")
        .map_err(|e| format!("login: {e}"))?;
    c.select_folder("INBOX")
        .map_err(|e| format!("select: {e}"))?;
    let t0 = Instant::now();
    let result = run_cmd(&mut c, cmd);
    let took = t0.elapsed();
    let broken = c.fatal_error().map(|e| e.kind);
    let events = c.take_events();
    let (next, next_took, transcript_error) = fake::noop_and_finish(c, srv, wait_server);
    Ok(Outcome {
        result,
        took,
        broken,
        events,
        next,
        next_took,
        transcript_error,
    })
}

/// The responses in `b` before the command's completion, framed as a
/// server means them (a line ending in `{n}` outside a quoted string goes
/// on after n bytes), each
/// without its final line end; an incomplete one last is left out.
fn framed(b: &[u8]) -> Vec<&[u8]> {
    let (all, _) = frame_all(b);
    match all.iter().position(|r| r.starts_with(b"A3 ")) {
        Some(end) => all[..end].to_vec(),
        None => all,
    }
}

/// Whether a quoted string is still open at the end of `line` (a `{n}`
/// there is then part of it, not a literal).
fn ends_quoted(line: &[u8]) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for &c in line {
        match c {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            _ => {}
        }
    }
    quoted
}

/// Every response in `b` (see `framed`), and whether `b` ends where one
/// does (no part of a response left over).
fn frame_all(b: &[u8]) -> (Vec<&[u8]>, bool) {
    let mut out = Vec::new();
    let mut i = 0;
    let mut whole = true;
    'responses: while i < b.len() {
        let start = i;
        let end = loop {
            let Some(nl) = b[i..].iter().position(|&c| c == b'\n') else {
                whole = false;
                break 'responses;
            };
            let line = &b[i..i + nl];
            i += nl + 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let lit = line
                .strip_suffix(b"}")
                .filter(|l| !ends_quoted(l))
                .and_then(|l| {
                    let open = l.iter().rposition(|&c| c == b'{')?;
                    std::str::from_utf8(&l[open + 1..])
                        .ok()?
                        .parse::<usize>()
                        .ok()
                });
            match lit {
                Some(n) if n <= b.len() - i => i += n,
                Some(_) => {
                    whole = false;
                    break 'responses;
                }
                None => break i - 1 - usize::from(b[..i - 1].ends_with(b"\r")),
            }
        };
        out.push(&b[start..end]);
    }
    (out, whole)
}

/// The untagged response `* <first> <second> ...` split at spaces, when
/// `resp` is one.
fn words(resp: &[u8]) -> Option<Vec<&[u8]>> {
    let rest = resp.strip_prefix(b"* ")?;
    Some(rest.split(|&c| c == b' ').collect())
}

fn num(w: &[u8]) -> Option<u32> {
    std::str::from_utf8(w).ok()?.parse().ok()
}

/// Seq numbers of the FETCH responses in `b` (see `framed`).
fn fetch_seqs(b: &[u8]) -> Vec<u32> {
    let mut seqs = Vec::new();
    for r in framed(b) {
        let Some(w) = words(r) else { continue };
        if w.len() > 2 && w[1] == b"FETCH" {
            if let Some(n) = num(w[0]) {
                if !seqs.contains(&n) {
                    seqs.push(n);
                }
            }
        }
    }
    seqs
}

/// What the numbers a command collects must be, as far as the mutated
/// bytes decide it: `Some(Ok(ids))` the exact list, `Some(Err(why))` no
/// list at all (the command must fail), `None` undecided.
fn expected_ids(cmd: Cmd, b: &[u8]) -> Option<Result<Vec<u32>, String>> {
    let mut ids = Vec::new();
    for r in framed(b) {
        let Some(w) = words(r) else { continue };
        match cmd {
            Cmd::Search if w[0].eq_ignore_ascii_case(b"SEARCH") => {
                for t in &w[1..] {
                    if t.is_empty() {
                        return None; // two spaces: lenient or strict
                    }
                    match num(t) {
                        Some(n) => ids.push(n),
                        None => return Some(Err(format!("SEARCH word {}", show(t)))),
                    }
                }
            }
            Cmd::ESearch if w[0].eq_ignore_ascii_case(b"ESEARCH") => {
                // Only the exact form sent: `(TAG "A3") UID ALL set`.
                let [_, tag, quoted, uid, all, set] = w[..] else {
                    return None;
                };
                if !tag.eq_ignore_ascii_case(b"(TAG")
                    || quoted != b"\"A3\")"
                    || !uid.eq_ignore_ascii_case(b"UID")
                    || !all.eq_ignore_ascii_case(b"ALL")
                {
                    return None;
                }
                let mut total = 0u64;
                for range in set.split(|&c| c == b',') {
                    let mut ends = range.splitn(2, |&c| c == b':');
                    let a = ends.next().and_then(num);
                    let z = match ends.next() {
                        Some(z) => num(z),
                        None => a,
                    };
                    let (Some(a), Some(z)) = (a, z) else {
                        return Some(Err(format!("ESEARCH set {}", show(set))));
                    };
                    total += u64::from(a.abs_diff(z)) + 1;
                    if total > 10_000_000 {
                        return Some(Err(format!("ESEARCH set {} too large", show(set))));
                    }
                    // `15:13` is `13:15`.
                    ids.extend(a.min(z)..=a.max(z));
                }
            }
            // `* x EXPUNGE` is a response named `x` (unknown, an event);
            // one whose name starts with a digit is a broken EXPUNGE.
            Cmd::Expunge
                if w.len() == 2
                    && w[1].eq_ignore_ascii_case(b"EXPUNGE")
                    && w[0].first().is_some_and(u8::is_ascii_digit) =>
            {
                match num(w[0]) {
                    Some(n) => ids.push(n),
                    None => return Some(Err(format!("EXPUNGE number {}", show(w[0])))),
                }
            }
            _ => {}
        }
    }
    Some(Ok(ids))
}

/// What STATUS must give, as far as the mutated bytes decide it (as
/// `expected_ids`): the last `* STATUS Archive (...)` of known items.
fn expected_status(b: &[u8]) -> Option<Result<FolderStatus, String>> {
    let mut got = None;
    for r in framed(b) {
        let Some(w) = words(r) else { continue };
        if !w[0].eq_ignore_ascii_case(b"STATUS") || w.get(1) != Some(&&b"Archive"[..]) {
            continue;
        }
        let list = w[2..].join(&b' ');
        let inner = list.strip_prefix(b"(")?.strip_suffix(b")")?;
        let items: Vec<&[u8]> = inner.split(|&c| c == b' ').collect();
        if items.len() % 2 != 0 {
            return None;
        }
        let mut st = FolderStatus::default();
        for kv in items.chunks(2) {
            let slot = match kv[0].to_ascii_uppercase().as_slice() {
                b"MESSAGES" => &mut st.messages,
                b"RECENT" => &mut st.recent,
                b"UIDNEXT" => &mut st.uid_next,
                b"UIDVALIDITY" => &mut st.uid_validity,
                b"UNSEEN" => &mut st.unseen,
                _ => return None,
            };
            match num(kv[1]) {
                Some(n) => *slot = Some(n),
                None => return Some(Err(format!("STATUS value {}", show(kv[1])))),
            }
        }
        got = Some(st);
    }
    Some(got.ok_or_else(|| "STATUS: none for Archive".to_string()))
}

/// How many LIST responses `b` holds (see `framed`).
fn list_count(b: &[u8]) -> usize {
    framed(b)
        .into_iter()
        .filter(|r| words(r).is_some_and(|w| w[0].eq_ignore_ascii_case(b"LIST")))
        .count()
}

/// A streamed section of a FETCH that succeeded comes whole: its chunks
/// follow each other from offset 0 to its size (a section the server sent
/// again starts again at 0).
fn chunk_problems(chunks: &[Chunked]) -> Vec<String> {
    let mut bad = Vec::new();
    let mut at: std::collections::HashMap<(u32, &str), (u64, u64)> = Default::default();
    for k in chunks {
        let seen = at.contains_key(&(k.seq, k.section.as_str()));
        let (next, total) = at.entry((k.seq, &k.section)).or_insert((0, k.total));
        if k.offset == 0 && seen {
            if *next != *total {
                bad.push(format!(
                    "{} {}: {next} of {total} bytes streamed before it began again",
                    k.seq, k.section
                ));
            }
            (*next, *total) = (0, k.total);
        }
        if k.offset != *next || k.total != *total {
            bad.push(format!(
                "chunk of {} {} at {} (of {}), expected at {next} (of {total})",
                k.seq, k.section, k.offset, k.total
            ));
        }
        *next = k.offset + k.data.len() as u64;
    }
    for ((seq, section), (next, total)) in at {
        if next != total {
            bad.push(format!("{seq} {section}: {next} of {total} bytes streamed"));
        }
    }
    bad
}

/// Kinds a server's bytes may cause.
const SERVER_KINDS: &[ErrorKind] = &[
    ErrorKind::Protocol,
    ErrorKind::No,
    ErrorKind::Bad,
    ErrorKind::Bye,
    ErrorKind::ConnectionClosed,
    ErrorKind::Timeout,
    ErrorKind::Io,
    ErrorKind::LimitExceeded,
];

/// The problems with a session's outcome (empty: fine).
fn check(case: &Case, base: &Outcome, out: &Outcome) -> Vec<String> {
    let mut bad = Vec::new();
    if out.took > CALL_BOUND {
        bad.push(format!("the command took {:?}", out.took));
    }
    if out.next_took > CALL_BOUND {
        bad.push(format!("the NOOP after it took {:?}", out.next_took));
    }
    // The NOOP after the command: what it must give.
    let mut next_kinds: Option<&[ErrorKind]> = None; // None: Ok
    match &out.result {
        Err(e) => {
            fake::check_server_error(e, out.broken, SERVER_KINDS, &mut bad);
            if e.is_fatal() {
                next_kinds = Some(&[ErrorKind::IllegalState]);
            }
        }
        Ok(got) => {
            if out.broken.is_some() {
                bad.push(format!("Ok, but the client is broken: {:?}", out.broken));
            }
            if let Got::Ids(ids) = got {
                match expected_ids(case.cmd, &case.sent) {
                    Some(Ok(want)) if *ids != want => {
                        bad.push(format!("Ok({ids:?}), but the answer says {want:?}"))
                    }
                    Some(Err(why)) => {
                        bad.push(format!("Ok({ids:?}), but the answer has a bad {why}"))
                    }
                    _ => {}
                }
            }
            if let Got::Status(st) = got {
                match expected_status(&case.sent) {
                    Some(Ok(want)) if *st != want => {
                        bad.push(format!("Ok({st:?}), but the answer says {want:?}"))
                    }
                    Some(Err(why)) => bad.push(format!("Ok({st:?}), but the answer has {why}")),
                    _ => {}
                }
            }
            if let Got::Folders(n, f) = got {
                let want = list_count(&case.sent);
                if *n != want {
                    bad.push(format!("{n} folders from {want} LIST responses: {f}"));
                }
            }
            let fetched: Option<Vec<(u32, usize)>> = match got {
                Got::Fetch(m) => Some(m.iter().map(|x| (x.seq, x.errors.len())).collect()),
                Got::Stream(m, _, problems) => {
                    bad.extend(problems.iter().cloned());
                    Some(m.iter().map(|&(seq, _, e)| (seq, e)).collect())
                }
                _ => None,
            };
            if let Some(m) = fetched {
                let seqs = fetch_seqs(&case.sent);
                let missing: Vec<u32> = seqs
                    .iter()
                    .copied()
                    .filter(|&s| {
                        !m.iter().any(|x| x.0 == s)
                            && !out
                                .events
                                .iter()
                                .any(|e| matches!(e, Event::Fetch(x) if x.seq == s))
                    })
                    .collect();
                let with_errors = m.iter().filter(|x| x.1 > 0).count();
                if missing.len() > with_errors {
                    bad.push(format!(
                        "FETCH Ok without messages {missing:?} the server sent, {with_errors} with errors: {got:?}"
                    ));
                }
            }
        }
    }
    match case.expect {
        Expect::Loose => {}
        Expect::Same { events } => match &out.result {
            Ok(got) if matches!(&base.result, Ok(b) if b == got) => {
                if events && out.events != base.events {
                    bad.push(format!(
                        "events {:?}, unmutated {:?}",
                        out.events, base.events
                    ));
                }
            }
            r => bad.push(format!(
                "{r:?}, unmutated {:?} (the mutation changes nothing the command collects)",
                base.result
            )),
        },
        Expect::NeverOk => match &out.result {
            Ok(got) => bad.push(format!("Ok from a truncated answer: {got:?}")),
            Err(e) if !e.is_fatal() => bad.push(format!("not fatal from a truncated answer: {e}")),
            Err(_) => {}
        },
        Expect::CommandTimeout => {
            fake::check_command_timeout(&out.result, out.took, COMMAND_TIMEOUT, &mut bad)
        }
        Expect::Bye { after } | Expect::Flood { after } => {
            let kind = if matches!(case.expect, Expect::Bye { .. }) {
                ErrorKind::Bye
            } else {
                ErrorKind::LimitExceeded
            };
            if after {
                if out.result.is_err() {
                    bad.push(format!(
                        "{kind:?} after the completion failed the command: {:?}",
                        out.result
                    ));
                }
                next_kinds = Some(if kind == ErrorKind::Bye {
                    &[ErrorKind::Bye, ErrorKind::ConnectionClosed]
                } else {
                    &[ErrorKind::LimitExceeded]
                });
            } else {
                match &out.result {
                    Err(e) if e.kind == kind && e.is_fatal() => {}
                    r => bad.push(format!("expected a fatal {kind:?}, got {r:?}")),
                }
            }
        }
    }
    // An answer whose last response is cut short (a line end or literal
    // size mutated) holds the start of what comes next: the NOOP's answer
    // becomes part of it, and the NOOP waits in vain.
    if next_kinds.is_none() && !frame_all(&case.sent).1 {
        if let Err(e) = &out.next {
            if e.kind == ErrorKind::Timeout && e.is_fatal() {
                next_kinds = Some(&[ErrorKind::Timeout]);
            }
        }
    }
    match (next_kinds, &out.next) {
        (None, Ok(())) => {}
        (None, Err(e)) => bad.push(format!(
            "the NOOP after {} failed: {e} (fatal {})",
            if out.result.is_ok() {
                "success"
            } else {
                "a non-fatal error"
            },
            e.is_fatal()
        )),
        (Some(kinds), Err(e)) if kinds.contains(&e.kind) && e.is_fatal() => {}
        (Some(kinds), r) => bad.push(format!("the NOOP gave {r:?}, expected a fatal {kinds:?}")),
    }
    bad
}

/// The unmutated session of each command: it succeeds, in step, and the
/// script ran to its end.
fn baselines() -> Vec<Outcome> {
    CMDS.iter()
        .map(|&cmd| {
            let mut steps = Vec::new();
            for part in script(cmd) {
                match part {
                    Part::Fixed(s) => steps.push(s),
                    Part::Answer(r) => steps.push(Step::Send(r.concat())),
                }
            }
            steps.extend([expect("A4 NOOP"), send("A4 OK NOOP completed\r\n")]);
            let out = play(cmd, steps, true).unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
            assert!(out.result.is_ok(), "{cmd:?} unmutated: {:?}", out.result);
            assert!(out.next.is_ok(), "{cmd:?} unmutated: NOOP {:?}", out.next);
            assert_eq!(out.transcript_error, None, "{cmd:?} unmutated");
            if let Ok(Got::Stream(m, chunks, problems)) = &out.result {
                assert_eq!(m.len(), 3, "{cmd:?} unmutated: {m:?}");
                assert_eq!(chunks.len(), 2, "{cmd:?} unmutated: {chunks:?}");
                assert!(problems.is_empty(), "{problems:?}");
            }
            if let Ok(Got::Fetch(m)) = &out.result {
                assert_eq!(m.len(), 3, "{cmd:?} unmutated: {m:?}");
                assert!(
                    m.iter()
                        .all(|m| m.errors.is_empty() && m.uid == Some(m.seq + 10)),
                    "{cmd:?} unmutated: {m:?}"
                );
            }
            out
        })
        .collect()
}

fn describe(case: &Case) -> String {
    format!(
        "session {} ({:?} x {:?}): {}",
        case.index, case.cmd, case.class, case.what
    )
}

/// Play one case on its own thread: a panic or a hang is a finding too.
/// The findings, and how the command ended (`Ok`, or the error kind, `*`
/// when fatal).
fn run_case(case: &Case, base: &Outcome) -> (Vec<String>, String) {
    let steps = case.steps.clone();
    let cmd = case.cmd;
    match fake::run_bounded(SESSION_BOUND, move || play(cmd, steps, false)) {
        Err((finding, how)) => (vec![finding], how.into()),
        Ok(Err(e)) => (vec![format!("set-up failed: {e}")], "set-up".into()),
        Ok(Ok(out)) => {
            if std::env::var_os("CHAOS_ONLY").is_some() {
                eprintln!("{}\nsent: {}\n{out:#?}", describe(case), show(&case.sent));
            }
            let how = match &out.result {
                Ok(_) => "Ok".to_string(),
                Err(e) => format!("{:?}{}", e.kind, if e.is_fatal() { "*" } else { "" }),
            };
            (check(case, base, &out), how)
        }
    }
}

#[test]
fn chaos_sessions_keep_the_promises() {
    let base = Arc::new(baselines());
    let report = fake::run_chaos("chaos", SEED, SESSIONS, WORKERS, move |seed, i| {
        let case = make_case(seed, i);
        let cmd_at = CMDS.iter().position(|&c| c == case.cmd).unwrap();
        let (bad, how) = run_case(&case, &base[cmd_at]);
        fake::SessionReport {
            class: format!("{:?}", case.class),
            what: describe(&case),
            bad,
            how,
        }
    });
    assert!(report.is_empty(), "{report}");
}
