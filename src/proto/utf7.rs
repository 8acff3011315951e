//! Modified UTF-7 for mailbox names (RFC 3501 section 5.1.3).
//!
//! Printable ASCII stands for itself (`&` is written `&-`); everything else
//! is UTF-16BE in base64 with `,` for `/` and no padding, between `&` and
//! `-`.

/// Why a name is not valid modified UTF-7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utf7Error {
    /// Byte offset in the input where the problem starts.
    pub offset: usize,
    /// What is wrong there.
    pub message: String,
}

impl std::fmt::Display for Utf7Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid modified UTF-7 at byte {}: {}",
            self.offset, self.message
        )
    }
}
impl std::error::Error for Utf7Error {}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

fn b64_value(b: u8) -> Option<u32> {
    match b {
        b'A'..=b'Z' => Some(u32::from(b - b'A')),
        b'a'..=b'z' => Some(u32::from(b - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(b - b'0') + 52),
        b'+' => Some(62),
        b',' => Some(63),
        _ => None,
    }
}

fn is_direct(c: u32) -> bool {
    (0x20..=0x7e).contains(&c)
}

/// Append the modified base64 of `units` (UTF-16BE) and the closing `-`.
fn flush_shift(out: &mut String, units: &mut Vec<u16>) {
    if units.is_empty() {
        return;
    }
    out.push('&');
    let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_be_bytes()).collect();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        // 2 bytes need 3 sextets, 1 byte needs 2; no `=` padding.
        let sextets = chunk.len() + 1;
        for i in 0..sextets {
            let idx = (n >> (18 - 6 * i)) & 0x3f;
            out.push(char::from(ALPHABET[idx as usize]));
        }
    }
    out.push('-');
    units.clear();
}

/// Encode a Unicode name: `&` becomes `&-`, non-ASCII goes base64 of UTF-16.
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut units: Vec<u16> = Vec::new();
    for ch in name.chars() {
        if is_direct(u32::from(ch)) {
            flush_shift(&mut out, &mut units);
            if ch == '&' {
                out.push_str("&-");
            } else {
                out.push(ch);
            }
        } else {
            let mut buf = [0u16; 2];
            units.extend_from_slice(ch.encode_utf16(&mut buf));
        }
    }
    flush_shift(&mut out, &mut units);
    out
}

fn fail(offset: usize, message: impl Into<String>) -> Utf7Error {
    Utf7Error {
        offset,
        message: message.into(),
    }
}

