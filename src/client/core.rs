//! The command loop: send a command (waiting for `+` before synchronising
//! literals), read responses until its tagged completion, route untagged
//! data to the command's handler or to the event queue.

use std::io::{Read, Write};

use super::error::{code_name, Error, ErrorKind, Result};
use super::transport::{is_deadline_passed, Deadline};
use super::types::{Event, Message};
use super::{Client, SessionState, State};
use crate::proto::encoder::{Command, CommandBuilder, LiteralMode};
use crate::proto::framer::{Event as FrameEvent, FrameError};
use crate::proto::parser::{parse_response_with_depth, ParseError};
use crate::proto::types::{Response, ResponseCode, StatusKind, StatusResponse, Untagged};

const READ_CHUNK: usize = 64 * 1024;
const LOG_LINE_MAX: usize = 300;

/// A literal over `Limits::max_literal` but at most this large (64 MiB) is
/// read and thrown away (the framer keeps none of it), so its command fails
/// with a non-fatal `LimitExceeded` and the session goes on. A larger one
/// ends the connection at once. With the default `max_literal` (256 MiB)
/// every oversized literal is larger; this serves callers who lower it.
pub(crate) const MAX_SKIPPED_LITERAL: u64 = 64 << 20;

/// What the framer and parser produced, borrowed from the read buffer.
pub(crate) enum Incoming<'a> {
    Resp(Response<'a>),
    Malformed {
        raw: &'a [u8],
        err: ParseError,
    },
    Chunk {
        prefix: &'a [u8],
        data: &'a [u8],
        offset: u64,
        total: u64,
    },
    /// A response the framer discards for exceeding a limit, and its
    /// first bytes (`Framer::discarded_head`).
    Limit {
        err: FrameError,
        head: &'a [u8],
    },
}

/// A command's view of the responses that arrive while it runs.
pub(crate) trait Handler {
    /// Take what belongs to the result; give back the rest, which becomes
    /// an event.
    fn untagged<'a>(&mut self, _st: &mut State, u: Untagged<'a>) -> Option<Untagged<'a>> {
        Some(u)
    }
    /// A response that did not parse (raw bytes and why). True when the
    /// handler accounted for it in its result (a FETCH response becomes a
    /// message with an error); otherwise the command fails with a
    /// `Protocol` error once it completes, rather than return a result
    /// that silently lacks the response.
    fn malformed(&mut self, _raw: &[u8], _err: &ParseError) -> bool {
        false
    }
    /// A piece of a streamed literal. Return false to stop the command.
    fn chunk(&mut self, _prefix: &[u8], _data: &[u8], _offset: u64, _total: u64) -> bool {
        true
    }
    /// Every complete response buffered has been handled and the client is
    /// about to read; `read_waits` tells (with a syscall, so only when
    /// needed) whether that read would wait for the server.
    fn before_read(&mut self, _read_waits: &mut dyn FnMut() -> bool) {}
}

/// A handler that takes nothing: everything becomes an event.
pub(crate) struct NoData;
impl Handler for NoData {}

/// Wraps a closure as a handler.
pub(crate) struct With<F>(F);

/// Make a handler from a closure (the function pins down the closure's
/// higher-ranked signature, which inference would not find alone).
pub(crate) fn with<F>(f: F) -> With<F>
where
    F: for<'a> FnMut(&mut State, Untagged<'a>) -> Option<Untagged<'a>>,
{
    With(f)
}
impl<F> Handler for With<F>
where
    F: for<'a> FnMut(&mut State, Untagged<'a>) -> Option<Untagged<'a>>,
{
    fn untagged<'a>(&mut self, st: &mut State, u: Untagged<'a>) -> Option<Untagged<'a>> {
        (self.0)(st, u)
    }
}

fn show(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(&b[..b.len().min(LOG_LINE_MAX)]);
    let s = s.trim_end_matches(['\r', '\n']);
    if b.len() > LOG_LINE_MAX {
        format!("{s}...<{} bytes>", b.len())
    } else {
        s.to_string()
    }
}

