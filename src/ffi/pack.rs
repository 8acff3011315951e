//! A FETCH message flattened into one buffer ("pack"): every string of it
//! NUL-terminated, in one allocation. The C views of a message (envelope,
//! addresses, body structure, flags) point into it instead of owning a
//! `CString` each, and language bindings read the whole message with one
//! call (`imapc_message_pack`) instead of one call per field.
//!
//! The format is documented on `imapc_message_pack` (message.rs), so that
//! it is in the header.
//!

use std::os::raw::c_char;

use std::cell::Cell;
use std::ops::Range;

use super::message::IMAPC_PACK_VERSION;
use crate::client::{Address, DateTime, Envelope, Message, Withheld};
use crate::proto::mime;
use crate::proto::types::{self as pt, BodyPart, Bytes};

const ABSENT: u32 = u32::MAX;

/// Flatten a message into a buffer of its own.
pub(crate) fn pack_message(m: &Message) -> Vec<u8> {
    // A header-sync message (envelope and body structure) packs to 1 to
    // 2.5 KiB, one with neither to a few dozen bytes.
    let cap = 128
        + if m.envelope.is_some() { 768 } else { 0 }
        + if m.body_structure.is_some() { 1152 } else { 0 };
    let mut buf = Vec::with_capacity(cap);
    pack_into(&mut buf, m);
    buf.shrink_to_fit();
    buf
}

/// Append the pack of `m` to `buf` (a list packs all its messages into one
/// buffer: no allocation per message).
pub(crate) fn pack_into(buf: &mut Vec<u8>, m: &Message) {
    let mut p = Packer::new(buf);
    p.head(m, None);
    let envelope = m.envelope.as_deref().map_or(Item::Absent, Item::Parsed);
    p.segment(0, envelope, Packer::envelope);
    let body = m
        .body_structure
        .as_deref()
        .map_or(Item::Absent, Item::Parsed);
    p.segment(0, body, Packer::body);
}

/// The envelope or the body structure of a message being packed.
pub(crate) enum Item<'p, T> {
    Absent,
    /// To pack now (as parsed, or from the owned message).
    Parsed(&'p T),
    /// Packed before (the segment of an earlier pack of the message).
    Packed(&'p [u8]),
}

/// Where the envelope and body structure segments lie in a pack (offsets
/// from its start; empty when absent), so that a later response for the
/// same message can repack it without them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Segments {
    pub(crate) envelope: Range<usize>,
    pub(crate) body: Range<usize>,
}