/// Decode one shift sequence starting at `wire[start] == b'&'`. Returns the
/// text and the index just past the closing `-`.
fn decode_shift(wire: &[u8], start: usize) -> Result<(String, usize), Utf7Error> {
    let body_start = start + 1;
    let Some(len) = wire[body_start..].iter().position(|&b| b == b'-') else {
        return Err(fail(start, "'&' without a closing '-' (write '&' as '&-')"));
    };
    let end = body_start + len;
    let next = end + 1;
    if len == 0 {
        return Ok(("&".to_string(), next));
    }
    let mut bytes = Vec::with_capacity(len * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for (i, &b) in wire[body_start..end].iter().enumerate() {
        let Some(v) = b64_value(b) else {
            return Err(fail(
                body_start + i,
                format!("byte 0x{b:02x} is not modified base64"),
            ));
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits are padding: fewer than 6 and all zero, or the base64
    // was truncated / not canonical.
    if bits >= 6 || acc != 0 {
        return Err(fail(
            body_start,
            "base64 has non-zero or excess padding bits",
        ));
    }
    if bytes.len() % 2 != 0 {
        return Err(fail(body_start, "odd number of bytes in UTF-16 run"));
    }
    let units = bytes
        .chunks_exact(2)
        .map(|p| u16::from_be_bytes([p[0], p[1]]));
    let mut text = String::new();
    for r in char::decode_utf16(units) {
        match r {
            Ok(c) if is_direct(u32::from(c)) => {
                return Err(fail(
                    body_start,
                    format!(
                        "printable ASCII {} must not be base64-encoded",
                        super::quote::quoted(c.encode_utf8(&mut [0; 4]))
                    ),
                ));
            }
            Ok(c) => text.push(c),
            Err(e) => {
                return Err(fail(
                    body_start,
                    format!("unpaired UTF-16 surrogate 0x{:04x}", e.unpaired_surrogate()),
                ));
            }
        }
    }
    Ok((text, next))
}

/// Strict decode.
pub fn decode(wire: &[u8]) -> Result<String, Utf7Error> {
    let mut out = String::with_capacity(wire.len());
    let mut i = 0;
    while i < wire.len() {
        let b = wire[i];
        if b == b'&' {
            let (text, next) = decode_shift(wire, i)?;
            // RFC 3501 5.1.3: null shifts (`-&` between two base64 runs)
            // are not permitted; the encoder writes one run, so accepting
            // them would give one name two spellings.
            if next - i > 2 && wire.get(next) == Some(&b'&') && wire.get(next + 1) != Some(&b'-') {
                return Err(fail(next, "two adjacent base64 runs (null shift '-&')"));
            }
            out.push_str(&text);
            i = next;
        } else if is_direct(u32::from(b)) {
            out.push(char::from(b));
            i += 1;
        } else {
            return Err(fail(
                i,
                format!("byte 0x{b:02x} must be encoded (8-bit or control character)"),
            ));
        }
    }
    Ok(out)
}

/// Lenient decode: never fails. Invalid input (raw UTF-8, a bare `&`, bad
/// base64) is kept as-is (lossy UTF-8) and reported with a warning log under
/// `imapclient::proto`; the bool is true when that happened.
///
/// Valid shift sequences are still decoded, so a name mixing raw UTF-8 (as
/// some servers send) with proper `&...-` runs comes out whole.
pub fn decode_lenient(wire: &[u8]) -> (String, bool) {
    let mut out = String::with_capacity(wire.len());
    // Bytes kept verbatim, converted together so raw UTF-8 sequences stay
    // intact (shift sequences are ASCII and cannot cut one in half).
    let mut raw: Vec<u8> = Vec::new();
    let mut first_error: Option<Utf7Error> = None;
    let mut i = 0;
    while i < wire.len() {
        let b = wire[i];
        if b == b'&' {
            match decode_shift(wire, i) {
                Ok((text, next)) => {
                    out.push_str(&String::from_utf8_lossy(&raw));
                    raw.clear();
                    out.push_str(&text);
                    i = next;
                    continue;
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        } else if !is_direct(u32::from(b)) {
            first_error.get_or_insert_with(|| fail(i, format!("byte 0x{b:02x} must be encoded")));
        }
        raw.push(b);
        i += 1;
    }
    out.push_str(&String::from_utf8_lossy(&raw));
    match first_error {
        Some(e) => {
            log::warn!(
                target: "imapclient::proto",
                "mailbox name {:?} kept as is: {}",
                String::from_utf8_lossy(wire),
                e
            );
            (out, true)
        }
        None => (out, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc_example() {
        let name = "~peter/mail/日本語/台北";
        let wire = "~peter/mail/&ZeVnLIqe-/&U,BTFw-";
        assert_eq!(encode(name), wire);
        assert_eq!(decode(wire.as_bytes()).unwrap(), name);
    }

    #[test]
    fn run_then_ampersand_is_not_a_null_shift() {
        assert_eq!(encode("é&é"), "&AOk-&-&AOk-");
        assert_eq!(decode(b"&AOk-&-&AOk-").unwrap(), "é&é");
        assert_eq!(decode(b"&AOkA6Q-").unwrap(), "éé");
        assert_eq!(decode_lenient(b"&AOk-&AOk-").0, "éé");
    }

    #[test]
    fn ampersand() {
        assert_eq!(encode("&"), "&-");
        assert_eq!(encode("AT&T"), "AT&-T");
        assert_eq!(decode(b"&-").unwrap(), "&");
        assert_eq!(decode(b"AT&-T&-").unwrap(), "AT&T&");
    }

    #[test]
    fn surrogates() {
        let s = "Fun 😀 ok";
        let wire = encode(s);
        assert_eq!(wire, "Fun &2D3eAA- ok");
        assert_eq!(decode(wire.as_bytes()).unwrap(), s);
    }

    #[test]
    fn misc_known_values() {
        assert_eq!(encode("Entwürfe"), "Entw&APw-rfe");
        assert_eq!(encode("Корзина"), "&BBoEPgRABDcEOAQ9BDA-");
        assert_eq!(encode(""), "");
        assert_eq!(encode("a\tb"), "a&AAk-b");
        assert_eq!(decode(b"a&AAk-b").unwrap(), "a\tb");
    }

    #[test]
    fn strict_errors() {
        let cases: &[(&[u8], &str)] = &[
            (b"a&b", "closing"),
            (b"&", "closing"),
            (b"&Z!-", "not modified base64"),
            (b"&ZeVnLIqe/-", "not modified base64"),
            (b"&A-", "padding"),
            (b"&ZeVn-", "odd"),
            (b"&ZeV-", "padding"),
            (b"&2D0-", "unpaired"),
            (b"&3gA-", "unpaired"),
            (b"&AGE-", "printable"),
            (b"Entw\xc3\xbcrfe", "0xc3"),
            (b"a\rb", "0x0d"),
            (b"\x7f", "0x7f"),
            // Found by the utf7 fuzz target: a null shift between two runs.
            (b"&AOk-&AOk-", "null shift"),
            (b"x&AOk-&AOk-y", "null shift"),
        ];
        for (input, want) in cases {
            let e = decode(input).unwrap_err();
            assert!(
                e.to_string().contains(want),
                "{:?}: {e}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn lenient() {
        assert_eq!(decode_lenient(b"&ZeVnLIqe-"), ("日本語".to_string(), false));
        assert_eq!(
            decode_lenient("Entwürfe".as_bytes()),
            ("Entwürfe".to_string(), true)
        );
        assert_eq!(decode_lenient(b"AT&T"), ("AT&T".to_string(), true));
        assert_eq!(
            decode_lenient("&ZeVnLIqe-/Entwürfe/&Z!-".as_bytes()),
            ("日本語/Entwürfe/&Z!-".to_string(), true)
        );
        assert_eq!(decode_lenient(b"\xff&-"), ("\u{fffd}&".to_string(), true));
    }

    proptest! {
        #[test]
        fn roundtrip(s in "\\PC*") {
            let wire = encode(&s);
            prop_assert!(wire.bytes().all(|b| (0x20..=0x7e).contains(&b)));
            prop_assert_eq!(decode(wire.as_bytes()).unwrap(), s.clone());
            prop_assert_eq!(decode_lenient(wire.as_bytes()), (s, false));
        }

        #[test]
        fn roundtrip_any_char(v in proptest::collection::vec(any::<char>(), 0..40)) {
            let s: String = v.into_iter().collect();
            prop_assert_eq!(decode(encode(&s).as_bytes()).unwrap(), s);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(&bytes);
            let (s, bad) = decode_lenient(&bytes);
            if let Ok(good) = decode(&bytes) {
                prop_assert_eq!(s, good);
                prop_assert!(!bad);
            } else {
                prop_assert!(bad);
            }
        }
    }
}
