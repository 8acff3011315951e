//! LIST and LSUB patterns (RFC 3501 6.3.8, RFC 9051 6.3.9): which folder
//! names a reference and a pattern with `*` and `%` stand for. The client
//! uses this to tell a LIST command's own answers from the unsolicited
//! LIST responses NOTIFY (RFC 5465) sends meanwhile.
//!
//! Names and patterns are compared as the bytes given: no decoding, no
//! Unicode case folding. (The client tries them as on the wire and, for
//! modified UTF-7, decoded too: servers differ in which they match.)

/// Whether folder `name` matches `pattern`: `*` matches any run of bytes
/// (none too), `%` any run without `delimiter` (with a NIL delimiter,
/// a flat namespace, any run), every other byte itself. Case matters,
/// except in INBOX: when `name` is INBOX, or INBOX and the delimiter and
/// more, in any case, its first five bytes compare case-insensitively.
///
/// A walk over `name` with the set of pattern positions reached so far
/// (a Thompson NFA): each byte costs the few positions alive, at most
/// `pattern.len()`, whatever the wildcards; no exponential backtracking.
pub fn wildcard_match(pattern: &[u8], name: &[u8], delimiter: Option<u8>) -> bool {
    // Once past the last byte that is not `*`, anything goes.
    let tail = pattern
        .iter()
        .rposition(|&p| p != b'*')
        .map_or(0, |k| k + 1);
    if tail == 0 && !pattern.is_empty() {
        return true;
    }
    let fold = if is_inbox_prefixed(name, delimiter) {
        5
    } else {
        0
    };
    let mut cur = Vec::with_capacity(8);
    let mut next = Vec::with_capacity(8);
    // When each position last joined a set: none twice in one.
    let mut joined = vec![usize::MAX; pattern.len() + 1];
    reach(&mut cur, &mut joined, 0, 0, pattern);
    for (i, &c) in name.iter().enumerate() {
        for &j in &cur {
            let Some(&p) = pattern.get(j) else { continue };
            let to = match p {
                b'*' => j,
                b'%' if Some(c) != delimiter => j,
                b'%' => continue,
                _ if p == c || (i < fold && p.eq_ignore_ascii_case(&c)) => j + 1,
                _ => continue,
            };
            reach(&mut next, &mut joined, to, i + 1, pattern);
        }
        if next.is_empty() {
            return false;
        }
        if tail < pattern.len() && joined[tail] == i + 1 {
            return true;
        }
        std::mem::swap(&mut cur, &mut next);
        next.clear();
    }
    cur.contains(&pattern.len())
}

/// Add position `j` to `set` (step `step`), and the positions past the
/// wildcards from there on: a wildcard may match nothing.
fn reach(set: &mut Vec<usize>, joined: &mut [usize], mut j: usize, step: usize, pattern: &[u8]) {
    loop {
        if joined[j] == step {
            return;
        }
        joined[j] = step;
        set.push(j);
        match pattern.get(j) {
            Some(b'*' | b'%') => j += 1,
            _ => return,
        }
    }
}

/// INBOX, or INBOX and the delimiter and more, in any case.
fn is_inbox_prefixed(name: &[u8], delimiter: Option<u8>) -> bool {
    name.len() >= 5
        && name[..5].eq_ignore_ascii_case(b"INBOX")
        && (name.len() == 5 || Some(name[5]) == delimiter)
}

/// A LIST or LSUB command's reference and pattern (wire form), to test
/// the names of LIST responses against: could this response be part of
/// the command's answer?
///
/// The canonical form is the reference followed by the pattern. How a
/// reference that does not end with the delimiter, or a pattern that
/// starts with it, is read is left to the server (RFC 9051 6.3.9), so
/// every reading the RFCs give is tried: `a/b` + `c` as `a/bc`, `a/b/c`
/// and `a/c`; `a/` + `/c` as `a//c` and `a/c` (Dovecot); a pattern that
/// is absolute (`/c`, `~user/c`, `#news.c`) alone. A genuine answer taken
/// for a notification would go missing from the listing; a notification
/// taken for an answer merely shows in the listing, so doubt accepts.
#[derive(Debug, Clone)]
pub struct ListPattern {
    reference: Vec<u8>,
    pattern: Vec<u8>,
    /// The canonical forms for the delimiter they were made for (the
    /// delimiter comes with each response, and is nearly always the same).
    forms: Option<(Option<u8>, Vec<Vec<u8>>)>,
}

