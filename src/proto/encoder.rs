//! Command encoder: tags, arguments in their cheapest safe form, literals.
//!
//! Safety rule: no argument can end the command line early. A CR or LF only
//! ever reaches the output inside a literal whose `{n}` header counts it, or
//! as the final CRLF written by [`CommandBuilder::finish`].

use crate::proto::dates::Date;
use crate::proto::flags;
use crate::proto::search::SearchKey;
use crate::proto::seqset::MessageSet;
use zeroize::{Zeroize, Zeroizing};

/// What the server allows for literals (from its capabilities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LiteralMode {
    /// LITERAL+ (RFC 7888): `{n+}` for any size.
    pub literal_plus: bool,
    /// LITERAL- : `{n+}` for literals up to 4096 bytes.
    pub literal_minus: bool,
}

/// Largest literal LITERAL- allows without synchronising (RFC 7888).
const LITERAL_MINUS_MAX: usize = 4096;
/// Longer strings go as literals: some servers limit quoted strings.
const MAX_QUOTED: usize = 1024;
/// Literal data longer than this is cut in [`Command::log_form`].
const LOG_LITERAL_MAX: usize = 64;
/// Nesting limit for search keys, so a hostile tree cannot overflow the stack.
const MAX_SEARCH_DEPTH: usize = 64;

/// Why an argument could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    /// Human-readable reason.
    pub message: String,
}

impl std::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for EncodeError {}

fn enc_err(message: impl Into<String>) -> EncodeError {
    EncodeError {
        message: message.into(),
    }
}

/// A finished command. `chunks[0]` is sent first; before each later chunk
/// the client must wait for a `+` continuation (synchronising literal). The
/// last chunk ends with CRLF.
///
/// The bytes of its secrets (`CommandBuilder::secret`) are wiped when it
/// is dropped, and no other copy of them was left behind while it was
/// built. A command without secrets pays one empty loop for this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The tag the server's completion response will carry.
    pub tag: String,
    /// Bytes to send; every chunk but the last ends with a `{n}` CRLF header.
    pub chunks: Vec<Vec<u8>>,
    /// Byte ranges (chunk index, start, end) holding secrets, for logging.
    pub secrets: Vec<(usize, usize, usize)>,
}