impl Client {
    /// The next tag: `A1`, `A2`, ...
    pub(crate) fn next_tag(&mut self) -> String {
        self.tag = self.tag.wrapping_add(1);
        format!("A{}", self.tag)
    }

    /// Literal forms the server allows.
    pub(crate) fn literal_mode(&self) -> LiteralMode {
        LiteralMode {
            literal_plus: self.has_capability("LITERAL+"),
            literal_minus: self.has_capability("LITERAL-"),
        }
    }

    /// Start a command with a fresh tag.
    pub(crate) fn command(&mut self, name: &str) -> CommandBuilder {
        let tag = self.next_tag();
        CommandBuilder::new(&tag, name, self.literal_mode())
    }

    /// Fail fast when the client cannot be used. The refusal of a client
    /// whose connection is gone is fatal too: reconnect.
    pub(crate) fn check_usable(&self) -> Result<()> {
        if let Some(e) = &self.broken {
            return Err(Error::new(
                ErrorKind::IllegalState,
                format!(
                    "the connection is unusable after an earlier error: {}",
                    e.message
                ),
            )
            .with_fatal(true));
        }
        if self.stream.is_none() {
            return Err(
                Error::new(ErrorKind::IllegalState, "the connection is closed").with_fatal(true),
            );
        }
        if self.idle.is_some() {
            return Err(Error::state("IDLE is running: call idle_done first"));
        }
        Ok(())
    }

    /// Remember a fatal error (the first one: it is the cause); close the
    /// socket.
    pub(crate) fn fail(&mut self, e: Error) -> Error {
        if e.is_fatal() {
            log::debug!(target: "imapclient::client", "fatal: {e}");
            if self.broken.is_none() {
                self.broken = Some(e.clone());
            }
            self.st.session = SessionState::Closed;
            if let Some(s) = self.stream.take() {
                let _ = s.tcp().shutdown(std::net::Shutdown::Both);
            }
        }
        e
    }

    /// Read more bytes into the framer.
    pub(crate) fn fill(&mut self) -> Result<()> {
        // Each socket read waits at most until the call's deadline (see
        // `Sock`: one read here may be several there, under TLS).
        if self
            .deadline
            .is_some_and(|d| std::time::Instant::now() >= d)
        {
            return Err(self.command_timed_out());
        }
        let Some(stream) = self.stream.as_mut() else {
            return Err(Error::new(
                ErrorKind::ConnectionClosed,
                "the connection is closed",
            ));
        };
        let buf = self.framer.read_buf(READ_CHUNK);
        match stream.read(buf) {
            Ok(0) => {
                if self.intr.is_set() {
                    return Err(interrupted());
                }
                Err(match &self.st.bye {
                    Some(t) => Error::new(
                        ErrorKind::Bye,
                        format!("the server closed the connection: BYE {t}"),
                    ),
                    None => Error::new(
                        ErrorKind::ConnectionClosed,
                        "the server closed the connection",
                    ),
                })
            }
            Ok(n) => {
                self.framer.commit(n);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted && !self.intr.is_set() => Ok(()),
            Err(e) => {
                if self.intr.is_set() {
                    return Err(interrupted());
                }
                if is_deadline_passed(&e)
                    || self
                        .deadline
                        .is_some_and(|d| std::time::Instant::now() >= d)
                {
                    return Err(self.command_timed_out());
                }
                Err(Error::from(e))
            }
        }
    }

    fn command_timed_out(&self) -> Error {
        if self.set_up {
            return Error::new(
                ErrorKind::Timeout,
                format!(
                    "the connection set-up took longer than the connect timeout ({:?})",
                    self.opts.connect_timeout.unwrap_or_default()
                ),
            );
        }
        Error::new(
            ErrorKind::Timeout,
            format!(
                "the command took longer than the command timeout ({:?})",
                self.opts.command_timeout.unwrap_or_default()
            ),
        )
    }

    /// Run `f` (one call's exchange with the server) under the command
    /// timeout, if one is set: every read and write of the socket waits
    /// at most until its deadline (see `Sock`). The read and write
    /// timeouts are put back after.
    pub(crate) fn under_deadline<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let limit = self.opts.command_timeout.filter(|t| !t.is_zero());
        let Some(limit) = limit.filter(|_| !self.set_up) else {
            return f(self);
        };
        self.deadline = std::time::Instant::now().checked_add(limit);
        let io_timeout = self.io_timeout();
        if let (Some(s), Some(at)) = (self.stream.as_mut(), self.deadline) {
            s.set_deadline(Some(Deadline { at, io_timeout }));
        }
        let r = f(self);
        self.deadline = None;
        // The stream may have changed (COMPRESS wraps it; a fatal error
        // takes it away): its socket is the same one.
        if let Some(s) = self.stream.as_mut() {
            s.set_deadline(None);
        }
        self.restore_io_timeout();
        r
    }

