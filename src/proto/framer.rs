//! Response framer: cuts the byte stream into complete responses.
//!
//! A response is one line, or several lines joined by counted literals
//! (`{n}`, `{n+}`, `~{n}` immediately before the line end, outside a quoted
//! string). The framer keeps its scan position, quote state, nesting depth and
//! the outstanding literal length between reads, so every byte is looked at
//! once: framing costs O(bytes + literals), however the stream is split.
//!
//! # Limits and recovery
//! Each [`Limits`] field is enforced as bytes arrive; the scan never looks
//! further than `max_line` bytes into a line, so which limit trips first
//! does not depend on how the stream was split into reads. A violation returns
//! `Err(FrameError)` from [`Framer::next_event`] once; the framer then
//! *discards the offending response*: it keeps scanning (tracking quotes and
//! literals so it knows where the response ends) but drops the bytes instead
//! of storing them (literal bytes are skipped by count as they arrive), and
//! carries on with the next response. One bad response costs that response
//! only, and memory stays bounded while discarding. A `{n}` ending the
//! free text of a discarded status response is text, as in one kept (see
//! `TextRule`), and the start of a discarded response stays readable
//! ([`Framer::discarded_head`]): a client can tell its own command's
//! completion from other responses.
//!
//! # Streaming large literals
//! With [`Framer::set_stream_threshold`], a literal larger than the threshold
//! that is a FETCH body section's value (`BODY[...]`, `BINARY[...]`,
//! `RFC822`, `RFC822.HEADER` or `RFC822.TEXT`, at the top level of the
//! response's list: see `section_literal`) is not stored: its bytes are
//! handed out as [`Event::LiteralChunk`] as they arrive. Any other literal
//! (a subject or a name in ENVELOPE, a PREVIEW, a METADATA value) is kept
//! in the response whatever its size, as without a threshold: it is part
//! of a value the parser builds, not bytes for a section consumer. The
//! response's eventual [`Event::Frame`] holds the response with the
//! streamed literal's data removed and its header rewritten to the marker
//! `{0*}` (kept after a `~` for literal8), which the parser reads as an
//! empty literal and reports as `streamed: true`. Streamed literals are not
//! subject to `max_literal` (they are never held in memory).
//!
//! Blank lines between responses are skipped, and bare LF line ends are
//! accepted, each with a debug log line (target `imapclient::proto`).

/// Log target for protocol quirks.
const LOG: &str = "imapclient::proto";

/// Smallest growth of the read buffer.
const MIN_READ: usize = 8 << 10;

/// Bytes of a discarded response's start kept for `Framer::discarded_head`.
const HEAD_MAX: usize = 64;

/// Limits that protect the client from hostile or broken servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest line (bytes between literals, CRLF included). Default 8 MiB.
    pub max_line: usize,
    /// Largest literal kept in memory. Default 256 MiB.
    pub max_literal: u64,
    /// Deepest parenthesis nesting. Default 100, at most
    /// [`MAX_DEPTH_LIMIT`].
    pub max_depth: usize,
}

/// The largest `Limits::max_depth` a client accepts (`Client::connect` and
/// the C setter refuse more). The layers that read a body structure recurse
/// once per nesting level: the parser, the C pack's reader, and the Rust
/// API's owned conversion and drop. Measured in a release build on a thread
/// with a 512 KiB stack (the tests of tests/depth_limit.rs, run at growing
/// depths with the bound lifted), a FETCH whose
/// BODYSTRUCTURE nests 274 levels deep still went through the Rust API and
/// 526 through the C API and all its accessors; 283 and 545 overflowed.
/// The bound is about half the smaller figure, leaving room for debug
/// builds and for the caller's own frames. Real mail nests a few levels
/// (servers such as Dovecot stop parsing MIME at 100).
pub const MAX_DEPTH_LIMIT: usize = 128;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 8 << 20,
            max_literal: 256 << 20,
            max_depth: 100,
        }
    }
}

/// A limit or syntax problem found while framing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    LineTooLong { limit: usize },
    LiteralTooLarge { size: u64, limit: u64 },
    TooDeep { limit: usize },
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::LineTooLong { limit } => {
                write!(f, "response line longer than {limit} bytes")
            }
            FrameError::LiteralTooLarge { size, limit } => {
                write!(f, "literal of {size} bytes exceeds the limit of {limit}")
            }
            FrameError::TooDeep { limit } => write!(f, "parentheses nested deeper than {limit}"),
        }
    }
}

