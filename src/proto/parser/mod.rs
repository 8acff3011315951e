//! Parser for server responses (RFC 3501, RFC 9051 and extensions).
//!
//! Input is one complete response as cut by the framer (CRLF included).
//! Values borrow from the input; only quoted strings with backslash escapes
//! are copied. The grammar uses nom's `IResult` throughout; the hot paths
//! (atoms, numbers, strings, FETCH items) are hand-written byte loops.
//!
//! Leniency: real servers break the grammar in known ways. Each accepted
//! deviation logs a `debug` line naming the quirk (target
//! `imapclient::proto`). A malformed response yields `Err(ParseError)` for
//! that response only; a malformed FETCH item yields [`FetchItem::Error`]
//! and the other items are kept.
//!
//! A literal written `{0*}` (or `~{0*}`) is the framer's marker for a
//! literal whose data was streamed out as chunks: it parses as empty data
//! with `streamed: true`.
//!
//! [`FetchItem::Error`]: crate::proto::types::FetchItem::Error

use std::borrow::Cow;

use nom::bytes::complete::tag_no_case;
use nom::combinator::opt;
use nom::multi::separated_list1;
use nom::sequence::{delimited, preceded, separated_pair};
use nom::{IResult, Parser};

use crate::proto::types::*;

mod fetch;
#[doc(hidden)]
pub mod testgen;

#[cfg(test)]
mod tests;

pub use fetch::parse_fetch_items;

/// Log target for protocol quirks.
pub(crate) const LOG: &str = "imapclient::proto";

/// `"(" objectid ")"` after MAILBOXID, EMAILID or THREADID (RFC 8474:
/// `objectid = 1*255(ALPHA / DIGIT / "_" / "-")`); an atom of another form
/// fails at `name` with `why`.
pub(crate) fn objectid_in_parens<'a>(
    r: &'a [u8],
    name: &'a [u8],
    why: &'static str,
) -> Res<'a, &'a [u8]> {
    let (r, id) = delimited(byte_p(b'('), astring_atom, byte_p(b')')).parse(r)?;
    let objectid = id.len() <= 255
        && id
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
    if !objectid {
        return fail(name, why);
    }
    Ok((r, id))
}

/// Nesting limit used by [`parse_response`], equal to the framer's default
/// `max_depth`.
pub const DEFAULT_MAX_DEPTH: usize = 100;

/// Longest THREAD chain turned into nested nodes: the model nests a chain
/// `(1 2 3 ...)` one level per message, and dropping a very deep tree would
/// recurse that deep.
const MAX_THREAD_CHAIN: usize = 4096;

/// A response that did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset in the response where parsing failed.
    pub offset: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for ParseError {}

/// The parser's nom error: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PErr<'a> {
    pub input: &'a [u8],
    pub msg: &'static str,
}

impl<'a> nom::error::ParseError<&'a [u8]> for PErr<'a> {
    fn from_error_kind(input: &'a [u8], _kind: nom::error::ErrorKind) -> Self {
        PErr {
            input,
            msg: "syntax error",
        }
    }
    fn append(_: &'a [u8], _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

pub(crate) type Res<'a, T> = IResult<&'a [u8], T, PErr<'a>>;

#[inline]
pub(crate) fn fail<'a, T>(input: &'a [u8], msg: &'static str) -> Res<'a, T> {
    Err(nom::Err::Error(PErr { input, msg }))
}

fn to_parse_error(frame: &[u8], e: nom::Err<PErr<'_>>) -> ParseError {
    match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => ParseError {
            offset: frame.len().saturating_sub(e.input.len()),
            message: e.msg.to_string(),
        },
        nom::Err::Incomplete(_) => ParseError {
            offset: frame.len(),
            message: "incomplete response".to_string(),
        },
    }
}

/// Parse one complete response (as framed, CRLF included).
pub fn parse_response(frame: &[u8]) -> Result<Response<'_>, ParseError> {
    parse_response_with_depth(frame, DEFAULT_MAX_DEPTH)
}

/// [`parse_response`] with a nesting limit; pass the framer's `max_depth`
/// when it differs from the default.
pub fn parse_response_with_depth(
    frame: &[u8],
    max_depth: usize,
) -> Result<Response<'_>, ParseError> {
    match response(frame, max_depth) {
        Ok((b"", r)) => Ok(r),
        Ok((rest, _)) => Err(ParseError {
            offset: frame.len() - rest.len(),
            message: "unexpected bytes after the response".to_string(),
        }),
        Err(e) => Err(to_parse_error(frame, e)),
    }
}

// ---------------------------------------------------------------------------
// Primitives

/// Stop set for atoms: CTL, SP, `(`, `)`, `{`, `"`, `]` (and 0x7f).
/// Bit 2: stop set for flags and astrings, which accept `]`.
const ATOM_STOP: u8 = 1;
const ASTRING_STOP: u8 = 2;
static CHARS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = ATOM_STOP | ASTRING_STOP;
        c += 1;
    }
    t[0x7f] = ATOM_STOP | ASTRING_STOP;
    t[b' ' as usize] = ATOM_STOP | ASTRING_STOP;
    t[b'(' as usize] = ATOM_STOP | ASTRING_STOP;
    t[b')' as usize] = ATOM_STOP | ASTRING_STOP;
    t[b'{' as usize] = ATOM_STOP | ASTRING_STOP;
    t[b'"' as usize] = ATOM_STOP | ASTRING_STOP;
    t[b']' as usize] = ATOM_STOP;
    t
};

#[inline]
fn take_atom_with(i: &[u8], stop: u8) -> Res<'_, &[u8]> {
    let n = i
        .iter()
        .position(|&b| CHARS[b as usize] & stop != 0)
        .unwrap_or(i.len());
    if n == 0 {
        return fail(i, "expected an atom");
    }
    Ok((&i[n..], &i[..n]))
}

/// An atom (no `]`).
#[inline]
pub(crate) fn atom(i: &[u8]) -> Res<'_, &[u8]> {
    take_atom_with(i, ATOM_STOP)
}

/// An atom that may contain `]` (astring-char; flags, mailbox names).
#[inline]
pub(crate) fn astring_atom(i: &[u8]) -> Res<'_, &[u8]> {
    take_atom_with(i, ASTRING_STOP)
}