    /// The I/O timeout (`None` when it waits forever).
    pub(crate) fn io_timeout(&self) -> Option<std::time::Duration> {
        self.opts.io_timeout.filter(|t| !t.is_zero())
    }

    /// Put the connection's read timeout back to the I/O timeout after a
    /// shorter wait (the command deadline's, `idle_wait`'s).
    pub(crate) fn restore_io_timeout(&self) {
        if let Some(s) = self.stream.as_ref() {
            let _ = s.set_read_timeout(self.io_timeout());
        }
    }

    /// Read until one framed item is available and hand it to `f`.
    pub(crate) fn next<R>(&mut self, f: impl FnOnce(&mut State, Incoming<'_>) -> R) -> Result<R> {
        match self.next_opt(true, f)? {
            Some(r) => Ok(r),
            None => Err(Error::new(
                ErrorKind::Internal,
                "framer yielded nothing after a read",
            )),
        }
    }

    /// Like `next`, but with `read == false` only what is already buffered
    /// is looked at (`None` when no complete item is there).
    pub(crate) fn next_opt<R>(
        &mut self,
        read: bool,
        f: impl FnOnce(&mut State, Incoming<'_>) -> R,
    ) -> Result<Option<R>> {
        let max_depth = self.opts.limits.max_depth;
        loop {
            // An interrupt ends the call between any two responses (or
            // pieces): with the rest of the answer buffered no read would
            // notice the socket shut, and handlers would go on delivering.
            if self.intr.is_set() {
                return Err(interrupted());
            }
            match self.framer.next_event() {
                Ok(Some(FrameEvent::Frame(bytes))) => {
                    log::trace!(target: "imapclient::wire", "S: {}", show(bytes));
                    let inc = match parse_response_with_depth(bytes, max_depth) {
                        Ok(r) => Incoming::Resp(r),
                        Err(err) => {
                            log::warn!(target: "imapclient::proto", "malformed response ({err}): {}", show(bytes));
                            Incoming::Malformed { raw: bytes, err }
                        }
                    };
                    let r = f(&mut self.st, inc);
                    if let Some(e) = self.st.abort.take() {
                        return Err(e);
                    }
                    return Ok(Some(r));
                }
                Ok(Some(FrameEvent::LiteralChunk {
                    prefix,
                    data,
                    offset,
                    total,
                })) => {
                    return Ok(Some(f(
                        &mut self.st,
                        Incoming::Chunk {
                            prefix,
                            data,
                            offset,
                            total,
                        },
                    )))
                }
                Ok(None) => {}
                Err(fe) => {
                    let head = self.framer.discarded_head();
                    log::warn!(target: "imapclient::proto", "response discarded: {fe}: {}...", show(head));
                    return Ok(Some(f(&mut self.st, Incoming::Limit { err: fe, head })));
                }
            }
            if !read {
                return Ok(None);
            }
            self.fill()?;
        }
    }

    fn write_all(&mut self, data: &[u8]) -> Result<()> {
        let Some(stream) = self.stream.as_mut() else {
            return Err(Error::new(
                ErrorKind::ConnectionClosed,
                "the connection is closed",
            ));
        };
        let r = stream.write_all(data).and_then(|_| stream.flush());
        r.map_err(|e| {
            if self.intr.is_set() {
                interrupted()
            } else if is_deadline_passed(&e) {
                self.command_timed_out()
            } else {
                Error::from(e)
            }
        })
    }

    /// Send a command, waiting for `+` before each synchronising literal.
    /// Returns the tagged status if the server ended the command early
    /// (refusing a literal).
    pub(crate) fn send(
        &mut self,
        cmd: &Command,
        h: &mut dyn Handler,
    ) -> Result<Option<StatusResponse<'static>>> {
        log::trace!(target: "imapclient::wire", "C: {}", cmd.log_form());
        for (i, chunk) in cmd.chunks.iter().enumerate() {
            if i > 0 {
                loop {
                    let step = self.next(|st, inc| route(st, inc, &cmd.tag, h, true))?;
                    match step {
                        Step::Continue => {}
                        Step::GoOn => break,
                        // OK to a command the server has not had whole: it
                        // never asked for the literal (an APPEND's message),
                        // so reporting success would lose it.
                        Step::Done(s) if s.kind == StatusKind::Ok => return Err(Error::protocol(
                            "the server completed the command without asking for the rest of it \
                                 (a literal, such as an APPEND's message, was never sent)",
                            cmd.log_form().as_bytes(),
                        )
                        .with_fatal(true)),
                        Step::Done(s) => return Ok(Some(s)),
                        Step::Lost(e) => return Err(e),
                        Step::Limit(fe) => return Err(limit_error(&fe)),
                    }
                }
            }
            self.write_all(chunk)?;
        }
        Ok(None)
    }

    /// Run a command to completion. OK gives the tagged status; NO and BAD
    /// give errors carrying the server's text and code.
    pub(crate) fn run(
        &mut self,
        cmd: Command,
        what: &str,
        h: &mut dyn Handler,
    ) -> Result<StatusResponse<'static>> {
        self.check_usable()?;
        self.st.deferred = None;
        let r = self.under_deadline(|c| c.run_inner(&cmd, h));
        let deferred = self.st.deferred.take();
        let (st, dropped) = match r {
            Ok(r) => r,
            Err(e) => return Err(self.fail(e)),
        };
        // Interrupted after the last response was handled: the call it
        // interrupted reports it, not the next one.
        if self.intr.is_set() {
            return Err(self.fail(interrupted()));
        }
        // A response was dropped for exceeding a limit: the result would be
        // short, so the command fails. The framer skipped that response and
        // the command completed, so the session is still in step with the
        // server: the error is not fatal and the connection goes on.
        if let Some(fe) = dropped {
            return Err(limit_error(&fe).with_fatal(false));
        }
        match st.kind {
            StatusKind::Ok => match deferred {
                Some(e) => Err(e),
                None => Ok(st),
            },
            _ => Err(Error::from_status(what, &st)),
        }
    }