impl std::error::Error for FrameError {}

/// What the framer hands out.
#[derive(Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// One complete response, CRLF included.
    Frame(&'a [u8]),
    /// A piece of a literal larger than the streaming threshold.
    /// `prefix` is the response so far, up to and including `{n}\r\n`.
    LiteralChunk {
        prefix: &'a [u8],
        data: &'a [u8],
        offset: u64,
        total: u64,
    },
}

/// Where the scanner is inside the current response.
#[derive(Debug, Clone, Copy, Default)]
enum Mode {
    /// Scanning line bytes.
    #[default]
    Line,
    /// Inside a kept (or, while discarding, skipped) literal.
    Literal { remaining: u64 },
    /// Inside a streamed literal; `brace`..=`close` is its `{n}` header.
    Stream {
        remaining: u64,
        total: u64,
        brace: usize,
        close: usize,
    },
}

/// While a response is discarded, what a literal header at the end of the
/// current line is: the rule of `text_start` (a `{n}` in the free text of
/// a status response or continuation is text), decided on the bytes as
/// they pass, since the start of the line is dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum TextRule {
    /// Not the first line of a status response or continuation (or one
    /// whose start came too short to tell): a header is a literal.
    #[default]
    Plain,
    /// In the free text of the first line: a header there is text.
    Text,
    /// The first line of a status response whose `[code]` has not closed
    /// yet: a header is a literal unless a `]` comes before it.
    CodeOpen,
}

/// Byte classes for the line scan: 0 = nothing to do; the low three bits
/// are the class outside quotes, `QUOTE_STOP` marks bytes that matter
/// inside quotes.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'\n' as usize] = 1 | QUOTE_STOP;
    t[b'"' as usize] = 2 | QUOTE_STOP;
    t[b'\\' as usize] = QUOTE_STOP;
    t[b'(' as usize] = 3;
    t[b'[' as usize] = 3;
    t[b')' as usize] = 4;
    t[b']' as usize] = 4;
    t
};

const QUOTE_STOP: u8 = 8;

/// The framer. See the module documentation.
#[derive(Debug, Default)]
pub struct Framer {
    limits: Limits,
    threshold: Option<u64>,
    /// Bytes `start..filled` are received and not yet handed out; the rest
    /// of `buf` is spare room for `read_buf`.
    buf: Vec<u8>,
    start: usize,
    filled: usize,
    /// A literal chunk handed out last call, to be removed from the buffer:
    /// (offset from `start`, length).
    pending_drop: Option<(usize, usize)>,
    // Scan state of the current response; offsets are relative to `start`.
    pos: usize,
    line_start: usize,
    depth: usize,
    in_quote: bool,
    escape: bool,
    mode: Mode,
    discarding: bool,
    /// The start of the response being discarded (`discarded_head`).
    head: Vec<u8>,
    /// While discarding, how a literal header ends the current line.
    text_rule: TextRule,
    stream_offset: u64,
    /// Line bytes examined so far, to prove in tests that no byte is
    /// scanned twice (linear time without timing anything).
    #[cfg(test)]
    scanned: usize,
}