/// Exactly the byte `c`.
#[inline(always)]
pub(crate) fn byte(i: &[u8], c: u8) -> Res<'_, ()> {
    match i.first() {
        Some(&b) if b == c => Ok((&i[1..], ())),
        _ => fail(
            i,
            match c {
                b'(' => "expected '('",
                b')' => "expected ')'",
                b']' => "expected ']'",
                b'[' => "expected '['",
                b'"' => "expected '\"'",
                _ => "unexpected byte",
            },
        ),
    }
}

/// One space; more are accepted as a quirk.
#[inline(always)]
pub(crate) fn sp(i: &[u8]) -> Res<'_, ()> {
    match i {
        [b' ', b' ', ..] => {
            log::debug!(target: LOG, "quirk: doubled space");
            Ok((skip_spaces(i), ()))
        }
        [b' ', rest @ ..] => Ok((rest, ())),
        _ => fail(i, "expected a space"),
    }
}

#[inline]
pub(crate) fn skip_spaces(i: &[u8]) -> &[u8] {
    let n = i.iter().position(|&b| b != b' ').unwrap_or(i.len());
    &i[n..]
}

/// Whether `i` is at the end of a line (CRLF or bare LF).
#[inline]
pub(crate) fn at_eol(i: &[u8]) -> bool {
    matches!(i, [b'\r', b'\n', ..] | [b'\n', ..])
}

/// The line end; trailing spaces before it are a quirk.
pub(crate) fn crlf(i: &[u8]) -> Res<'_, ()> {
    match i {
        [b'\r', b'\n', rest @ ..] => Ok((rest, ())),
        [b'\n', rest @ ..] => Ok((rest, ())),
        [b' ', ..] => {
            let r = skip_spaces(i);
            if at_eol(r) {
                log::debug!(target: LOG, "quirk: trailing space");
                crlf(r)
            } else {
                fail(i, "expected end of line")
            }
        }
        _ => fail(i, "expected end of line"),
    }
}

/// Text up to the end of the line, and the input after the line end.
pub(crate) fn text_to_eol(i: &[u8]) -> Res<'_, &[u8]> {
    match memchr::memchr(b'\n', i) {
        Some(k) => {
            let t = &i[..k];
            let t = t.strip_suffix(b"\r").unwrap_or(t);
            Ok((&i[k + 1..], t))
        }
        None => fail(i, "expected end of line"),
    }
}

#[inline(always)]
pub(crate) fn number_u64(i: &[u8]) -> Res<'_, u64> {
    let mut n: u64 = 0;
    let mut k = 0;
    while let Some(&d) = i.get(k) {
        if !d.is_ascii_digit() {
            break;
        }
        n = match n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(d - b'0')))
        {
            Some(n) => n,
            None => return fail(i, "number too large"),
        };
        k += 1;
    }
    if k == 0 {
        return fail(i, "expected a number");
    }
    Ok((&i[k..], n))
}

#[inline]
pub(crate) fn number_u32(i: &[u8]) -> Res<'_, u32> {
    let (r, n) = number_u64(i)?;
    match u32::try_from(n) {
        Ok(n) => Ok((r, n)),
        Err(_) => fail(i, "number too large"),
    }
}

/// A number where servers sometimes send `-1`: read as `None`.
pub(crate) fn number_or_minus1(i: &[u8]) -> Res<'_, Option<u64>> {
    if let Some(r) = i.strip_prefix(b"-1") {
        if !r.first().is_some_and(u8::is_ascii_digit) {
            log::debug!(target: LOG, "quirk: -1 as a size or line count");
            return Ok((r, None));
        }
    }
    let (r, n) = number_u64(i)?;
    Ok((r, Some(n)))
}

/// Case-insensitive comparison of a wire keyword with an upper-case
/// constant. Servers almost always send keywords in upper case, so an exact
/// comparison (one memcmp) is tried before the byte-wise folding one.
#[inline(always)]
pub(crate) fn keyword_eq(wire: &[u8], upper: &[u8]) -> bool {
    wire.len() == upper.len() && (wire == upper || wire.eq_ignore_ascii_case(upper))
}

/// `NIL` (case-insensitive) not followed by more atom characters.
#[inline(always)]
pub(crate) fn nil(i: &[u8]) -> Option<&[u8]> {
    // Clearing bit 5 folds exactly `n`/`N` (`i`/`I`, `l`/`L`) together.
    match i {
        [a, b, c, rest @ ..]
            if (*a & 0xdf) == b'N'
                && (*b & 0xdf) == b'I'
                && (*c & 0xdf) == b'L'
                && rest
                    .first()
                    .map_or(true, |&x| CHARS[x as usize] & ASTRING_STOP != 0) =>
        {
            Some(rest)
        }
        _ => None,
    }
}

/// Bytes that end the fast scan of a quoted string: `"`, `\\`, CR, LF.
static QSTOP: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    t
};

/// Offset of the first `"`, `\\`, CR or LF in `s` (or its length).
/// Strings are short, so this avoids memchr's setup cost: 16-byte SSE2
/// blocks on x86_64, then a table loop.
#[inline(always)]
fn quote_stop(s: &[u8]) -> usize {
    let mut i = 0;
    #[cfg(target_arch = "x86_64")]
    while let Some(block) = s.get(i..i + 16) {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of the x86_64 baseline; the unaligned load
        // reads exactly the 16 bytes of `block`.
        let m = unsafe {
            let v = _mm_loadu_si128(block.as_ptr().cast());
            let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
            let a = _mm_or_si128(eq(b'"'), eq(b'\\'));
            let b = _mm_or_si128(eq(b'\r'), eq(b'\n'));
            _mm_movemask_epi8(_mm_or_si128(a, b)) as u32
        };
        if m != 0 {
            return i + m.trailing_zeros() as usize;
        }
        i += 16;
    }
    let tail = s.get(i..).unwrap_or_default();
    i + tail
        .iter()
        .position(|&b| QSTOP[b as usize])
        .unwrap_or(tail.len())
}