/// If `bytes[..crlf]` ends with a literal header `{n}` or `{n+}`, its n.
fn literal_header_len(bytes: &[u8], crlf: usize) -> Option<usize> {
    let head = bytes[..crlf].strip_suffix(b"}")?;
    let head = head.strip_suffix(b"+").unwrap_or(head);
    let open = head.iter().rposition(|&b| b == b'{')?;
    let digits = &head[open + 1..];
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

impl Drop for Command {
    fn drop(&mut self) {
        self.wipe_secrets();
    }
}

impl Command {
    /// Overwrite the bytes of the secrets with zeros (done on drop).
    fn wipe_secrets(&mut self) {
        for &(c, start, end) in &self.secrets {
            if let Some(b) = self.chunks.get_mut(c).and_then(|c| c.get_mut(start..end)) {
                b.zeroize();
            }
        }
    }

    /// All chunks joined, as they go on the wire: a copy, secrets
    /// included, which the caller wipes if it holds any.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.chunks.concat()
    }

    /// The command as it may be logged: secrets replaced by `<redacted>`,
    /// literals longer than 64 bytes truncated with a count. Line ends are
    /// dropped and other control characters escaped, so the result is one
    /// log line.
    pub fn log_form(&self) -> String {
        // The joined copy holds the secrets: wiped when done.
        let all = Zeroizing::new(self.to_bytes());
        // Chunk start offsets in `all`, to place the secrets.
        let mut starts = Vec::with_capacity(self.chunks.len());
        let mut off = 0;
        for c in &self.chunks {
            starts.push(off);
            off += c.len();
        }
        let mut secrets: Vec<(usize, usize)> = self
            .secrets
            .iter()
            .filter_map(|&(c, s, e)| {
                let base = *starts.get(c)?;
                Some(((base + s).min(all.len()), (base + e).min(all.len())))
            })
            .collect();
        secrets.sort_unstable();
        // Literal data ranges, found by walking headers followed by CRLF.
        let mut literals = Vec::new();
        let mut i = 0;
        while i + 1 < all.len() {
            if &all[i..i + 2] == b"\r\n" {
                if let Some(n) = literal_header_len(&all, i) {
                    let start = i + 2;
                    let end = start.saturating_add(n).min(all.len());
                    literals.push((start, end));
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        let mut out: Vec<u8> = Vec::with_capacity(all.len().min(4096));
        let (mut si, mut li) = (0, 0);
        let mut p = 0;
        while p < all.len() {
            while si < secrets.len() && secrets[si].0 < p {
                si += 1;
            }
            while li < literals.len() && literals[li].0 < p {
                li += 1;
            }
            if si < secrets.len() && secrets[si].0 == p && secrets[si].1 > p {
                out.extend_from_slice(b"<redacted>");
                p = secrets[si].1;
                continue;
            }
            if li < literals.len() && literals[li].0 == p {
                let (s, e) = literals[li];
                if e - s > LOG_LITERAL_MAX {
                    out.extend_from_slice(&all[s..s + LOG_LITERAL_MAX]);
                    out.extend_from_slice(format!("...<{} bytes>", e - s).as_bytes());
                    p = e;
                    continue;
                }
            }
            out.push(all[p]);
            p += 1;
        }
        let mut text = String::with_capacity(out.len());
        for c in String::from_utf8_lossy(&out).chars() {
            match c {
                '\r' | '\n' => {}
                c if c.is_control() => text.extend(c.escape_default()),
                c => text.push(c),
            }
        }
        text
    }
}

/// True when `s` can be a quoted string: 7-bit, no NUL, CR or LF, not long.
fn quotable(s: &[u8]) -> bool {
    s.len() <= MAX_QUOTED
        && s.iter()
            .all(|&b| matches!(b, 0x01..=0x7f) && b != b'\r' && b != b'\n')
}

/// Builds one command line. Arguments are separated by single spaces.
#[derive(Debug)]
pub struct CommandBuilder {
    mode: LiteralMode,
    tag: String,
    /// Finished chunks, each ending with a synchronising literal header.
    chunks: Vec<Vec<u8>>,
    /// The chunk being written.
    cur: Vec<u8>,
    secrets: Vec<(usize, usize, usize)>,
    /// Set right after `(`: the next argument takes no leading space.
    glue: bool,
}

impl CommandBuilder {
    /// Start `TAG NAME` (name is a trusted command keyword such as `UID FETCH`).
    pub fn new(tag: &str, name: &str, mode: LiteralMode) -> CommandBuilder {
        let mut cur = Vec::with_capacity(64);
        cur.extend_from_slice(tag.as_bytes());
        cur.push(b' ');
        cur.extend_from_slice(name.as_bytes());
        CommandBuilder {
            mode,
            tag: tag.to_string(),
            chunks: Vec::new(),
            cur,
            secrets: Vec::new(),
            glue: false,
        }
    }

    fn sep(&mut self) {
        if std::mem::take(&mut self.glue) {
            return;
        }
        self.cur.push(b' ');
    }

    /// Trusted text sent verbatim (keywords, item lists the library made).
    /// It must not hold CR or LF, nor end with a `{n}` literal header: no
    /// check is made here, so never pass user data.
    pub fn raw(&mut self, s: &[u8]) -> &mut Self {
        self.sep();
        self.cur.extend_from_slice(s);
        self
    }

    /// An astring argument in its cheapest safe form: atom, quoted, or
    /// literal (CR, LF, NUL, 8-bit, or longer than 1024 bytes).
    ///
    /// `NIL` (any case) is quoted so no server can take it for the NIL token.
    pub fn astring(&mut self, s: &[u8]) -> &mut Self {
        self.sep();
        self.put_astring(s);
        self
    }

    /// A string argument (quoted or literal, never a bare atom).
    pub fn string(&mut self, s: &[u8]) -> &mut Self {
        self.sep();
        self.put_string(s);
        self
    }

    /// Like `astring`, but the value is a secret: never logged, and wiped
    /// from the command when it is dropped. Room for its encoded form and
    /// the command's end (a `)` and CRLF) is made before it is written,
    /// so no buffer growing on the way leaves a copy of it behind: more
    /// arguments after it would grow the buffer again, so the library
    /// makes it the last.
    pub fn secret(&mut self, s: &[u8]) -> &mut Self {
        self.sep();
        // The longest form: quoted with every byte escaped, or a literal
        // with its header (`{` 20 digits `+}` CRLF); then `)` and CRLF.
        self.cur.reserve(2 * s.len() + 25 + 8);
        let chunk_before = self.chunks.len();
        let start = self.cur.len();
        self.put_astring(s);
        // A synchronising literal moved the data into a new chunk.
        let start = if self.chunks.len() > chunk_before {
            0
        } else {
            start
        };
        self.secrets
            .push((self.chunks.len(), start, self.cur.len()));
        self
    }

    /// A literal whatever the content (`~{n}` literal8 when `binary`).
    pub fn literal(&mut self, data: &[u8], binary: bool) -> &mut Self {
        self.sep();
        self.put_literal(data, binary);
        self
    }

    /// A message set.
    pub fn set(&mut self, set: &MessageSet) -> &mut Self {
        self.sep();
        self.cur.extend_from_slice(set.to_string().as_bytes());
        self
    }

    /// A parenthesised flag list `(\Seen foo)`; flags are validated with
    /// `flags::check_store_flag`. Nothing is written when one is refused.
    pub fn flag_list(&mut self, flags: &[&[u8]]) -> Result<&mut Self, EncodeError> {
        for f in flags {
            flags::check_store_flag(f).map_err(|e| enc_err(e.message))?;
        }
        self.sep();
        self.cur.push(b'(');
        for (i, f) in flags.iter().enumerate() {
            if i > 0 {
                self.cur.push(b' ');
            }
            self.cur.extend_from_slice(f);
        }
        self.cur.push(b')');
        Ok(self)
    }

    /// Search criteria (top-level keys are space-separated, not wrapped).
    /// All keys are checked before anything is written, so an error leaves
    /// the command as it was. An empty list is an error.
    pub fn search_keys(&mut self, keys: &[SearchKey]) -> Result<&mut Self, EncodeError> {
        if keys.is_empty() {
            return Err(enc_err("search criteria are empty"));
        }
        for k in keys {
            check_key(k, 0)?;
        }
        for k in keys {
            self.sep();
            self.put_key(k);
        }
        Ok(self)
    }

    /// Open a parenthesised list: ` (`; the next argument follows without
    /// a space.
    pub fn begin_list(&mut self) -> &mut Self {
        self.sep();
        self.cur.push(b'(');
        self.glue = true;
        self
    }

    /// Close a list opened with `begin_list`: `)`.
    pub fn end_list(&mut self) -> &mut Self {
        self.glue = false;
        self.cur.push(b')');
        self
    }

    /// End the command with CRLF.
    pub fn finish(&mut self) -> Command {
        self.cur.extend_from_slice(b"\r\n");
        let mut chunks = std::mem::take(&mut self.chunks);
        chunks.push(std::mem::take(&mut self.cur));
        Command {
            tag: std::mem::take(&mut self.tag),
            chunks,
            secrets: std::mem::take(&mut self.secrets),
        }
    }

    fn put_astring(&mut self, s: &[u8]) {
        if flags::is_atom(s) && !s.eq_ignore_ascii_case(b"NIL") {
            self.cur.extend_from_slice(s);
        } else {
            self.put_string(s);
        }
    }

    fn put_string(&mut self, s: &[u8]) {
        if quotable(s) {
            self.cur.reserve(s.len() + 2);
            self.cur.push(b'"');
            for &b in s {
                if b == b'"' || b == b'\\' {
                    self.cur.push(b'\\');
                }
                self.cur.push(b);
            }
            self.cur.push(b'"');
        } else {
            self.put_literal(s, false);
        }
    }

    fn put_literal(&mut self, data: &[u8], binary: bool) {
        let non_sync =
            self.mode.literal_plus || (self.mode.literal_minus && data.len() <= LITERAL_MINUS_MAX);
        let header = format!(
            "{}{{{}{}}}\r\n",
            if binary { "~" } else { "" },
            data.len(),
            if non_sync { "+" } else { "" }
        );
        self.cur.extend_from_slice(header.as_bytes());
        if !non_sync {
            // The server must say `+` before the data: end this chunk.
            let done = std::mem::take(&mut self.cur);
            self.chunks.push(done);
            // Room for the data and the command's end: the chunk is not
            // copied again by growing (a secret would leave a copy).
            self.cur.reserve(data.len() + 8);
        }
        self.cur.extend_from_slice(data);
    }

    fn put_date(&mut self, word: &str, d: &Date) {
        self.put_word(word);
        self.cur.extend_from_slice(d.to_imap().as_bytes());
    }

    /// A keyword followed by a space.
    fn put_word(&mut self, word: &str) {
        self.cur.extend_from_slice(word.as_bytes());
        self.cur.push(b' ');
    }

    fn put_num(&mut self, word: &str, n: u64) {
        self.put_word(word);
        self.cur.extend_from_slice(n.to_string().as_bytes());
    }

    /// Write one key (already checked by [`check_key`]).
    fn put_key(&mut self, key: &SearchKey) {
        use SearchKey::*;
        let simple = match key {
            All => "ALL",
            Answered => "ANSWERED",
            Deleted => "DELETED",
            Draft => "DRAFT",
            Flagged => "FLAGGED",
            New => "NEW",
            Old => "OLD",
            Recent => "RECENT",
            Seen => "SEEN",
            Unanswered => "UNANSWERED",
            Undeleted => "UNDELETED",
            Undraft => "UNDRAFT",
            Unflagged => "UNFLAGGED",
            Unseen => "UNSEEN",
            _ => "",
        };
        if !simple.is_empty() {
            self.cur.extend_from_slice(simple.as_bytes());
            return;
        }
        match key {
            Keyword(k) | Unkeyword(k) => {
                self.put_word(if matches!(key, Keyword(_)) {
                    "KEYWORD"
                } else {
                    "UNKEYWORD"
                });
                self.cur.extend_from_slice(k);
            }
            Bcc(s) | Body(s) | Cc(s) | From(s) | Subject(s) | Text(s) | To(s) | GmRaw(s) => {
                let word = match key {
                    Bcc(_) => "BCC",
                    Body(_) => "BODY",
                    Cc(_) => "CC",
                    From(_) => "FROM",
                    Subject(_) => "SUBJECT",
                    Text(_) => "TEXT",
                    To(_) => "TO",
                    _ => "X-GM-RAW",
                };
                self.put_word(word);
                self.put_string(s);
            }
            Header(name, value) => {
                self.put_word("HEADER");
                self.put_astring(name);
                self.sep();
                self.put_string(value);
            }
            Before(d) => self.put_date("BEFORE", d),
            On(d) => self.put_date("ON", d),
            Since(d) => self.put_date("SINCE", d),
            SentBefore(d) => self.put_date("SENTBEFORE", d),
            SentOn(d) => self.put_date("SENTON", d),
            SentSince(d) => self.put_date("SENTSINCE", d),
            Larger(n) => self.put_num("LARGER", *n),
            Smaller(n) => self.put_num("SMALLER", *n),
            Uid(set) => {
                self.put_word("UID");
                self.cur.extend_from_slice(set.to_string().as_bytes());
            }
            SeqSet(set) => self.cur.extend_from_slice(set.to_string().as_bytes()),
            ModSeq(n) => self.put_num("MODSEQ", *n),
            Younger(n) => self.put_num("YOUNGER", u64::from(*n)),
            Older(n) => self.put_num("OLDER", u64::from(*n)),
            GmMsgId(n) => self.put_num("X-GM-MSGID", *n),
            GmThrId(n) => self.put_num("X-GM-THRID", *n),
            Not(k) => {
                self.put_word("NOT");
                self.put_key(k);
            }
            Or(a, b) => {
                self.put_word("OR");
                self.put_key(a);
                self.sep();
                self.put_key(b);
            }
            And(keys) => {
                self.cur.push(b'(');
                for (i, k) in keys.iter().enumerate() {
                    if i > 0 {
                        self.sep();
                    }
                    self.put_key(k);
                }
                self.cur.push(b')');
            }
            Raw(r) => self.cur.extend_from_slice(r),
            // The simple keys were written above.
            _ => {}
        }
    }
}

/// True when `r` ends inside a quoted string (backslash escapes honoured).
fn ends_in_quote(r: &[u8]) -> bool {
    let (mut quoted, mut escape) = (false, false);
    for &b in r {
        match b {
            _ if escape => escape = false,
            b'\\' if quoted => escape = true,
            b'"' => quoted = !quoted,
            _ => {}
        }
    }
    quoted
}

/// Everything that can make a key unencodable, checked before writing.
/// The checks `search_keys` makes of one key (and the keys inside it),
/// for a caller that builds criteria a key at a time and wants each
/// refused when it is added.
pub(crate) fn check_search_key(key: &SearchKey) -> Result<(), EncodeError> {
    check_key(key, 0)
}

fn check_key(key: &SearchKey, depth: usize) -> Result<(), EncodeError> {
    use SearchKey::*;
    if depth > MAX_SEARCH_DEPTH {
        return Err(enc_err(format!(
            "search keys are nested deeper than {MAX_SEARCH_DEPTH} levels"
        )));
    }
    match key {
        Keyword(k) | Unkeyword(k) if !flags::is_atom(k) => {
            return Err(enc_err(format!(
                "search keyword {} is not a valid atom",
                super::quote::quoted(&String::from_utf8_lossy(k))
            )));
        }
        // A NUL is not allowed in a string (RFC 9051 CHAR8 is %x01-ff),
        // literal or quoted.
        Bcc(t) | Body(t) | Cc(t) | From(t) | Subject(t) | Text(t) | To(t) | GmRaw(t)
            if t.contains(&0) =>
        {
            return Err(enc_err("search text must not contain NUL"));
        }
        Header(n, v) if n.contains(&0) || v.contains(&0) => {
            return Err(enc_err("search header name and text must not contain NUL"));
        }
        // RFC 5322 field-name: printable ASCII but ':' (and no space).
        Header(n, _)
            if n.is_empty() || !n.iter().all(|&b| (33..=126).contains(&b) && b != b':') =>
        {
            return Err(enc_err(format!(
                "search header name {} is not a header field name",
                super::quote::quoted(&String::from_utf8_lossy(n))
            )));
        }
        Before(d) | On(d) | Since(d) | SentBefore(d) | SentOn(d) | SentSince(d) => {
            Date::new(d.year, d.month, d.day).map_err(|e| enc_err(format!("search date: {e}")))?;
        }
        Not(k) => check_key(k, depth + 1)?,
        Or(a, b) => {
            check_key(a, depth + 1)?;
            check_key(b, depth + 1)?;
        }
        And(keys) => {
            if keys.is_empty() {
                return Err(enc_err(
                    "an empty AND group \"()\" is not valid search syntax",
                ));
            }
            for k in keys {
                check_key(k, depth + 1)?;
            }
        }
        Raw(r) if r.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)) => {
            return Err(enc_err("raw search text must not contain CR, LF or NUL"));
        }
        // At the end of the line `{5}` would announce a literal and the
        // server would swallow the next command as its data.
        Raw(r) if r.ends_with(b"}") => {
            return Err(enc_err("raw search text must not end with '}'"));
        }
        // An open quoted string would swallow the rest of the line,
        // including the header of a literal that follows: the server then
        // rejects the line and reads the literal's data (sent at once with
        // LITERAL+) as the next command.
        Raw(r) if ends_in_quote(r) => {
            return Err(enc_err(
                "raw search text must not leave a quoted string open",
            ));
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use SearchKey::*;

    const SYNC: LiteralMode = LiteralMode {
        literal_plus: false,
        literal_minus: false,
    };
    const PLUS: LiteralMode = LiteralMode {
        literal_plus: true,
        literal_minus: false,
    };
    const MINUS: LiteralMode = LiteralMode {
        literal_plus: false,
        literal_minus: true,
    };

    fn one(cmd: &Command) -> String {
        String::from_utf8_lossy(&cmd.to_bytes()).into_owned()
    }

    fn with(mode: LiteralMode, f: impl FnOnce(&mut CommandBuilder)) -> Command {
        let mut b = CommandBuilder::new("A1", "CMD", mode);
        f(&mut b);
        b.finish()
    }

    /// Walk the output like a server would: every CR or LF outside literal
    /// data must be the final CRLF or the CRLF ending a `{n}`/`{n+}`
    /// header whose n bytes follow in full; synchronising headers must end
    /// their chunk. Returns the number of literals seen.
    fn check_framing(cmd: &Command) -> usize {
        let all = cmd.to_bytes();
        let mut boundaries = Vec::new();
        let mut off = 0;
        for c in &cmd.chunks[..cmd.chunks.len() - 1] {
            off += c.len();
            boundaries.push(off);
        }
        assert!(all.ends_with(b"\r\n"));
        let mut literals = 0;
        let mut sync_ends = Vec::new();
        let mut i = 0;
        while i < all.len() {
            let b = all[i];
            if b != b'\r' && b != b'\n' {
                i += 1;
                continue;
            }
            assert_eq!(b, b'\r', "bare LF at {i}");
            assert_eq!(all.get(i + 1), Some(&b'\n'), "bare CR at {i}");
            if i + 2 == all.len() {
                assert!(
                    literal_header_len(&all, i).is_none(),
                    "final line ends with a literal header"
                );
                break;
            }
            // Must be a literal header: `{digits}` or `{digits+}`.
            let head = &all[..i];
            assert!(head.ends_with(b"}"), "CRLF without literal header at {i}");
            let plus = head.ends_with(b"+}");
            let inner_end = head.len() - if plus { 2 } else { 1 };
            let open = head[..inner_end]
                .iter()
                .rposition(|&b| b == b'{')
                .expect("literal header without '{'");
            let n: usize = std::str::from_utf8(&head[open + 1..inner_end])
                .unwrap()
                .parse()
                .expect("literal count is not a number");
            if !plus {
                sync_ends.push(i + 2);
            }
            i += 2 + n;
            assert!(i < all.len(), "literal runs past the end");
            literals += 1;
        }
        assert_eq!(
            sync_ends, boundaries,
            "chunks must end exactly at sync headers"
        );
        literals
    }

    #[test]
    fn atoms_quoted_literals() {
        let c = with(SYNC, |b| {
            b.astring(b"INBOX")
                .astring(b"")
                .astring(b"two words")
                .astring(b"a\"b\\c")
                .astring(b"nil")
                .astring(b"a]b")
                .string(b"atom")
                .string(b"");
        });
        assert_eq!(
            one(&c),
            "A1 CMD INBOX \"\" \"two words\" \"a\\\"b\\\\c\" \"nil\" \"a]b\" \"atom\" \"\"\r\n"
        );
        assert_eq!(c.chunks.len(), 1);
        assert_eq!(c.tag, "A1");
    }

    #[test]
    fn sync_literal_splits_chunks() {
        let c = with(SYNC, |b| {
            b.astring("Entwürfe".as_bytes()).astring(b"x");
        });
        assert_eq!(c.chunks.len(), 2);
        assert_eq!(c.chunks[0], b"A1 CMD {9}\r\n");
        assert_eq!(c.chunks[1], "Entwürfe x\r\n".as_bytes());
        assert_eq!(check_framing(&c), 1);
    }

    #[test]
    fn literal_plus_and_minus() {
        let big = vec![b'a'; 5000];
        let c = with(PLUS, |b| {
            b.string(b"a\r\nb").string(&big);
        });
        assert_eq!(c.chunks.len(), 1);
        assert!(one(&c).starts_with("A1 CMD {4+}\r\na\r\nb {5000+}\r\naaa"));
        assert_eq!(check_framing(&c), 2);

        let c = with(MINUS, |b| {
            b.string(b"a\r\nb").string(&big).string(&big[..4096]);
        });
        assert_eq!(c.chunks.len(), 2);
        assert_eq!(c.chunks[0], b"A1 CMD {4+}\r\na\r\nb {5000}\r\n");
        assert!(one(&c).contains(" {4096+}\r\n"));
        assert_eq!(check_framing(&c), 3);
    }

    #[test]
    fn literal8_and_plain_literal() {
        let c = with(SYNC, |b| {
            b.literal(b"\x00\x01", true).literal(b"hi", false);
        });
        assert_eq!(
            c.chunks,
            vec![
                b"A1 CMD ~{2}\r\n".to_vec(),
                b"\x00\x01 {2}\r\n".to_vec(),
                b"hi\r\n".to_vec()
            ]
        );
        let c = with(PLUS, |b| {
            b.literal(b"\x00", true);
        });
        assert_eq!(one(&c), "A1 CMD ~{1+}\r\n\x00\r\n");
        assert_eq!(check_framing(&c), 1);
    }

    #[test]
    fn long_strings_become_literals() {
        let s = vec![b'x'; 1024];
        let c = with(PLUS, |b| {
            b.string(&s);
        });
        assert_eq!(c.to_bytes().len(), "A1 CMD \"\"\r\n".len() + 1024);
        let s = vec![b'x'; 1025];
        let c = with(PLUS, |b| {
            b.string(&s);
        });
        assert!(one(&c).starts_with("A1 CMD {1025+}\r\n"));
    }

    #[test]
    fn secrets_are_wiped_and_nothing_else() {
        for (mode, pw) in [
            (SYNC, &b"hunter2"[..]),
            (SYNC, b"pa\"ss word"),
            (SYNC, "pässword".as_bytes()),
            (PLUS, "pässword".as_bytes()),
        ] {
            let mut c = with(mode, |b| {
                b.astring(b"user").secret(pw);
            });
            let before = c.chunks.clone();
            let (i, s, e) = c.secrets[0];
            c.wipe_secrets();
            assert!(c.chunks[i][s..e].iter().all(|&b| b == 0), "{:?}", c.chunks);
            // Everything around the secret is as it was.
            for (k, (now, was)) in c.chunks.iter().zip(&before).enumerate() {
                assert_eq!(now.len(), was.len());
                for (j, (x, y)) in now.iter().zip(was).enumerate() {
                    if !(k == i && (s..e).contains(&j)) {
                        assert_eq!(x, y, "chunk {k} byte {j}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_secret_and_the_end_of_its_command_fit_where_it_was_written() {
        // No reallocation after the secret: its chunk's capacity holds
        // the secret and the CRLF without growing (a growth would leave
        // the old copy behind, unwiped).
        for (mode, pw) in [
            (SYNC, vec![b'x'; 40]),
            (SYNC, vec![b'"'; 300]),
            (SYNC, "ü".repeat(100).into_bytes()),
            (PLUS, "ü".repeat(100).into_bytes()),
        ] {
            let mut b = CommandBuilder::new("A1", "LOGIN", mode);
            b.astring(b"user").secret(&pw);
            let room = b.cur.capacity();
            let c = b.finish();
            // (Growing changes the capacity even where realloc extends
            // the block in place.)
            assert_eq!(c.chunks.last().unwrap().capacity(), room, "the chunk grew");
        }
    }

    #[test]
    fn secrets_are_recorded_and_redacted() {
        let c = with(SYNC, |b| {
            b.astring(b"user").secret(b"hunter2");
        });
        assert_eq!(c.secrets, vec![(0, 12, 19)]);
        assert_eq!(c.log_form(), "A1 CMD user <redacted>");

        let c = with(SYNC, |b| {
            b.astring(b"user").secret(b"pass word");
        });
        assert_eq!(
            &c.chunks[0][c.secrets[0].1..c.secrets[0].2],
            b"\"pass word\""
        );
        assert_eq!(c.log_form(), "A1 CMD user <redacted>");

        let c = with(SYNC, |b| {
            b.secret("pässword".as_bytes()).astring(b"after");
        });
        assert_eq!(c.secrets, vec![(1, 0, 9)]);
        assert_eq!(c.log_form(), "A1 CMD {9}<redacted> after");

        let c = with(PLUS, |b| {
            b.secret("pässword".as_bytes());
        });
        assert_eq!(c.log_form(), "A1 CMD <redacted>");
        assert!(!c.log_form().contains("ssword"));
    }

    #[test]
    fn log_form_truncates_literals() {
        let body = vec![b'b'; 300];
        let c = with(SYNC, |b| {
            b.raw(b"INBOX")
                .literal(&body, false)
                .literal(b"short\r\n", false);
        });
        let log = c.log_form();
        assert_eq!(
            log,
            format!(
                "A1 CMD INBOX {{300}}{}...<300 bytes> {{7}}short",
                "b".repeat(64)
            )
        );
        let c = with(SYNC, |b| {
            b.literal(b"\x01\x1b[2J", false);
        });
        assert!(!c.log_form().contains('\x1b'));
    }

    #[test]
    fn sets_and_flags() {
        let set = MessageSet::parse("1:3,5").unwrap();
        let c = with(SYNC, |b| {
            b.set(&set)
                .raw(b"+FLAGS")
                .flag_list(&[b"\\Seen", b"foo"])
                .unwrap();
        });
        assert_eq!(one(&c), "A1 CMD 1:3,5 +FLAGS (\\Seen foo)\r\n");
        let c = with(SYNC, |b| {
            b.flag_list(&[]).unwrap();
        });
        assert_eq!(one(&c), "A1 CMD ()\r\n");
        let mut b = CommandBuilder::new("A1", "STORE", SYNC);
        assert!(b.flag_list(&[b"\\Seen", b"\\Recent"]).is_err());
        assert!(b.flag_list(&[b"a b"]).is_err());
        assert!(b.flag_list(&[b"x\r\nA2 DELETE INBOX"]).is_err());
        assert_eq!(one(&b.finish()), "A1 STORE\r\n");
    }

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn search_keys_encoding() {
        let keys = vec![
            All,
            Flagged,
            Keyword(b"$Junk".to_vec()),
            From(b"bob@example.com".to_vec()),
            Header(b"X-Spam".to_vec(), b"yes".to_vec()),
            Since(d(1994, 2, 1)),
            Larger(1000),
            Uid(MessageSet::parse("1:*").unwrap()),
            SeqSet(MessageSet::parse("2,4").unwrap()),
            ModSeq(7),
            Younger(3600),
            GmRaw(b"has:attachment".to_vec()),
            GmMsgId(1234),
            Not(Box::new(Seen)),
            Or(Box::new(Answered), Box::new(Draft)),
            And(vec![Unseen, Subject(b"hi".to_vec())]),
            Raw(b"X-CUSTOM 1".to_vec()),
        ];
        let c = with(SYNC, |b| {
            b.search_keys(&keys).unwrap();
        });
        assert_eq!(
            one(&c),
            "A1 CMD ALL FLAGGED KEYWORD $Junk FROM \"bob@example.com\" HEADER X-Spam \"yes\" \
             SINCE 1-Feb-1994 LARGER 1000 UID 1:* 2,4 MODSEQ 7 YOUNGER 3600 \
             X-GM-RAW \"has:attachment\" X-GM-MSGID 1234 NOT SEEN OR ANSWERED DRAFT \
             (UNSEEN SUBJECT \"hi\") X-CUSTOM 1\r\n"
        );
    }

    #[test]
    fn search_non_ascii_goes_literal() {
        let c = with(SYNC, |b| {
            b.search_keys(&[Subject("café".as_bytes().to_vec()), Seen])
                .unwrap();
        });
        assert_eq!(c.chunks[0], b"A1 CMD SUBJECT {5}\r\n");
        assert_eq!(c.chunks[1], "café SEEN\r\n".as_bytes());
        check_framing(&c);
    }

    #[test]
    fn raw_search_text_with_closed_quotes_is_accepted() {
        let c = with(PLUS, |b| {
            b.search_keys(&[Raw(b"SUBJECT \"a\\\"b\"".to_vec()), Text(b"x\ry".to_vec())])
                .unwrap();
        });
        assert_eq!(
            c.chunks[0],
            b"A1 CMD SUBJECT \"a\\\"b\" TEXT {3+}\r\nx\ry\r\n"
        );
        check_framing(&c);
    }

    #[test]
    fn search_key_errors_write_nothing() {
        let bad = [
            vec![],
            vec![And(vec![])],
            vec![Not(Box::new(And(vec![])))],
            vec![Raw(b"ALL\r\nA2 DELETE INBOX".to_vec())],
            vec![Raw(b"A\0".to_vec())],
            vec![Raw(b"X {5}".to_vec())],
            vec![Raw(b"X {5+}".to_vec())],
            // An open quote would hide the next literal's header.
            vec![Raw(b"\"".to_vec()), Text(b"\r\nA2 DELETE INBOX".to_vec())],
            vec![Raw(b"SUBJECT \"abc".to_vec())],
            vec![Raw(b"SUBJECT \"a\\\"".to_vec())],
            vec![Keyword(b"two words".to_vec())],
            vec![Keyword(b"\\Seen".to_vec())],
            vec![Keyword(b"".to_vec())],
            // No NUL in a string, literal or quoted (RFC 9051 CHAR8).
            vec![Text(b"a\0b".to_vec())],
            vec![Seen, Not(Box::new(Subject(b"\0".to_vec())))],
            vec![From(b"x\0".to_vec())],
            vec![Header(b"X-A".to_vec(), b"\0".to_vec())],
            vec![Header(b"X\0".to_vec(), b"v".to_vec())],
            vec![GmRaw(b"in:\0".to_vec())],
            vec![Header(b"Bad Name".to_vec(), b"x".to_vec())],
            vec![Header(b"X-A:".to_vec(), b"x".to_vec())],
            vec![Header(b"".to_vec(), b"x".to_vec())],
            vec![Header("Ünï".as_bytes().to_vec(), b"x".to_vec())],
            vec![
                Seen,
                Since(Date {
                    year: 2024,
                    month: 13,
                    day: 1,
                }),
            ],
        ];
        for keys in bad {
            let mut b = CommandBuilder::new("A1", "SEARCH", SYNC);
            assert!(b.search_keys(&keys).is_err(), "{keys:?}");
            assert_eq!(one(&b.finish()), "A1 SEARCH\r\n");
        }
        let mut deep = Seen;
        for _ in 0..100 {
            deep = Not(Box::new(deep));
        }
        let mut b = CommandBuilder::new("A1", "SEARCH", SYNC);
        assert!(b.search_keys(&[deep]).is_err());
    }

    /// Hostile values never end the line early nor inject a command.
    #[test]
    fn no_injection() {
        let long = vec![b'q'; 2000];
        let hostile: Vec<&[u8]> = vec![
            b"x\r\nA2 DELETE INBOX",
            b"x\rA2 DELETE INBOX",
            b"x\nA2 DELETE INBOX",
            b"\"",
            b"\\",
            b"\"\r\nA2 LOGOUT\r\n\"",
            b"\0",
            b")",
            b"*",
            b"%",
            b"{5}",
            b"{5}\r\n",
            b"\xff\xfe",
            "日本語".as_bytes(),
            &long,
            b"",
            b" ",
            b"NIL",
        ];
        for mode in [SYNC, PLUS, MINUS] {
            for h in &hostile {
                let c = with(mode, |b| {
                    let r = b
                        .astring(h)
                        .string(h)
                        .secret(h)
                        .search_keys(&[From(h.to_vec())]);
                    // Search text refuses a NUL (and writes nothing).
                    assert_eq!(r.is_err(), h.contains(&0), "{h:?}");
                });
                check_framing(&c);
                let log = c.log_form();
                assert!(!log.contains('\r') && !log.contains('\n'), "{log:?}");
                // The secret never appears in the log (unless trivially short).
                if h.len() > 3 {
                    assert_eq!(log.matches("<redacted>").count(), 1);
                }
            }
        }
        // Exact forms of a few.
        let c = with(SYNC, |b| {
            b.astring(b"\"")
                .astring(b"\\")
                .astring(b")")
                .astring(b"*")
                .astring(b"%");
        });
        assert_eq!(one(&c), "A1 CMD \"\\\"\" \"\\\\\" \")\" \"*\" \"%\"\r\n");
        let c = with(SYNC, |b| {
            b.astring(b"\0");
        });
        assert_eq!(
            c.chunks,
            vec![b"A1 CMD {1}\r\n".to_vec(), b"\0\r\n".to_vec()]
        );
    }

    proptest! {
        #[test]
        fn framing_holds_for_any_bytes(
            args in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..5),
            plus in any::<bool>(),
            minus in any::<bool>(),
        ) {
            let mode = LiteralMode { literal_plus: plus, literal_minus: minus };
            let c = with(mode, |b| {
                for (i, a) in args.iter().enumerate() {
                    match i % 3 {
                        0 => b.astring(a),
                        1 => b.string(a),
                        _ => b.secret(a),
                    };
                    // Raw may be refused; then nothing is written.
                    let _ = b.search_keys(&[
                        Header(a.clone(), a.clone()),
                        Or(Box::new(Body(a.clone())), Box::new(Raw(a.clone()))),
                    ]);
                }
            });
            check_framing(&c);
            let _ = c.log_form();
        }
    }
}

#[cfg(test)]
mod list_tests {
    use super::*;

    #[test]
    fn lists_have_no_inner_padding() {
        let mut b = CommandBuilder::new("A1", "ID", LiteralMode::default());
        b.begin_list().string(b"name").string(b"x y").end_list();
        assert_eq!(
            b.finish().chunks.concat(),
            b"A1 ID (\"name\" \"x y\")\r\n".to_vec()
        );
        let mut b = CommandBuilder::new("A2", "STORE", LiteralMode::default());
        b.raw(b"1").raw(b"+X-GM-LABELS").begin_list().end_list();
        assert_eq!(
            b.finish().chunks.concat(),
            b"A2 STORE 1 +X-GM-LABELS ()\r\n".to_vec()
        );
    }
}
