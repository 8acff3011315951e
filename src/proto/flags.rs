//! Flag constants and flag argument checks.

/// The message has been read.
pub const SEEN: &str = "\\Seen";
/// The message has been answered.
pub const ANSWERED: &str = "\\Answered";
/// The message is flagged for attention.
pub const FLAGGED: &str = "\\Flagged";
/// The message is marked for removal by EXPUNGE.
pub const DELETED: &str = "\\Deleted";
/// The message is a draft.
pub const DRAFT: &str = "\\Draft";
/// Read-only: the server sets it; storing it is refused.
pub const RECENT: &str = "\\Recent";

/// The system flags a client may store.
const STORABLE_SYSTEM: [&str; 5] = [SEEN, ANSWERED, FLAGGED, DELETED, DRAFT];

/// Why a flag was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagError {
    /// Human-readable reason, naming the flag.
    pub message: String,
}

impl std::fmt::Display for FlagError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for FlagError {}

/// True for an RFC 3501 ATOM-CHAR: 7-bit, not a control character, not SP
/// and none of `(){%*"\]`.
pub fn is_atom_char(b: u8) -> bool {
    matches!(b, 0x21..=0x7e) && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
}

/// True for a non-empty run of ATOM-CHARs.
pub fn is_atom(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_atom_char(b))
}

fn flag_err(flag: &[u8], why: &str) -> FlagError {
    FlagError {
        message: format!(
            "invalid flag {}: {why}",
            super::quote::quoted(&String::from_utf8_lossy(flag))
        ),
    }
}

/// Check a flag the caller wants to STORE or APPEND: a system flag (any
/// case) or a keyword atom. `\Recent` and anything that is not a valid flag
/// atom (spaces, parentheses, CR/LF, 8-bit, ...) is an error.
///
/// Unknown `\Xxx` flags are refused too: RFC 3501 reserves the backslash
/// for flags the standards define, and clients may not invent them.
pub fn check_store_flag(flag: &[u8]) -> Result<(), FlagError> {
    if flag.is_empty() {
        return Err(flag_err(flag, "it is empty"));
    }
    if let Some(rest) = flag.strip_prefix(b"\\") {
        if rest.eq_ignore_ascii_case(&RECENT.as_bytes()[1..]) {
            return Err(flag_err(
                flag,
                "\\Recent is read-only: only the server sets it",
            ));
        }
        if STORABLE_SYSTEM
            .iter()
            .any(|f| rest.eq_ignore_ascii_case(&f.as_bytes()[1..]))
        {
            return Ok(());
        }
        return Err(flag_err(
            flag,
            "not a system flag (\\Seen, \\Answered, \\Flagged, \\Deleted, \\Draft); \
             clients cannot create new '\\' flags",
        ));
    }
    if let Some(&b) = flag.iter().find(|&&b| !is_atom_char(b)) {
        let why = match b {
            b' ' => "spaces are not allowed".to_string(),
            0x80.. => "8-bit characters are not allowed".to_string(),
            0x00..=0x1f | 0x7f => format!("control character 0x{b:02x} is not allowed"),
            // Printable ASCII here: shown as is.
            _ => format!("'{}' is not allowed in a keyword", char::from(b)),
        };
        return Err(flag_err(flag, &why));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_show_the_flag_as_written() {
        // Not Debug-escaped: one backslash, as the caller wrote it.
        let e = check_store_flag(b"\\Recent").unwrap_err();
        assert!(
            e.message.starts_with("invalid flag \"\\Recent\": "),
            "{}",
            e.message
        );
        let e = check_store_flag(b"a\\b").unwrap_err();
        assert_eq!(
            e.message,
            "invalid flag \"a\\b\": '\\' is not allowed in a keyword"
        );
        // Control characters stay escaped: the message keeps one line.
        let e = check_store_flag(b"a\r\nb").unwrap_err();
        assert!(
            e.message.starts_with("invalid flag \"a\\r\\nb\": "),
            "{}",
            e.message
        );
    }

    #[test]
    fn accepts() {
        for f in [
            "\\Seen",
            "\\seen",
            "\\SEEN",
            "\\Answered",
            "\\flagged",
            "\\Deleted",
            "\\Draft",
            "$Forwarded",
            "$MDNSent",
            "foo",
            "Junk",
            "a.b-c_d",
            "x+y",
            "[tag",
        ] {
            assert_eq!(check_store_flag(f.as_bytes()), Ok(()), "{f}");
        }
        assert_eq!(check_store_flag(SEEN.as_bytes()), Ok(()));
    }

    #[test]
    fn rejects() {
        let e = check_store_flag(b"\\Recent").unwrap_err();
        assert!(e.message.contains("read-only"), "{e}");
        assert!(check_store_flag(b"\\recent")
            .unwrap_err()
            .message
            .contains("read-only"));
        assert!(check_store_flag(b"").unwrap_err().message.contains("empty"));
        assert!(check_store_flag(b"\\Important")
            .unwrap_err()
            .message
            .contains("cannot create"));
        for f in [
            &b"\\"[..],
            b"\\*",
            b"\\Seen ",
            b"a b",
            b"(a",
            b"a)",
            b"{3}",
            b"%",
            b"*",
            b"\"",
            b"a\\b",
            b"a]",
            b"a\r\nA2 DELETE INBOX",
            b"\x00",
            b"\x7f",
            "caf\u{e9}".as_bytes(),
            b"\xff",
        ] {
            assert!(
                check_store_flag(f).is_err(),
                "{:?}",
                String::from_utf8_lossy(f)
            );
        }
        assert!(check_store_flag(b"a b")
            .unwrap_err()
            .message
            .contains("spaces"));
        assert!(check_store_flag(b"\xff")
            .unwrap_err()
            .message
            .contains("8-bit"));
    }

    #[test]
    fn atom_chars() {
        assert!(is_atom(b"INBOX"));
        assert!(!is_atom(b""));
        assert!(!is_atom(b"a b"));
        assert!((0u8..=255).filter(|&b| is_atom_char(b)).count() == 94 - 8);
    }
}
