//! Command encoder: tags, arguments in their cheapest safe form, literals.
//! (API stub: to be implemented.)

use crate::proto::search::SearchKey;
use crate::proto::seqset::MessageSet;

/// What the server allows for literals (from its capabilities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LiteralMode {
    /// LITERAL+ (RFC 7888): `{n+}` for any size.
    pub literal_plus: bool,
    /// LITERAL- : `{n+}` for literals up to 4096 bytes.
    pub literal_minus: bool,
}

/// Why an argument could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    pub message: String,
}

impl std::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for EncodeError {}

/// A finished command. `chunks[0]` is sent first; before each later chunk
/// the client must wait for a `+` continuation (synchronising literal). The
/// last chunk ends with CRLF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub tag: String,
    pub chunks: Vec<Vec<u8>>,
    /// Byte ranges (chunk index, start, end) holding secrets, for logging.
    pub secrets: Vec<(usize, usize, usize)>,
}

impl Command {
    /// The command as it may be logged: secrets replaced by `<redacted>`,
    /// literals longer than 64 bytes truncated with a count.
    pub fn log_form(&self) -> String {
        todo!()
    }
}

/// Builds one command line. Arguments are separated by single spaces.
#[derive(Debug)]
pub struct CommandBuilder {
    _mode: LiteralMode,
}

impl CommandBuilder {
    /// Start `TAG NAME` (name is a trusted command keyword such as `UID FETCH`).
    pub fn new(_tag: &str, _name: &str, _mode: LiteralMode) -> CommandBuilder {
        todo!()
    }
    /// Trusted text sent verbatim (keywords, item lists the library made).
    pub fn raw(&mut self, _s: &[u8]) -> &mut Self {
        todo!()
    }
    /// An astring argument in its cheapest safe form: atom, quoted, or
    /// literal (CR, LF, NUL, 8-bit, or longer than 1024 bytes).
    pub fn astring(&mut self, _s: &[u8]) -> &mut Self {
        todo!()
    }
    /// A string argument (quoted or literal, never a bare atom).
    pub fn string(&mut self, _s: &[u8]) -> &mut Self {
        todo!()
    }
    /// Like `astring`, but the value is a secret (never logged).
    pub fn secret(&mut self, _s: &[u8]) -> &mut Self {
        todo!()
    }
    /// A literal whatever the content (`~{n}` literal8 when `binary`).
    pub fn literal(&mut self, _data: &[u8], _binary: bool) -> &mut Self {
        todo!()
    }
    /// A message set.
    pub fn set(&mut self, _set: &MessageSet) -> &mut Self {
        todo!()
    }
    /// A parenthesised flag list `(\Seen foo)`; flags are validated with
    /// `flags::check_store_flag`.
    pub fn flag_list(&mut self, _flags: &[&[u8]]) -> Result<&mut Self, EncodeError> {
        todo!()
    }
    /// Search criteria (top-level keys are space-separated, not wrapped).
    pub fn search_keys(&mut self, _keys: &[SearchKey]) -> Result<&mut Self, EncodeError> {
        todo!()
    }
    /// Open a parenthesised list: ` (`; the next argument follows without
    /// a space.
    pub fn begin_list(&mut self) -> &mut Self {
        todo!()
    }
    /// Close a list opened with `begin_list`: `)`.
    pub fn end_list(&mut self) -> &mut Self {
        todo!()
    }
    /// End the command with CRLF.
    pub fn finish(&mut self) -> Command {
        todo!()
    }
}