impl Framer {
    /// A framer enforcing `limits`.
    pub fn new(limits: Limits) -> Self {
        Framer {
            limits,
            ..Default::default()
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Change the limits; they apply from the next byte scanned.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Literals larger than this are streamed as `LiteralChunk` events.
    /// Takes effect for literal headers not yet scanned.
    pub fn set_stream_threshold(&mut self, threshold: Option<u64>) {
        self.threshold = threshold;
    }

    /// Spare room to read into, at least `min` bytes (at least one if `min`
    /// is 0); follow with `commit`.
    pub fn read_buf(&mut self, min: usize) -> &mut [u8] {
        self.apply_pending();
        let min = min.max(1);
        if self.buf.len() - self.filled < min {
            // Compact first: move the unconsumed tail to the front.
            if self.start > 0 {
                self.buf.copy_within(self.start..self.filled, 0);
                self.filled -= self.start;
                self.start = 0;
            }
            if self.buf.len() - self.filled < min {
                // Grow by what was asked (amortised doubling), never by an
                // announced literal size.
                let want = (self.filled + min).max(self.buf.len() * 2).max(MIN_READ);
                self.buf.resize(want, 0);
            }
        }
        &mut self.buf[self.filled..]
    }

    /// `n` bytes were written into the slice from `read_buf`.
    pub fn commit(&mut self, n: usize) {
        self.filled = (self.filled + n).min(self.buf.len());
    }

    /// Append bytes (convenience for tests).
    pub fn feed(&mut self, data: &[u8]) {
        let room = self.read_buf(data.len());
        room[..data.len()].copy_from_slice(data);
        self.commit(data.len());
    }

    /// Take the bytes received but not yet handed out, and start afresh
    /// (same limits and threshold). Call between responses, when the
    /// stream changes under the framer (COMPRESS): the bytes belong to
    /// the new stream.
    pub fn take_unread(&mut self) -> Vec<u8> {
        self.apply_pending();
        let rest = self.buf[self.start..self.filled].to_vec();
        *self = Framer {
            limits: self.limits,
            threshold: self.threshold,
            ..Default::default()
        };
        rest
    }

    /// Bytes received but not yet handed out.
    pub fn buffered(&self) -> usize {
        let pending = self.pending_drop.map_or(0, |(_, n)| n);
        self.filled - self.start - pending
    }

    /// Remove the literal chunk handed out by the previous call, moving
    /// whichever side of it is shorter: the response's bytes before it
    /// (usually a short line) up, or the bytes received after it down.
    /// Moving the tail always cost a copy of the rest of the buffer for
    /// each chunk, so streaming many small literals (a low threshold) was
    /// quadratic in the bytes buffered.
    fn apply_pending(&mut self) {
        if let Some((at, n)) = self.pending_drop.take() {
            let from = self.start + at;
            let tail = self.filled - (from + n);
            if at <= tail {
                self.buf.copy_within(self.start..from, self.start + n);
                self.start += n;
            } else {
                self.buf.copy_within(from + n..self.filled, from);
                self.filled -= n;
            }
        }
    }

    /// Forget the current response's scan state (its bytes are gone).
    fn reset_scan(&mut self) {
        self.pos = 0;
        self.line_start = 0;
        self.depth = 0;
        self.in_quote = false;
        self.escape = false;
        self.mode = Mode::Line;
        self.discarding = false;
        self.text_rule = TextRule::Plain;
        self.stream_offset = 0;
    }

    /// The first bytes (at most 64) of the response the framer discards
    /// after an `Err` from `next_event`, as they came (the last ones may
    /// be rewritten, see `keep_header_tail`): whose response it was, e.g.
    /// the tag of a command's completion. Empty when none is discarded.
    /// Call it before `next_event` again.
    pub fn discarded_head(&self) -> &[u8] {
        if self.discarding {
            &self.head
        } else {
            &[]
        }
    }

    /// Drop bytes of a discarded response that are no longer needed.
    fn drop_discarded(&mut self) {
        let keep_from = match self.mode {
            Mode::Line => self.keep_header_tail(),
            _ => self.pos,
        };
        if self.text_rule == TextRule::CodeOpen && matches!(self.mode, Mode::Line) {
            // The bytes dropped may close the response code: the rest of
            // the line is free text.
            let s = self.start;
            if self.buf[s + self.line_start..s + keep_from].contains(&b']') {
                self.text_rule = TextRule::Text;
            }
        }
        self.start += keep_from;
        self.pos -= keep_from;
        self.line_start = self.line_start.saturating_sub(keep_from);
    }

    /// While discarding, all the end of a line can still mean is a literal
    /// header (the plain rule, see `next_event`), so only a header in
    /// progress at the end is kept, and in a canonical form: `{`, its
    /// digits without leading zeros (21 nines when they overflow u64
    /// anyway), then what follows of `+}\r`. It is rewritten in place just
    /// before `pos`; returns where to keep from. The bytes kept then depend
    /// on what was received, not on how it was split into reads: a header
    /// with leading zeros (`{0000000000000000000000000000000005}`) once
    /// lost its brace when read in small pieces (found by the
    /// framer_parser fuzz target).
    fn keep_header_tail(&mut self) -> usize {
        if self.in_quote {
            return self.pos;
        }
        let s = self.start;
        let line = &self.buf[s + self.line_start..s + self.pos];
        let Some(digits) = header_candidate(line) else {
            return self.pos;
        };
        let d = &line[digits.clone()];
        let significant = &d[d.iter().position(|&b| b != b'0').unwrap_or(d.len())..];
        let value: &[u8] = match (d.is_empty(), significant.len()) {
            (true, _) => b"",
            (false, 0) => b"0",
            (false, n) if n > 20 => b"999999999999999999999",
            _ => significant,
        };
        // `{` + 21 digits + `+}\r`: 25 bytes at most, never longer than
        // the original (which had at least as many digits).
        let mut short = [0u8; 25];
        let mut n = 0;
        for part in [&b"{"[..], value, &line[digits.end..]] {
            short[n..n + part.len()].copy_from_slice(part);
            n += part.len();
        }
        let at = self.pos - n;
        self.buf[s + at..s + self.pos].copy_from_slice(&short[..n]);
        at
    }

    /// Enter discard mode for the current response and report `e`.
    fn fail(&mut self, e: FrameError) -> Result<Option<Event<'_>>, FrameError> {
        log::debug!(target: LOG, "framer: {e}; discarding the response");
        self.start_discarding();
        Err(e)
    }

    /// Discard the current response from `pos` on: keep its start for
    /// `discarded_head`, and, on its first line, how the line's end is
    /// to be read (`TextRule`), while that start is still there.
    fn start_discarding(&mut self) {
        let s = self.start;
        let seen = &self.buf[s..s + self.pos];
        self.head.clear();
        self.head
            .extend_from_slice(&seen[..seen.len().min(HEAD_MAX)]);
        let rule = if matches!(self.mode, Mode::Line) && self.line_start == 0 {
            first_line_rule(seen)
        } else {
            TextRule::Plain
        };
        self.discarding = true;
        self.drop_discarded();
        self.text_rule = rule;
    }

    /// The next complete response (or literal chunk), if there is one.
    /// After an `Err`, call again: the framer skips the bad response.
    pub fn next_event(&mut self) -> Result<Option<Event<'_>>, FrameError> {
        self.apply_pending();
        loop {
            let avail = self.filled - self.start;
            match self.mode {
                Mode::Literal { remaining } => {
                    let take = remaining.min((avail - self.pos) as u64);
                    self.pos += take as usize;
                    if self.discarding {
                        self.drop_discarded();
                    }
                    if take < remaining {
                        self.mode = Mode::Literal {
                            remaining: remaining - take,
                        };
                        return Ok(None);
                    }
                    self.mode = Mode::Line;
                    self.line_start = self.pos;
                }
                Mode::Stream {
                    remaining,
                    total,
                    brace,
                    close,
                } => {
                    if remaining == 0 {
                        self.finish_stream(brace, close);
                        continue;
                    }
                    let take = remaining.min((avail - self.pos) as u64) as usize;
                    if take == 0 {
                        return Ok(None);
                    }
                    let offset = self.stream_offset;
                    self.stream_offset += take as u64;
                    self.mode = Mode::Stream {
                        remaining: remaining - take as u64,
                        total,
                        brace,
                        close,
                    };
                    self.pending_drop = Some((self.pos, take));
                    let s = self.start;
                    let p = self.pos;
                    return Ok(Some(Event::LiteralChunk {
                        prefix: &self.buf[s..s + p],
                        data: &self.buf[s + p..s + p + take],
                        offset,
                        total,
                    }));
                }
                Mode::Line => {
                    let lf = match self.scan_line() {
                        Ok(Some(lf)) => lf,
                        Ok(None) => {
                            if self.discarding {
                                self.drop_discarded();
                                return Ok(None);
                            }
                            // `max_line` bytes without a line end: too long
                            // (and a line with no byte yet is not, even
                            // with `max_line == 0`).
                            let line_len = self.pos - self.line_start;
                            let started = self.filled - self.start > self.line_start;
                            if started && line_len >= self.limits.max_line {
                                let limit = self.limits.max_line;
                                return self.fail(FrameError::LineTooLong { limit });
                            }
                            return Ok(None);
                        }
                        Err(e) => return self.fail(e),
                    };
                    // `lf` is the offset of the LF ending the line.
                    let line_len = lf + 1 - self.line_start;
                    if !self.discarding && line_len > self.limits.max_line {
                        let limit = self.limits.max_line;
                        // The line is complete: skip it, then any literal.
                        self.pos = lf;
                        log::debug!(target: LOG, "framer: line too long; discarding the response");
                        self.start_discarding();
                        return Err(FrameError::LineTooLong { limit });
                    }
                    let base = self.start;
                    let line = &self.buf[base + self.line_start..base + lf];
                    if !self.discarding
                        && self.line_start == 0
                        && (line.is_empty() || line == b"\r")
                    {
                        log::debug!(target: LOG, "quirk: blank line between responses skipped");
                        self.start += lf + 1;
                        self.reset_scan();
                        continue;
                    }
                    if line.last() != Some(&b'\r') {
                        log::debug!(target: LOG, "quirk: bare LF line end");
                    }
                    let header = if self.in_quote {
                        None
                    } else {
                        // In the free text of a status response or a
                        // continuation a `{n}` is text (servers echo names
                        // and user input there), not a literal header.
                        // While discarding, the start of the line is gone
                        // (only a header in progress at its end is kept,
                        // `keep_header_tail`): the same rule, as decided
                        // on the bytes as they passed (`TextRule`).
                        literal_header(line).filter(|&(_, brace)| {
                            if self.discarding {
                                match self.text_rule {
                                    TextRule::Plain => true,
                                    TextRule::Text => false,
                                    TextRule::CodeOpen => !line[..brace].contains(&b']'),
                                }
                            } else {
                                self.line_start != 0 || text_start(line).map_or(true, |t| brace < t)
                            }
                        })
                    };
                    self.in_quote = false;
                    self.escape = false;
                    self.pos = lf + 1;
                    match header {
                        None => {
                            if self.discarding {
                                log::debug!(target: LOG, "framer: discarded response ended");
                                self.start += lf + 1;
                                self.reset_scan();
                                continue;
                            }
                            let s = self.start;
                            self.start += lf + 1;
                            self.reset_scan();
                            return Ok(Some(Event::Frame(&self.buf[s..s + lf + 1])));
                        }
                        Some((size, brace_rel)) => {
                            let brace = self.line_start + brace_rel;
                            let close = brace + (line.len() - brace_rel)
                                - 1
                                - usize::from(line.last() == Some(&b'\r'));
                            if self.discarding {
                                self.mode = Mode::Literal {
                                    remaining: size.unwrap_or(u64::MAX),
                                };
                                // Lines after a literal are no status text.
                                self.text_rule = TextRule::Plain;
                                continue;
                            }
                            let Some(size) = size else {
                                self.mode = Mode::Literal {
                                    remaining: u64::MAX,
                                };
                                let limit = self.limits.max_literal;
                                return self.fail(FrameError::LiteralTooLarge {
                                    size: u64::MAX,
                                    limit,
                                });
                            };
                            if self.threshold.is_some_and(|t| size > t)
                                && self.depth == 1
                                && section_literal(&line[..brace_rel])
                            {
                                self.stream_offset = 0;
                                self.mode = Mode::Stream {
                                    remaining: size,
                                    total: size,
                                    brace,
                                    close,
                                };
                                continue;
                            }
                            self.mode = Mode::Literal { remaining: size };
                            if size > self.limits.max_literal {
                                let limit = self.limits.max_literal;
                                return self.fail(FrameError::LiteralTooLarge { size, limit });
                            }
                        }
                    }
                }
            }
        }
    }