    /// The tagged completion, and the first limit error met on the way.
    fn run_inner(
        &mut self,
        cmd: &Command,
        h: &mut dyn Handler,
    ) -> Result<(StatusResponse<'static>, Option<FrameError>)> {
        if let Some(done) = self.send(cmd, h)? {
            return Ok((done, None));
        }
        let mut limit: Option<FrameError> = None;
        loop {
            let Some(step) = self.next_opt(false, |st, inc| route(st, inc, &cmd.tag, h, false))?
            else {
                let stream = &self.stream;
                h.before_read(&mut || !stream.as_ref().is_some_and(|s| s.readable_now()));
                self.fill()?;
                continue;
            };
            match step {
                Step::Continue | Step::GoOn => {}
                // Skipping an oversized literal means reading as many bytes
                // as the server announced (up to 2^64): beyond a bound,
                // give up at once rather than take its word for it.
                Step::Limit(fe @ FrameError::LiteralTooLarge { size, .. })
                    if size > MAX_SKIPPED_LITERAL =>
                {
                    return Err(limit_error(&fe))
                }
                Step::Limit(fe) => limit = limit.or(Some(fe)),
                Step::Lost(e) => return Err(e),
                Step::Done(s) => return Ok((s, limit)),
            }
        }
    }

    /// Send raw bytes (continuation answers in SASL, DONE in IDLE).
    pub(crate) fn send_line(&mut self, line: &[u8], secret: bool) -> Result<()> {
        if secret {
            log::trace!(target: "imapclient::wire", "C: <redacted>");
        } else {
            log::trace!(target: "imapclient::wire", "C: {}", show(line));
        }
        let r = self.write_all(line);
        r.map_err(|e| self.fail(e))
    }
}