/// A quoted string. Borrowed unless it holds a backslash escape.
#[inline(always)]
pub(crate) fn quoted(i: &[u8]) -> Res<'_, Bytes<'_>> {
    let (body, ()) = byte(i, b'"')?;
    let k = quote_stop(body);
    match body.get(k) {
        Some(b'"') => {
            let s = &body[..k];
            if log::log_enabled!(target: LOG, log::Level::Debug) && !s.is_ascii() {
                log::debug!(target: LOG, "quirk: 8-bit bytes in a quoted string");
            }
            Ok((&body[k + 1..], Cow::Borrowed(s)))
        }
        Some(b'\\') => quoted_escaped(body, k),
        _ => fail(i, "unterminated quoted string"),
    }
}

/// The slow path: unescape into an owned buffer.
fn quoted_escaped(body: &[u8], first: usize) -> Res<'_, Bytes<'_>> {
    let mut out = Vec::with_capacity(body.len().min(first + 64));
    out.extend_from_slice(&body[..first]);
    let mut k = first;
    loop {
        match body.get(k) {
            Some(b'"') => break,
            Some(b'\\') => match body.get(k + 1) {
                Some(&c) if c != b'\n' && c != b'\r' => {
                    if c != b'\\' && c != b'"' {
                        log::debug!(target: LOG, "quirk: backslash before an ordinary byte in a quoted string");
                    }
                    out.push(c);
                    k += 2;
                }
                _ => return fail(&body[k..], "bad escape in quoted string"),
            },
            Some(b'\n') | Some(b'\r') | None => {
                return fail(&body[k..], "unterminated quoted string")
            }
            Some(&c) => {
                out.push(c);
                k += 1;
            }
        }
    }
    if !out.is_ascii() {
        log::debug!(target: LOG, "quirk: 8-bit bytes in a quoted string");
    }
    Ok((&body[k + 1..], Cow::Owned(out)))
}

/// A literal `{n}`, `{n+}`, `~{n}` (literal8) or the framer's `{0*}`
/// marker. Returns the data and whether it was streamed.
pub(crate) fn literal(i: &[u8]) -> Res<'_, (Bytes<'_>, bool)> {
    let r = i.strip_prefix(b"~").unwrap_or(i);
    let (r, ()) = byte(r, b'{')?;
    let (r, n) = number_u64(r)?;
    let (r, streamed) = match r.first() {
        Some(b'+') => (&r[1..], false),
        Some(b'*') if n == 0 => (&r[1..], true),
        _ => (r, false),
    };
    let (r, ()) = byte(r, b'}')?;
    let (r, ()) = match r {
        [b'\r', b'\n', rest @ ..] | [b'\n', rest @ ..] => (rest, ()),
        _ => return fail(r, "expected end of line after literal header"),
    };
    let n = match usize::try_from(n) {
        Ok(n) if n <= r.len() => n,
        _ => return fail(i, "literal longer than the response"),
    };
    let data = &r[..n];
    if log::log_enabled!(target: LOG, log::Level::Debug) && memchr::memchr(0, data).is_some() {
        log::debug!(target: LOG, "quirk: NUL byte inside a literal");
    }
    Ok((&r[n..], (Cow::Borrowed(data), streamed)))
}

/// quoted / literal.
#[inline]
pub(crate) fn string(i: &[u8]) -> Res<'_, Bytes<'_>> {
    match i.first() {
        Some(b'"') => quoted(i),
        Some(b'{') | Some(b'~') => literal(i).map(|(r, (s, _))| (r, s)),
        _ => fail(i, "expected a string"),
    }
}

/// SP then NIL / string (hot in ENVELOPE and BODYSTRUCTURE).
#[inline(always)]
pub(crate) fn sp_nstring(i: &[u8]) -> Res<'_, Option<Bytes<'_>>> {
    let (r, ()) = sp(i)?;
    nstring(r)
}

/// NIL / string.
#[inline(always)]
pub(crate) fn nstring(i: &[u8]) -> Res<'_, Option<Bytes<'_>>> {
    match i.first() {
        Some(b'"') => quoted(i).map(|(r, s)| (r, Some(s))),
        Some(b'{') | Some(b'~') => literal(i).map(|(r, (s, _))| (r, Some(s))),
        _ => match nil(i) {
            Some(r) => Ok((r, None)),
            None => fail(i, "expected a string or NIL"),
        },
    }
}

/// A string where NIL is tolerated (read as empty).
#[inline(always)]
pub(crate) fn string_or_nil(i: &[u8]) -> Res<'_, Bytes<'_>> {
    let (r, s) = nstring(i)?;
    Ok((
        r,
        s.unwrap_or_else(|| {
            log::debug!(target: LOG, "quirk: NIL where a string is expected");
            Cow::Borrowed(&[][..])
        }),
    ))
}

/// atom (with `]`) / string.
#[inline]
pub(crate) fn astring(i: &[u8]) -> Res<'_, Bytes<'_>> {
    match i.first() {
        Some(b'"') | Some(b'{') => string(i),
        Some(b'~') if i.get(1) == Some(&b'{') => string(i),
        _ => astring_atom(i).map(|(r, a)| (r, Cow::Borrowed(a))),
    }
}

/// A parenthesised, space-separated list; doubled, leading and trailing
/// spaces are accepted as quirks. `()` gives an empty list.
pub(crate) fn paren_list<'a, T>(
    i: &'a [u8],
    cap: usize,
    mut item: impl FnMut(&'a [u8]) -> Res<'a, T>,
) -> Res<'a, Vec<T>> {
    let (mut i, ()) = byte(i, b'(')?;
    // Allocated at the first item: empty lists are common and cost nothing.
    let mut out = Vec::new();
    loop {
        let r = skip_spaces(i);
        if r.len() != i.len()
            && (out.is_empty() || r.first() == Some(&b')') || r.len() + 1 != i.len())
        {
            log::debug!(target: LOG, "quirk: extra space in a list");
        }
        if let Some(r) = r.strip_prefix(b")") {
            return Ok((r, out));
        }
        if !out.is_empty() && r.len() == i.len() {
            return fail(i, "expected a space or ')'");
        }
        let (r, v) = item(r)?;
        if out.is_empty() {
            out.reserve_exact(cap);
        }
        out.push(v);
        i = r;
    }
}

/// A flag; `]` inside the atom is accepted (Gmail).
#[inline]
pub(crate) fn flag(i: &[u8]) -> Res<'_, Flag<'_>> {
    let (r, a) = astring_atom(i)?;
    if a.contains(&b']') {
        log::debug!(target: LOG, "quirk: ']' inside a flag");
    }
    Ok((r, Flag::from_bytes(Cow::Borrowed(a))))
}