    /// Replace the streamed literal's `{n}` header by the `{0*}` marker.
    fn finish_stream(&mut self, brace: usize, close: usize) {
        const MARK: &[u8] = b"{0*}";
        let s = self.start;
        let old_len = close + 1 - brace;
        let tail = self.filled - (s + close + 1);
        // The marker replaces the literal header: the bytes before the
        // header (the start of the response, usually short) or the bytes
        // after it (everything received since, up to a whole read) move by
        // the difference. Move the shorter side; before the header there
        // must be room to move into when the marker is the longer.
        if old_len >= MARK.len() && brace <= tail {
            let shrink = old_len - MARK.len();
            self.buf.copy_within(s..s + brace, s + shrink);
            self.start += shrink;
        } else if old_len < MARK.len() && brace <= tail && s >= MARK.len() - old_len {
            let grow = MARK.len() - old_len;
            self.buf.copy_within(s..s + brace, s - grow);
            self.start -= grow;
        } else {
            let (from, to) = (s + close + 1, s + brace + MARK.len());
            if MARK.len() > old_len {
                // `{5}` is one byte shorter than the marker: make room.
                let grow = MARK.len() - old_len;
                if self.buf.len() < self.filled + grow {
                    self.buf.resize(self.filled + grow, 0);
                }
            }
            self.buf.copy_within(from..self.filled, to);
            self.filled = self.filled + MARK.len() - old_len;
        }
        let s = self.start;
        self.buf[s + brace..s + brace + MARK.len()].copy_from_slice(MARK);
        self.pos = self.pos + MARK.len() - old_len;
        self.line_start = self.pos;
        self.mode = Mode::Line;
    }

