//! Message sets: `2,4:7,9,12:*` built from lists, single ids or strings.
//! (API stub: to be implemented.)

use std::fmt;

/// One end of a range: a number or `*` (the largest in the mailbox).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bound {
    Num(u32),
    Star,
}

/// A validated, non-empty IMAP sequence set.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageSet {
    /// Ranges in the order they will be sent; `(a, a)` is a single id.
    ranges: Vec<(Bound, Bound)>,
}

/// Why a set was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeqSetError {
    pub message: String,
}

impl fmt::Display for SeqSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for SeqSetError {}

impl MessageSet {
    /// From a list of ids: sorted, de-duplicated, compressed into ranges.
    /// Empty lists and id 0 are errors.
    pub fn from_ids(_ids: &[u32]) -> Result<MessageSet, SeqSetError> {
        todo!()
    }
    /// One id (0 is an error).
    pub fn single(_id: u32) -> Result<MessageSet, SeqSetError> {
        todo!()
    }
    /// Parse and validate a string such as `2,4:7,9,12:*`; `50-65` is an
    /// error naming the problem.
    pub fn parse(_s: &str) -> Result<MessageSet, SeqSetError> {
        todo!()
    }
    /// `1:*`.
    pub fn all() -> MessageSet {
        MessageSet {
            ranges: vec![(Bound::Num(1), Bound::Star)],
        }
    }
    /// The ranges.
    pub fn ranges(&self) -> &[(Bound, Bound)] {
        &self.ranges
    }
    /// Split into sets whose text is at most `max_len` bytes each.
    pub fn split(&self, _max_len: usize) -> Vec<MessageSet> {
        todo!()
    }
    /// Expand to ids when the set has no `*` (None otherwise).
    pub fn to_ids(&self) -> Option<Vec<u32>> {
        todo!()
    }
}

impl fmt::Display for MessageSet {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!()
    }
}

impl std::str::FromStr for MessageSet {
    type Err = SeqSetError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MessageSet::parse(s)
    }
}
