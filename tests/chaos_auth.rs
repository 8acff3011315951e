//! Chaos for AUTHENTICATE: a few hundred short sessions against the
//! scripted fake server, each one SASL exchange whose server side gets one
//! random mutation, checked against what `authenticate` and
//! `authenticate_with` promise (their doc comments): a step's `Err` is a
//! non-fatal `Aborted`, a challenge that is not base64 a non-fatal
//! `Protocol` (`authenticate_with`; the built-ins answer it as the
//! server's error text), a cancelled exchange the server accepts a fatal
//! `Protocol`, a refusal a non-fatal `AuthFailed`, BYE, a lost connection
//! and timeouts fatal; responses never logged.
//!
//! Each session: connect to a server whose greeting offers the mechanism
//! (with or without SASL-IR, drawn at random), one authentication (A1),
//! then NOOP (A2). The authentication goes round-robin over: LOGIN through
//! `authenticate_with` (server first, "Username:" / "Password:"), a
//! SCRAM-like client-first mechanism through `authenticate_with` whose
//! step checks the server's final message (and every challenge: any other
//! one cancels), `authenticate(&Sasl::Plain)`, and
//! `authenticate(&Sasl::XOAuth2)` that gets an error challenge then NO.
//! The class of mutation goes round-robin too (see `Class`).
//!
//! Most classes are predicted exactly: the server's script is built by
//! playing the exchange against a model of the client (`Sim`, the same
//! step functions as the real session), so the script expects exactly
//! the lines the client must send (its response, `*`, or an empty line),
//! answers a cancel `*` with OK, NO or BAD, and the session's result
//! (kind, fatal or not) is known beforehand; the script must then run
//! clean. `Replace` (a byte replaced anywhere) is not predicted: after it
//! the script reads whatever line comes (it never waits for a line the
//! client need not send for longer than the client's own timeouts), and
//! only the general rules are checked.
//!
//! Reproducible: a splitmix64 generator seeded from `SEED` and the index;
//! `CHAOS_SEED=n`, `CHAOS_SESSIONS=n` explore further, `CHAOS_ONLY=i`
//! replays session `i` alone and prints it (its script, result and
//! transcript). Sessions run `WORKERS` at a time: about 8 s in all (the
//! drips wait for the 3 s command timeout).

mod fake;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use fake::Step::{self, *};
use fake::{capture_log as init_log, expect, send, FakeServer, Rng};
use imapclient::client::{Client, Error, ErrorKind, Sasl};

const SEED: u64 = 0xA7E4_5202_6112_7001;
/// Seven per mechanism and class.
const SESSIONS: usize = 7 * MECHS.len() * CLASSES.len();
const WORKERS: usize = 16;
const IO_TIMEOUT: Duration = Duration::from_secs(2);
const COMMAND_TIMEOUT: Duration = Duration::from_secs(3);
const CALL_BOUND: Duration = Duration::from_secs(8);
const SESSION_BOUND: Duration = Duration::from_secs(30);

// ---- the mechanisms -------------------------------------------------------

const USER: &str = "alice";
const PASSWORD: &str = "pw-Chaos-S3cret!";
const TOKEN: &str = "ya29.chaos-Secret-Token_42";
const PROOF: &str = "Pr00f-S3cret-chaos";
const CLIENT_FIRST: &str = "n,,n=alice,r=cNonce123";
const SERVER_FIRST: &str = "r=cNonce123sNonce456,s=c2FsdA==,i=4096";
const CLIENT_FINAL_HEAD: &str = "c=biws,r=cNonce123sNonce456,p=";
const SERVER_FINAL: &str = "v=c2VydmVyLXNpZ25hdHVyZQ==";
const XOAUTH2_ERROR: &str =
    r#"{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mech {
    /// `authenticate_with("LOGIN", false, ..)`.
    Login,
    /// `authenticate_with("SCRAM-SHA-256", true, ..)`, a SCRAM-like step.
    Scram,
    /// `authenticate(&Sasl::Plain)`.
    Plain,
    /// `authenticate(&Sasl::XOAuth2)`, refused with an error challenge.
    XOAuth2,
}

const MECHS: &[Mech] = &[Mech::Login, Mech::Scram, Mech::Plain, Mech::XOAuth2];