pub(crate) fn flag_list(i: &[u8]) -> Res<'_, Vec<Flag<'_>>> {
    paren_list(i, 6, flag)
}

/// A sequence set of numbers and ranges (`1:3,5`).
pub(crate) fn id_set(i: &[u8]) -> Res<'_, Vec<IdRange>> {
    separated_list1(
        nom::character::complete::char(','),
        |i| -> Res<'_, IdRange> {
            let (r, a) = number_u32(i)?;
            match r.strip_prefix(b":") {
                Some(r) => {
                    let (r, b) = number_u32(r)?;
                    Ok((r, (a, b)))
                }
                None => Ok((r, (a, a))),
            }
        },
    )
    .parse(i)
}

/// Space-separated atoms up to the line end (CAPABILITY, ENABLED).
fn atoms_to_eol(i: &[u8]) -> Res<'_, Vec<Bytes<'_>>> {
    let mut out = Vec::with_capacity(16);
    let mut i = i;
    loop {
        if at_eol(i) {
            return Ok((i, out));
        }
        let (r, ()) = sp(i)?;
        if at_eol(r) {
            log::debug!(target: LOG, "quirk: trailing space");
            return Ok((r, out));
        }
        let (r, a) = astring_atom(r)?;
        out.push(Cow::Borrowed(a));
        i = r;
    }
}

// ---------------------------------------------------------------------------
// Responses

fn response(i: &[u8], depth: usize) -> Res<'_, Response<'_>> {
    match i.first() {
        Some(b'+') => continuation(i),
        Some(b'*') => {
            let (r, u) = untagged(i, depth)?;
            Ok((r, Response::Untagged(u)))
        }
        _ => tagged(i),
    }
}

fn continuation(i: &[u8]) -> Res<'_, Response<'_>> {
    let (r, ()) = byte(i, b'+')?;
    let r = match r.first() {
        Some(b' ') => &r[1..],
        _ => r,
    };
    let (code, r) = match r.first() {
        Some(b'[') => match resp_code(r) {
            Ok((rest, code)) => (Some(code), rest.strip_prefix(b" ").unwrap_or(rest)),
            Err(_) => (None, r),
        },
        _ => (None, r),
    };
    let (r, text) = text_to_eol(r)?;
    Ok((
        r,
        Response::Continuation(Continuation {
            code,
            text: Cow::Borrowed(text),
        }),
    ))
}

fn tagged(i: &[u8]) -> Res<'_, Response<'_>> {
    let n = i
        .iter()
        .position(|&b| CHARS[b as usize] & ASTRING_STOP != 0 || b == b'+')
        .unwrap_or(i.len());
    if n == 0 {
        return fail(i, "expected a tag");
    }
    let (tag, r) = i.split_at(n);
    let (r, ()) = sp(r)?;
    let (r, k) = atom(r)?;
    let kind = match status_kind(k) {
        Some(k @ (StatusKind::Ok | StatusKind::No | StatusKind::Bad)) => k,
        _ => return fail(r, "expected OK, NO or BAD"),
    };
    let (r, status) = status_rest(r, kind)?;
    Ok((
        r,
        Response::Tagged {
            tag: Cow::Borrowed(tag),
            status,
        },
    ))
}

fn status_kind(k: &[u8]) -> Option<StatusKind> {
    let eq = |s: &[u8]| keyword_eq(k, s);
    if eq(b"OK") {
        Some(StatusKind::Ok)
    } else if eq(b"NO") {
        Some(StatusKind::No)
    } else if eq(b"BAD") {
        Some(StatusKind::Bad)
    } else if eq(b"PREAUTH") {
        Some(StatusKind::PreAuth)
    } else if eq(b"BYE") {
        Some(StatusKind::Bye)
    } else {
        None
    }
}

/// After the status keyword: `[SP ["[" code "]" SP] text] CRLF`.
fn status_rest(i: &[u8], kind: StatusKind) -> Res<'_, StatusResponse<'_>> {
    if at_eol(i) {
        log::debug!(target: LOG, "quirk: status response without text");
        let (r, ()) = crlf(i)?;
        return Ok((
            r,
            StatusResponse {
                kind,
                code: None,
                text: Cow::Borrowed(&[][..]),
            },
        ));
    }
    let (r, ()) = sp(i)?;
    let (r, code) = match r.first() {
        Some(b'[') => match resp_code(r) {
            Ok((r, code)) => (r.strip_prefix(b" ").unwrap_or(r), Some(code)),
            // `resp-text` may start with `[` and be no code at all
            // (`NO [Can't open mailbox`): all of it is the text, as for a
            // continuation, instead of a parse error that would end the
            // session on a command's own completion.
            Err(_) => {
                log::debug!(target: LOG, "quirk: status text starts with '[' but holds no code");
                (r, None)
            }
        },
        _ => (r, None),
    };
    let (r, text) = text_to_eol(r)?;
    Ok((
        r,
        StatusResponse {
            kind,
            code,
            text: Cow::Borrowed(text),
        },
    ))
}

/// `[code args]`, the brackets included.
fn resp_code(i: &[u8]) -> Res<'_, ResponseCode<'_>> {
    let (r, ()) = byte(i, b'[')?;
    let (r, name) = atom(r)?;
    match known_code(name, r) {
        // Spaces before `]` (`[UIDNEXT 5 ]`) as a quirk, as elsewhere.
        Ok((r2, code)) => match byte(skip_spaces(r2), b']') {
            Ok((r3, ())) => return Ok((r3, code)),
            Err(_) => log::debug!(target: LOG, "quirk: malformed response code kept raw"),
        },
        Err(_) => log::debug!(target: LOG, "quirk: malformed response code kept raw"),
    }
    // Unknown (or malformed) code: keep it raw up to `]`.
    let Some(k) = memchr::memchr(b']', r) else {
        return fail(r, "unterminated response code");
    };
    let args = &r[..k];
    if memchr::memchr(b'\n', args).is_some() {
        return fail(r, "unterminated response code");
    }
    let args = args.strip_prefix(b" ").unwrap_or(args);
    Ok((
        &r[k + 1..],
        ResponseCode::Other {
            name: Cow::Borrowed(name),
            args: if args.is_empty() {
                None
            } else {
                Some(Cow::Borrowed(args))
            },
        },
    ))
}

