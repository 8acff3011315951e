//! Message sets: `2,4:7,9,12:*` built from lists, single ids or strings.
//!
//! A [`MessageSet`] is always valid and non-empty, so the encoder can write
//! it verbatim: it cannot hold a space, a `0`, an empty part or a number
//! beyond `u32::MAX`.

use std::fmt;

use super::quote::quoted;

/// One end of a range: a number or `*` (the largest in the mailbox).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bound {
    /// A message sequence number or UID (never 0).
    Num(u32),
    /// `*`: the largest number in use in the mailbox.
    Star,
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::Num(n) => write!(f, "{n}"),
            Bound::Star => f.write_str("*"),
        }
    }
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
    /// Human-readable reason, naming the offending input.
    pub message: String,
}

impl fmt::Display for SeqSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for SeqSetError {}

/// [`MessageSet::to_ids`] refuses to expand sets larger than this, so a
/// set such as `1:4294967295` cannot make it allocate 16 GiB.
pub const MAX_EXPANDED_IDS: u64 = 1 << 24;

fn err(s: &str, why: impl fmt::Display) -> SeqSetError {
    SeqSetError {
        message: format!("invalid message set {}: {why}", quoted(s)),
    }
}

/// Parse one `seq-number` (a non-zero u32 or `*`).
fn parse_bound(whole: &str, part: &str, text: &str) -> Result<Bound, SeqSetError> {
    if text == "*" {
        return Ok(Bound::Star);
    }
    if text.is_empty() {
        return Err(err(
            whole,
            format_args!("range {} has an empty end", quoted(part)),
        ));
    }
    if let Some(c) = text.chars().find(|c| !c.is_ascii_digit()) {
        return Err(err(
            whole,
            format_args!(
                "unexpected character {} in {}",
                quoted(c.encode_utf8(&mut [0; 4])),
                quoted(part)
            ),
        ));
    }
    // All digits: only overflow can fail; parse as u64 after stripping
    // leading zeros so a long run of zeros is not mistaken for overflow.
    let digits = text.trim_start_matches('0');
    let value = if digits.is_empty() {
        0
    } else if digits.len() > 10 {
        u64::MAX
    } else {
        digits.parse::<u64>().unwrap_or(u64::MAX)
    };
    if value == 0 {
        return Err(err(
            whole,
            "0 is not a valid message number (they start at 1)",
        ));
    }
    match u32::try_from(value) {
        Ok(n) => Ok(Bound::Num(n)),
        Err(_) => Err(err(
            whole,
            format_args!("{text} is larger than the maximum {}", u32::MAX),
        )),
    }
}

/// Length in bytes of a range's text.
fn range_len(r: &(Bound, Bound)) -> usize {
    fn bound_len(b: Bound) -> usize {
        match b {
            // Digits of a u32: at most 10, found by repeated division.
            Bound::Num(mut n) => {
                let mut len = 1;
                while n >= 10 {
                    n /= 10;
                    len += 1;
                }
                len
            }
            Bound::Star => 1,
        }
    }
    if r.0 == r.1 {
        bound_len(r.0)
    } else {
        bound_len(r.0) + 1 + bound_len(r.1)
    }
}

impl MessageSet {
    /// From a list of ids: sorted, de-duplicated, compressed into ranges.
    /// Empty lists and id 0 are errors.
    pub fn from_ids(ids: &[u32]) -> Result<MessageSet, SeqSetError> {
        if ids.is_empty() {
            return Err(SeqSetError {
                message: "invalid message set: the list of ids is empty".into(),
            });
        }
        if ids.contains(&0) {
            return Err(SeqSetError {
                message: "invalid message set: 0 is not a valid message number (they start at 1)"
                    .into(),
            });
        }
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut ranges = Vec::new();
        let mut start = sorted[0];
        let mut end = start;
        for &id in &sorted[1..] {
            // `end < id` after dedup, so `end + 1` cannot overflow.
            if id == end + 1 {
                end = id;
            } else {
                ranges.push((Bound::Num(start), Bound::Num(end)));
                start = id;
                end = id;
            }
        }
        ranges.push((Bound::Num(start), Bound::Num(end)));
        Ok(MessageSet { ranges })
    }

    /// One id (0 is an error).
    pub fn single(id: u32) -> Result<MessageSet, SeqSetError> {
        MessageSet::from_ids(&[id])
    }