impl Mech {
    fn name(self) -> &'static str {
        match self {
            Mech::Login => "LOGIN",
            Mech::Scram => "SCRAM-SHA-256",
            Mech::Plain => "PLAIN",
            Mech::XOAuth2 => "XOAUTH2",
        }
    }

    fn builtin(self) -> bool {
        matches!(self, Mech::Plain | Mech::XOAuth2)
    }

    /// The first response of a client-first mechanism (before base64).
    fn initial(self) -> Option<Vec<u8>> {
        match self {
            Mech::Login => None,
            Mech::Scram => Some(CLIENT_FIRST.as_bytes().to_vec()),
            Mech::Plain => Some(format!("\0{USER}\0{PASSWORD}").into_bytes()),
            Mech::XOAuth2 => {
                Some(format!("user={USER}\x01auth=Bearer {TOKEN}\x01\x01").into_bytes())
            }
        }
    }

    /// The server's challenges of the valid exchange (as sent: base64),
    /// and whether it ends with OK (else NO).
    fn valid(self, sasl_ir: bool) -> (Vec<Vec<u8>>, bool) {
        let b = |s: &str| B64.encode(s).into_bytes();
        let mut conts = Vec::new();
        if !sasl_ir && self.initial().is_some() {
            conts.push(Vec::new());
        }
        match self {
            Mech::Login => conts.extend([b("Username:"), b("Password:")]),
            Mech::Scram => conts.extend([b(SERVER_FIRST), b(SERVER_FINAL)]),
            Mech::Plain => {}
            Mech::XOAuth2 => conts.push(b(XOAUTH2_ERROR)),
        }
        (conts, self != Mech::XOAuth2)
    }

    /// Every response the client may send, before base64: none may be
    /// logged, as is or encoded.
    fn secrets() -> Vec<String> {
        let mut v: Vec<String> = [PASSWORD, TOKEN, PROOF]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut payloads = vec![
            USER.as_bytes().to_vec(),
            PASSWORD.as_bytes().to_vec(),
            format!("{CLIENT_FINAL_HEAD}{PROOF}").into_bytes(),
        ];
        payloads.extend(MECHS.iter().filter_map(|m| m.initial()));
        v.extend(payloads.iter().map(|p| B64.encode(p)));
        v.push(B64.encode(PASSWORD));
        v.push(B64.encode(TOKEN));
        v
    }
}

/// The LOGIN step: call `n` with challenge `c`.
fn login_step(n: usize, c: &[u8]) -> Result<Vec<u8>, String> {
    match (n, c) {
        (0, b"Username:") => Ok(USER.as_bytes().to_vec()),
        (1, b"Password:") => Ok(PASSWORD.as_bytes().to_vec()),
        _ => Err(format!("unexpected challenge {} at step {n}", show(c))),
    }
}

/// The SCRAM-like step: call 0 is the initial response; every challenge
/// must be the expected one (the final one is the server's signature).
fn scram_step(n: usize, c: &[u8]) -> Result<Vec<u8>, String> {
    match n {
        0 if c.is_empty() => Ok(CLIENT_FIRST.as_bytes().to_vec()),
        1 if c == SERVER_FIRST.as_bytes() => Ok(format!("{CLIENT_FINAL_HEAD}{PROOF}").into_bytes()),
        2 if c == SERVER_FINAL.as_bytes() => Ok(Vec::new()),
        2 => Err("server signature does not verify".into()),
        _ => Err(format!("unexpected challenge {} at step {n}", show(c))),
    }
}

/// A model of the client's side of the exchange: the line it answers each
/// challenge with.
struct Sim {
    mech: Mech,
    /// The initial response still to send (client-first without SASL-IR).
    initial: Option<Vec<u8>>,
    calls: usize,
    /// The kind of the error the exchange was cancelled with.
    cancel: Option<ErrorKind>,
}

impl Sim {
    fn new(mech: Mech, sasl_ir: bool) -> Sim {
        Sim {
            mech,
            initial: if sasl_ir { None } else { mech.initial() },
            calls: if mech == Mech::Scram { 1 } else { 0 },
            cancel: None,
        }
    }