    /// Scan line bytes from `pos`, tracking quotes and depth. Returns the
    /// offset of the LF ending the line, or `None` with `pos` at the end of
    /// the data.
    fn scan_line(&mut self) -> Result<Option<usize>, FrameError> {
        // Work on locals so the hot loop keeps its state in registers.
        // Never look past the longest allowed line: which limit trips first
        // must not depend on how the input was split into reads.
        let end = if self.discarding {
            self.filled
        } else {
            let window = self.line_start.saturating_add(self.limits.max_line);
            self.filled.min(self.start.saturating_add(window))
        };
        let data = &self.buf[self.start..end];
        let mut i = self.pos;
        #[cfg(test)]
        let first = i;
        let mut depth = self.depth;
        let mut in_quote = self.in_quote;
        let mut escape = self.escape;
        let max_depth = if self.discarding {
            usize::MAX
        } else {
            self.limits.max_depth
        };
        let result = 'scan: loop {
            // Bulk path: 64 bytes at a time. A block without a line end and
            // without a backslash inside quotes is settled with bit
            // arithmetic (quoted regions by prefix XOR, brackets by
            // population count); any other block visits its interesting
            // bytes one by one.
            while let Some(block) = data.get(i..i + 64) {
                let Ok(block) = <&[u8; 64]>::try_from(block) else {
                    break;
                };
                let m = Masks::of(block);
                if m.lf == 0 && !escape {
                    let inside = prefix_xor(m.quote) ^ if in_quote { u64::MAX } else { 0 };
                    if m.backslash & inside == 0 {
                        let opens = (m.open & !inside).count_ones() as usize;
                        let closes = (m.close & !inside).count_ones() as usize;
                        // Exact unless the depth could dip below zero (a
                        // stray `)`, where the scan saturates) or pass the
                        // limit somewhere inside the block.
                        if closes <= depth && depth + opens <= max_depth {
                            depth = depth + opens - closes;
                            in_quote ^= m.quote.count_ones() & 1 == 1;
                            i += 64;
                            continue;
                        }
                    }
                }
                let outside = m.lf | m.quote | m.open | m.close;
                let inside = m.lf | m.quote | m.backslash;
                let mut from = 0usize;
                while from < 64 {
                    if in_quote && escape {
                        escape = false;
                        if block[from] == b'\n' {
                            break 'scan Ok(Some(i + from));
                        }
                        from += 1;
                        continue;
                    }
                    let m = if in_quote { inside } else { outside } >> from;
                    if m == 0 {
                        break;
                    }
                    let p = from + m.trailing_zeros() as usize;
                    from = p + 1;
                    let b = block[p];
                    if in_quote {
                        match b {
                            b'\\' => escape = true,
                            b'"' => in_quote = false,
                            _ => break 'scan Ok(Some(i + p)),
                        }
                        continue;
                    }
                    match CLASS[b as usize] & 7 {
                        1 => break 'scan Ok(Some(i + p)),
                        2 => in_quote = true,
                        3 => {
                            depth += 1;
                            if depth > max_depth {
                                i += p + 1;
                                break 'scan Err(FrameError::TooDeep { limit: max_depth });
                            }
                        }
                        _ => depth = depth.saturating_sub(1),
                    }
                }
                i += 64;
            }
            let Some(rest) = data.get(i..).filter(|r| !r.is_empty()) else {
                break Ok(None);
            };
            if in_quote {
                if escape {
                    // The byte after a backslash, possibly from a later read.
                    escape = false;
                    if rest[0] == b'\n' {
                        break Ok(Some(i));
                    }
                    i += 1;
                    continue;
                }
                // Inside quotes only `"`, `\\` and LF matter.
                let Some(k) = rest
                    .iter()
                    .position(|&b| CLASS[b as usize] & QUOTE_STOP != 0)
                else {
                    i = data.len();
                    break Ok(None);
                };
                i += k;
                match rest[k] {
                    b'\\' => escape = true,
                    b'"' => in_quote = false,
                    _ => break Ok(Some(i)),
                }
                i += 1;
                continue;
            }
            // Hot loop: skip bytes of no interest.
            let Some(k) = rest.iter().position(|&b| CLASS[b as usize] & 7 != 0) else {
                i = data.len();
                break Ok(None);
            };
            i += k;
            match CLASS[rest[k] as usize] & 7 {
                1 => break Ok(Some(i)),
                2 => in_quote = true,
                3 => {
                    depth += 1;
                    if depth > max_depth {
                        i += 1;
                        break Err(FrameError::TooDeep { limit: max_depth });
                    }
                }
                _ => depth = depth.saturating_sub(1),
            }
            i += 1;
        };
        // A line end is reported through the result; `pos` then points at it.
        if let Ok(Some(lf)) = result {
            i = lf;
        }
        #[cfg(test)]
        {
            self.scanned += i - first;
        }
        self.pos = i;
        self.depth = depth;
        self.in_quote = in_quote;
        self.escape = escape;
        result
    }
}