/// Append the pack of `m` with its envelope and body structure taken from
/// `envelope` and `body` instead of from `m` (whose own are ignored), and
/// its flags from `flags` when given: the C ABI packs them straight from
/// the parsed response, without the owned copy of every field the Rust API
/// builds. The bytes are the same as `pack_into` writes for the message
/// with those items merged.
pub(crate) fn pack_parsed(
    buf: &mut Vec<u8>,
    m: &Message,
    flags: Option<&[pt::Flag<'_>]>,
    envelope: Item<'_, pt::Envelope<'_>>,
    body: Item<'_, BodyPart<'_>>,
) -> Segments {
    let base = buf.len();
    let mut p = Packer::new(buf);
    p.head(m, flags);
    let envelope = p.segment(base, envelope, Packer::envelope_parsed);
    let body = p.segment(base, body, Packer::body);
    Segments { envelope, body }
}

/// Append the pack of streamed message `m`, whose flags, envelope and
/// body structure were withheld from it (`fetch_stream_parsed`), from the
/// parse.
pub(crate) fn pack_withheld(buf: &mut Vec<u8>, m: &Message, w: Withheld<'_, '_>) -> Segments {
    let env = w.envelope.map_or(Item::Absent, Item::Parsed);
    let body = w.body.map_or(Item::Absent, Item::Parsed);
    pack_parsed(buf, m, w.flags, env, body)
}

impl Packer<'_> {
    /// An optional item's presence byte, then the item: written by
    /// `write`, or copied as packed before. Returns where its bytes lie,
    /// from `base`.
    fn segment<T>(
        &mut self,
        base: usize,
        item: Item<'_, T>,
        write: impl FnOnce(&mut Self, &T),
    ) -> Range<usize> {
        self.u8(u8::from(!matches!(item, Item::Absent)));
        let start = self.buf.len();
        match item {
            Item::Absent => {}
            Item::Parsed(x) => write(self, x),
            Item::Packed(b) => self.buf.extend_from_slice(b),
        }
        start - base..self.buf.len() - base
    }

    /// Everything before the envelope; the flags from `flags` when given,
    /// else from `m`.
    fn head(&mut self, m: &Message, flags: Option<&[pt::Flag<'_>]>) {
        let p = self;
        p.u8(IMAPC_PACK_VERSION as u8);
        p.u32(m.seq);
        p.u32(m.uid.unwrap_or(0));
        p.u64(m.size.unwrap_or(0));
        p.date(m.internal_date);
        p.u64(m.modseq.unwrap_or(0));
        p.u64(m.gm_msgid.unwrap_or(0));
        p.u64(m.gm_thrid.unwrap_or(0));
        p.u32(len32(m.errors.len()));
        match flags {
            // As the owned path's flags (UTF-8, lossy) would be packed.
            Some(f) => {
                p.u32(len32(f.len()));
                for x in f {
                    p.bytes(x.as_bytes(), false);
                }
            }
            None => p.strs(m.flags.as_deref()),
        }
        p.strs(m.gm_labels.as_deref());
        p.opt(m.preview.as_deref());
        p.opt(m.email_id.as_deref());
        p.opt(m.thread_id.as_deref());
        p.u32(len32(m.sections.len()));
        for s in &m.sections {
            p.str(&s.name);
        }
        p.u32(len32(m.binary_sizes.len()));
        for (part, size) in &m.binary_sizes {
            p.str(part);
            p.u64(*size);
        }
    }

    /// A message's body structure, from its root.
    fn body(&mut self, b: &BodyPart<'_>) {
        // A single-part message's body is part 1; a multipart root has no
        // number of its own.
        self.number.clear();
        if !is_multipart(b) {
            self.number.push('1');
        }
        self.part(b);
    }
}

/// Append the decimal digits of `n` (no formatting machinery: this runs
/// for every body part).
fn push_number(s: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.extend(digits[i..].iter().map(|&d| char::from(d)));
}

/// Append `s` with its NUL bytes (which C strings cannot hold) replaced
/// by U+FFFD.
pub(crate) fn push_text(buf: &mut Vec<u8>, s: &[u8]) {
    if !s.contains(&0) {
        buf.extend_from_slice(s);
        return;
    }
    let mut pieces = s.split(|&b| b == 0);
    if let Some(first) = pieces.next() {
        buf.extend_from_slice(first);
    }
    for piece in pieces {
        buf.extend_from_slice("\u{FFFD}".as_bytes());
        buf.extend_from_slice(piece);
    }
}

/// Append `part` read as UTF-8 lossily, its NUL bytes replaced (one part
/// of `Packer::lossy_text`, for any bytes).
#[inline(never)]
fn lossy_part(buf: &mut Vec<u8>, part: &[u8]) {
    if part.is_ascii() || std::str::from_utf8(part).is_ok() {
        push_text(buf, part);
    } else {
        push_text(buf, String::from_utf8_lossy(part).as_bytes());
    }
}

fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(ABSENT - 1)
}

fn is_multipart(b: &BodyPart<'_>) -> bool {
    b.media_type.eq_ignore_ascii_case(b"multipart")
}

struct Packer<'a> {
    buf: &'a mut Vec<u8>,
    /// The part number of the part being written.
    number: String,
    /// Scratch space for decoding encoded words (`header_text`), reused
    /// for every field of the pack.
    text: String,
    pending: Vec<u8>,
}

thread_local! {
    /// A packer's buffers (`number`, `text`, `pending`), kept on each
    /// thread from one packer to the next: a packer writes one message, so
    /// buffers of its own were allocated and freed for every message.
    static SCRATCH: Cell<(String, String, Vec<u8>)> =
        const { Cell::new((String::new(), String::new(), Vec::new())) };
}

impl Drop for Packer<'_> {
    fn drop(&mut self) {
        // Back for the next packer, empty; an unusually large one (a huge
        // encoded header) is freed rather than kept by the thread.
        fn keep<T: Default>(capacity: usize, v: &mut T) -> T {
            if capacity <= 64 << 10 {
                std::mem::take(v)
            } else {
                T::default()
            }
        }
        self.number.clear();
        self.text.clear();
        self.pending.clear();
        SCRATCH.set((
            keep(self.number.capacity(), &mut self.number),
            keep(self.text.capacity(), &mut self.text),
            keep(self.pending.capacity(), &mut self.pending),
        ));
    }
}