/// The error of a call `Interrupter::interrupt` stopped (fatal: the
/// interrupt shuts the connection).
pub(crate) fn interrupted() -> Error {
    Error::new(ErrorKind::Interrupted, "interrupted")
}

/// A framer limit error: fatal, unless the caller knows the response was
/// skipped and its command completed.
fn limit_error(fe: &FrameError) -> Error {
    Error::new(ErrorKind::LimitExceeded, format!("response rejected: {fe}"))
}

pub(crate) enum Step {
    Continue,
    /// A continuation request arrived while we waited for one.
    GoOn,
    Done(StatusResponse<'static>),
    /// A response other than the command's completion was discarded for
    /// exceeding a limit.
    Limit(FrameError),
    /// The command's own completion was discarded for exceeding a limit:
    /// the command has ended, with an unknown status. The error to fail
    /// it with (`lost_completion`).
    Lost(Error),
}

/// The error of a command whose tagged completion (`head` is its start)
/// the framer discarded for exceeding a limit. The command has ended, so
/// the session is still in step with the server (the framer skips the
/// rest of that response, literals included, as it arrives): not fatal,
/// unless skipping would mean reading a literal too large to drain
/// (`MAX_SKIPPED_LITERAL`). Whether the command succeeded is unknown.
fn lost_completion(tag: &str, fe: &FrameError, head: &[u8]) -> Error {
    let fatal =
        matches!(fe, FrameError::LiteralTooLarge { size, .. } if *size > MAX_SKIPPED_LITERAL);
    let shown = String::from_utf8_lossy(&head[..head.len().min(40)]);
    Error::new(
        ErrorKind::LimitExceeded,
        format!(
            "the server's completion of command {tag} was discarded ({fe}): \
             whether the command succeeded is unknown (the response began {:?})",
            shown.trim_end_matches(['\r', '\n'])
        ),
    )
    .with_fatal(fatal)
}

/// Route one incoming item for the command with `tag`.
pub(crate) fn route(
    st: &mut State,
    inc: Incoming<'_>,
    tag: &str,
    h: &mut dyn Handler,
    want_cont: bool,
) -> Step {
    match inc {
        Incoming::Resp(Response::Tagged { tag: t, status }) => {
            if t.as_ref() == tag.as_bytes() {
                Step::Done(status.into_owned())
            } else {
                log::warn!(target: "imapclient::client", "ignoring a reply for another tag {:?}", String::from_utf8_lossy(&t));
                Step::Continue
            }
        }
        Incoming::Resp(Response::Continuation(_)) => {
            if want_cont {
                Step::GoOn
            } else {
                log::warn!(target: "imapclient::client", "unexpected continuation request ignored");
                Step::Continue
            }
        }
        Incoming::Resp(Response::Untagged(u)) => {
            if let Some(u) = h.untagged(st, u) {
                st.absorb(u);
            }
            Step::Continue
        }
        Incoming::Malformed { raw, err } => {
            if !tag.is_empty()
                && raw.starts_with(tag.as_bytes())
                && raw.get(tag.len()) == Some(&b' ')
            {
                // The command's own completion: whether it succeeded is
                // unknown, and waiting on would wait for an answer that
                // has come.
                st.abort_with(Error::protocol(
                    format!("the server's completion of command {tag} did not parse ({err})"),
                    raw,
                ));
            } else if !h.malformed(raw, &err) && raw.starts_with(b"* ") {
                // Untagged: data the result may need. (Other lines that do
                // not parse (text that is not IMAP, a tagged line of no
                // command of ours, such as the tail of a name Dovecot
                // echoed with CR LF in it) cannot be part of a result:
                // logged and skipped.)
                st.defer(Error::protocol(
                    format!("the server sent a response that did not parse ({err}); the command's result would lack it"),
                    raw,
                ));
            }
            Step::Continue
        }
        Incoming::Chunk {
            prefix,
            data,
            offset,
            total,
        } => {
            if !h.chunk(prefix, data, offset, total) {
                log::debug!(target: "imapclient::client", "streaming stopped by the caller");
            }
            Step::Continue
        }
        Incoming::Limit { err, head } => {
            if !tag.is_empty()
                && head.starts_with(tag.as_bytes())
                && head.get(tag.len()) == Some(&b' ')
            {
                Step::Lost(lost_completion(tag, &err, head))
            } else {
                Step::Limit(err)
            }
        }
    }
}

impl State {
    /// Fail the running command, not fatally (it completes, so the
    /// session stays in step), once it completes (the first such error is
    /// kept: it is the cause).
    pub(crate) fn defer(&mut self, e: Error) {
        log::warn!(target: "imapclient::client", "{e}");
        if self.deferred.is_none() {
            self.deferred = Some(e.with_fatal(false));
        }
    }