fn known_code<'a>(name: &'a [u8], r: &'a [u8]) -> Res<'a, ResponseCode<'a>> {
    let eq = |s: &[u8]| keyword_eq(name, s);
    let num = |r| preceded(sp, number_u32).parse(r);
    Ok(if eq(b"ALERT") {
        (r, ResponseCode::Alert)
    } else if eq(b"PARSE") {
        (r, ResponseCode::Parse)
    } else if eq(b"READ-ONLY") {
        (r, ResponseCode::ReadOnly)
    } else if eq(b"READ-WRITE") {
        (r, ResponseCode::ReadWrite)
    } else if eq(b"TRYCREATE") {
        (r, ResponseCode::TryCreate)
    } else if eq(b"NOMODSEQ") {
        (r, ResponseCode::NoModSeq)
    } else if eq(b"CLOSED") {
        (r, ResponseCode::Closed)
    } else if eq(b"AUTHENTICATIONFAILED") {
        (r, ResponseCode::AuthenticationFailed)
    } else if eq(b"OVERQUOTA") {
        (r, ResponseCode::OverQuota)
    } else if eq(b"BADCHARSET") {
        let (r, v) = opt(preceded(sp, |i| paren_list(i, 4, astring))).parse(r)?;
        (r, ResponseCode::BadCharset(v.unwrap_or_default()))
    } else if eq(b"CAPABILITY") {
        let mut out = Vec::with_capacity(16);
        let mut r = r;
        while let Ok((r2, ())) = sp(r) {
            let Ok((r3, a)) = atom(r2) else { break };
            out.push(Cow::Borrowed(a));
            r = r3;
        }
        (r, ResponseCode::Capability(out))
    } else if eq(b"PERMANENTFLAGS") {
        let (r, v) = preceded(sp, flag_list).parse(r)?;
        (r, ResponseCode::PermanentFlags(v))
    } else if eq(b"UIDNEXT") {
        let (r, n) = num(r)?;
        (r, ResponseCode::UidNext(n))
    } else if eq(b"UIDVALIDITY") {
        let (r, n) = num(r)?;
        (r, ResponseCode::UidValidity(n))
    } else if eq(b"UNSEEN") {
        let (r, n) = num(r)?;
        (r, ResponseCode::Unseen(n))
    } else if eq(b"APPENDUID") {
        let (r, (uid_validity, uids)) =
            (preceded(sp, number_u32), preceded(sp, id_set)).parse(r)?;
        (r, ResponseCode::AppendUid { uid_validity, uids })
    } else if eq(b"COPYUID") {
        let (r, (uid_validity, source, dest)) = (
            preceded(sp, number_u32),
            preceded(sp, id_set),
            preceded(sp, id_set),
        )
            .parse(r)?;
        (
            r,
            ResponseCode::CopyUid {
                uid_validity,
                source,
                dest,
            },
        )
    } else if eq(b"HIGHESTMODSEQ") {
        let (r, n) = preceded(sp, number_u64).parse(r)?;
        (r, ResponseCode::HighestModSeq(n))
    } else if eq(b"MAILBOXID") {
        // Anything but an object id (Cyrus 3.6 sends a pointer's bytes in
        // STATUS) is kept raw.
        let (r, ()) = sp(r)?;
        let (r, id) = objectid_in_parens(r, name, "MAILBOXID is not an object id")?;
        (r, ResponseCode::MailboxId(Cow::Borrowed(id)))
    } else if eq(b"MODIFIED") {
        let (r, v) = preceded(sp, id_set).parse(r)?;
        (r, ResponseCode::Modified(v))
    } else {
        return fail(name, "unknown response code");
    })
}

/// The raw body of an untagged response: after `* `, before the line end.
fn raw_untagged(i: &[u8]) -> Res<'_, Untagged<'_>> {
    let body = i.strip_suffix(b"\n").unwrap_or(i);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    Ok((&i[i.len()..], Untagged::Other(Cow::Borrowed(body))))
}

