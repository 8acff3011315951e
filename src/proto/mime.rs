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
fn decode_b_into(text: &[u8], out: &mut Vec<u8>) -> bool {
    let data = match text.iter().position(|&b| b == b'=') {
        Some(p) if text[p..].iter().all(|&b| b == b'=') && text.len() - p <= 2 => &text[..p],
        Some(_) => return false,
        None => text,
    };
    if data.len() % 4 == 1 {
        return false;
    }
    out.reserve(data.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in data {
        let v = B64[usize::from(b)];
        if v == INVALID {
            return false;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    true
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// RFC 2047 "Q": `_` is a space, `=XX` a byte, everything else itself.
/// Appends to `out`; false (with `out` partly written) on a bad escape.
fn decode_q_into(text: &[u8], out: &mut Vec<u8>) -> bool {
    out.reserve(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'_' => out.push(b' '),
            b'=' => {
                let (Some(hi), Some(lo)) = (
                    text.get(i + 1).and_then(|&b| hex(b)),
                    text.get(i + 2).and_then(|&b| hex(b)),
                ) else {
                    return false;
                };
                out.push(hi << 4 | lo);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    true
}

/// An encoded word at the start of `s` (which begins with `=?`), well
/// formed and in a charset we decode: its encoding, its `B`/`Q` letter,
/// its encoded text and its length. Its text may still fail to decode.
fn word_at(s: &[u8]) -> Option<(&'static Encoding, u8, &[u8], usize)> {
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

/// The encoding for a charset name, dropping an RFC 2231 `*lang` suffix.
fn encoding_for(charset: &[u8]) -> Option<&'static Encoding> {
    let name = match charset.iter().position(|&b| b == b'*') {
        Some(p) => &charset[..p],
        None => charset,
    };
    // The label lookup folds and searches a table: answer the usual
    // charset directly.
    if name.eq_ignore_ascii_case(b"utf-8") {
        return Some(encoding_rs::UTF_8);
    }
    // The next most usual labels, which the WHATWG table (and so
    // encoding_rs) maps to windows-1252.
    if name.eq_ignore_ascii_case(b"iso-8859-1") || name.eq_ignore_ascii_case(b"us-ascii") {
        return Some(encoding_rs::WINDOWS_1252);
    }
    Encoding::for_label(name)
}

/// Unfold (RFC 5322 2.2.3): a line break followed by whitespace is removed.
fn unfold(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.contains(&b'\n') {
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
            }
            pending.drain(..mark);
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
    push_lossy(out, &raw[text_start..]);
}

/// Append `b` read as UTF-8, lossily.
fn push_lossy(out: &mut String, b: &[u8]) {
    match std::str::from_utf8(b) {
        Ok(s) => out.push_str(s),
        Err(_) => out.push_str(&String::from_utf8_lossy(b)),
    }
}

/// Append `bytes` decoded from `enc`, as `decode_without_bom_handling`
/// does, without its intermediate string.
fn push_decoded(out: &mut String, enc: &'static Encoding, bytes: &[u8]) {
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
        use super::super::{b64_value, hex, is_plain_header, lossy_string, unfold, word_at};
        use encoding_rs::Encoding;

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
        fn decode_b(text: &[u8]) -> Option<Vec<u8>> {
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
        fn decode_q(text: &[u8]) -> Option<Vec<u8>> {
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

        /// The word at the start of `s`, decoded, and its length: the
        /// shared `word_at` finds its parts (the reference checks how
        /// words are decoded and joined, not how they are found).
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
            "iso-8859-1",
            "ISO-8859-1",
            "us-ascii",
            "US-ASCII",
        ] {
            assert_eq!(
                encoding_for(label.as_bytes()),
                Encoding::for_label(label.as_bytes()),
                "{label}"
            );
        }
        assert_eq!(
            encoding_for(b"iso-8859-1*fr"),
            Some(encoding_rs::WINDOWS_1252)
        );
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
        fn plain_ascii_unchanged(s in "[a-zA-Z0-9 .,:!<>@]{0,40}") {
            prop_assert_eq!(decode_header(s.as_bytes()), s);
        }
    }
}