/// Whether every byte of `b` is ASCII other than NUL (1..=0x7f): such
/// bytes are valid UTF-8 that a C string can hold as they are. Eight
/// bytes at a time: a byte outside 1..=0x7f sets its top bit in `x` (0x80
/// and up) or in `x - 1` (0, whose borrow may also mark the next byte:
/// that word fails either way, and no borrow arises without a 0 byte).
/// The bytes after the last whole word are tested as the word that ends
/// the string (overlapping bytes already tested), and a string shorter
/// than a word as two overlapping halves: a byte loop over the rest cost
/// more than the words (most fields are short).
fn clean_ascii(b: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    fn bad(w: &[u8]) -> bool {
        let x = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        (x | x.wrapping_sub(ONES)) & HIGH != 0
    }
    fn bad4(w: &[u8]) -> bool {
        let x = u32::from_le_bytes(w.try_into().unwrap_or([0; 4]));
        (x | x.wrapping_sub(ONES as u32)) & HIGH as u32 != 0
    }
    let n = b.len();
    if n >= 8 {
        let mut words = b.chunks_exact(8);
        if words.any(bad) {
            return false;
        }
        return words.remainder().is_empty() || !bad(&b[n - 8..]);
    }
    if n >= 4 {
        return !bad4(&b[..4]) && !bad4(&b[n - 4..]);
    }
    b.iter().all(|&c| c.wrapping_sub(1) < 0x7f)
}

/// The longest string `short_clean` takes.
const SHORT: usize = 32;
/// The size of `short_clean`'s output: room for the longest str it
/// writes (`SHORT` + 5), rounded up to whole 16-byte words.
const SHORT_OUT: usize = 48;

/// Write to `out` (all zeros) a str of at most `SHORT` bytes, all ASCII
/// other than NUL (as `clean_ascii`), as `Packer::bytes` packs it (its
/// length, its bytes lowercased when `lower`, a NUL: the zero after it);
/// false, `out` then not to be used, for any other string. The bytes are
/// moved as two overlapping words (of 16, 8 or 4 bytes, as the length
/// allows) that both test and copy them, each to a place of its own in the
/// result; a string under 4 bytes goes byte by byte.
#[inline(always)]
fn short_clean(b: &[u8], lower: bool, out: &mut [u8; SHORT_OUT]) -> bool {
    const ONES: u128 = u128::from_ne_bytes([0x01; 16]);
    const HIGH: u128 = u128::from_ne_bytes([0x80; 16]);
    // `x` holding `N` string bytes (upper bytes 0 when N < 16): are they
    // all in 1..=0x7f? As `clean_ascii`, over the first N bytes only.
    fn clean<const N: usize>(x: u128) -> bool {
        let mask = if N == 16 {
            HIGH
        } else {
            HIGH & ((1u128 << (8 * N)) - 1)
        };
        (x | x.wrapping_sub(ONES)) & mask == 0
    }
    // `x` with its bytes 'A'..='Z' lowercased (every byte below 0x80):
    // adding 0x80 - 'A' sets the top bit of bytes from 'A' on, adding
    // 0x7f - 'Z' that of bytes past 'Z', neither carrying out of its byte.
    fn lowered(x: u128) -> u128 {
        let from_a = x.wrapping_add(ONES * u128::from(0x80 - b'A'));
        let past_z = x.wrapping_add(ONES * u128::from(0x7f - b'Z'));
        x | ((from_a & !past_z & HIGH) >> 2)
    }
    fn word<const N: usize>(b: &[u8]) -> u128 {
        let mut w = [0u8; 16];
        w[..N].copy_from_slice(&b[..N]);
        u128::from_le_bytes(w)
    }
    fn put<const N: usize>(out: &mut [u8], x: u128) {
        out[..N].copy_from_slice(&x.to_le_bytes()[..N]);
    }
    fn pair<const N: usize>(b: &[u8], out: &mut [u8], lower: bool) -> bool {
        let n = b.len();
        let (mut head, mut tail) = (word::<N>(b), word::<N>(&b[n - N..]));
        if !clean::<N>(head) || !clean::<N>(tail) {
            return false;
        }
        if lower {
            (head, tail) = (lowered(head), lowered(tail));
        }
        put::<N>(&mut out[4..], head);
        put::<N>(&mut out[n + 4 - N..], tail);
        true
    }
    let n = b.len();
    out[..4].copy_from_slice(&(n as u32).to_le_bytes());
    match n {
        17..=SHORT => pair::<16>(b, out, lower),
        8..=16 => pair::<8>(b, out, lower),
        4..=7 => pair::<4>(b, out, lower),
        0..=3 => b.iter().zip(&mut out[4..]).all(|(&c, o)| {
            *o = if lower { c.to_ascii_lowercase() } else { c };
            c.wrapping_sub(1) < 0x7f
        }),
        _ => false,
    }
}