    /// The ids of a set from a response, for a handler: `None` when the set
    /// is too large to expand, which fails the running command (`defer`)
    /// rather than shorten its result.
    pub(crate) fn expand(&mut self, set: &[crate::proto::types::IdRange]) -> Option<Vec<u32>> {
        super::types::expand_ranges(set)
            .map_err(|e| self.defer(e))
            .ok()
    }

    /// End the connection: the call reading this response fails with `e`.
    pub(crate) fn abort_with(&mut self, e: Error) {
        if self.abort.is_none() {
            self.abort = Some(e.with_fatal(true));
        }
    }

    /// Queue an event, up to `max_events`.
    pub(crate) fn queue(&mut self, ev: Event) {
        if self.events.len() >= self.max_events {
            self.overflowed();
            return;
        }
        self.events.push_back(ev);
    }

    /// Put events taken from the queue back in front of it, in order (the
    /// queue may have filled meanwhile: past `max_events` the connection
    /// ends as in `queue`).
    pub(crate) fn put_back(&mut self, events: Vec<Event>) {
        for ev in events.into_iter().rev() {
            self.events.push_front(ev);
        }
        if self.events.len() > self.max_events {
            self.overflowed();
        }
    }

    fn overflowed(&mut self) {
        self.abort_with(Error::new(
            ErrorKind::LimitExceeded,
            format!(
                "more than {} events queued (take them with take_events, or raise max_events); \
                 the server sent more untagged data than the client may hold",
                self.max_events
            ),
        ));
    }

    pub(crate) fn has_capability(&self, cap: &str) -> bool {
        self.caps.iter().any(|c| c.eq_ignore_ascii_case(cap))
            && !self.masked_caps.iter().any(|c| c.eq_ignore_ascii_case(cap))
    }

    pub(crate) fn set_caps<B: AsRef<[u8]>>(&mut self, caps: &[B]) {
        self.caps = caps
            .iter()
            .map(|c| String::from_utf8_lossy(c.as_ref()).to_ascii_uppercase())
            .collect();
        log::debug!(target: "imapclient::client", "capabilities: {}", self.caps.join(" "));
    }

    /// `n` messages of the selected folder were expunged: by as many
    /// EXPUNGEs, or by a VANISHED without EARLIER, which stands for them
    /// under QRESYNC (RFC 7162 3.2.10).
    pub(crate) fn expunged(&mut self, n: usize) {
        if let Some(m) = self.selected.as_mut() {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            m.exists = m.exists.saturating_sub(n);
        }
    }

