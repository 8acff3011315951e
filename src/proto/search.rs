//! Typed SEARCH criteria. (API stub: to be implemented.)

use crate::proto::dates::Date;
use crate::proto::seqset::MessageSet;

/// One search key. Strings are raw bytes; the encoder picks quoted or
/// literal form, and a non-ASCII string makes the command need CHARSET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchKey {
    All,
    Answered,
    Deleted,
    Draft,
    Flagged,
    New,
    Old,
    Recent,
    Seen,
    Unanswered,
    Undeleted,
    Undraft,
    Unflagged,
    Unseen,
    Keyword(Vec<u8>),
    Unkeyword(Vec<u8>),
    Bcc(Vec<u8>),
    Body(Vec<u8>),
    Cc(Vec<u8>),
    From(Vec<u8>),
    Subject(Vec<u8>),
    Text(Vec<u8>),
    To(Vec<u8>),
    Header(Vec<u8>, Vec<u8>),
    Before(Date),
    On(Date),
    Since(Date),
    SentBefore(Date),
    SentOn(Date),
    SentSince(Date),
    Larger(u64),
    Smaller(u64),
    Uid(MessageSet),
    SeqSet(MessageSet),
    ModSeq(u64),
    /// RFC 5032.
    Younger(u32),
    Older(u32),
    /// Gmail `X-GM-RAW "..."`.
    GmRaw(Vec<u8>),
    GmMsgId(u64),
    GmThrId(u64),
    Not(Box<SearchKey>),
    Or(Box<SearchKey>, Box<SearchKey>),
    /// A parenthesised conjunction.
    And(Vec<SearchKey>),
    /// Expert passthrough: sent verbatim (validated: no CR, LF or NUL).
    Raw(Vec<u8>),
}

impl SearchKey {
    /// True when some string in the tree (nested keys too) is not ASCII,
    /// so the command must carry `CHARSET UTF-8`.
    pub fn needs_charset(&self) -> bool {
        todo!()
    }
}