fn untagged(i: &[u8], depth: usize) -> Res<'_, Untagged<'_>> {
    let (r, ()) = byte(i, b'*')?;
    let (r, ()) = sp(r)?;
    let whole = r;
    if r.first().is_some_and(u8::is_ascii_digit) {
        let (r2, n) = number_u32(r)?;
        let (r2, ()) = sp(r2)?;
        let (r2, kw) = atom(r2)?;
        let eq = |s: &[u8]| keyword_eq(kw, s);
        return if eq(b"FETCH") {
            let (r2, ()) = sp(r2)?;
            let (r2, items) = fetch::fetch_list(r2, depth)?;
            let (r2, ()) = crlf(r2)?;
            Ok((r2, Untagged::Fetch { seq: n, items }))
        } else if eq(b"EXISTS") {
            crlf(r2).map(|(r, ())| (r, Untagged::Exists(n)))
        } else if eq(b"RECENT") {
            crlf(r2).map(|(r, ())| (r, Untagged::Recent(n)))
        } else if eq(b"EXPUNGE") {
            crlf(r2).map(|(r, ())| (r, Untagged::Expunge(n)))
        } else {
            raw_untagged(whole)
        };
    }
    let (r, kw) = atom(r)?;
    if let Some(kind) = status_kind(kw) {
        let (r, s) = status_rest(r, kind)?;
        return Ok((r, Untagged::Status(s)));
    }
    let eq = |s: &[u8]| keyword_eq(kw, s);
    let (r, u) = if eq(b"CAPABILITY") {
        let (r, v) = atoms_to_eol(r)?;
        (r, Untagged::Capability(v))
    } else if eq(b"LIST") {
        let (r, l) = list_item(r)?;
        (r, Untagged::List(l))
    } else if eq(b"LSUB") {
        let (r, l) = list_item(r)?;
        (r, Untagged::Lsub(l))
    } else if eq(b"XLIST") {
        let (r, l) = list_item(r)?;
        (r, Untagged::Xlist(l))
    } else if eq(b"STATUS") {
        let (r, s) = mailbox_status(r)?;
        (r, Untagged::MailboxStatus(s))
    } else if eq(b"SEARCH") {
        let (r, (ids, modseq)) = id_list(r, true)?;
        (r, Untagged::Search { ids, modseq })
    } else if eq(b"SORT") {
        let (r, (ids, _)) = id_list(r, true)?;
        (r, Untagged::Sort(ids))
    } else if eq(b"ESEARCH") {
        let (r, e) = esearch(r)?;
        (r, Untagged::ESearch(e))
    } else if eq(b"THREAD") {
        let (r, t) = thread(r, depth)?;
        (r, Untagged::Thread(t))
    } else if eq(b"FLAGS") {
        let (r, v) = preceded(sp, flag_list).parse(r)?;
        (r, Untagged::Flags(v))
    } else if eq(b"VANISHED") {
        let (r, earlier) = opt(preceded(sp, tag_no_case(&b"(EARLIER)"[..]))).parse(r)?;
        let (r, uids) = preceded(sp, id_set).parse(r)?;
        (
            r,
            Untagged::Vanished {
                earlier: earlier.is_some(),
                uids,
            },
        )
    } else if eq(b"NAMESPACE") {
        let (r, (personal, other, shared)) = (
            preceded(sp, namespace_list),
            preceded(sp, namespace_list),
            preceded(sp, namespace_list),
        )
            .parse(r)?;
        (
            r,
            Untagged::Namespace(Namespaces {
                personal,
                other,
                shared,
            }),
        )
    } else if eq(b"ID") {
        let (r, ()) = sp(r)?;
        match nil(r) {
            Some(r) => (r, Untagged::Id(None)),
            None => {
                let mut pairs = Vec::with_capacity(8);
                let (r, ()) = byte(r, b'(')?;
                let mut r = skip_spaces(r);
                while r.first() != Some(&b')') {
                    let (r2, kv) = separated_pair(string, sp, nstring).parse(r)?;
                    pairs.push(kv);
                    r = skip_spaces(r2);
                }
                (&r[1..], Untagged::Id(Some(pairs)))
            }
        }
    } else if eq(b"ENABLED") {
        let (r, v) = atoms_to_eol(r)?;
        (r, Untagged::Enabled(v))
    } else if eq(b"QUOTA") {
        let (r, root) = preceded(sp, astring).parse(r)?;
        let (r, resources) = preceded(sp, |i| {
            paren_list(i, 2, |i| {
                let (r, (name, usage, limit)) = (
                    astring_atom,
                    preceded(sp, number_u64),
                    preceded(sp, number_u64),
                )
                    .parse(i)?;
                Ok((
                    r,
                    QuotaResource {
                        name: Cow::Borrowed(name),
                        usage,
                        limit,
                    },
                ))
            })
        })
        .parse(r)?;
        (r, Untagged::Quota { root, resources })
    } else if eq(b"QUOTAROOT") {
        let (mut r, mailbox) = preceded(sp, astring).parse(r)?;
        let mut roots = Vec::new();
        while !at_eol(r) {
            let (r2, root) = preceded(sp, astring).parse(r)?;
            roots.push(root);
            r = r2;
        }
        (r, Untagged::QuotaRoot { mailbox, roots })
    } else if eq(b"ACL") {
        let (mut r, mailbox) = preceded(sp, astring).parse(r)?;
        let mut entries = Vec::new();
        while !at_eol(r) {
            let (r2, e) = (preceded(sp, astring), preceded(sp, astring)).parse(r)?;
            entries.push(e);
            r = r2;
        }
        (r, Untagged::Acl { mailbox, entries })
    } else if eq(b"MYRIGHTS") {
        let (r, (mailbox, rights)) = (preceded(sp, astring), preceded(sp, astring)).parse(r)?;
        (r, Untagged::MyRights { mailbox, rights })
    } else if eq(b"METADATA") {
        let (r, mailbox) = preceded(sp, astring).parse(r)?;
        let (r, ()) = sp(r)?;
        let mut values = Vec::new();
        let mut changed = Vec::new();
        let r = if r.first() == Some(&b'(') {
            // entry-values: (entry value ...), value = nstring / literal8.
            let mut r = skip_spaces(&r[1..]);
            while r.first() != Some(&b')') {
                let (r2, kv) = separated_pair(astring, sp, nstring).parse(r)?;
                values.push(kv);
                r = skip_spaces(r2);
            }
            &r[1..]
        } else {
            // entry-list (unsolicited): entry *(SP entry).
            let (mut r, first) = astring(r)?;
            changed.push(first);
            while !at_eol(r) {
                let (r2, e) = preceded(sp, astring).parse(r)?;
                changed.push(e);
                r = r2;
            }
            r
        };
        (
            r,
            Untagged::Metadata {
                mailbox,
                values,
                changed,
            },
        )
    } else {
        return raw_untagged(whole);
    };
    let (r, ()) = crlf(r)?;
    Ok((r, u))
}

/// The body of a LIST, LSUB or XLIST reply (they share the grammar).
fn list_item(i: &[u8]) -> Res<'_, ListItem<'_>> {
    let (r, attributes) = preceded(sp, |i| {
        paren_list(i, 4, |i| {
            astring_atom(i).map(|(r, a)| (r, Cow::Borrowed(a)))
        })
    })
    .parse(i)?;
    let (r, ()) = sp(r)?;
    let (r, delimiter) = delimiter(r)?;
    let (r, mailbox) = preceded(sp, astring).parse(r)?;
    let mut childinfo = Vec::new();
    let mut old_name = None;
    let r = match r {
        [b' ', b'(', ..] => {
            // RFC 5258 extended data: (name value ...).
            let (mut r, ()) = byte(&r[1..], b'(')?;
            loop {
                r = skip_spaces(r);
                if let Some(rest) = r.strip_prefix(b")") {
                    break rest;
                }
                let (r2, name) = astring(r)?;
                let (r2, ()) = sp(r2)?;
                if keyword_eq(&name, b"CHILDINFO") {
                    let (r3, v) = paren_list(r2, 1, astring)?;
                    childinfo.extend(v);
                    r = r3;
                } else if keyword_eq(&name, b"OLDNAME") {
                    let (r3, v) = paren_list(r2, 1, astring)?;
                    old_name = v.into_iter().next();
                    r = r3;
                } else {
                    let (r3, _) = skip_value(r2, DEFAULT_MAX_DEPTH)?;
                    r = r3;
                }
            }
        }
        _ => r,
    };
    Ok((
        r,
        ListItem {
            attributes,
            delimiter,
            mailbox,
            childinfo,
            old_name,
        },
    ))
}