    /// The client's line (without CRLF) for a challenge.
    fn respond(&mut self, cont: &[u8]) -> Vec<u8> {
        if let Some(i) = self.initial.take() {
            return B64.encode(i).into_bytes();
        }
        if self.cancel.is_some() {
            return b"*".to_vec();
        }
        if self.mech.builtin() {
            // The error report is answered with an empty response.
            return Vec::new();
        }
        let Ok(c) = B64.decode(cont.trim_ascii()) else {
            self.cancel = Some(ErrorKind::Protocol);
            return b"*".to_vec();
        };
        let n = self.calls;
        self.calls += 1;
        let r = match self.mech {
            Mech::Login => login_step(n, &c),
            _ => scram_step(n, &c),
        };
        match r {
            Ok(r) => B64.encode(r).into_bytes(),
            Err(_) => {
                self.cancel = Some(ErrorKind::Aborted);
                b"*".to_vec()
            }
        }
    }
}

// ---- the cases ------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// The valid exchange.
    Clean,
    /// The server's bytes in random write sizes with small pauses.
    Split,
    /// A line that is not a response inserted before a server message.
    Garbage,
    /// An unsolicited untagged response inserted before a server message.
    Untagged,
    /// `* BYE` inserted before a server message, then FIN (or not).
    Bye,
    /// A server message cut at a random byte, then FIN, RST or silence.
    Truncate,
    /// A byte of a server message replaced (not predicted).
    Replace,
    /// A server message a byte at a time over 4 s (past command_timeout).
    Drip,
    /// An extra continuation (base64, empty or not base64) inserted.
    Extra,
    /// A bit flipped in a base64 challenge.
    Flip,
    /// A tagged NO / BAD, or BYE and FIN, in place of a server message.
    Early,
}

const CLASSES: &[Class] = &[
    Class::Clean,
    Class::Split,
    Class::Garbage,
    Class::Untagged,
    Class::Bye,
    Class::Truncate,
    Class::Replace,
    Class::Drip,
    Class::Extra,
    Class::Flip,
    Class::Early,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Completion {
    Ok,
    No,
    Bad,
    ByeFin,
}

impl Completion {
    fn steps(self) -> Vec<Step> {
        match self {
            Completion::Ok => vec![send("A1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n")],
            Completion::No => {
                vec![send("A1 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n")]
            }
            Completion::Bad => vec![send("A1 BAD AUTHENTICATE cancelled\r\n")],
            Completion::ByeFin => vec![send("* BYE chaos says goodbye\r\n"), Close],
        }
    }
}

/// What the session's result must be.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// This result (`Ok`, or the kind with `*` when fatal), and the script
    /// must run clean.
    Exact(String),
    /// A fatal error.
    NeverOk,
    /// A fatal `Timeout` once the command timeout is up.
    CommandTimeout,
    /// Only the general rules.
    Loose,
}

struct Case {
    index: usize,
    mech: Mech,
    class: Class,
    sasl_ir: bool,
    what: String,
    steps: Vec<Step>,
    /// Every byte the server sends for A1 (for "no OK, no success").
    sent: Vec<u8>,
    expect: Expect,
}

const GARBAGE: &[&str] = &[
    "hello there\r\n",
    ")))(((\r\n",
    "\r\n",
    "A99 NO whatever\r\n",
    "12345 six\r\n",
    "\t\r\n",
];

const UNTAGGED: &[&str] = &[
    "* OK still here\r\n",
    "* OK [ALERT] chaos alert\r\n",
    "* NO [ALERT] disk almost full\r\n",
    "* 9 EXISTS\r\n",
    "* FLAGS (\\Answered \\Seen)\r\n",
];

const BYE: &str = "* BYE chaos says goodbye\r\n";
const REPLACEMENTS: &[u8] = b" \r\n\0\"(){}+*=";

fn show(b: &[u8]) -> String {
    let s: String = b.escape_ascii().to_string();
    if s.len() > 300 {
        format!("{}...<{} bytes>", &s[..300], b.len())
    } else {
        s
    }
}

/// How a result reads in the report and in `Expect::Exact`.
fn how(r: &Result<(), Error>) -> String {
    match r {
        Ok(()) => "Ok".into(),
        Err(e) => format!("{:?}{}", e.kind, if e.is_fatal() { "*" } else { "" }),
    }
}

