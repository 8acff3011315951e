//! Modified UTF-7 for mailbox names (RFC 3501 section 5.1.3).
//! (API stub: to be implemented.)

/// Why a name is not valid modified UTF-7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utf7Error {
    pub offset: usize,
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

/// Encode a Unicode name: `&` becomes `&-`, non-ASCII goes base64 of UTF-16.
pub fn encode(_name: &str) -> String {
    todo!()
}

/// Strict decode.
pub fn decode(_wire: &[u8]) -> Result<String, Utf7Error> {
    todo!()
}

/// Lenient decode: never fails. Invalid input (raw UTF-8, a bare `&`, bad
/// base64) is kept as-is (lossy UTF-8) and reported with a warning log under
/// `imapclient::proto`; the bool is true when that happened.
pub fn decode_lenient(_wire: &[u8]) -> (String, bool) {
    todo!()
}