impl<'a> Packer<'a> {
    /// A packer appending to `buf`.
    fn new(buf: &'a mut Vec<u8>) -> Packer<'a> {
        let (number, text, pending) = SCRATCH.take();
        Packer {
            buf,
            number,
            text,
            pending,
        }
    }

    fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    fn date(&mut self, d: Option<DateTime>) {
        let (t, off) = d.map_or((0, 0), |d| (d.unix_timestamp(), d.offset_minutes));
        self.u8(u8::from(d.is_some()));
        self.buf.extend_from_slice(&t.to_le_bytes());
        self.buf.extend_from_slice(&off.to_le_bytes());
    }

    /// One str made of the concatenated `parts`.
    fn text(&mut self, parts: &[&str]) {
        let start = self.begin();
        for part in parts {
            push_text(self.buf, part.as_bytes());
        }
        self.end(start);
    }

    /// One str from text.
    fn str(&mut self, s: &str) {
        self.utf8(s.as_bytes());
    }

    /// One str from bytes known to be UTF-8.
    fn utf8(&mut self, b: &[u8]) {
        if b.contains(&0) {
            let start = self.begin();
            push_text(self.buf, b);
            return self.end(start);
        }
        self.clean(b);
    }

    /// One str from UTF-8 bytes without NUL, as they are.
    fn clean(&mut self, b: &[u8]) {
        self.buf.reserve(b.len() + 5);
        self.u32(len32(b.len()));
        self.buf.extend_from_slice(b);
        self.buf.push(0);
    }

    /// One str from bytes that should be UTF-8 (read lossily).
    fn bytes(&mut self, b: &[u8], lower: bool) {
        let mut s = [0u8; SHORT_OUT];
        if short_clean(b, lower, &mut s) {
            // The whole str at once, a fixed size that compiles to a few
            // stores (a slice of the string's own length was a `memcpy`
            // call); the zeros after its NUL are cut off again.
            let end = self.buf.len() + 5 + b.len();
            self.buf.extend_from_slice(&s);
            self.buf.truncate(end);
            return;
        }
        self.bytes_general(b, lower);
    }

    /// `bytes` for any string (what `short_clean` does not take); out of
    /// line, so that the short path's callers stay small.
    #[inline(never)]
    fn bytes_general(&mut self, b: &[u8], lower: bool) {
        let start = self.buf.len() + 4;
        // Most fields are short ASCII without NUL: one pass settles them,
        // instead of UTF-8 validation and a NUL search (both of which
        // showed in profiles, per call).
        if clean_ascii(b) {
            self.clean(b);
        } else if std::str::from_utf8(b).is_ok() {
            self.utf8(b);
        } else {
            self.str(&String::from_utf8_lossy(b));
        }
        if lower {
            let end = self.buf.len() - 1;
            self.buf[start..end].make_ascii_lowercase();
        }
    }

    /// Room for a str's length; returns where its bytes start.
    fn begin(&mut self) -> usize {
        self.u32(0);
        self.buf.len()
    }

    /// Fill in the length of the str started at `start`, add the NUL.
    fn end(&mut self, start: usize) {
        let len = len32(self.buf.len() - start).to_le_bytes();
        self.buf[start - 4..start].copy_from_slice(&len);
        self.buf.push(0);
    }

    fn opt(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.u32(ABSENT),
        }
    }

    fn opt_bytes(&mut self, b: Option<&[u8]>, lower: bool) {
        match b {
            Some(b) => self.bytes(b, lower),
            None => self.u32(ABSENT),
        }
    }

    fn strs<S: AsRef<str>>(&mut self, v: Option<&[S]>) {
        match v {
            Some(v) => {
                self.u32(len32(v.len()));
                for s in v {
                    self.str(s.as_ref());
                }
            }
            None => self.u32(ABSENT),
        }
    }

    /// MIME parameters: names in lower case (Cyrus sends `CHARSET`), so
    /// that C's `imapc_body_part_param_name` and Go's `Params` agree;
    /// values as sent.
    fn pairs(&mut self, v: &[(Bytes<'_>, Bytes<'_>)]) {
        self.u32(len32(v.len()));
        for (k, val) in v {
            self.bytes(k, true);
            self.bytes(val, false);
        }
    }

