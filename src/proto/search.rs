//! Typed SEARCH criteria, encoded by [`crate::proto::encoder`].

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
    ///
    /// `Raw` counts too: 8-bit bytes in it are search text as well.
    pub fn needs_charset(&self) -> bool {
        use SearchKey::*;
        let non_ascii = |s: &[u8]| !s.is_ascii();
        match self {
            Bcc(s) | Body(s) | Cc(s) | From(s) | Subject(s) | Text(s) | To(s) | GmRaw(s)
            | Raw(s) | Keyword(s) | Unkeyword(s) => non_ascii(s),
            Header(name, value) => non_ascii(name) || non_ascii(value),
            Not(k) => k.needs_charset(),
            Or(a, b) => a.needs_charset() || b.needs_charset(),
            And(keys) => keys.iter().any(SearchKey::needs_charset),
            All | Answered | Deleted | Draft | Flagged | New | Old | Recent | Seen | Unanswered
            | Undeleted | Undraft | Unflagged | Unseen | Before(_) | On(_) | Since(_)
            | SentBefore(_) | SentOn(_) | SentSince(_) | Larger(_) | Smaller(_) | Uid(_)
            | SeqSet(_) | ModSeq(_) | Younger(_) | Older(_) | GmMsgId(_) | GmThrId(_) => false,
        }
    }

    /// True when some key in the tree is one of Gmail's (`X-GM-RAW`,
    /// `X-GM-MSGID`, `X-GM-THRID`), which need the capability X-GM-EXT-1.
    pub fn uses_gmail(&self) -> bool {
        use SearchKey::*;
        match self {
            GmRaw(_) | GmMsgId(_) | GmThrId(_) => true,
            Not(k) => k.uses_gmail(),
            Or(a, b) => a.uses_gmail() || b.uses_gmail(),
            And(keys) => keys.iter().any(SearchKey::uses_gmail),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SearchKey::*;

    #[test]
    fn uses_gmail_recurses() {
        assert!(!From(b"bob".to_vec()).uses_gmail());
        assert!(
            !Raw(b"X-GM-RAW x".to_vec()).uses_gmail(),
            "raw keys are the caller's"
        );
        assert!(GmRaw(b"in:inbox".to_vec()).uses_gmail());
        assert!(Not(Box::new(GmMsgId(1))).uses_gmail());
        assert!(Or(Box::new(Seen), Box::new(GmThrId(2))).uses_gmail());
        assert!(And(vec![Seen, Not(Box::new(GmThrId(2)))]).uses_gmail());
        assert!(!And(vec![Seen, Not(Box::new(Unseen))]).uses_gmail());
    }

    #[test]
    fn needs_charset_recurses() {
        let ascii = From(b"bob".to_vec());
        let utf8 = Subject("café".as_bytes().to_vec());
        assert!(!ascii.needs_charset());
        assert!(utf8.needs_charset());
        assert!(!All.needs_charset());
        assert!(Header(b"X-T".to_vec(), "é".as_bytes().to_vec()).needs_charset());
        assert!(Not(Box::new(utf8.clone())).needs_charset());
        assert!(Or(Box::new(ascii.clone()), Box::new(utf8.clone())).needs_charset());
        assert!(!Or(Box::new(ascii.clone()), Box::new(Seen)).needs_charset());
        assert!(And(vec![Seen, Not(Box::new(And(vec![ascii.clone(), utf8])))]).needs_charset());
        assert!(!And(vec![Seen, ascii]).needs_charset());
        assert!(!GmRaw(b"has:attachment".to_vec()).needs_charset());
        assert!(GmRaw(vec![0xc3, 0xa9]).needs_charset());
    }
}