/// A hierarchy delimiter: a one-character quoted string, or NIL.
fn delimiter(i: &[u8]) -> Res<'_, Option<u8>> {
    if let Some(r) = nil(i) {
        return Ok((r, None));
    }
    let (r, s) = quoted(i)?;
    match s.as_ref() {
        [c] => Ok((r, Some(*c))),
        [] => {
            log::debug!(target: LOG, "quirk: empty delimiter read as NIL");
            Ok((r, None))
        }
        _ => fail(i, "delimiter longer than one character"),
    }
}

fn mailbox_status(i: &[u8]) -> Res<'_, MailboxStatus<'_>> {
    let (r, mailbox) = preceded(sp, astring).parse(i)?;
    let mut st = MailboxStatus {
        mailbox,
        ..Default::default()
    };
    let (r, ()) = sp(r)?;
    let (r, pairs) = paren_list(r, 8, status_pair)?;
    for (name, v) in pairs {
        let eq = |s: &[u8]| keyword_eq(name, s);
        let v = match v {
            StatusValue::Number(v) => v,
            StatusValue::MailboxId(id) => {
                st.mailbox_id = Some(Cow::Borrowed(id));
                continue;
            }
            StatusValue::None => continue,
        };
        let small = || u32::try_from(v).ok();
        let slot = if eq(b"MESSAGES") {
            &mut st.messages
        } else if eq(b"RECENT") {
            &mut st.recent
        } else if eq(b"UIDNEXT") {
            &mut st.uid_next
        } else if eq(b"UIDVALIDITY") {
            &mut st.uid_validity
        } else if eq(b"UNSEEN") {
            &mut st.unseen
        } else if eq(b"DELETED") {
            &mut st.deleted
        } else if eq(b"HIGHESTMODSEQ") {
            st.highest_modseq = Some(v);
            continue;
        } else if eq(b"SIZE") {
            st.size = Some(v);
            continue;
        } else {
            st.other.push((Cow::Borrowed(name), v));
            continue;
        };
        match small() {
            Some(n) => *slot = Some(n),
            None => return fail(r, "STATUS value too large"),
        }
    }
    Ok((r, st))
}

/// The value of one STATUS item, as `status_pair` reads it.
enum StatusValue<'a> {
    Number(u64),
    /// RFC 8474 `MAILBOXID (objectid)`.
    MailboxId(&'a [u8]),
    /// `NIL` (RFC 7889 `APPENDLIMIT NIL`: no limit), a MAILBOXID that is
    /// no object id, or a parenthesized value of an item this model has no
    /// field for: skipped, the other items kept.
    None,
}

/// `name SP value` of a STATUS answer: a number for the RFC 3501 / 9051
/// items, `NIL` or a parenthesized value for some extensions'.
fn status_pair(i: &[u8]) -> Res<'_, (&[u8], StatusValue<'_>)> {
    let (r, name) = atom(i)?;
    let (r, ()) = sp(r)?;
    if let Some(rest) = nil(r) {
        return Ok((rest, (name, StatusValue::None)));
    }
    match r.first() {
        Some(b'(') if keyword_eq(name, b"MAILBOXID") => {
            match objectid_in_parens(r, name, "MAILBOXID is not an object id") {
                Ok((r, id)) => Ok((r, (name, StatusValue::MailboxId(id)))),
                Err(_) => {
                    // Cyrus 3.6 sends a pointer's bytes here.
                    log::debug!(target: LOG, "quirk: STATUS MAILBOXID is not an object id");
                    let (r, _) = skip_value(r, DEFAULT_MAX_DEPTH)?;
                    Ok((r, (name, StatusValue::None)))
                }
            }
        }
        Some(b'(') => {
            let (r, _) = skip_value(r, DEFAULT_MAX_DEPTH)?;
            Ok((r, (name, StatusValue::None)))
        }
        _ => {
            let (r, v) = number_u64(r)?;
            Ok((r, (name, StatusValue::Number(v))))
        }
    }
}

/// SEARCH / SORT: ` n n n [(MODSEQ m)]` up to the line end.
fn id_list(i: &[u8], modseq_ok: bool) -> Res<'_, (Vec<u32>, Option<u64>)> {
    // About one id per 6 bytes in large replies; a hint, not a limit.
    let mut ids = Vec::with_capacity(i.len() / 6);
    let mut modseq = None;
    let mut i = i;
    loop {
        if at_eol(i) {
            return Ok((i, (ids, modseq)));
        }
        let r = match i {
            [b' ', b'0'..=b'9', ..] => &i[1..],
            _ => {
                let (r, ()) = sp(i)?;
                if at_eol(r) {
                    log::debug!(target: LOG, "quirk: trailing space");
                    i = r;
                    continue;
                }
                r
            }
        };
        if r.first() == Some(&b'(') && modseq_ok {
            let (r, m) =
                delimited(tag_no_case(&b"(MODSEQ "[..]), number_u64, byte_p(b')')).parse(r)?;
            modseq = Some(m);
            i = r;
            continue;
        }
        let (r, n) = number_u32(r)?;
        ids.push(n);
        i = r;
    }
}

/// `byte` as a nom parser.
pub(crate) fn byte_p<'a>(c: u8) -> impl Fn(&'a [u8]) -> Res<'a, ()> {
    move |i| byte(i, c)
}