    fn addresses(&mut self, v: &[Address]) {
        self.u32(len32(v.len()));
        for a in v {
            self.opt(a.name.as_deref());
            self.opt(a.mailbox.as_deref());
            self.opt(a.host.as_deref());
            self.opt(a.route.as_deref());
            // As Address::email, without its allocation.
            let (m, h) = (a.mailbox.as_deref(), a.host.as_deref());
            let at = if h.is_some() { "@" } else { "" };
            self.text(&[m.unwrap_or_default(), at, h.unwrap_or_default()]);
        }
    }

    /// One str from the lossy UTF-8 reading of the concatenated `parts`
    /// (as `text` over each part read with `String::from_utf8_lossy`).
    fn lossy_text(&mut self, parts: &[&[u8]]) {
        let start = self.begin();
        for part in parts {
            // A short clean part (most mailboxes and hosts) as a fixed-size
            // write cut back, as in `bytes`: no memcpy call.
            let mut s = [0u8; SHORT_OUT];
            if short_clean(part, false, &mut s) {
                let end = self.buf.len() + part.len();
                self.buf.extend_from_slice(&s[4..4 + SHORT]);
                self.buf.truncate(end);
            } else {
                lossy_part(self.buf, part);
            }
        }
        self.end(start);
    }

    /// A subject or display name, RFC 2047 decoded (as `decode_header`,
    /// without its allocation for the usual plain text).
    fn header_text(&mut self, raw: Option<&[u8]>) {
        match raw {
            Some(r) if mime::is_plain_header(r) => self.bytes(r, false),
            Some(r) => {
                let mut text = std::mem::take(&mut self.text);
                text.clear();
                mime::decode_header_into(r, &mut text, &mut self.pending);
                self.str(&text);
                self.text = text;
            }
            None => self.u32(ABSENT),
        }
    }

    /// As `addresses` over `Envelope::from_proto`'s addresses.
    fn addresses_parsed(&mut self, v: &[pt::Address<'_>]) {
        self.u32(len32(v.len()));
        for a in v {
            self.header_text(a.name.as_deref());
            self.opt_bytes(a.mailbox.as_deref(), false);
            self.opt_bytes(a.host.as_deref(), false);
            self.opt_bytes(a.adl.as_deref(), false);
            let (m, h) = (a.mailbox.as_deref(), a.host.as_deref());
            let at: &[u8] = if h.is_some() { b"@" } else { b"" };
            self.lossy_text(&[m.unwrap_or_default(), at, h.unwrap_or_default()]);
        }
    }

    /// As `envelope` over `Envelope::from_proto(e)`, straight from the parse.
    fn envelope_parsed(&mut self, e: &pt::Envelope<'_>) {
        let date = e.date.as_deref();
        self.date(date.and_then(|d| crate::proto::dates::parse_rfc2822(d).ok()));
        self.opt_bytes(date, false);
        self.header_text(e.subject.as_deref());
        for list in e.lists() {
            self.addresses_parsed(list);
        }
        self.opt_bytes(e.in_reply_to.as_deref(), false);
        self.opt_bytes(e.message_id.as_deref(), false);
    }

    fn envelope(&mut self, e: &Envelope) {
        self.date(e.date);
        self.opt_bytes(e.date_raw.as_deref(), false);
        self.opt(e.subject.as_deref());
        for list in [&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc] {
            self.addresses(list);
        }
        self.opt(e.in_reply_to.as_deref());
        self.opt(e.message_id.as_deref());
    }

    /// A body part numbered `self.number`.
    fn part(&mut self, b: &BodyPart<'_>) {
        self.bytes(&b.media_type, true);
        self.bytes(&b.media_subtype, true);
        self.pairs(&b.params);
        self.opt_bytes(b.id.as_deref(), false);
        self.opt_bytes(b.description.as_deref(), false);
        self.opt_bytes(b.encoding.as_deref(), false);
        self.u64(b.size);
        self.u64(b.lines.unwrap_or(0));
        self.opt_bytes(b.disposition.as_ref().map(|d| &*d.kind), true);
        self.pairs(b.disposition.as_ref().map_or(&[], |d| &d.params[..]));
        self.opt_bytes(b.md5.as_deref(), false);
        self.opt_bytes(b.location.as_deref(), false);
        self.u32(len32(b.language.len()));
        for l in &b.language {
            self.bytes(l, false);
        }
        // The parts below extend this part's number in the same buffer,
        // which is cut back to it after each.
        let len = self.number.len();
        let number = std::mem::take(&mut self.number);
        self.str(&number);
        self.number = number;
        self.u32(len32(b.children.len()));
        for (i, c) in b.children.iter().enumerate() {
            self.number.truncate(len);
            if len > 0 {
                self.number.push('.');
            }
            push_number(&mut self.number, i + 1);
            self.part(c);
        }
        self.number.truncate(len);
        self.u8(u8::from(b.message.is_some()));
        if let Some(m) = &b.message {
            let (env, body) = &**m;
            self.envelope_parsed(env);
            // The enclosed body of part N is N.1 unless it is multipart,
            // whose parts are then N.1, N.2 ...
            if !is_multipart(body) {
                self.number.push_str(".1");
            }
            self.part(body);
            self.number.truncate(len);
        }
    }
}

/// A pointer to a NUL-terminated string inside a buffer that its owner
/// never changes while the pointer lives (a pack, or a string list's own
/// buffer). NULL for an absent string.
#[derive(Clone, Copy)]
pub(crate) struct CPtr(pub(crate) *const c_char);

// SAFETY: the pointed-to bytes are immutable and owned by the object that
// holds the CPtr, so sharing or sending it is as safe as sharing `&[u8]`.
unsafe impl Send for CPtr {}
// SAFETY: as above.
unsafe impl Sync for CPtr {}

impl CPtr {
    pub(crate) const NULL: CPtr = CPtr(std::ptr::null());

