//! RFC 2047 encoded-word decoding for envelope fields.
//!
//! Lenient by design: a header is for display, so anything that does not
//! decode is shown as it was sent rather than refused.

use std::borrow::Cow;
use std::cell::RefCell;

use encoding_rs::Encoding;

const fn b64_value(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// `b64_value` as a table (`INVALID` for the bytes outside the alphabet):
/// one load per byte in the decoding loop instead of a chain of ranges.
const B64: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut b = 0;
    while b < 256 {
        if let Some(v) = b64_value(b as u8) {
            t[b] = v;
        }
        b += 1;
    }
    t
};
const INVALID: u8 = 0xff;

/// Standard base64; padding optional (often missing in the wild). Appends
/// to `out`; false (with `out` partly written) when `text` is not base64.
///
/// Four letters at a time into room made once: a push per byte, with its
/// capacity check, cost more than the table lookups.
fn decode_b_into(text: &[u8], out: &mut Vec<u8>) -> bool {
    let data = match text.iter().position(|&b| b == b'=') {
        Some(p) if text[p..].iter().all(|&b| b == b'=') && text.len() - p <= 2 => &text[..p],
        Some(_) => return false,
        None => text,
    };
    let rem = data.len() % 4;
    if rem == 1 {
        return false;
    }
    let start = out.len();
    // 3 bytes per group of four, 1 or 2 for a last group of 2 or 3.
    out.resize(start + data.len() / 4 * 3 + rem.saturating_sub(1), 0);
    let dst = &mut out[start..];
    let mut groups = data.chunks_exact(4);
    let mut slots = dst.chunks_exact_mut(3);
    for (g, d) in (&mut groups).zip(&mut slots) {
        let v = [
            B64[usize::from(g[0])],
            B64[usize::from(g[1])],
            B64[usize::from(g[2])],
            B64[usize::from(g[3])],
        ];
        // INVALID has the top bits that no sextet has.
        if (v[0] | v[1] | v[2] | v[3]) & 0xc0 != 0 {
            return false;
        }
        let n =
            u32::from(v[0]) << 18 | u32::from(v[1]) << 12 | u32::from(v[2]) << 6 | u32::from(v[3]);
        d.copy_from_slice(&n.to_be_bytes()[1..]);
    }
    // A last group of 2 or 3 letters: 12 or 18 bits, of which the whole
    // bytes count (the rest is dropped, as a bit-by-bit decoder does).
    let tail = groups.remainder();
    let d = slots.into_remainder();
    let mut n: u32 = 0;
    for &b in tail {
        let v = B64[usize::from(b)];
        if v == INVALID {
            return false;
        }
        n = n << 6 | u32::from(v);
    }
    match tail.len() {
        2 => d[0] = (n >> 4) as u8,
        3 => d.copy_from_slice(&((n >> 2) as u16).to_be_bytes()),
        _ => {}
    }
    true
}

/// The value of each hex digit (`INVALID` for the bytes that are not).
const HEX: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            c @ b'0'..=b'9' => c - b'0',
            c @ b'a'..=b'f' => c - b'a' + 10,
            c @ b'A'..=b'F' => c - b'A' + 10,
            _ => INVALID,
        };
        b += 1;
    }
    t
};

/// RFC 2047 "Q": `_` is a space, `=XX` a byte, everything else itself.
/// Appends to `out`; false (with `out` partly written) on a bad escape.
///
/// Into room made once for the longest result (the text's length), cut to
/// what was written: no capacity check per byte.
fn decode_q_into(text: &[u8], out: &mut Vec<u8>) -> bool {
    let start = out.len();
    out.resize(start + text.len(), 0);
    let dst = &mut out[start..];
    let mut n = 0;
    let mut i = 0;
    while i < text.len() {
        dst[n] = match text[i] {
            b'_' => b' ',
            b'=' => {
                let hi = text.get(i + 1).map_or(INVALID, |&b| HEX[usize::from(b)]);
                let lo = text.get(i + 2).map_or(INVALID, |&b| HEX[usize::from(b)]);
                // INVALID has bits that no digit has.
                if (hi | lo) & 0xf0 != 0 {
                    return false;
                }
                i += 2;
                hi << 4 | lo
            }
            b => b,
        };
        n += 1;
        i += 1;
    }
    out.truncate(start + n);
    true
}

/// Whether `b` holds ASCII whitespace (`u8::is_ascii_whitespace`). No
/// early exit, so that the compiler tests many bytes at a time: the fields
/// this looks at are a few dozen bytes, where stopping early saves little
/// and a branch per byte costs much.
fn has_ascii_whitespace(b: &[u8]) -> bool {
    b.iter().fold(0u8, |acc, &c| {
        acc | u8::from(c == b' ' || (c.wrapping_sub(b'\t') < 5 && c != 0x0b))
    }) != 0
}