/// A part of the server's script: fixed, or a server message that
/// byte-level mutations work on.
#[derive(Debug, Clone)]
enum Part {
    Fixed(Step),
    Msg(Vec<u8>),
}

/// The script of the exchange for these challenges (played against the
/// model client): each challenge, the client's exact answer, and after a
/// cancel or at the end the completion. `early` puts a completion in
/// place of challenge `k` (or of the end). The predicted result.
fn build(
    mech: Mech,
    sasl_ir: bool,
    conts: &[Vec<u8>],
    end: Completion,
    after_cancel: Completion,
    early: Option<(usize, Completion)>,
) -> (Vec<Part>, String) {
    let mut sim = Sim::new(mech, sasl_ir);
    let mut parts = Vec::new();
    let mut done = None;
    for (i, c) in conts.iter().enumerate() {
        if let Some((k, comp)) = early {
            if k == i {
                done = Some(comp);
                break;
            }
        }
        let mut m = b"+ ".to_vec();
        m.extend_from_slice(c);
        m.extend_from_slice(b"\r\n");
        parts.push(Part::Msg(m));
        let mut line = sim.respond(c);
        line.extend_from_slice(b"\r\n");
        parts.push(Part::Fixed(Step::Expect(
            String::from_utf8(line).expect("ASCII lines"),
        )));
        if sim.cancel.is_some() {
            done = Some(after_cancel);
            break;
        }
    }
    let comp = done.unwrap_or(match early {
        Some((_, c)) => c,
        None => end,
    });
    let mut steps = comp.steps().into_iter();
    match steps.next() {
        Some(Step::Send(m)) => parts.push(Part::Msg(m)),
        s => unreachable!("{s:?}"),
    }
    parts.extend(steps.map(Part::Fixed));
    let predicted = match (comp, sim.cancel) {
        (Completion::ByeFin, _) => "Bye*".to_string(),
        (Completion::Ok, Some(_)) => "Protocol*".to_string(),
        (Completion::Ok, None) => "Ok".to_string(),
        (_, Some(k)) => format!("{k:?}"),
        (_, None) => "AuthFailed".to_string(),
    };
    (parts, predicted)
}

/// Write `data` whole, or (split) in pieces of 1 to 20 bytes, some after
/// a pause of up to 2 ms.
fn emit(steps: &mut Vec<Step>, data: &[u8], split: bool, rng: &mut Rng) {
    fake::emit(steps, data, split, rng, 20, 2000);
}