    /// The bytes before the NUL; empty for NULL.
    pub(crate) fn bytes(&self) -> &[u8] {
        if self.0.is_null() {
            return &[];
        }
        // SAFETY: non-NULL CPtrs point to NUL-terminated bytes that live as
        // long as the owner of `self`.
        unsafe { std::ffi::CStr::from_ptr(self.0) }.to_bytes()
    }
}

/// Where `Packer::head` writes each fixed field (after the version byte),
/// so that a getter reads only its own.
pub(crate) mod at {
    pub(crate) const SEQ: usize = 1;
    pub(crate) const UID: usize = SEQ + 4;
    pub(crate) const SIZE: usize = UID + 4;
    /// Presence byte, time (i64), offset (i32).
    pub(crate) const INTERNAL_DATE: usize = SIZE + 8;
    pub(crate) const MODSEQ: usize = INTERNAL_DATE + 13;
    pub(crate) const GM_MSGID: usize = MODSEQ + 8;
    pub(crate) const GM_THRID: usize = GM_MSGID + 8;
    pub(crate) const ERRORS: usize = GM_THRID + 8;
    /// Where the flags start.
    pub(crate) const END: usize = ERRORS + 4;
}

/// A pack's fixed fields, as `Packer::head` writes them: 0 (and no date)
/// for what was not fetched. All of them at once is for tests: a getter
/// reads its own field `at` its place.
#[cfg(test)]
pub(crate) struct Fixed {
    pub(crate) seq: u32,
    pub(crate) uid: u32,
    pub(crate) size: u64,
    pub(crate) internal_date: Option<(i64, i32)>,
    pub(crate) modseq: u64,
    pub(crate) gm_msgid: u64,
    pub(crate) gm_thrid: u64,
    pub(crate) errors: u32,
}

/// Reads a pack back. Out-of-range reads give zeros and absent strings
/// instead of panicking (a pack is only ever read by the code that wrote
/// it, so this is a guard, not a path).
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader from the start (for tests: the code reads a pack from
    /// one of `at`'s places).
    #[cfg(test)]
    pub(crate) fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }

    /// A reader from `pos` (one of `at`'s places).
    pub(crate) fn at(buf: &'a [u8], pos: usize) -> Reader<'a> {
        Reader { buf, pos }
    }

    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        if let Some(b) = self.buf.get(self.pos..self.pos + N) {
            out.copy_from_slice(b);
        }
        self.pos += N;
        out
    }