/// Classes of the bytes that end a charset as it is scanned (0 for the
/// others): `?` ends it, ASCII whitespace makes it no charset, `*` starts
/// its RFC 2231 language suffix.
const QMARK: u8 = 1;
const SPACE: u8 = 2;
const STAR: u8 = 3;
const CHARSET_CLASS: [u8; 256] = {
    let mut t = [0; 256];
    t[b'?' as usize] = QMARK;
    t[b'*' as usize] = STAR;
    // `u8::is_ascii_whitespace`.
    t[b' ' as usize] = SPACE;
    t[b'\t' as usize] = SPACE;
    t[b'\n' as usize] = SPACE;
    t[0x0c] = SPACE;
    t[b'\r' as usize] = SPACE;
    t
};

/// An encoded word at the start of `s` (which begins with `=?`), well
/// formed and in a charset we decode: its encoding, its `B`/`Q` letter,
/// its encoded text and its length. Its text may still fail to decode.
fn word_at(s: &[u8]) -> Option<(&'static Encoding, u8, &[u8], usize)> {
    let rest = s.strip_prefix(b"=?")?;
    // The charset runs to the first `?` and holds no whitespace; its name
    // ends at its first `*`. Charsets are short: one pass, a table lookup
    // a byte, costs less than searches for `?` and `*` and a whitespace
    // test.
    let mut q1 = 0;
    let mut name_len = None;
    loop {
        match CHARSET_CLASS[usize::from(*rest.get(q1)?)] {
            0 => {}
            QMARK => break,
            STAR => {
                name_len.get_or_insert(q1);
            }
            _ => return None,
        }
        q1 += 1;
    }
    if q1 == 0 {
        return None;
    }
    let name = &rest[..name_len.unwrap_or(q1)];
    let after = &rest[q1 + 1..];
    if after.len() < 2 || after[1] != b'?' {
        return None;
    }
    let enc = after[0];
    if !matches!(enc, b'B' | b'b' | b'Q' | b'q') {
        return None;
    }
    let text_and_more = &after[2..];
    // The text holds no `?`: the first one must start the closing `?=`.
    let end = memchr::memchr(b'?', text_and_more)?;
    if text_and_more.get(end + 1) != Some(&b'=') {
        return None;
    }
    let text = &text_and_more[..end];
    if has_ascii_whitespace(text) {
        return None;
    }
    // Refuse charsets we cannot decode now, so the word stays verbatim.
    let encoding = encoding_for_name(name)?;
    Some((encoding, enc, text, 2 + q1 + 1 + 2 + end + 2))
}

/// Append the decoded text of a word (`B` or `Q` per `kind`) to `out`;
/// false, with `out` as it was, when it does not decode.
fn decode_word_into(kind: u8, text: &[u8], out: &mut Vec<u8>) -> bool {
    let mark = out.len();
    let ok = match kind {
        b'B' | b'b' => decode_b_into(text, out),
        _ => decode_q_into(text, out),
    };
    if !ok {
        out.truncate(mark);
    }
    ok
}

/// The encoding for a charset name (without its RFC 2231 `*lang` suffix).
fn encoding_for_name(name: &[u8]) -> Option<&'static Encoding> {
    // The label lookup folds and searches a table: answer the usual
    // charset, and the next most usual labels, which the WHATWG table (and
    // so encoding_rs) maps to windows-1252, directly.
    match name.len() {
        5 if name.eq_ignore_ascii_case(b"utf-8") => Some(encoding_rs::UTF_8),
        8 if name.eq_ignore_ascii_case(b"us-ascii") => Some(encoding_rs::WINDOWS_1252),
        10 if name.eq_ignore_ascii_case(b"iso-8859-1") => Some(encoding_rs::WINDOWS_1252),
        _ => Encoding::for_label(name),
    }
}

/// Unfold (RFC 5322 2.2.3): a line break followed by whitespace is removed.
fn unfold(raw: &[u8]) -> Cow<'_, [u8]> {
    // (The memchr crate's search is quicker than `contains` on a header.)
    if memchr::memchr(b'\n', raw).is_none() {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let brk = if raw[i..].starts_with(b"\r\n") {
            2
        } else if raw[i] == b'\n' {
            1
        } else {
            0
        };
        if brk > 0 && matches!(raw.get(i + brk), Some(b' ' | b'\t')) {
            i += brk;
            continue;
        }
        out.push(raw[i]);
        i += 1;
    }
    Cow::Owned(out)
}

/// `String::from_utf8_lossy(b).into_owned()`, faster for ASCII, which most
/// header fields are: one cheap test instead of the general lossy reading,
/// whose per-call cost showed in header-sync profiles.
pub fn lossy_string(b: &[u8]) -> String {
    if b.is_ascii() {
        // SAFETY: ASCII bytes are valid UTF-8.
        return unsafe { String::from_utf8_unchecked(b.to_vec()) };
    }
    String::from_utf8_lossy(b).into_owned()
}