fn make_case(seed: u64, index: usize) -> Case {
    let mech = MECHS[index % MECHS.len()];
    let class = CLASSES[(index / MECHS.len()) % CLASSES.len()];
    let mut rng = Rng(seed ^ (index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let sasl_ir = rng.chance(50);
    let (mut conts, ok) = mech.valid(sasl_ir);
    let end = if ok { Completion::Ok } else { Completion::No };
    let after_cancel = *rng.pick(&[
        Completion::Ok,
        Completion::Ok,
        Completion::No,
        Completion::Bad,
    ]);
    let mut what = String::new();
    let mut early = None;
    let mut class_eff = class;
    if class == Class::Flip {
        let with_payload: Vec<usize> = (0..conts.len()).filter(|&i| !conts[i].is_empty()).collect();
        if with_payload.is_empty() {
            class_eff = Class::Extra;
            what.push_str("(no challenge to flip) ");
        } else {
            let k = *rng.pick(&with_payload);
            let c = &mut conts[k];
            loop {
                let at = rng.below(c.len());
                let bit = rng.below(7);
                let new = c[at] ^ (1 << bit);
                if (0x21..0x7f).contains(&new) {
                    let _ = write!(
                        what,
                        "challenge {k} byte {at} {:?} -> {:?}",
                        c[at] as char, new as char
                    );
                    c[at] = new;
                    break;
                }
            }
        }
    }
    if class_eff == Class::Extra {
        let k = rng.range(0, conts.len());
        let extra = rng
            .pick(&[
                B64.encode("surprise"),
                String::new(),
                "not base64 !!".to_string(),
                B64.encode("Username:"),
            ])
            .clone();
        let _ = write!(what, "extra challenge {:?} before challenge {k}", extra);
        conts.insert(k, extra.into_bytes());
    }
    if class == Class::Early {
        let k = rng.range(0, conts.len());
        let c = *rng.pick(&[Completion::No, Completion::Bad, Completion::ByeFin]);
        let _ = write!(what, "{c:?} in place of challenge {k}");
        early = Some((k, c));
    }
    if matches!(class_eff, Class::Extra | Class::Flip) {
        let _ = write!(what, ", {after_cancel:?} after a cancel");
    }
    let (parts, predicted) = build(mech, sasl_ir, &conts, end, after_cancel, early);
    let mut expect_v = Expect::Exact(predicted.clone());
    let fatal = predicted.ends_with('*');
    // The server messages that byte-level mutations may hit.
    let msgs: Vec<usize> = (0..parts.len())
        .filter(|&i| matches!(parts[i], Part::Msg(_)))
        .collect();
    let p = *rng.pick(&msgs);
    let split =
        class == Class::Split || (!matches!(class, Class::Drip | Class::Clean) && rng.chance(25));
    let mut truncate: Option<(usize, u8)> = None;
    let mut drip = false;
    let mut tolerant = false;
    let Part::Msg(orig) = parts[p].clone() else {
        unreachable!()
    };
    let mut bytes = orig.clone();
    match class {
        Class::Garbage | Class::Untagged | Class::Bye => {
            let line = match class {
                Class::Garbage => *rng.pick(GARBAGE),
                Class::Untagged => *rng.pick(UNTAGGED),
                _ => BYE,
            };
            let _ = write!(what, "before message {p}: {}", show(line.as_bytes()));
            if class == Class::Bye && rng.chance(60) {
                truncate = Some((line.len(), 0));
                what.push_str(" then FIN");
                expect_v = Expect::Exact("Bye*".into());
            }
            bytes.splice(0..0, line.bytes());
        }
        Class::Truncate => {
            let at = rng.below(bytes.len());
            let h = rng.below(3) as u8;
            truncate = Some((at, h));
            let _ = write!(
                what,
                "message {p} {} cut at {at} then {}",
                show(&orig),
                ["FIN", "RST", "silence, FIN"][h as usize]
            );
            expect_v = Expect::NeverOk;
        }
        Class::Replace => {
            let at = rng.below(bytes.len());
            let with = *rng.pick(REPLACEMENTS);
            let _ = write!(
                what,
                "message {p} {} byte {at} {:?} -> {:?}",
                show(&orig),
                bytes[at] as char,
                with as char
            );
            bytes[at] = with;
            if bytes != orig {
                expect_v = Expect::Loose;
                tolerant = true;
            }
        }
        Class::Drip => {
            let _ = write!(what, "message {p} {} dripped over 4 s", show(&orig));
            drip = true;
            expect_v = Expect::CommandTimeout;
        }
        _ => {}
    }
    if split {
        what.push_str(", split");
    }
    // The steps: greeting, the command, the parts, then the NOOP unless
    // the client is broken by then.
    let caps = format!(
        "IMAP4rev1 {}AUTH={} AUTH=PLAIN",
        if sasl_ir { "SASL-IR " } else { "" },
        mech.name()
    );
    let mut cmd = format!("A1 AUTHENTICATE {}", mech.name());
    if sasl_ir {
        if let Some(i) = mech.initial() {
            cmd.push(' ');
            cmd.push_str(&B64.encode(i));
        }
    }
    cmd.push_str("\r\n");
    let mut steps = vec![
        send(format!("* OK [CAPABILITY {caps}] chaos ready\r\n")),
        expect(&cmd),
    ];
    let mut sent = Vec::new();
    let mut cut = false;
    let mut past = false;
    for (k, part) in parts.into_iter().enumerate() {
        match part {
            Part::Fixed(Step::Expect(_)) if past && tolerant => steps.push(expect("")),
            Part::Fixed(s) => steps.push(s),
            Part::Msg(m) => {
                let data = if k == p { bytes.clone() } else { m };
                if k == p {
                    past = true;
                }
                match truncate {
                    Some((at, h)) if k == p => {
                        emit(&mut steps, &data[..at], split, &mut rng);
                        sent.extend_from_slice(&data[..at]);
                        match h {
                            0 => steps.push(Close),
                            1 => steps.push(Reset),
                            _ => steps.extend([Sleep(Duration::from_millis(2500)), Close]),
                        }
                        cut = true;
                        break;
                    }
                    _ if k == p && drip => {
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
    let broken = match &expect_v {
        Expect::Exact(h) => h.ends_with('*'),
        Expect::Loose => fatal,
        _ => true,
    };
    let closed = matches!(steps.last(), Some(Close | Reset));
    if !cut && !closed && !broken {
        steps.extend([expect("A2 NOOP"), send("A2 OK NOOP completed\r\n")]);
    }
    if tolerant && fatal && !closed {
        // The client may be in step after all: answer its NOOP if it comes.
        steps.extend([expect("A2 NOOP"), send("A2 OK NOOP completed\r\n")]);
    }
    Case {
        index,
        mech,
        class,
        sasl_ir,
        what,
        steps,
        sent,
        expect: expect_v,
    }
}

// ---- playing and checking ----------------------------------------------------

struct Outcome {
    result: Result<(), Error>,
    took: Duration,
    broken: Option<ErrorKind>,
    /// The step returned `Err` (it cancelled the exchange).
    step_cancelled: bool,
    next: Result<(), Error>,
    next_took: Duration,
    transcript_error: Option<String>,
}

fn play(case: &Case, wait_server: bool) -> Result<Outcome, String> {
    let srv = FakeServer::start(case.steps.clone());
    let mut o = srv.options();
    o.io_timeout = Some(IO_TIMEOUT);
    o.command_timeout = Some(COMMAND_TIMEOUT);
    let mut c = Client::connect(&o).map_err(|e| format!("connect: {e}"))?;
    let cancelled = Arc::new(AtomicBool::new(false));
    let t0 = Instant::now();
    let result = match case.mech {
        Mech::Login | Mech::Scram => {
            let mut n = 0;
            let flag = cancelled.clone();
            let mech = case.mech;
            c.authenticate_with(mech.name(), mech == Mech::Scram, move |ch| {
                let r = if mech == Mech::Login {
                    login_step(n, ch)
                } else {
                    scram_step(n, ch)
                };
                n += 1;
                if r.is_err() {
                    flag.store(true, Ordering::SeqCst);
                }
                r
            })
        }
        Mech::Plain => c.authenticate(&Sasl::Plain {
            authzid: None,
            user: USER,
            password: PASSWORD,
        }),
        Mech::XOAuth2 => c.authenticate(&Sasl::XOAuth2 {
            user: USER,
            token: TOKEN,
            vendor: None,
        }),
    };
    let took = t0.elapsed();
    let broken = c.fatal_error().map(|e| e.kind);
    let (next, next_took, transcript_error) = fake::noop_and_finish(c, srv, wait_server);
    Ok(Outcome {
        result,
        took,
        broken,
        step_cancelled: cancelled.load(Ordering::SeqCst),
        next,
        next_took,
        transcript_error,
    })
}

/// Kinds a server's bytes may cause in an AUTHENTICATE.
const SERVER_KINDS: &[ErrorKind] = &[
    ErrorKind::AuthFailed,
    ErrorKind::Aborted,
    ErrorKind::Protocol,
    ErrorKind::No,
    ErrorKind::Bad,
    ErrorKind::Bye,
    ErrorKind::ConnectionClosed,
    ErrorKind::Timeout,
    ErrorKind::Io,
    ErrorKind::LimitExceeded,
];

/// The server's bytes hold a tagged OK for A1.
fn has_tagged_ok(sent: &[u8]) -> bool {
    sent.split(|&b| b == b'\n').any(|l| l.starts_with(b"A1 OK"))
}

fn check(case: &Case, out: &Outcome) -> Vec<String> {
    let mut bad = Vec::new();
    if out.took > CALL_BOUND {
        bad.push(format!("the authentication took {:?}", out.took));
    }
    if out.next_took > CALL_BOUND {
        bad.push(format!("the NOOP after it took {:?}", out.next_took));
    }
    let mut next_fatal = false;
    match &out.result {
        Err(e) => {
            fake::check_server_error(e, out.broken, SERVER_KINDS, &mut bad);
            if out.step_cancelled && e.kind == ErrorKind::Protocol && !e.is_fatal() {
                bad.push(format!("the step cancelled, but the error is {e}"));
            }
            next_fatal = e.is_fatal();
        }
        Ok(()) => {
            if out.broken.is_some() {
                bad.push(format!("Ok, but the client is broken: {:?}", out.broken));
            }
            if out.step_cancelled {
                bad.push("Ok, but the step cancelled the exchange".into());
            }
            if !has_tagged_ok(&case.sent) {
                bad.push("Ok, but the server never said A1 OK".into());
            }
            if case.mech == Mech::XOAuth2 {
                bad.push("XOAUTH2 Ok, but the script never accepts it".into());
            }
        }
    }
    let got = how(&out.result);
    match &case.expect {
        Expect::Exact(want) => {
            if got != *want {
                bad.push(format!("result {got} ({:?}), predicted {want}", out.result));
            }
            if let Some(t) = &out.transcript_error {
                bad.push(format!("the client's lines were not as predicted: {t}"));
            }
        }
        Expect::NeverOk => {
            if !got.ends_with('*') {
                bad.push(format!("{got} from a truncated exchange: {:?}", out.result));
            }
        }
        Expect::CommandTimeout => {
            fake::check_command_timeout(&out.result, out.took, COMMAND_TIMEOUT, &mut bad)
        }
        Expect::Loose => {}
    }
    match (&out.next, next_fatal) {
        (Err(e), true) if e.kind == ErrorKind::IllegalState && e.is_fatal() => {}
        (r, true) => bad.push(format!("the NOOP after a fatal error gave {r:?}")),
        (Ok(()), false) => {}
        // An unpredicted mutation may leave the server out of step with a
        // client that is not: only a fatal failure is allowed then.
        (Err(e), false)
            if case.expect == Expect::Loose && e.is_fatal() && SERVER_KINDS.contains(&e.kind) => {}
        (Err(e), false) => bad.push(format!(
            "the NOOP after {got} failed: {e} (fatal {})",
            e.is_fatal()
        )),
    }
    bad
}

// ---- the run ---------------------------------------------------------------

fn describe(case: &Case) -> String {
    format!(
        "session {} ({:?} x {:?}, {}): {} [expect {:?}]",
        case.index,
        case.mech,
        case.class,
        if case.sasl_ir {
            "SASL-IR"
        } else {
            "no SASL-IR"
        },
        case.what,
        case.expect
    )
}

fn run_case(case: Case) -> (Vec<String>, String) {
    let desc = describe(&case);
    let only = std::env::var_os("CHAOS_ONLY").is_some();
    let r = fake::run_bounded(SESSION_BOUND, move || {
        let wait = matches!(case.expect, Expect::Exact(_));
        play(&case, wait).map(|out| {
            if only {
                eprintln!("steps: {:#?}", case.steps);
                eprintln!(
                    "result {:?}\nbroken {:?}\nstep cancelled {}\nNOOP {:?}\ntranscript error {:?}",
                    out.result, out.broken, out.step_cancelled, out.next, out.transcript_error
                );
            }
            (check(&case, &out), how(&out.result))
        })
    });
    match r {
        Err((finding, how)) if how == "panic" => (vec![format!("{finding} ({desc})")], how.into()),
        Err((finding, how)) => (vec![finding], how.into()),
        Ok(Err(e)) => (vec![format!("set-up failed: {e}")], "set-up".into()),
        Ok(Ok(r)) => r,
    }
}

#[test]
fn chaos_auth_sessions_keep_the_promises() {
    init_log();
    let only = fake::env_num("CHAOS_ONLY").is_some();
    let mut report = fake::run_chaos("chaos_auth", SEED, SESSIONS, WORKERS, move |seed, i| {
        let case = make_case(seed, i);
        let class = format!("{:?}", case.class);
        let what = describe(&case);
        if only {
            eprintln!("{what}");
        }
        let (bad, how) = run_case(case);
        fake::SessionReport {
            class,
            what,
            bad,
            how,
        }
    });
    // Responses are secrets: no form of any reached the log.
    let lines = fake::log_lines();
    assert!(
        lines.iter().any(|l| l.contains("AUTHENTICATE")),
        "the logger saw no AUTHENTICATE on the wire"
    );
    for s in Mech::secrets() {
        if let Some(l) = lines.iter().find(|l| l.contains(s.as_str())) {
            let _ = writeln!(report, "secret {s:?} logged: {l}");
        }
    }
    assert!(report.is_empty(), "{report}");
}