    pub(crate) fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }

    pub(crate) fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }

    pub(crate) fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }

    pub(crate) fn date(&mut self) -> Option<(i64, i32)> {
        let present = self.u8() != 0;
        let t = i64::from_le_bytes(self.take());
        let off = i32::from_le_bytes(self.take());
        present.then_some((t, off))
    }

    /// A str as a pointer into the pack (NULL when absent).
    pub(crate) fn str(&mut self) -> CPtr {
        let len = self.u32();
        if len == ABSENT {
            return CPtr::NULL;
        }
        let at = self.pos;
        self.pos += len as usize + 1;
        match self.buf.get(at..self.pos) {
            Some(s) if s.last() == Some(&0) => CPtr(s.as_ptr().cast()),
            _ => CPtr::NULL,
        }
    }

    /// The version byte and the fixed fields at the start of a pack, as
    /// `Packer::head` writes them: what comes before the flags.
    #[cfg(test)]
    pub(crate) fn fixed(&mut self) -> Fixed {
        self.u8();
        // Struct expressions evaluate in the order written: pack order.
        Fixed {
            seq: self.u32(),
            uid: self.u32(),
            size: self.u64(),
            internal_date: self.date(),
            modseq: self.u64(),
            gm_msgid: self.u64(),
            gm_thrid: self.u64(),
            errors: self.u32(),
        }
    }

    /// A count, bounded by what the rest of the pack could hold.
    pub(crate) fn count(&mut self) -> Option<usize> {
        let n = self.u32();
        (n != ABSENT).then(|| (n as usize).min(self.buf.len().saturating_sub(self.pos)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        let mut s = String::from("2.");
        push_number(&mut s, 0);
        push_number(&mut s, 10);
        push_number(&mut s, 12345);
        assert_eq!(s, "2.01012345");
    }

    /// The word-at-a-time test agrees with the byte test for every byte
    /// value at every place of strings of every length around a word (the
    /// borrow of a 0 byte must not hide a bad byte, nor flag a good one).
    #[test]
    fn clean_ascii_agrees_with_the_byte_test() {
        let slow = |b: &[u8]| b.iter().all(|&c| (1..=0x7f).contains(&c));
        for len in 1..=27 {
            for at in 0..len {
                for v in 0..=255u8 {
                    let mut b = vec![b'a'; len];
                    b[at] = v;
                    assert_eq!(clean_ascii(&b), slow(&b), "{b:?}");
                    // With a 0 or 0x80 just before: a borrow into `at`.
                    if at > 0 {
                        for w in [0u8, 1, 0x80] {
                            b[at - 1] = w;
                            assert_eq!(clean_ascii(&b), slow(&b), "{b:?}");
                        }
                    }
                }
            }
        }
        assert!(clean_ascii(b""));
    }

    /// The short-string path packs what the general one packs, for every
    /// byte value at every place of strings of every length up to past
    /// `SHORT`, lowered or not, with a 0 or 0x80 just before (a borrow).
    #[test]
    fn short_strings_pack_as_the_general_path() {
        fn both(b: &[u8], lower: bool) {
            let (mut fast, mut slow) = (vec![7u8], vec![7u8]);
            Packer::new(&mut fast).bytes(b, lower);
            Packer::new(&mut slow).bytes_general(b, lower);
            assert_eq!(fast, slow, "{b:?} lower={lower}");
        }
        let text = b"AbZz@[`{.-_09Qm\x7fM~aZ";
        for len in 0..=SHORT + 3 {
            let base: Vec<u8> = text.iter().cycle().take(len).copied().collect();
            for lower in [false, true] {
                both(&base, lower);
                for at in 0..len {
                    for v in 0..=255u8 {
                        let mut b = base.clone();
                        b[at] = v;
                        both(&b, lower);
                        if at > 0 {
                            for w in [0u8, 1, 0x80] {
                                b[at - 1] = w;
                                both(&b, lower);
                            }
                        }
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn short_strings_pack_as_the_general_path_random(
            // Mostly ASCII, so that most strings take the short path.
            b in proptest::collection::vec(mostly_ascii(), 0..48),
            lower: bool,
        ) {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            Packer::new(&mut fast).bytes(&b, lower);
            Packer::new(&mut slow).bytes_general(&b, lower);
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    /// Each fixed field read alone at its place (`at`) is what reading
    /// them all in order gives, with and without an internal date, and
    /// the flags start at `at::END`.
    #[test]
    fn fixed_fields_at_their_places() {
        use crate::client::ItemError;
        let error = ItemError {
            message: "bad".into(),
            raw: b"X".to_vec(),
        };
        for date in [None, Some(DateTime::from_unix(0x0123_4567_89ab, -150))] {
            let m = Message {
                seq: 0x0102_0304,
                uid: Some(0x0506_0708),
                size: Some(0x1112_1314_1516_1718),
                internal_date: date,
                modseq: Some(0x2122_2324_2526_2728),
                gm_msgid: Some(0x3132_3334_3536_3738),
                gm_thrid: Some(0x4142_4344_4546_4748),
                errors: vec![error.clone(), error.clone(), error.clone()],
                flags: Some(vec!["\\Seen".into()]),
                ..Message::default()
            };
            let pack = pack_message(&m);
            let f = Reader::new(&pack).fixed();
            assert_eq!(Reader::at(&pack, at::SEQ).u32(), f.seq);
            assert_eq!(Reader::at(&pack, at::UID).u32(), f.uid);
            assert_eq!(Reader::at(&pack, at::SIZE).u64(), f.size);
            assert_eq!(Reader::at(&pack, at::INTERNAL_DATE).date(), f.internal_date);
            assert_eq!(Reader::at(&pack, at::MODSEQ).u64(), f.modseq);
            assert_eq!(Reader::at(&pack, at::GM_MSGID).u64(), f.gm_msgid);
            assert_eq!(Reader::at(&pack, at::GM_THRID).u64(), f.gm_thrid);
            assert_eq!(Reader::at(&pack, at::ERRORS).u32(), f.errors);
            assert_eq!((f.seq, f.uid, f.errors), (0x0102_0304, 0x0506_0708, 3));
            assert_eq!(f.gm_thrid, 0x4142_4344_4546_4748);
            assert_eq!(f.internal_date.is_some(), date.is_some());
            let mut r = Reader::at(&pack, at::END);
            assert_eq!(r.count(), Some(1));
            assert_eq!(r.str().bytes(), b"\\Seen");
        }
        // A pack too short for the field: zeros, as the full read gives.
        assert_eq!(Reader::at(&[1, 2, 3], at::GM_THRID).u64(), 0);
        assert_eq!(Reader::at(&[1, 2, 3], at::INTERNAL_DATE).date(), None);
    }

    /// Bytes for the random tests: mostly printable ASCII (the short paths'
    /// strings), now and then any byte.
    fn mostly_ascii() -> impl proptest::strategy::Strategy<Value = u8> {
        proptest::prop_oneof![8 => 0x20u8..0x7f, 1 => proptest::prelude::any::<u8>()]
    }

    /// `lossy_text` of `parts` appended to `buf` by the general part path
    /// alone (the reference for its short one).
    fn lossy_general(mut buf: Vec<u8>, parts: &[&[u8]]) -> Vec<u8> {
        let mut p = Packer::new(&mut buf);
        let start = p.begin();
        for part in parts {
            lossy_part(p.buf, part);
        }
        p.end(start);
        drop(p);
        buf
    }

    /// `lossy_text` with its short clean parts written whole gives what
    /// the general part path gives, on random parts (mostly ASCII, of
    /// every length around `SHORT`) and on each byte value at the ends.
    #[test]
    fn lossy_text_parts_as_the_general_path() {
        fn both(parts: &[&[u8]]) {
            let mut fast = vec![9u8];
            Packer::new(&mut fast).lossy_text(parts);
            assert_eq!(fast, lossy_general(vec![9u8], parts), "{parts:?}");
        }
        for len in 0..=SHORT + 3 {
            let base: Vec<u8> = b"ann.Lee-9".iter().cycle().take(len).copied().collect();
            both(&[&base, b"@", b"example.org"]);
            both(&[b"", &base, &base]);
            for v in 0..=255u8 {
                for at in [0, len / 2, len.saturating_sub(1)] {
                    let mut b = base.clone();
                    if let Some(x) = b.get_mut(at) {
                        *x = v;
                    }
                    both(&[&b, b"@", &base]);
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn lossy_text_parts_as_the_general_path_random(
            parts in proptest::collection::vec(
                proptest::collection::vec(mostly_ascii(), 0..40),
                0..4,
            ),
        ) {
            let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
            let mut fast = Vec::new();
            Packer::new(&mut fast).lossy_text(&parts);
            proptest::prop_assert_eq!(fast, lossy_general(Vec::new(), &parts));
        }
    }

    #[test]
    fn strings_are_nul_terminated_and_sanitised() {
        let mut buf = Vec::new();
        let mut p = Packer::new(&mut buf);
        p.text(&["a\0b", "@", "C"]);
        p.str("x\0");
        p.bytes(b"Text", true);
        p.bytes(b"\0X\xff", true);
        p.opt(None);
        drop(p);
        let mut r = Reader::new(&buf);
        assert_eq!(r.str().bytes(), "a\u{FFFD}b@C".as_bytes());
        assert_eq!(r.str().bytes(), "x\u{FFFD}".as_bytes());
        assert_eq!(r.str().bytes(), b"text");
        assert_eq!(r.str().bytes(), "\u{FFFD}x\u{FFFD}".as_bytes());
        assert!(r.str().0.is_null());
        // Past the end: absent, no panic.
        assert!(r.str().0.is_null());
        assert_eq!(r.u64(), 0);
    }
}