    /// Take in data that no command claimed: update the selected folder's
    /// counters and queue an event.
    pub(crate) fn absorb(&mut self, u: Untagged<'_>) {
        let ev = match u {
            Untagged::Exists(n) => {
                if let Some(m) = self.selected.as_mut() {
                    m.exists = n;
                }
                Event::Exists(n)
            }
            Untagged::Expunge(n) => {
                self.expunged(1);
                Event::Expunge(n)
            }
            Untagged::Recent(n) => {
                if let Some(m) = self.selected.as_mut() {
                    m.recent = n;
                }
                Event::Recent(n)
            }
            Untagged::Vanished { earlier, uids } => {
                let Some(uids) = self.expand(&uids) else {
                    return;
                };
                // EARLIER ones were gone before and count for nothing.
                if !earlier {
                    self.expunged(uids.len());
                }
                Event::Vanished { earlier, uids }
            }
            Untagged::Fetch { seq, items } => {
                let mut m = Message {
                    seq,
                    ..Message::default()
                };
                m.merge_items(items);
                Event::Fetch(Box::new(m))
            }
            Untagged::Flags(f) => {
                let f: Vec<String> = f
                    .iter()
                    .map(|x| String::from_utf8_lossy(x.as_bytes()).into_owned())
                    .collect();
                if let Some(m) = self.selected.as_mut() {
                    m.flags = f.clone();
                }
                Event::Flags(f)
            }
            Untagged::Capability(c) => {
                self.set_caps(&c);
                return;
            }
            Untagged::Status(s) => return self.absorb_status(s),
            Untagged::Other(raw) => Event::Other(raw.into_owned()),
            // NOTIFY (RFC 5465): another folder's counters, or a folder
            // created, deleted, renamed or (un)subscribed.
            Untagged::MailboxStatus(s) => Event::FolderStatus {
                folder: super::folders::decode_name(&s.mailbox, self.utf7_names()),
                status: super::folders::to_status(&s),
            },
            Untagged::List(l) => {
                let utf7 = self.utf7_names();
                Event::FolderList {
                    old_name: l
                        .old_name
                        .as_deref()
                        .map(|o| super::folders::decode_name(o, utf7)),
                    folder: super::folders::folder_of(&l, utf7),
                }
            }
            // RFC 5464 4.4.2: entries of a folder changed (under NOTIFY).
            // Handed on as before the parser knew METADATA: as text.
            Untagged::Metadata {
                mailbox, changed, ..
            } if !changed.is_empty() => {
                let mut raw = b"METADATA \"".to_vec();
                for &c in mailbox.iter() {
                    if c == b'"' || c == b'\\' {
                        raw.push(b'\\');
                    }
                    raw.push(c);
                }
                raw.push(b'"');
                for e in &changed {
                    raw.push(b' ');
                    raw.extend_from_slice(e);
                }
                Event::Other(raw)
            }
            other => {
                log::debug!(target: "imapclient::client", "unsolicited {:?}", other);
                return;
            }
        };
        self.queue(ev);
    }

    fn absorb_status(&mut self, s: StatusResponse<'_>) {
        let text = String::from_utf8_lossy(&s.text).into_owned();
        match &s.code {
            Some(ResponseCode::Capability(c)) => self.set_caps(c),
            Some(ResponseCode::HighestModSeq(n)) => {
                if let Some(m) = self.selected.as_mut() {
                    m.highest_modseq = Some(*n);
                }
            }
            Some(ResponseCode::UidNext(n)) => {
                if let Some(m) = self.selected.as_mut() {
                    m.uid_next = Some(*n);
                }
            }
            _ => {}
        }
        if s.kind == StatusKind::Bye {
            log::debug!(target: "imapclient::client", "server says BYE: {text}");
            self.bye = Some(text.clone());
            self.queue(Event::Bye(text));
            return;
        }
        if matches!(s.code, Some(ResponseCode::Alert)) {
            log::warn!(target: "imapclient::client", "server ALERT: {text}");
            self.queue(Event::Alert(text));
            return;
        }
        let kind = match s.kind {
            StatusKind::Ok => "OK",
            StatusKind::No => "NO",
            StatusKind::Bad => "BAD",
            StatusKind::PreAuth => "PREAUTH",
            StatusKind::Bye => "BYE",
        };
        self.queue(Event::Status {
            kind: kind.into(),
            code: s.code.as_ref().map(code_name),
            text,
        });
    }
}
