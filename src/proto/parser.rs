//! nom parser for server responses. (API stub: to be implemented.)

use crate::proto::types::Response;

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

/// Parse one complete response (as framed, CRLF included).
pub fn parse_response(_frame: &[u8]) -> Result<Response<'_>, ParseError> {
    todo!()
}
