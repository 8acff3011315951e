//! Flag constants and flag argument checks. (API stub: to be implemented.)

pub const SEEN: &str = "\\Seen";
pub const ANSWERED: &str = "\\Answered";
pub const FLAGGED: &str = "\\Flagged";
pub const DELETED: &str = "\\Deleted";
pub const DRAFT: &str = "\\Draft";
/// Read-only: the server sets it; storing it is refused.
pub const RECENT: &str = "\\Recent";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagError {
    pub message: String,
}

impl std::fmt::Display for FlagError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for FlagError {}

/// Check a flag the caller wants to STORE or APPEND: a system flag (any
/// case) or a keyword atom. `\Recent` and anything that is not a valid flag
/// atom (spaces, parentheses, CR/LF, 8-bit, ...) is an error.
pub fn check_store_flag(_flag: &[u8]) -> Result<(), FlagError> {
    todo!()
}