    /// Parse and validate a string such as `2,4:7,9,12:*`; `50-65` is an
    /// error naming the problem. A reversed range `9:5` is kept as written
    /// (the server treats it as `5:9`).
    pub fn parse(s: &str) -> Result<MessageSet, SeqSetError> {
        if s.is_empty() {
            return Err(err(s, "it is empty"));
        }
        if s.contains(char::is_whitespace) {
            return Err(err(s, "spaces are not allowed"));
        }
        if s.contains('-') {
            // The most common mistake: spell out the corrected form.
            let fixed = s.replace('-', ":");
            return Err(err(
                s,
                format_args!("'-' is not allowed, use ':' for ranges ({fixed})"),
            ));
        }
        if s.starts_with(',') || s.ends_with(',') {
            return Err(err(s, "leading or trailing ','"));
        }
        let mut ranges = Vec::new();
        for part in s.split(',') {
            if part.is_empty() {
                return Err(err(s, "empty part between ','"));
            }
            let mut ends = part.split(':');
            let first = ends.next().unwrap_or("");
            let a = parse_bound(s, part, first)?;
            let b = match ends.next() {
                None => a,
                Some(second) => parse_bound(s, part, second)?,
            };
            if ends.next().is_some() {
                return Err(err(
                    s,
                    format_args!("{} has more than one ':'", quoted(part)),
                ));
            }
            ranges.push((a, b));
        }
        Ok(MessageSet { ranges })
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

    /// True when some range uses `*`.
    pub fn has_star(&self) -> bool {
        self.ranges
            .iter()
            .any(|&(a, b)| a == Bound::Star || b == Bound::Star)
    }

    /// Split into sets whose text is at most `max_len` bytes each. Ranges
    /// are never cut; a single range longer than `max_len` (at most 21
    /// bytes, so only with an absurd limit) gets a set of its own.
    pub fn split(&self, max_len: usize) -> Vec<MessageSet> {
        let mut out = Vec::new();
        let mut current: Vec<(Bound, Bound)> = Vec::new();
        let mut current_len = 0usize;
        for r in &self.ranges {
            let len = range_len(r);
            let needed = if current.is_empty() { len } else { len + 1 };
            if !current.is_empty() && current_len + needed > max_len {
                out.push(MessageSet {
                    ranges: std::mem::take(&mut current),
                });
                current_len = 0;
            }
            current_len += if current.is_empty() { len } else { len + 1 };
            current.push(*r);
        }
        if !current.is_empty() {
            out.push(MessageSet { ranges: current });
        }
        out
    }

    /// Expand to sorted, de-duplicated ids. `None` when the set has a `*`
    /// (its meaning depends on the mailbox) or would expand to more than
    /// [`MAX_EXPANDED_IDS`] ids.
    pub fn to_ids(&self) -> Option<Vec<u32>> {
        let mut total: u64 = 0;
        for &(a, b) in &self.ranges {
            let (Bound::Num(a), Bound::Num(b)) = (a, b) else {
                return None;
            };
            total += u64::from(a.max(b) - a.min(b)) + 1;
        }
        if total > MAX_EXPANDED_IDS {
            return None;
        }
        let mut ids = Vec::with_capacity(total as usize);
        for &(a, b) in &self.ranges {
            if let (Bound::Num(a), Bound::Num(b)) = (a, b) {
                ids.extend(a.min(b)..=a.max(b));
            }
        }
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    }
}

impl fmt::Display for MessageSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &(a, b)) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if a == b {
                write!(f, "{a}")?;
            } else {
                write!(f, "{a}:{b}")?;
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for MessageSet {
    type Err = SeqSetError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MessageSet::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn from_ids_compresses() {
        let s = MessageSet::from_ids(&[5, 3, 1, 2, 3]).unwrap();
        assert_eq!(s.to_string(), "1:3,5");
        assert_eq!(
            MessageSet::from_ids(&[u32::MAX, u32::MAX - 1, 7])
                .unwrap()
                .to_string(),
            "7,4294967294:4294967295"
        );
        assert_eq!(MessageSet::single(42).unwrap().to_string(), "42");
    }

    #[test]
    fn from_ids_rejects_empty_and_zero() {
        assert!(MessageSet::from_ids(&[]).is_err());
        assert!(MessageSet::from_ids(&[1, 0]).is_err());
        assert!(MessageSet::single(0).is_err());
    }

    #[test]
    fn parse_valid() {
        for s in [
            "2,4:7,9,12:*",
            "*",
            "1:*",
            "*:4",
            "9:5",
            "4294967295",
            "007",
        ] {
            assert!(MessageSet::parse(s).is_ok(), "{s}");
        }
        assert_eq!(
            MessageSet::parse("2,4:7,9,12:*").unwrap().to_string(),
            "2,4:7,9,12:*"
        );
        assert_eq!(MessageSet::parse("9:5").unwrap().to_string(), "9:5");
        assert_eq!(MessageSet::parse("3:3").unwrap().to_string(), "3");
        assert_eq!(MessageSet::parse("*:*").unwrap().to_string(), "*");
        assert_eq!(MessageSet::parse("007").unwrap().to_string(), "7");
    }

    #[test]
    fn parse_dash_names_the_fix() {
        let e = MessageSet::parse("50-65").unwrap_err();
        assert_eq!(
            e.message,
            "invalid message set \"50-65\": '-' is not allowed, use ':' for ranges (50:65)"
        );
    }

    #[test]
    fn parse_invalid() {
        for s in [
            "",
            " ",
            "1 2",
            "1, 2",
            ",1",
            "1,",
            "1,,2",
            "0",
            "1:0",
            "4294967296",
            "99999999999999999999",
            "1:2:3",
            "a",
            "1:",
            ":1",
            "1;2",
            "١",
            "-1",
            "1\r\n",
        ] {
            let e = MessageSet::parse(s);
            assert!(e.is_err(), "{s:?} accepted");
        }
        assert!(MessageSet::parse("4294967296")
            .unwrap_err()
            .message
            .contains("maximum"));
        assert!(MessageSet::parse("0")
            .unwrap_err()
            .message
            .contains("0 is not"));
        assert!(MessageSet::parse("1 2")
            .unwrap_err()
            .message
            .contains("spaces"));
    }

    #[test]
    fn to_ids_expands() {
        assert_eq!(
            MessageSet::parse("9:7,1,2").unwrap().to_ids(),
            Some(vec![1, 2, 7, 8, 9])
        );
        assert_eq!(MessageSet::parse("1:*").unwrap().to_ids(), None);
        assert_eq!(MessageSet::parse("1:4294967295").unwrap().to_ids(), None);
    }

    #[test]
    fn split_respects_limit() {
        let ids: Vec<u32> = (1..5000).map(|i| i * 3).collect();
        let set = MessageSet::from_ids(&ids).unwrap();
        let pieces = set.split(100);
        assert!(pieces.len() > 1);
        let mut all = Vec::new();
        for p in &pieces {
            assert!(p.to_string().len() <= 100);
            all.extend(p.to_ids().unwrap());
        }
        assert_eq!(all, ids);
        assert_eq!(set.split(usize::MAX), vec![set.clone()]);
        // Impossible limit: one range per piece, nothing lost.
        assert_eq!(MessageSet::parse("1:2,3").unwrap().split(1).len(), 2);
    }

    proptest! {
        #[test]
        fn roundtrip(ids in proptest::collection::vec(1u32.., 1..200)) {
            let set = MessageSet::from_ids(&ids).unwrap();
            let text = set.to_string();
            let parsed = MessageSet::parse(&text).unwrap();
            let mut want = ids.clone();
            want.sort_unstable();
            want.dedup();
            prop_assert_eq!(parsed.to_ids(), Some(want));
            prop_assert_eq!(parsed, set);
        }

        #[test]
        fn roundtrip_dense(ids in proptest::collection::vec(1u32..300, 1..200), max in 7usize..60) {
            let set = MessageSet::from_ids(&ids).unwrap();
            let mut want = ids.clone();
            want.sort_unstable();
            want.dedup();
            prop_assert_eq!(MessageSet::parse(&set.to_string()).unwrap().to_ids(), Some(want.clone()));
            let mut all = Vec::new();
            for p in set.split(max) {
                prop_assert!(p.to_string().len() <= max);
                all.extend(p.to_ids().unwrap());
            }
            prop_assert_eq!(all, want);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = MessageSet::parse(&s);
        }
    }
}