/// True when `raw` holds no encoded word and no line break, so that
/// `decode_header` is only its lossy UTF-8 reading. Most names and subjects
/// are like that: callers skip the word scanner for them (it dominated
/// header sync in profiles). (memmem's searcher costs more to set up than
/// these short fields take to scan.)
pub fn is_plain_header(raw: &[u8]) -> bool {
    memchr::memchr2_iter(b'=', b'\n', raw).all(|k| raw[k] == b'=' && raw.get(k + 1) != Some(&b'?'))
}

/// Decode `=?charset?B|Q?...?=` words (adjacent words joined without the
/// whitespace between them), any charset encoding_rs knows; undecodable
/// words are kept as they are; non-UTF-8 raw bytes are read as UTF-8 lossily.
///
/// Adjacent words in the same charset are joined before decoding, because
/// some mailers split a multi-byte character across two words.
pub fn decode_header(raw: &[u8]) -> String {
    if is_plain_header(raw) {
        return lossy_string(raw);
    }
    // Decoded in this thread's scratch buffers, then copied once at its
    // exact size: decoding straight into a new string grew it and a new
    // pending vector a few times per header (three to five allocations
    // for a header with encoded words, and room the result kept).
    thread_local! {
        static SCRATCH: RefCell<(String, Vec<u8>)> = const { RefCell::new((String::new(), Vec::new())) };
    }
    SCRATCH
        .try_with(|s| {
            let (out, pending) = &mut *s.try_borrow_mut().ok()?;
            out.clear();
            decode_header_into(raw, out, pending);
            let text = out.as_str().to_owned();
            // A rare huge header does not keep its room for the thread's life.
            if out.capacity() > SCRATCH_KEEP || pending.capacity() > SCRATCH_KEEP {
                *out = String::new();
                *pending = Vec::new();
            }
            Some(text)
        })
        .ok()
        .flatten()
        .unwrap_or_else(|| {
            let mut out = String::new();
            decode_header_into(raw, &mut out, &mut Vec::new());
            out
        })
}

/// The most room `decode_header`'s scratch buffers keep between calls.
const SCRATCH_KEEP: usize = 64 * 1024;

