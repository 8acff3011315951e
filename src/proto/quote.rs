//! Text from the caller shown in an error message: between double quotes,
//! as written. `{:?}` would double every backslash (the flag `\Recent`
//! came out as `"\\Recent"`); here only control characters are escaped,
//! so a CR or LF in the input cannot break the message or a log line.

use std::fmt::{self, Write};

/// `s` between double quotes for a message; see the module doc.
pub fn quoted(s: &str) -> Quoted<'_> {
    Quoted(s)
}

/// The `Display` of [`quoted`].
#[derive(Debug, Clone, Copy)]
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_debug())?;
            } else {
                f.write_char(c)?;
            }
        }
        f.write_char('"')
    }
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn shown_as_written_with_only_controls_escaped() {
        assert_eq!(quoted("\\Recent").to_string(), "\"\\Recent\"");
        assert_eq!(quoted("a\"b").to_string(), "\"a\"b\"");
        assert_eq!(quoted("caf\u{e9}").to_string(), "\"caf\u{e9}\"");
        assert_eq!(
            quoted("a\r\nA2 DELETE\t\u{0}\u{7f}").to_string(),
            "\"a\\r\\nA2 DELETE\\t\\0\\u{7f}\""
        );
    }
}