fn esearch(i: &[u8]) -> Res<'_, ESearch<'_>> {
    let mut e = ESearch::default();
    let mut r = i;
    if let [b' ', b'(', ..] = r {
        // RFC 9051: `"(" "TAG" SP tag-string ")"`, `tag-string = astring`
        // (RFC 4731 had `string`); RFC 7377's MULTISEARCH adds `MAILBOX`
        // and `UIDVALIDITY` pairs, which this client does not ask for:
        // skipped.
        let (r2, t) = preceded(
            (byte_p(b' '), byte_p(b'('), tag_no_case(&b"TAG "[..])),
            astring,
        )
        .parse(r)?;
        let mut r2 = r2;
        while let [b' ', ..] = r2 {
            let (r3, _) = (sp, atom, sp, astring).parse(r2)?;
            r2 = r3;
        }
        let (r2, ()) = byte(r2, b')')?;
        e.tag = Some(t);
        r = r2;
    }
    while !at_eol(r) {
        let (r2, ()) = sp(r)?;
        if at_eol(r2) {
            log::debug!(target: LOG, "quirk: trailing space");
            r = r2;
            break;
        }
        let (r2, name) = atom(r2)?;
        let eq = |s: &[u8]| keyword_eq(name, s);
        if eq(b"UID") {
            e.uid = true;
            r = r2;
            continue;
        }
        let (r2, ()) = sp(r2)?;
        r = if eq(b"MIN") {
            let (r3, n) = number_u32(r2)?;
            e.min = Some(n);
            r3
        } else if eq(b"MAX") {
            let (r3, n) = number_u32(r2)?;
            e.max = Some(n);
            r3
        } else if eq(b"COUNT") {
            let (r3, n) = number_u32(r2)?;
            e.count = Some(n);
            r3
        } else if eq(b"ALL") {
            let (r3, v) = id_set(r2)?;
            e.all = Some(v);
            r3
        } else if eq(b"MODSEQ") {
            let (r3, n) = number_u64(r2)?;
            e.modseq = Some(n);
            r3
        } else {
            let (r3, v) = skip_value(r2, DEFAULT_MAX_DEPTH)?;
            e.other.push((Cow::Borrowed(name), Cow::Borrowed(v)));
            r3
        };
    }
    Ok((r, e))
}

fn thread(i: &[u8], depth: usize) -> Res<'_, Vec<ThreadNode>> {
    let mut out = Vec::new();
    let mut r = i.strip_prefix(b" ").unwrap_or(i);
    while r.first() == Some(&b'(') {
        let (r2, (t, _)) = thread_list(r, depth)?;
        out.push(t);
        r = r2;
    }
    Ok((r, out))
}

/// `( members [nested] )` or `( nested )`; `budget` bounds the recursion.
/// Also returns the height of the tree built.
fn thread_list(i: &[u8], budget: usize) -> Res<'_, (ThreadNode, usize)> {
    if budget == 0 {
        return fail(i, "nesting too deep");
    }
    let (mut r, ()) = byte(i, b'(')?;
    let mut ids = Vec::new();
    let mut nested = Vec::new();
    let mut below = 0;
    loop {
        r = skip_spaces(r);
        match r.first() {
            Some(b')') => {
                r = &r[1..];
                break;
            }
            Some(b'(') => {
                let (r2, (t, h)) = thread_list(r, budget - 1)?;
                below = below.max(h);
                nested.push(t);
                r = r2;
            }
            _ if nested.is_empty() => {
                let (r2, n) = number_u32(r)?;
                ids.push(n);
                r = r2;
            }
            _ => return fail(r, "expected '(' or ')'"),
        }
    }
    let height = ids.len().max(1) + below;
    if height > MAX_THREAD_CHAIN {
        return fail(i, "thread chain too long");
    }
    // `(1 2 (3)(4))`: 1 -> 2 -> {3, 4}; `((3)(5))`: dummy -> {3, 5}.
    let mut node = ThreadNode {
        id: None,
        children: nested,
    };
    let mut first = true;
    for id in ids.into_iter().rev() {
        node = if first {
            ThreadNode {
                id: Some(id),
                children: node.children,
            }
        } else {
            ThreadNode {
                id: Some(id),
                children: vec![node],
            }
        };
        first = false;
    }
    Ok((r, (node, height)))
}

fn namespace_list(i: &[u8]) -> Res<'_, Vec<NamespaceDesc<'_>>> {
    if let Some(r) = nil(i) {
        return Ok((r, Vec::new()));
    }
    let (mut r, ()) = byte(i, b'(')?;
    let mut out = Vec::with_capacity(1);
    loop {
        r = skip_spaces(r);
        if let Some(rest) = r.strip_prefix(b")") {
            return Ok((rest, out));
        }
        let (r2, ()) = byte(r, b'(')?;
        let (r2, prefix) = string(r2)?;
        let (r2, ()) = sp(r2)?;
        let (mut r2, delimiter) = delimiter(r2)?;
        // Extensions: SP string SP (strings).
        while r2.first() == Some(&b' ') {
            let (r3, _) = skip_value(skip_spaces(r2), DEFAULT_MAX_DEPTH)?;
            r2 = r3;
        }
        let (r2, ()) = byte(r2, b')')?;
        out.push(NamespaceDesc { prefix, delimiter });
        r = r2;
    }
}

/// Skip one balanced value (atom, number, string, literal or parenthesised
/// list) without recursion; returns its raw bytes.
pub(crate) fn skip_value(i: &[u8], budget: usize) -> Res<'_, &[u8]> {
    let r = match i.first() {
        Some(b'"') => quoted(i)?.0,
        Some(b'{') => literal(i)?.0,
        Some(b'~') if i.get(1) == Some(&b'{') => literal(i)?.0,
        Some(b'(') => {
            let mut depth = 0usize;
            let mut r = i;
            loop {
                match r.first() {
                    Some(b'(') => {
                        depth += 1;
                        if depth > budget {
                            return fail(r, "nesting too deep");
                        }
                        r = &r[1..];
                    }
                    Some(b')') => {
                        depth -= 1;
                        r = &r[1..];
                        if depth == 0 {
                            break r;
                        }
                    }
                    Some(b'"') => r = quoted(r)?.0,
                    Some(b'{') => r = literal(r)?.0,
                    Some(b'~') if r.get(1) == Some(&b'{') => r = literal(r)?.0,
                    Some(b'\r') | Some(b'\n') | None => return fail(r, "unterminated list"),
                    Some(_) => r = &r[1..],
                }
            }
        }
        _ => {
            // Atom-like: up to SP, ')' or the line end; brackets allowed.
            let n = i
                .iter()
                .position(|&b| matches!(b, b' ' | b')' | b'(' | b'\r' | b'\n'))
                .unwrap_or(i.len());
            if n == 0 {
                return fail(i, "expected a value");
            }
            &i[n..]
        }
    };
    Ok((r, &i[..i.len() - r.len()]))
}