/// `decode_header`, appended to `out`, with `pending` as scratch space
/// (its contents are replaced): callers decoding many headers keep both
/// and allocate nothing per header once they have grown. It gives the same
/// text for any input; callers that test `is_plain_header` first (as
/// `decode_header` does) skip it for plain text.
pub fn decode_header_into(raw: &[u8], out: &mut String, pending: &mut Vec<u8>) {
    let unfolded = unfold(raw);
    let raw = &*unfolded;
    out.reserve(raw.len());
    // Decoded bytes of consecutive words sharing one charset, not yet
    // turned into text; `penc` is their charset.
    pending.clear();
    let mut penc: Option<&'static Encoding> = None;
    // The text since the last word starts here; a word came before it
    // when this is not 0.
    let mut text_start = 0;
    let mut i = 0;
    while i + 1 < raw.len() {
        // Jump to the next `=`: a word starts with `=?`.
        match memchr::memchr(b'=', &raw[i..raw.len() - 1]) {
            Some(k) => i += k,
            None => break,
        }
        let word = if raw[i + 1] == b'?' {
            word_at(&raw[i..])
        } else {
            None
        };
        let Some((enc, kind, text, len)) = word else {
            i += 1;
            continue;
        };
        let mark = pending.len();
        if !decode_word_into(kind, text, pending) {
            i += 1; // not a word after all: part of the text
            continue;
        }
        let before = &raw[text_start..i];
        // Whitespace between two encoded words is dropped (RFC 2047 6.2).
        let joined = before.is_empty()
            || (text_start > 0
                && before
                    .iter()
                    .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')));
        if !joined || penc != Some(enc) {
            // The earlier words end here: they become text, then the text
            // before this word follows.
            if let Some(e) = penc {
                push_decoded(out, e, &pending[..mark]);
                pending.drain(..mark);
            }
            if !joined {
                push_lossy(out, before);
            }
            penc = Some(enc);
        }
        i += len;
        text_start = i;
    }
    if let Some(e) = penc {
        push_decoded(out, e, pending);
    }
    if text_start < raw.len() {
        push_lossy(out, &raw[text_start..]);
    }
}

/// Append `b` read as UTF-8, lossily.
fn push_lossy(out: &mut String, b: &[u8]) {
    match std::str::from_utf8(b) {
        Ok(s) => out.push_str(s),
        Err(_) => out.push_str(&String::from_utf8_lossy(b)),
    }
}

/// What windows-1252 (the WHATWG table, which encoding_rs follows) makes
/// of the bytes 0x80 to 0x9f; the five the code page leaves undefined are
/// the C1 controls of the same value. Every other byte is the code point
/// of its value (ASCII below, ISO-8859-1 above).
const WINDOWS_1252_80: [char; 32] = [
    '\u{20ac}', '\u{81}', '\u{201a}', '\u{192}', '\u{201e}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{2c6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8d}', '\u{17d}', '\u{8f}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{2dc}', '\u{2122}', '\u{161}', '\u{203a}', '\u{153}', '\u{9d}', '\u{17e}', '\u{178}',
];

/// Append `bytes` decoded from `enc`, as `decode_without_bom_handling`
/// does, without its intermediate string.
fn push_decoded(out: &mut String, enc: &'static Encoding, bytes: &[u8]) {
    // ISO-8859-1 and US-ASCII words, the most usual after UTF-8, come here
    // as windows-1252, whose table is short: encoding_rs's general decoder
    // took several times as long for these few bytes.
    if enc == encoding_rs::WINDOWS_1252 {
        out.reserve(bytes.len() * 3);
        for &b in bytes {
            out.push(match b {
                0x80..=0x9f => WINDOWS_1252_80[usize::from(b - 0x80)],
                _ => char::from(b),
            });
        }
        return;
    }
    // UTF-8 as it is when valid, and ASCII in any encoding that maps ASCII
    // to itself.
    if enc == encoding_rs::UTF_8 || (enc.is_ascii_compatible() && bytes.is_ascii()) {
        if let Ok(s) = std::str::from_utf8(bytes) {
            out.push_str(s);
            return;
        }
    }
    let mut d = enc.new_decoder_without_bom_handling();
    if let Some(max) = d.max_utf8_buffer_length(bytes.len()) {
        let start = out.len();
        out.reserve(max);
        let (res, read, _) = d.decode_to_string(bytes, out, true);
        if res == encoding_rs::CoderResult::InputEmpty && read == bytes.len() {
            return;
        }
        out.truncate(start);
    }
    out.push_str(&enc.decode_without_bom_handling(bytes).0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &[u8]) -> String {
        decode_header(s)
    }

    /// The decoder as it was before `decode_header_into` (a vector of
    /// pieces, a vector per word, a string per charset run): the
    /// reference the one-pass decoder must agree with.
    mod reference {
        use super::super::{b64_value, is_plain_header, lossy_string, unfold};
        use encoding_rs::Encoding;

        // As `word_at` was before its whitespace test without early exit,
        // with the label table alone for charsets: the reference for
        // finding words too.
        /// An encoded word at the start of `s` (which begins with `=?`), well
        /// formed and in a charset we decode: its encoding, its `B`/`Q` letter,
        /// its encoded text and its length. Its text may still fail to decode.
        pub(super) fn word_at(s: &[u8]) -> Option<(&'static Encoding, u8, &[u8], usize)> {
            let rest = s.strip_prefix(b"=?")?;
            let q1 = rest.iter().position(|&b| b == b'?')?;
            let charset = &rest[..q1];
            let after = &rest[q1 + 1..];
            if after.len() < 2 || after[1] != b'?' {
                return None;
            }
            let enc = after[0];
            if !matches!(enc, b'B' | b'b' | b'Q' | b'q') {
                return None;
            }
            let text_and_more = &after[2..];
            // The text holds no `?`: the first one must start the closing `?=`.
            let end = memchr::memchr(b'?', text_and_more)?;
            if text_and_more.get(end + 1) != Some(&b'=') {
                return None;
            }
            let text = &text_and_more[..end];
            if charset.is_empty()
                || charset.iter().any(|b| b.is_ascii_whitespace())
                || text.iter().any(|&b| b.is_ascii_whitespace() || b == b'?')
            {
                return None;
            }
            // Refuse charsets we cannot decode now, so the word stays verbatim.
            let encoding = encoding_for(charset)?;
            Some((encoding, enc, text, 2 + q1 + 1 + 2 + end + 2))
        }

        /// The encoding for a charset name, dropping an RFC 2231 `*lang`
        /// suffix: the label table alone.
        fn encoding_for(charset: &[u8]) -> Option<&'static Encoding> {
            let name = match charset.iter().position(|&b| b == b'*') {
                Some(p) => &charset[..p],
                None => charset,
            };
            Encoding::for_label(name)
        }

        fn hex(b: u8) -> Option<u8> {
            (b as char).to_digit(16).map(|d| d as u8)
        }

        /// One encoded word, parsed but not yet decoded to text.
        struct Word {
            encoding: &'static Encoding,
            bytes: Vec<u8>,
        }

        /// A piece of the header: plain text or a decodable encoded word.
        enum Piece<'a> {
            Text(&'a [u8]),
            Word(Word),
        }

        /// Standard base64; padding optional (often missing in the wild).
        pub(super) fn decode_b(text: &[u8]) -> Option<Vec<u8>> {
            let data = match text.iter().position(|&b| b == b'=') {
                Some(p) if text[p..].iter().all(|&b| b == b'=') && text.len() - p <= 2 => {
                    &text[..p]
                }
                Some(_) => return None,
                None => text,
            };
            if data.len() % 4 == 1 {
                return None;
            }
            let mut out = Vec::with_capacity(data.len() * 3 / 4);
            let mut acc: u32 = 0;
            let mut bits = 0;
            for &b in data {
                acc = (acc << 6) | u32::from(b64_value(b)?);
                bits += 6;
                if bits >= 8 {
                    bits -= 8;
                    out.push((acc >> bits) as u8);
                }
            }
            Some(out)
        }

        /// RFC 2047 "Q": `_` is a space, `=XX` a byte, everything else itself.
        pub(super) fn decode_q(text: &[u8]) -> Option<Vec<u8>> {
            let mut out = Vec::with_capacity(text.len());
            let mut i = 0;
            while i < text.len() {
                match text[i] {
                    b'_' => out.push(b' '),
                    b'=' => {
                        let hi = hex(*text.get(i + 1)?)?;
                        let lo = hex(*text.get(i + 2)?)?;
                        out.push(hi << 4 | lo);
                        i += 2;
                    }
                    b => out.push(b),
                }
                i += 1;
            }
            Some(out)
        }

        /// The word at the start of `s`, decoded, and its length.
        fn parse_word(s: &[u8]) -> Option<(Word, usize)> {
            let (encoding, kind, text, len) = word_at(s)?;
            let bytes = match kind {
                b'B' | b'b' => decode_b(text)?,
                _ => decode_q(text)?,
            };
            Some((Word { encoding, bytes }, len))
        }

        /// Split into text and encoded words.
        fn pieces(raw: &[u8]) -> Vec<Piece<'_>> {
            let mut out = Vec::new();
            let mut text_start = 0;
            let mut i = 0;
            while i + 1 < raw.len() {
                if raw[i] == b'=' && raw[i + 1] == b'?' {
                    if let Some((word, len)) = parse_word(&raw[i..]) {
                        if text_start < i {
                            out.push(Piece::Text(&raw[text_start..i]));
                        }
                        out.push(Piece::Word(word));
                        i += len;
                        text_start = i;
                        continue;
                    }
                }
                i += 1;
            }
            if text_start < raw.len() {
                out.push(Piece::Text(&raw[text_start..]));
            }
            out
        }

        pub(super) fn decode_header(raw: &[u8]) -> String {
            if is_plain_header(raw) {
                return lossy_string(raw);
            }
            let unfolded = unfold(raw);
            let mut pieces = pieces(&unfolded);
            let mut out = String::with_capacity(unfolded.len());
            // Pending bytes of consecutive words sharing one charset.
            let mut pending: Option<(&'static Encoding, Vec<u8>)> = None;
            let flush = |out: &mut String, pending: &mut Option<(&'static Encoding, Vec<u8>)>| {
                if let Some((enc, bytes)) = pending.take() {
                    out.push_str(&enc.decode_without_bom_handling(&bytes).0);
                }
            };
            // Whitespace between two encoded words is dropped (RFC 2047 6.2).
            let is_word = |p: Option<&Piece<'_>>| matches!(p, Some(Piece::Word(_)));
            for idx in 0..pieces.len() {
                let between_words =
                    idx > 0 && is_word(pieces.get(idx - 1)) && is_word(pieces.get(idx + 1));
                match &mut pieces[idx] {
                    Piece::Text(t) => {
                        if between_words
                            && t.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                        {
                            continue;
                        }
                        flush(&mut out, &mut pending);
                        out.push_str(&String::from_utf8_lossy(t));
                    }
                    Piece::Word(w) => match &mut pending {
                        Some((penc, bytes)) if *penc == w.encoding => {
                            bytes.extend_from_slice(&w.bytes)
                        }
                        _ => {
                            flush(&mut out, &mut pending);
                            pending = Some((w.encoding, std::mem::take(&mut w.bytes)));
                        }
                    },
                }
            }
            flush(&mut out, &mut pending);
            out
        }
    }

    #[test]
    fn lossy_string_is_from_utf8_lossy() {
        for b in [
            &b""[..],
            b"plain",
            "Gr\u{fc}\u{df}e".as_bytes(),
            b"a\xffb",
            b"\x00\x7f",
        ] {
            assert_eq!(lossy_string(b), String::from_utf8_lossy(b));
        }
    }

    #[test]
    fn scratch_reuse_and_release_keep_results_whole() {
        // A header larger than the scratch keeps, then small ones: each
        // decoded whole, nothing left over from the one before.
        let big: Vec<u8> = b"=?UTF-8?B?w6k=?= "
            .iter()
            .copied()
            .cycle()
            .take(17 * 8000)
            .collect();
        let want = reference::decode_header(&big);
        assert_eq!(want.chars().filter(|&c| c == '\u{e9}').count(), 8000);
        assert_eq!(decode_header(&big), want);
        assert_eq!(d(b"=?ISO-8859-1?Q?caf=E9?="), "caf\u{e9}");
        assert_eq!(d(b"x =?UTF-8?B?w6k=?="), "x \u{e9}");
        assert_eq!(decode_header(&big), want);
        let s = d(b"=?UTF-8?Q?a?=");
        assert_eq!((s.as_str(), s.capacity()), ("a", 1));
    }

    #[test]
    fn plain_text_fast_path_matches_the_scanner() {
        assert_eq!(decode_header(b"Quarterly report"), "Quarterly report");
        assert_eq!(decode_header("Grüße raw".as_bytes()), "Grüße raw");
        assert_eq!(decode_header(b"a\xffb"), "a\u{fffd}b");
        assert_eq!(decode_header(b"x =?UTF-8?B?w6k=?="), "x é");
    }

    #[test]
    fn utf8_b() {
        assert_eq!(d(b"=?UTF-8?B?w6lsw6h2ZQ==?="), "élève");
        assert_eq!(d(b"=?utf-8?b?w6lsw6h2ZQ?="), "élève");
        assert_eq!(d(b"Re: =?UTF-8?B?5pel5pys6Kqe?= ok"), "Re: 日本語 ok");
    }

    #[test]
    fn latin1_q() {
        assert_eq!(d(b"=?ISO-8859-1?Q?Andr=E9_Pirard?="), "André Pirard");
        assert_eq!(d(b"=?iso-8859-1?q?a=3Fb=3d?="), "a?b=");
        assert_eq!(d(b"=?ISO-8859-15?Q?=A4?="), "€");
    }

    #[test]
    fn cjk_and_cyrillic() {
        // "中文" in GB2312 / GBK.
        assert_eq!(d(b"=?GB2312?B?1tDOxA==?="), "中文");
        assert_eq!(d(b"=?gbk?Q?=D6=D0=CE=C4?="), "中文");
        // "Привет" in KOI8-R.
        assert_eq!(d(b"=?KOI8-R?B?8NLJ18XU?="), "Привет");
        assert_eq!(d(b"=?koi8-r?Q?=F0=D2=C9=D7=C5=D4?="), "Привет");
        // ISO-2022-JP is all ASCII bytes on the wire, yet not ASCII text:
        // its escapes switch character sets.
        assert_eq!(d(b"=?ISO-2022-JP?B?GyRCJDMbKEI=?="), "こ");
        assert_eq!(d(b"=?iso-2022-jp?Q?=1B$B$3=1B(B?="), "こ");
    }

    #[test]
    fn adjacent_words() {
        assert_eq!(d(b"=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?="), "ab");
        assert_eq!(d(b"=?ISO-8859-1?Q?a?=\r\n =?ISO-8859-1?Q?b?="), "ab");
        assert_eq!(d(b"=?ISO-8859-1?Q?a?=  \t =?UTF-8?Q?b?="), "ab");
        assert_eq!(d(b"=?ISO-8859-1?Q?a_?= b =?ISO-8859-1?Q?c?="), "a  b c");
        // A UTF-8 character split across two words.
        assert_eq!(d(b"=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9?="), "é");
        // RFC 2047 section 8 examples.
        assert_eq!(d(b"(=?ISO-8859-1?Q?a?=)"), "(a)");
        assert_eq!(d(b"(=?ISO-8859-1?Q?a?= b)"), "(a b)");
        assert_eq!(d(b"(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)");
        assert_eq!(d(b"(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
    }

    #[test]
    fn usual_charsets_answered_as_the_label_table_does() {
        for label in [
            "utf-8",
            "UTF-8",
            "Utf-8",
            "uTF-8",
            "iso-8859-1",
            "ISO-8859-1",
            "Iso-8859-1",
            "us-ascii",
            "US-ASCII",
            "utf-9",
            "utf8",
            "iso-8859-15",
            "iso_8859-1",
            "us-asciI",
            "",
        ] {
            assert_eq!(
                encoding_for_name(label.as_bytes()),
                Encoding::for_label(label.as_bytes()),
                "{label}"
            );
        }
    }

    #[test]
    fn whitespace_test_is_is_ascii_whitespace() {
        for c in 0..=255u8 {
            assert_eq!(has_ascii_whitespace(&[c]), c.is_ascii_whitespace(), "{c}");
            let mut b = [b'a'; 40];
            b[c as usize % 40] = c;
            assert_eq!(has_ascii_whitespace(&b), c.is_ascii_whitespace(), "{c}");
        }
        assert!(!has_ascii_whitespace(b""));
    }

    /// The word scanner finds the words the reference finds, with the same
    /// parts, including charsets with a language suffix,
    /// whitespace or `*` anywhere, and missing or misplaced `?`.
    #[test]
    fn word_at_edges_match_the_reference() {
        for s in [
            "=?utf-8*en?Q?a?=",
            "=?UTF-8*?B?QQ==?=",
            "=?*en?Q?a?=",
            "=?iso-8859-1*fr*x?q?caf=E9?=",
            "=?us-ascii*EN?Q?Keith_Moore?=",
            "=?utf-8?Q?a*b?=",
            "=?utf-8?Q?a b?=",
            "=?utf-8?Q?a\tb?=",
            "=?utf 8?Q?a?=",
            "=?utf-8\r?Q?a?=",
            "=??Q?a?=",
            "=?utf-8?Q??=",
            "=?utf-8?Q?a?",
            "=?utf-8?Q?a",
            "=?utf-8?Q",
            "=?utf-8?",
            "=?utf-8",
            "=?",
            "=?utf-8?QQ?a?=",
            "=?utf-8?X?a?=",
            "=?utf-8?Q?a?b?=",
            "=?utf-8?Q?a?= =?utf-8?Q?b?=",
            "=?utf-8?Q?a?x",
            "=?bogus?Q?a?=",
            "=?utf-8?Q?a\x0cb?=",
            "=?utf-8?Q?\x0b?=",
        ] {
            assert_eq!(
                word_at(s.as_bytes()),
                reference::word_at(s.as_bytes()),
                "{s:?}"
            );
        }
    }

    /// The windows-1252 shortcut gives what encoding_rs gives, for every
    /// byte alone and for all of them in a row, after text already there.
    #[test]
    fn windows_1252_is_encoding_rs() {
        let w = encoding_rs::WINDOWS_1252;
        for b in 0..=255u8 {
            let mut out = String::new();
            push_decoded(&mut out, w, &[b]);
            assert_eq!(out, w.decode_without_bom_handling(&[b]).0, "{b:#x}");
        }
        let all: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        let mut out = String::from("\u{e9}x");
        push_decoded(&mut out, w, &all);
        assert_eq!(out[3..], w.decode_without_bom_handling(&all).0);
        // ISO-8859-1 and US-ASCII words decode so, with any high bytes.
        assert_eq!(d(b"=?US-ASCII?Q?=80=E9=9D?="), "\u{20ac}\u{e9}\u{9d}");
        assert_eq!(d(b"=?iso-8859-1?B?gOk=?="), "\u{20ac}\u{e9}");
    }

    /// Every length of valid base64 up to a few groups, with and without
    /// padding, and each bad letter at each place: as the reference.
    #[test]
    fn b_edges_match_the_reference() {
        let letters = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk+/w";
        for len in 0..=letters.len() {
            for pad in 0..=3 {
                let mut t = letters[..len].to_vec();
                t.extend(std::iter::repeat_n(b'=', pad));
                let mut out = vec![7];
                let ok = decode_b_into(&t, &mut out);
                assert_eq!(
                    ok.then(|| out[1..].to_vec()),
                    reference::decode_b(&t),
                    "{t:?}"
                );
                for at in 0..len {
                    for bad in [b' ', b'?', b'.', b'\0', 0xc3, b'='] {
                        let mut t = t.clone();
                        t[at] = bad;
                        let mut out = Vec::new();
                        let ok = decode_b_into(&t, &mut out);
                        assert_eq!(ok.then_some(out), reference::decode_b(&t), "{t:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn q_edges_match_the_reference() {
        for t in [
            &b""[..],
            b"_",
            b"=",
            b"=4",
            b"=41",
            b"=4g",
            b"=g4",
            b"a=41=42_c",
            b"=e9=E9",
            b"=00",
            b"a=",
            b"a=4",
            b"==41",
            b"\xff_=FF",
        ] {
            let mut out = vec![1, 2];
            let ok = decode_q_into(t, &mut out);
            assert_eq!(
                ok.then(|| out[2..].to_vec()),
                reference::decode_q(t),
                "{t:?}"
            );
        }
    }

    #[test]
    fn rfc2231_language() {
        assert_eq!(d(b"=?US-ASCII*EN?Q?Keith_Moore?="), "Keith Moore");
    }

    #[test]
    fn broken_words_kept() {
        for s in [
            "=?UTF-8?B?not base64?=",
            "=?UTF-8?B?@@@@?=",
            "=?UTF-8?X?abc?=",
            "=?UTF-8?Q?abc",
            "=?UTF-8?Q?=ZZ?=",
            "=?UTF-8?Q?=A?=",
            "=?no-such-charset?Q?abc?=",
            "=??Q?abc?=",
            "=?UTF-8?",
            "=?",
            "=",
            "a =? b ?= c",
        ] {
            assert_eq!(d(s.as_bytes()), s, "{s:?}");
        }
        assert_eq!(d(b"=?UTF-8?B?QQ==?= =?bogus?Q?x?="), "A =?bogus?Q?x?=");
    }

    #[test]
    fn plain_and_raw() {
        assert_eq!(d(b""), "");
        assert_eq!(d(b"Hello world"), "Hello world");
        assert_eq!(d("Grüße".as_bytes()), "Grüße");
        assert_eq!(d(b"caf\xe9"), "caf\u{fffd}");
        assert_eq!(d(b"a\r\n b"), "a b");
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = decode_header(&bytes);
        }

        #[test]
        fn never_panics_wordish(s in "(=\\?[a-zA-Z0-9*-]{0,8}\\?[BbQqX]\\?[A-Za-z0-9=_+/?]{0,10}\\?= ?){0,4}") {
            let _ = decode_header(s.as_bytes());
        }

        #[test]
        fn one_pass_matches_the_reference(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let want = reference::decode_header(&bytes);
            prop_assert_eq!(&decode_header(&bytes), &want);
            // The general path alone (no plain-text shortcut) agrees too.
            let mut out = String::new();
            decode_header_into(&bytes, &mut out, &mut Vec::new());
            prop_assert_eq!(out, want);
        }

        #[test]
        fn one_pass_matches_the_reference_on_words(
            s in "([ \t(]{0,2}|\r\n |x)(=\\?(UTF-8|utf-8|ISO-8859-1|KOI8-R|gbk|ISO-2022-JP|US-ASCII\\*EN|bogus|)\\?[BbQqX]\\?([A-Za-z0-9+/]{0,8}={0,2}|[A-Za-z0-9=_?]{0,3}(=[0-9A-Fa-f]{2}|=C3|=A9|=FF|=1B|\\$B){0,3})\\?=[ )]?){0,4}"
        ) {
            let mut out = String::from("kept:");
            let mut pending = vec![1, 2, 3];
            decode_header_into(s.as_bytes(), &mut out, &mut pending);
            let want = reference::decode_header(s.as_bytes());
            prop_assert_eq!(&out[5..], want.as_str());
            prop_assert_eq!(decode_header(s.as_bytes()), want);
        }

        #[test]
        fn word_at_matches_the_reference(
            s in "=\\?([A-Za-z0-9*_ \t-]{0,12})\\??[BbQqX]?\\??[A-Za-z0-9=_?* \r\n\x0c]{0,12}(\\?=?)?.{0,2}",
            bytes in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            prop_assert_eq!(word_at(s.as_bytes()), reference::word_at(s.as_bytes()));
            let mut b = b"=?".to_vec();
            b.extend_from_slice(&bytes);
            prop_assert_eq!(word_at(&b), reference::word_at(&b));
        }

        #[test]
        fn windows_1252_matches_encoding_rs(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let w = encoding_rs::WINDOWS_1252;
            let mut out = String::new();
            push_decoded(&mut out, w, &bytes);
            prop_assert_eq!(out, w.decode_without_bom_handling(&bytes).0);
        }

        /// The grouped base64 decoder agrees with the bit-by-bit one, on
        /// letters, padding in and out of place, and bytes outside the
        /// alphabet, after whatever `out` held.
        #[test]
        fn b_matches_the_reference(
            text in "[A-Za-z0-9+/]{0,13}(={0,3}[A-Za-z0-9+/ ?.\x00\u{e9}]{0,2}){0,2}={0,3}",
            held in proptest::collection::vec(any::<u8>(), 0..4),
        ) {
            let mut out = held.clone();
            let ok = decode_b_into(text.as_bytes(), &mut out);
            let want = reference::decode_b(text.as_bytes());
            prop_assert_eq!(ok, want.is_some());
            prop_assert_eq!(&out[..held.len()], &held[..]);
            if let Some(w) = want {
                prop_assert_eq!(&out[held.len()..], &w[..]);
            }
        }

        #[test]
        fn q_matches_the_reference(
            text in "([A-Za-z0-9_?. \u{e9}]|=[0-9A-Fa-fGg]{0,2}){0,12}",
            held in proptest::collection::vec(any::<u8>(), 0..4),
        ) {
            let mut out = held.clone();
            let ok = decode_q_into(text.as_bytes(), &mut out);
            let want = reference::decode_q(text.as_bytes());
            prop_assert_eq!(ok, want.is_some());
            prop_assert_eq!(&out[..held.len()], &held[..]);
            if let Some(w) = want {
                prop_assert_eq!(&out[held.len()..], &w[..]);
            }
        }

        #[test]
        fn b_and_q_match_the_reference_on_any_bytes(text in proptest::collection::vec(any::<u8>(), 0..40)) {
            let mut out = Vec::new();
            let ok = decode_b_into(&text, &mut out);
            let want = reference::decode_b(&text);
            prop_assert_eq!(ok.then_some(out), want);
            let mut out = Vec::new();
            let ok = decode_q_into(&text, &mut out);
            let want = reference::decode_q(&text);
            prop_assert_eq!(ok.then_some(out), want);
        }

        #[test]
        fn plain_ascii_unchanged(s in "[a-zA-Z0-9 .,:!<>@]{0,40}") {
            prop_assert_eq!(decode_header(s.as_bytes()), s);
        }
    }
}