impl ListPattern {
    pub fn new(reference: &[u8], pattern: &[u8]) -> Self {
        ListPattern {
            reference: reference.to_vec(),
            pattern: pattern.to_vec(),
            forms: None,
        }
    }

    /// Whether a LIST response for `name` with this `delimiter` can be
    /// part of the answer.
    pub fn matches(&mut self, name: &[u8], delimiter: Option<u8>) -> bool {
        if self.pattern.is_empty() {
            // RFC 3501: an empty pattern asks for the delimiter and the
            // root of the reference's hierarchy ("" or a prefix of it,
            // `#news.` for `#news.comp.mail`).
            return name.len() <= self.reference.len()
                && self.reference[..name.len()].eq_ignore_ascii_case(name);
        }
        let forms = match &mut self.forms {
            Some((d, forms)) if *d == delimiter => forms,
            slot => {
                let forms = canonical_forms(&self.reference, &self.pattern, delimiter);
                &mut slot.insert((delimiter, forms)).1
            }
        };
        // A namespace root may come with its delimiter at the end
        // (`#shared/` for `%`).
        let trimmed = match (name.split_last(), delimiter) {
            (Some((&last, rest)), Some(d)) if last == d && !rest.is_empty() => Some(rest),
            _ => None,
        };
        forms.iter().any(|f| {
            wildcard_match(f, name, delimiter)
                || trimmed.is_some_and(|t| wildcard_match(f, t, delimiter))
        })
    }
}

/// The readings of `reference` + `pattern` (see [`ListPattern`]).
fn canonical_forms(reference: &[u8], pattern: &[u8], delimiter: Option<u8>) -> Vec<Vec<u8>> {
    let join = |a: &[u8], b: &[u8]| [a, b].concat();
    let mut forms = vec![join(reference, pattern)];
    if reference.is_empty() {
        return forms;
    }
    let first = pattern.first().copied();
    if matches!(first, Some(b'~' | b'#')) || (first.is_some() && first == delimiter) {
        forms.push(pattern.to_vec());
    }
    if let Some(d) = delimiter {
        if reference.ends_with(&[d]) {
            if first == Some(d) {
                forms.push(join(reference, &pattern[1..]));
            }
        } else {
            if first != Some(d) {
                forms.push([reference, &[d], pattern].concat());
            }
            // The reference's last level replaced: `foo/bar` + `rag/baz`
            // as `foo/rag/baz`.
            let parent = reference
                .iter()
                .rposition(|&b| b == d)
                .map_or(&[][..], |k| &reference[..=k]);
            forms.push(join(parent, pattern));
        }
    }
    forms.sort();
    forms.dedup();
    forms
}

#[cfg(test)]
mod tests {
    use super::{wildcard_match as m, ListPattern};
    use proptest::prelude::*;