/// Where the free text starts in the first line of a status response
/// (`tag OK|NO|BAD|PREAUTH|BYE [code] text`) or a continuation request
/// (`+ text`). Text holds no literals; a response code might (BADCHARSET
/// astrings), so an unclosed `[` gives `None`.
fn text_start(line: &[u8]) -> Option<usize> {
    if line.first() == Some(&b'+') {
        return Some(1);
    }
    let sp = line.iter().position(|&b| b == b' ')?;
    let rest = &line[sp + 1..];
    let word_len = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
    if !is_status_word(&rest[..word_len]) {
        return None;
    }
    let at = sp + 1 + word_len;
    let after = line.get(at + 1..).unwrap_or_default();
    if after.first() == Some(&b'[') {
        let close = after.iter().position(|&b| b == b']')?;
        return Some(at + 1 + close + 1);
    }
    Some(at)
}

fn is_status_word(word: &[u8]) -> bool {
    let status = [&b"OK"[..], b"NO", b"BAD", b"PREAUTH", b"BYE"];
    status.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// `text_start`'s rule for the first line of a response discarded from
/// `seen` on (the line so far, without its LF): a status response's free
/// text (or a continuation's) starts within `seen` (`Text`), or will once
/// its `[code]` closes (`CodeOpen`); otherwise, or when `seen` is too
/// short to tell (the status word or what follows it not yet there),
/// `Plain`.
fn first_line_rule(seen: &[u8]) -> TextRule {
    if seen.first() == Some(&b'+') {
        return TextRule::Text;
    }
    let Some(sp) = seen.iter().position(|&b| b == b' ') else {
        return TextRule::Plain;
    };
    let rest = &seen[sp + 1..];
    let Some(word_len) = rest.iter().position(|&b| b == b' ') else {
        return TextRule::Plain;
    };
    if !is_status_word(&rest[..word_len]) {
        return TextRule::Plain;
    }
    let after = &rest[word_len + 1..];
    match after.first() {
        None => TextRule::Plain,
        Some(b'[') if !after.contains(&b']') => TextRule::CodeOpen,
        Some(_) => TextRule::Text,
    }
}

/// Bit masks (bit k = byte k) of the bytes of a 64-byte block that matter
/// to the line scan.
#[derive(Default)]
struct Masks {
    lf: u64,
    quote: u64,
    backslash: u64,
    /// `(` and `[`.
    open: u64,
    /// `)` and `]`.
    close: u64,
}

impl Masks {
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn of(block: &[u8; 64]) -> Masks {
        use std::arch::x86_64::*;
        let mut m = Masks::default();
        for (k, chunk) in block.chunks_exact(16).enumerate() {
            let shift = 16 * k as u32;
            // SAFETY: SSE2 is part of the x86_64 baseline; the unaligned
            // load reads exactly the 16 bytes of `chunk`.
            unsafe {
                let v = _mm_loadu_si128(chunk.as_ptr().cast());
                let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
                let bits = |x: __m128i| u64::from(_mm_movemask_epi8(x) as u16) << shift;
                m.lf |= bits(eq(b'\n'));
                m.quote |= bits(eq(b'"'));
                m.backslash |= bits(eq(b'\\'));
                m.open |= bits(_mm_or_si128(eq(b'('), eq(b'[')));
                m.close |= bits(_mm_or_si128(eq(b')'), eq(b']')));
            }
        }
        m
    }

    /// Portable version of the above.
    #[cfg(not(target_arch = "x86_64"))]
    #[inline(always)]
    fn of(block: &[u8; 64]) -> Masks {
        let mut m = Masks::default();
        for (k, &b) in block.iter().enumerate() {
            let bit = 1u64 << k;
            match b {
                b'\n' => m.lf |= bit,
                b'"' => m.quote |= bit,
                b'\\' => m.backslash |= bit,
                b'(' | b'[' => m.open |= bit,
                b')' | b']' => m.close |= bit,
                _ => {}
            }
        }
        m
    }
}

/// Bit k of the result is the XOR of bits 0..=k of `x`: with `x` the quote
/// positions, the bytes from an opening quote up to (not including) its
/// closing quote.
#[inline(always)]
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// The digits of what may be a literal header in progress at the end of
/// `line`: `{digits+}\r` or any prefix of it from the brace on.
fn header_candidate(line: &[u8]) -> Option<std::ops::Range<usize>> {
    let mut i = line.len();
    for b in [b'\r', b'}', b'+'] {
        if i > 0 && line[i - 1] == b {
            i -= 1;
        }
    }
    let end = i;
    while i > 0 && line[i - 1].is_ascii_digit() {
        i -= 1;
    }
    (i > 0 && line[i - 1] == b'{').then_some(i..end)
}

/// A literal header at the end of `line` (LF excluded): `{digits}`,
/// `{digits+}` or `~{...}`, optionally followed by CR. Returns the size
/// (`None` if it overflows u64) and the offset of `{` in the line.
fn literal_header(line: &[u8]) -> Option<(Option<u64>, usize)> {
    let l = line.strip_suffix(b"\r").unwrap_or(line);
    let l = l.strip_suffix(b"}")?;
    let l = l.strip_suffix(b"+").unwrap_or(l);
    let digits_start = l
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |p| p + 1);
    if digits_start == l.len() || l.get(digits_start.wrapping_sub(1)) != Some(&b'{') {
        return None;
    }
    let mut n: Option<u64> = Some(0);
    for &d in &l[digits_start..] {
        n = n
            .and_then(|n| n.checked_mul(10))
            .and_then(|n| n.checked_add(u64::from(d - b'0')));
    }
    Some((n, digits_start - 1))
}

/// Whether a literal whose header follows `before` (the line up to its
/// `{`) is a FETCH body section's value: the item before it is
/// `BODY[...]` or `BINARY[...]` (with an origin `<n>` or not; a literal8's
/// `~` and the spaces before the header are passed over), or `RFC822`,
/// `RFC822.HEADER` or `RFC822.TEXT`. The caller checks that the literal is
/// at depth 1, in the response's list and not inside a value such as
/// ENVELOPE (whose strings may end in `]` too).
fn section_literal(before: &[u8]) -> bool {
    let p = before.strip_suffix(b"~").unwrap_or(before).trim_ascii_end();
    let p = match p.strip_suffix(b">") {
        Some(q) => match q.iter().rposition(|&b| b == b'<') {
            Some(i) => &q[..i],
            None => return false,
        },
        None => p,
    };
    if p.ends_with(b"]") {
        return true;
    }
    let name = &p[p
        .iter()
        .rposition(|&b| b == b' ' || b == b'(')
        .map_or(0, |i| i + 1)..];
    [&b"RFC822"[..], b"RFC822.HEADER", b"RFC822.TEXT"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests;
