//! RFC 2047 encoded-word decoding for envelope fields.
//! (API stub: to be implemented.)

/// Decode `=?charset?B|Q?...?=` words (adjacent words joined without the
/// whitespace between them), any charset encoding_rs knows; undecodable
/// words are kept as they are; non-UTF-8 raw bytes are read as UTF-8 lossily.
pub fn decode_header(_raw: &[u8]) -> String {
    todo!()
}