    /// The definition, by plain recursion (exponential; small inputs).
    fn naive(p: &[u8], n: &[u8], d: Option<u8>) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some((b'*', rest)) => (0..=n.len()).any(|k| naive(rest, &n[k..], d)),
            Some((b'%', rest)) => (0..=n.len())
                .take_while(|&k| k == 0 || Some(n[k - 1]) != d)
                .any(|k| naive(rest, &n[k..], d)),
            Some((&c, rest)) => n.first() == Some(&c) && naive(rest, &n[1..], d),
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_definition(
            p in proptest::collection::vec(prop::sample::select(b"ab/*%".to_vec()), 0..9),
            n in proptest::collection::vec(prop::sample::select(b"ab/".to_vec()), 0..12),
            nil in any::<bool>(),
        ) {
            let d = (!nil).then_some(b'/');
            prop_assert_eq!(m(&p, &n, d), naive(&p, &n, d));
        }
    }

    const SLASH: Option<u8> = Some(b'/');

    #[test]
    fn literals_and_star() {
        assert!(m(b"Work", b"Work", SLASH));
        assert!(!m(b"Work", b"work", SLASH), "case matters");
        assert!(!m(b"Work", b"Work2", SLASH));
        assert!(!m(b"Work2", b"Work", SLASH));
        assert!(m(b"*", b"", SLASH));
        assert!(m(b"*", b"a/b/c", SLASH));
        assert!(m(b"Work/*", b"Work/", SLASH));
        assert!(m(b"Work/*", b"Work/a/b", SLASH));
        assert!(!m(b"Work/*", b"Work", SLASH));
        assert!(!m(b"Work/*", b"Other", SLASH));
        // In the middle, several, with literal text between.
        assert!(m(b"a*z", b"a/b/z", SLASH));
        assert!(m(b"a*z", b"az", SLASH));
        assert!(!m(b"a*z", b"a/b/zx", SLASH));
        assert!(m(b"*b*d*", b"abcde", SLASH));
        assert!(!m(b"*b*d*", b"adcbe", SLASH));
        assert!(m(b"**", b"x", SLASH));
        assert!(m(b"a*a*a", b"aaaa", SLASH));
        assert!(!m(b"a*a*a", b"aa", SLASH));
    }

    #[test]
    fn percent_stops_at_the_responses_delimiter() {
        assert!(m(b"%", b"Work", SLASH));
        assert!(m(b"%", b"", SLASH));
        assert!(!m(b"%", b"Work/a", SLASH));
        assert!(m(b"Work/%", b"Work/a", SLASH));
        assert!(!m(b"Work/%", b"Work/a/b", SLASH));
        assert!(m(b"%/%", b"Work/a", SLASH));
        assert!(m(b"%/b", b"a/b", SLASH));
        assert!(!m(b"%b", b"a/b", SLASH));
        // Another delimiter: `/` is an ordinary byte, `.` is not.
        assert!(m(b"%", b"a/b", Some(b'.')));
        assert!(!m(b"%", b"a.b", Some(b'.')));
        assert!(m(b"INBOX.%", b"INBOX.Sent", Some(b'.')));
        // NIL: no hierarchy, `%` is `*`.
        assert!(m(b"%", b"a/b.c", None));
        assert!(m(b"a%c", b"a/b.c", None));
        // `*` crosses levels, `%` around it does not need to.
        assert!(m(b"%*", b"a/b/c", SLASH));
        assert!(m(b"*%", b"a/b/c", SLASH));
        assert!(m(b"%/*/%", b"a/b/c/d", SLASH));
        assert!(!m(b"%/*/%", b"a/b", SLASH));
        assert!(m(b"%a%/%", b"xay/z", SLASH));
        assert!(!m(b"%a%/%", b"x/a/z", SLASH));
    }

    #[test]
    fn empty_pattern_and_names() {
        assert!(m(b"", b"", SLASH));
        assert!(!m(b"", b"a", SLASH));
        assert!(!m(b"a", b"", SLASH));
    }

    #[test]
    fn inbox_is_case_insensitive_and_nothing_else() {
        assert!(m(b"inbox", b"INBOX", SLASH));
        assert!(m(b"INBOX", b"inbox", SLASH));
        assert!(m(b"InBoX/%", b"INBOX/Sent", SLASH));
        assert!(m(b"inbox*", b"INBOX", SLASH));
        assert!(m(b"*box", b"INBOX", SLASH));
        assert!(m(b"I%", b"inbox", SLASH));
        // Only the INBOX part: the rest of the name keeps its case.
        assert!(!m(b"inbox/sent", b"INBOX/Sent", SLASH));
        // INBOXES is not INBOX, nor is INBOX.x when `/` is the delimiter.
        assert!(!m(b"inboxes", b"INBOXES", SLASH));
        assert!(!m(b"inbox.x", b"INBOX.x", SLASH));
        assert!(m(b"inbox.x", b"INBOX.x", Some(b'.')));
        assert!(!m(b"sent", b"Sent", SLASH));
    }

    #[test]
    fn eight_bit_and_utf7_names_are_bytes() {
        let ja = "Entwürfe/日本語".as_bytes();
        assert!(m("Entwürfe/*".as_bytes(), ja, SLASH));
        assert!(m("Entwürfe/%".as_bytes(), ja, SLASH));
        assert!(!m("entwürfe/*".as_bytes(), ja, SLASH));
        assert!(!m("Entwürfe/日本".as_bytes(), ja, SLASH));
        // `%` crosses multi-byte characters, never the delimiter.
        assert!(m(b"%", "日本語".as_bytes(), SLASH));
        assert!(m(b"Entw&APw-rfe/%", b"Entw&APw-rfe/&ZeVnLIqe-", SLASH));
        assert!(!m(b"Entw&APw-rfe/%", b"Entw&AP8-rfe/x", SLASH));
        // Bytes above 0x7f are not case-folded, even inside INBOX's span.
        assert!(!m(&[0xc4], &[0xe4], None));
    }

    #[test]
    fn never_exponential() {
        // Backtracking matchers take ages on this; the NFA takes
        // name * pattern steps.
        let pattern = "%a".repeat(40) + "%b";
        let name = "a".repeat(20_000);
        assert!(!m(pattern.as_bytes(), name.as_bytes(), SLASH));
        let pattern = "*a".repeat(40) + "*b";
        assert!(!m(pattern.as_bytes(), name.as_bytes(), SLASH));
        let pattern = "*a".repeat(40);
        assert!(m(pattern.as_bytes(), name.as_bytes(), SLASH));
    }

    #[test]
    fn reference_and_pattern() {
        let mut p = ListPattern::new(b"", b"Work/*");
        assert!(p.matches(b"Work/a", SLASH));
        assert!(p.matches(b"Work/a/b", SLASH));
        assert!(!p.matches(b"Other", SLASH));
        assert!(!p.matches(b"Work", SLASH));
        // The reference ends with the delimiter: reference + pattern.
        let mut p = ListPattern::new(b"Work/", b"%");
        assert!(p.matches(b"Work/a", SLASH));
        assert!(!p.matches(b"Work/a/b", SLASH));
        assert!(!p.matches(b"Other", SLASH));
        assert!(!p.matches(b"a", SLASH), "% alone is not a reading here");
        // A doubled delimiter dropped (Dovecot), or kept.
        let mut p = ListPattern::new(b"Work/", b"/a");
        assert!(p.matches(b"Work/a", SLASH));
        assert!(p.matches(b"Work//a", SLASH));
        // ... or the pattern as an absolute name (RFC 3501's example).
        assert!(p.matches(b"/a", SLASH));
        assert!(!p.matches(b"Other/a", SLASH));
        let mut p = ListPattern::new(b"archive/", b"~fred/Mail/*");
        assert!(p.matches(b"~fred/Mail/x", SLASH));
        assert!(p.matches(b"archive/~fred/Mail/x", SLASH));
        // Without the delimiter at its end, the server decides: `a/bc`,
        // `a/b/c` or `a/c`.
        let mut p = ListPattern::new(b"foo/bar", b"rag/%");
        for name in ["foo/barrag/baz", "foo/bar/rag/baz", "foo/rag/baz"] {
            assert!(p.matches(name.as_bytes(), SLASH), "{name}");
        }
        assert!(!p.matches(b"rag/baz", SLASH));
        assert!(!p.matches(b"foo/bar/rag/baz/x", SLASH));
        // Another delimiter in the next response: the forms follow it.
        assert!(p.matches(b"foo/bar.rag/baz", Some(b'.')));
        assert!(!p.matches(b"foo/bar/rag/baz", Some(b'.')));
        assert!(p.matches(b"foo/bar/rag/baz", SLASH));
        // NIL delimiter: only the plain concatenation.
        assert!(p.matches(b"foo/barrag/baz", None));
        assert!(!p.matches(b"foo/rag/baz", None));
    }

    #[test]
    fn empty_pattern_asks_for_the_root() {
        let mut p = ListPattern::new(b"", b"");
        assert!(p.matches(b"", SLASH));
        assert!(!p.matches(b"Work", SLASH));
        let mut p = ListPattern::new(b"#news.comp.mail.misc", b"");
        assert!(p.matches(b"#news.", Some(b'.')));
        assert!(p.matches(b"", Some(b'.')));
        assert!(!p.matches(b"#mail.", Some(b'.')));
    }

    #[test]
    fn namespace_roots_with_a_trailing_delimiter() {
        let mut p = ListPattern::new(b"", b"%");
        assert!(p.matches(b"#shared/", SLASH));
        assert!(!p.matches(b"#shared/x/", SLASH));
    }
}
