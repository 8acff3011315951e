//! Message commands: SEARCH, SORT, THREAD, FETCH (buffered and streaming),
//! STORE, APPEND, COPY, MOVE, EXPUNGE. Every id argument honours `use_uid`.

use super::core::{interrupted, with, Handler, NoData};
use super::error::{Error, ErrorKind, Result};
use super::transport::InterruptState;
use super::types::{
    expand_ranges, split_heavy, AppendResult, CopyResult, Message, Messages, SearchResult,
};
use super::{Client, State};
use crate::proto::dates::DateTime;
use crate::proto::encoder::CommandBuilder;
use crate::proto::parser::ParseError;
use crate::proto::quote::quoted;
use crate::proto::search::SearchKey;
use crate::proto::seqset::{Bound, MessageSet};
use crate::proto::types::{self as pt, BodyPart, FetchItem, ResponseCode, Untagged};

/// Anything that names messages: one id, a list of ids, a set string such
/// as `2,4:7,9,12:*`, or a [`MessageSet`].
pub trait IntoMessageSet {
    fn into_set(self) -> Result<MessageSet>;
}

fn set_err(e: crate::proto::seqset::SeqSetError) -> Error {
    Error::invalid(e.message)
}

impl IntoMessageSet for u32 {
    fn into_set(self) -> Result<MessageSet> {
        MessageSet::single(self).map_err(set_err)
    }
}
impl IntoMessageSet for &[u32] {
    fn into_set(self) -> Result<MessageSet> {
        MessageSet::from_ids(self).map_err(set_err)
    }
}
impl<const N: usize> IntoMessageSet for &[u32; N] {
    fn into_set(self) -> Result<MessageSet> {
        MessageSet::from_ids(self).map_err(set_err)
    }
}
impl IntoMessageSet for &Vec<u32> {
    fn into_set(self) -> Result<MessageSet> {
        MessageSet::from_ids(self).map_err(set_err)
    }
}
impl IntoMessageSet for Vec<u32> {
    fn into_set(self) -> Result<MessageSet> {
        MessageSet::from_ids(&self).map_err(set_err)
    }
}
impl IntoMessageSet for &str {
    fn into_set(self) -> Result<MessageSet> {
        MessageSet::parse(self).map_err(set_err)
    }
}
impl IntoMessageSet for MessageSet {
    fn into_set(self) -> Result<MessageSet> {
        Ok(self)
    }
}
impl IntoMessageSet for &MessageSet {
    fn into_set(self) -> Result<MessageSet> {
        Ok(self.clone())
    }
}

/// How STORE changes flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreAction {
    Add,
    Remove,
    Set,
}

/// Options of STORE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreOptions {
    /// `.SILENT`: the server does not send the new flags back.
    pub silent: bool,
    /// CONDSTORE `UNCHANGEDSINCE`: only change messages whose MODSEQ is not
    /// higher; the others are reported in `StoreResult::modified`.
    pub unchanged_since: Option<u64>,
}

/// Options of FETCH.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FetchOptions {
    /// CONDSTORE `CHANGEDSINCE`: only messages changed after this MODSEQ.
    pub changed_since: Option<u64>,
    /// QRESYNC `VANISHED` with CHANGEDSINCE (UID FETCH only).
    pub vanished: bool,
}

/// The result of STORE.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreResult {
    /// The new flags per message (empty with `silent`).
    pub messages: Messages,
    /// Ids not changed because of UNCHANGEDSINCE (the `MODIFIED` code).
    pub modified: Vec<u32>,
}

/// A piece of a body section handed to a streaming fetch.
#[derive(Debug)]
pub struct Chunk<'a> {
    pub seq: u32,
    /// The UID when the server sent it before the section.
    pub uid: Option<u32>,
    /// Normalised section name, e.g. `BODY[]`.
    pub section: &'a str,
    /// Offset of `data` within the section.
    pub offset: u64,
    /// Size of the whole section.
    pub total: u64,
    pub data: &'a [u8],
}

/// One message of a MULTIAPPEND.
#[derive(Debug, Clone, Copy)]
pub struct AppendMessage<'a> {
    pub data: &'a [u8],
    pub flags: &'a [&'a str],
    pub date: Option<DateTime>,
}

/// Does `set` (as requested) cover `id`?
fn covers(set: &MessageSet, id: u32) -> bool {
    set.ranges().iter().any(|&(a, b)| match (a, b) {
        (Bound::Num(x), Bound::Num(y)) => (x.min(y)..=x.max(y)).contains(&id),
        // `n:*` covers everything from n up, and the largest id even when it
        // is below n: accept any id.
        _ => true,
    })
}

/// The items of a FETCH macro (RFC 3501 6.4.5). A macro may only stand
/// alone and unparenthesized, which `fetch_cmd`'s list (UID first) is not:
/// sent as its items instead (before, `(ALL)` drew a BAD).
fn fetch_macro(item: &str) -> Option<&'static str> {
    [
        ("ALL", "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE"),
        ("FAST", "FLAGS INTERNALDATE RFC822.SIZE"),
        ("FULL", "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY"),
    ]
    .into_iter()
    .find(|(m, _)| item.eq_ignore_ascii_case(m))
    .map(|(_, items)| items)
}

/// Checks FETCH item names from the caller: printable ASCII only, so they
/// cannot end the command line.
pub(crate) fn check_items(items: &[&str]) -> Result<()> {
    if items.is_empty() {
        return Err(Error::invalid("FETCH: no data items given"));
    }
    for i in items {
        if i.is_empty() || !i.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(Error::invalid(format!(
                "FETCH: invalid data item {}",
                quoted(i)
            )));
        }
    }
    Ok(())
}

/// Where the FETCH responses of a buffered fetch go: the Rust API merges
/// them into owned `Messages`; the C ABI packs the heavy items (envelope,
/// body structure) straight from the parse instead of owning them first.
pub(crate) trait FetchSink {
    /// One response that belongs to the command.
    fn response(&mut self, seq: u32, items: Vec<FetchItem<'_>>);
    /// A FETCH response for message `seq` that did not parse.
    fn malformed(&mut self, seq: u32, error: super::types::ItemError);
}

impl FetchSink for Messages {
    fn response(&mut self, seq: u32, items: Vec<FetchItem<'_>>) {
        let _ = self.merge(seq, items);
    }

    fn malformed(&mut self, seq: u32, error: super::types::ItemError) {
        // One broken message costs that message only: keep an entry with
        // the error so the caller sees it was not silently dropped.
        let mut m = Message {
            seq,
            ..Message::default()
        };
        m.errors.push(error);
        self.push_new(m);
    }
}

/// Collects FETCH responses that belong to the command.
struct FetchCollector<'s, 'o> {
    set: &'s MessageSet,
    use_uid: bool,
    out: &'o mut dyn FetchSink,
    /// Where `VANISHED (EARLIER)` UIDs go, when the caller takes them
    /// (`fetch_vanished`); otherwise they become an event.
    vanished: Option<&'o mut Vec<u32>>,
}

impl Handler for FetchCollector<'_, '_> {
    fn untagged<'a>(&mut self, st: &mut State, u: Untagged<'a>) -> Option<Untagged<'a>> {
        match u {
            Untagged::Fetch { seq, items } if self.belongs(seq, &items) => {
                self.out.response(seq, items);
                None
            }
            Untagged::Vanished {
                earlier: true,
                uids,
            } if self.vanished.is_some() => {
                if let (Some(v), Some(u)) = (self.vanished.as_deref_mut(), st.expand(&uids)) {
                    v.extend(u);
                }
                None
            }
            // Expunged now, while the folder is selected (another session's
            // EXPUNGE, told during this command): gone since `changed_since`
            // too, so part of the answer for the UIDs asked about. Passed on
            // as well: it changes the folder's message count, and is an
            // event like any other expunge.
            Untagged::Vanished {
                earlier: false,
                uids,
            } if self.vanished.is_some() => {
                if let (Some(v), Some(u)) = (self.vanished.as_deref_mut(), st.expand(&uids)) {
                    v.extend(u.into_iter().filter(|&uid| covers(self.set, uid)));
                }
                Some(Untagged::Vanished {
                    earlier: false,
                    uids,
                })
            }
            u => Some(u),
        }
    }

    fn malformed(&mut self, raw: &[u8], err: &ParseError) -> bool {
        let Some(seq) = malformed_fetch_seq(raw) else {
            return false;
        };
        self.out.malformed(
            seq,
            super::types::ItemError {
                message: err.to_string(),
                raw: raw[..raw.len().min(512)].to_vec(),
            },
        );
        true
    }
}

impl FetchCollector<'_, '_> {
    fn belongs(&self, seq: u32, items: &[FetchItem<'_>]) -> bool {
        fetch_is_mine(self.set, self.use_uid, seq, items)
    }
}

/// Whether a FETCH response belongs to a fetch of `set`: by UID or by
/// sequence number. Under UIDs, a response whose UID did not parse (and
/// that carries no other) is taken as the command's, so the message shows
/// in the result with its error instead of leaving it as an event.
fn fetch_is_mine(set: &MessageSet, use_uid: bool, seq: u32, items: &[FetchItem<'_>]) -> bool {
    if !use_uid {
        return covers(set, seq);
    }
    let mut broken_uid = false;
    for i in items {
        match i {
            FetchItem::Uid(u) => return covers(set, *u),
            FetchItem::Error { raw, .. } => {
                broken_uid |= raw
                    .get(..4)
                    .is_some_and(|n| n.eq_ignore_ascii_case(b"UID "))
            }
            _ => {}
        }
    }
    broken_uid
}

/// `* 12 FETCH` -> 12, from a response that did not parse.
fn fetch_seq(raw: &[u8]) -> Option<u32> {
    let rest = raw.strip_prefix(b"* ")?;
    let end = rest.iter().position(|b| !b.is_ascii_digit())?;
    let (num, tail) = rest.split_at(end);
    if !tail.get(..6)?.eq_ignore_ascii_case(b" FETCH") {
        return None;
    }
    std::str::from_utf8(num).ok()?.parse().ok()
}

/// The sequence number of a FETCH response that did not parse: 0 when its
/// number is itself unreadable (`* 2x FETCH`, `* 4294967298 FETCH`), so
/// the message still shows in the result, with its error; `None` when the
/// response is not a FETCH.
fn malformed_fetch_seq(raw: &[u8]) -> Option<u32> {
    if let Some(seq) = fetch_seq(raw) {
        return Some(seq);
    }
    let rest = raw.strip_prefix(b"* ")?;
    let sp = rest.iter().position(|&b| b == b' ')?;
    let word = rest.get(sp + 1..sp + 6)?;
    let after = rest.get(sp + 6).copied();
    (sp > 0 && word.eq_ignore_ascii_case(b"FETCH") && matches!(after, None | Some(b' ' | b'\r')))
        .then_some(0)
}

/// From the bytes before a streamed literal (`* 12 FETCH (UID 5 BODY[] {n}`):
/// sequence number, UID if already sent, and the section name.
fn chunk_origin(prefix: &[u8]) -> (u32, Option<u32>, String) {
    let seq = fetch_seq(prefix).unwrap_or(0);
    let uid = find_uid(prefix);
    let mut p = prefix;
    while let Some((&last, rest)) = p.split_last() {
        if last == b'\r' || last == b'\n' {
            p = rest;
        } else {
            break;
        }
    }
    // Strip ` {n}` / ` ~{n}`.
    let p = match p.iter().rposition(|&b| b == b'{') {
        Some(i) => &p[..i],
        None => p,
    };
    let p = p.strip_suffix(b"~").unwrap_or(p);
    let p = p.strip_suffix(b" ").unwrap_or(p);
    // The item name runs back to the space before it, skipping the
    // bracketed section, which may itself hold spaces.
    let mut depth = 0i32;
    let mut start = 0;
    for (i, &b) in p.iter().enumerate().rev() {
        match b {
            b']' => depth += 1,
            b'[' => depth -= 1,
            b' ' | b'(' if depth <= 0 => {
                start = i + 1;
                break;
            }
            _ => {}
        }
    }
    let name = String::from_utf8_lossy(&p[start..]).into_owned();
    (seq, uid, super::types::normalize_section(&name))
}

fn find_uid(prefix: &[u8]) -> Option<u32> {
    let i = prefix
        .windows(4)
        .position(|w| w.eq_ignore_ascii_case(b"UID "))?;
    if i > 0 && !matches!(prefix[i - 1], b' ' | b'(') {
        return None;
    }
    let digits: Vec<u8> = prefix[i + 4..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// The flags, envelope and body structure of a streamed message, when its
/// sink takes them as parsed instead of in the `Message`
/// (`StreamSink::withhold`).
pub(crate) struct Withheld<'p, 'a> {
    pub(crate) flags: Option<&'p [pt::Flag<'a>]>,
    pub(crate) envelope: Option<&'p pt::Envelope<'a>>,
    pub(crate) body: Option<&'p BodyPart<'a>>,
}

/// Where a streaming FETCH delivers: `fetch_stream`'s two callbacks
/// ([`Callbacks`]), or the C ABI's batches, which keep messages until they
/// hand several on at once.
pub(crate) trait StreamSink {
    /// True when `message` takes each message's flags, envelope and body
    /// structure as parsed (in `Withheld`) instead of in the `Message`:
    /// the C ABI packs them without an owned copy.
    fn withhold(&self) -> bool {
        false
    }
    /// A complete message. Return false to stop the fetch.
    fn message(&mut self, m: Message, w: Withheld<'_, '_>) -> bool;
    /// A piece of a streamed section, borrowed until this returns. Return
    /// false to stop the fetch.
    fn chunk(&mut self, c: &Chunk<'_>) -> bool;
    /// Nothing complete is buffered any more: the client is about to wait
    /// for the server, or the command has ended. Return false to stop.
    fn flush(&mut self) -> bool {
        true
    }
    /// True when the sink holds messages back for `flush`, or wants to
    /// hear of the next wait (the client then checks, before a read,
    /// whether it would wait, and if so calls `waiting`).
    fn holding(&self) -> bool {
        false
    }
    /// The client is about to wait for the server (`holding` was true and
    /// nothing is left to read without waiting). Return false to stop.
    fn waiting(&mut self) -> bool {
        self.flush()
    }
}

/// `fetch_stream`'s callbacks as a sink: sections that came whole go to
/// `on_chunk` too (just before their message), so that it sees every
/// section's bytes.
struct Callbacks<'c> {
    on_message: &'c mut dyn FnMut(&Message, Withheld<'_, '_>) -> bool,
    on_chunk: &'c mut dyn FnMut(&Chunk<'_>) -> bool,
    withhold: bool,
    /// Checked between the callbacks of one message too.
    intr: &'c InterruptState,
}

impl StreamSink for Callbacks<'_> {
    fn withhold(&self) -> bool {
        self.withhold
    }

    fn message(&mut self, m: Message, w: Withheld<'_, '_>) -> bool {
        for s in &m.sections {
            if let Some(d) = s.data.as_deref().filter(|d| !d.is_empty()) {
                let c = Chunk {
                    seq: m.seq,
                    uid: m.uid,
                    section: &s.name,
                    offset: 0,
                    total: d.len() as u64,
                    data: d,
                };
                if self.intr.is_set() || !(self.on_chunk)(&c) {
                    return false;
                }
            }
        }
        !self.intr.is_set() && (self.on_message)(&m, w)
    }

    fn chunk(&mut self, c: &Chunk<'_>) -> bool {
        (self.on_chunk)(c)
    }
}

/// Streams FETCH into a sink.
struct StreamCollector<'s, 'c> {
    set: &'s MessageSet,
    use_uid: bool,
    sink: &'c mut dyn StreamSink,
    stopped: bool,
    count: usize,
    /// Checked before anything goes to the sink: once the client is
    /// interrupted nothing more is delivered (the call then fails with
    /// `Interrupted`).
    intr: &'c InterruptState,
}

impl StreamCollector<'_, '_> {
    /// Whether the sink may be called: not once it said stop or the
    /// client was interrupted.
    fn delivering(&mut self) -> bool {
        if !self.stopped && self.intr.is_set() {
            self.stopped = true;
        }
        !self.stopped
    }

    fn flush(&mut self) {
        if self.delivering() && !self.sink.flush() {
            self.stopped = true;
        }
    }
}

impl Handler for StreamCollector<'_, '_> {
    fn untagged<'a>(&mut self, _st: &mut State, u: Untagged<'a>) -> Option<Untagged<'a>> {
        match u {
            Untagged::Fetch { seq, items } => {
                if !fetch_is_mine(self.set, self.use_uid, seq, &items) {
                    return Some(Untagged::Fetch { seq, items });
                }
                self.count += 1;
                if !self.delivering() {
                    return None;
                }
                let mut m = Message {
                    seq,
                    ..Message::default()
                };
                let heavy = if self.sink.withhold() {
                    let (rest, heavy) = split_heavy(items);
                    m.merge_items(rest);
                    heavy.merge_date(&mut m);
                    Some(heavy)
                } else {
                    m.merge_items(items);
                    None
                };
                let withheld = Withheld {
                    flags: heavy.as_ref().and_then(|h| h.flags.as_deref()),
                    envelope: heavy.as_ref().and_then(|h| h.envelope.as_deref()),
                    body: heavy.as_ref().and_then(|h| h.body.as_deref()),
                };
                if !self.sink.message(m, withheld) {
                    self.stopped = true;
                }
                None
            }
            u => Some(u),
        }
    }

    fn malformed(&mut self, raw: &[u8], err: &ParseError) -> bool {
        let Some(seq) = malformed_fetch_seq(raw) else {
            return false;
        };
        if self.delivering() {
            let mut m = Message {
                seq,
                ..Message::default()
            };
            m.errors.push(super::types::ItemError {
                message: err.to_string(),
                raw: raw[..raw.len().min(512)].to_vec(),
            });
            self.count += 1;
            let none = Withheld {
                flags: None,
                envelope: None,
                body: None,
            };
            if !self.sink.message(m, none) {
                self.stopped = true;
            }
        }
        true
    }

    fn chunk(&mut self, prefix: &[u8], data: &[u8], offset: u64, total: u64) -> bool {
        if !self.delivering() {
            return false;
        }
        let (seq, uid, section) = chunk_origin(prefix);
        let c = Chunk {
            seq,
            uid,
            section: &section,
            offset,
            total,
            data,
        };
        if !self.sink.chunk(&c) {
            self.stopped = true;
        }
        !self.stopped
    }

    fn before_read(&mut self, read_waits: &mut dyn FnMut() -> bool) {
        // What the sink holds goes on before the client waits for the
        // server, not before every read: while the answer keeps coming, a
        // batching sink fills its batches (a flush per read made 1 550
        // calls into Go for a 10 000-message download, against 557).
        if self.delivering() && self.sink.holding() && read_waits() && !self.sink.waiting() {
            self.stopped = true;
        }
    }
}

impl Client {
    /// `UID ` when ids are UIDs.
    fn verb(&self, name: &str) -> String {
        if self.st.use_uid {
            format!("UID {name}")
        } else {
            name.to_string()
        }
    }

    /// The set split so each command line stays under the limit.
    fn split_set(&self, set: &MessageSet) -> Vec<MessageSet> {
        let room = self.opts.max_command_len.saturating_sub(200).max(64);
        if set.to_string().len() <= room {
            vec![set.clone()]
        } else {
            set.split(room)
        }
    }

    fn require_writable(&self, what: &str) -> Result<()> {
        let m = self.require_selected(what)?;
        if m.read_only {
            return Err(Error::new(
                ErrorKind::ReadOnly,
                format!(
                    "{what}: the folder {} was opened read-only (EXAMINE)",
                    quoted(&m.name)
                ),
            ));
        }
        Ok(())
    }

    /// `[UID] NAME args... keys` for SEARCH, SORT and THREAD; no criteria
    /// means ALL.
    fn criteria_command(
        &mut self,
        name: &str,
        args: &[&[u8]],
        criteria: &[SearchKey],
    ) -> Result<crate::proto::encoder::Command> {
        if criteria.iter().any(SearchKey::uses_gmail) {
            self.require(
                "X-GM-EXT-1",
                &format!("{name} by X-GM-RAW, X-GM-MSGID or X-GM-THRID"),
            )?;
        }
        let all = [SearchKey::All];
        let keys = if criteria.is_empty() {
            &all[..]
        } else {
            criteria
        };
        let verb = self.verb(name);
        let mut b = self.command(&verb);
        for a in args {
            b.raw(a);
        }
        b.search_keys(keys).map_err(|e| Error::invalid(e.message))?;
        Ok(b.finish())
    }

    /// SEARCH with typed criteria (CHARSET UTF-8 added when a string is not
    /// ASCII, unless UTF8=ACCEPT is enabled: RFC 6855 forbids a charset
    /// then). Uses ESEARCH when the server has it.
    pub fn search(&mut self, criteria: &[SearchKey]) -> Result<SearchResult> {
        self.require_selected("SEARCH")?;
        let mut args: Vec<&[u8]> = Vec::new();
        if self.has_capability("ESEARCH") {
            args.push(b"RETURN (ALL)");
        }
        if !self.st.utf8_accept && criteria.iter().any(SearchKey::needs_charset) {
            args.push(b"CHARSET UTF-8");
        }
        let cmd = self.criteria_command("SEARCH", &args, criteria)?;
        let tag = cmd.tag.clone();
        let mut res = SearchResult::default();
        self.run(
            cmd,
            "SEARCH",
            &mut with(|st: &mut State, u| match u {
                Untagged::Search { ids, modseq } => {
                    res.ids.extend(ids);
                    res.modseq = modseq.or(res.modseq);
                    None
                }
                // An ESEARCH correlated with another command (RFC 4731
                // 3.1: its TAG names the command it answers) is not this
                // search's result: passed on (and dropped as unsolicited:
                // no command of ours waits for it).
                Untagged::ESearch(e) if e.tag.as_deref().is_some_and(|t| t != tag.as_bytes()) => {
                    Some(Untagged::ESearch(e))
                }
                Untagged::ESearch(e) => {
                    if let Some(ids) = e.all.as_deref().and_then(|all| st.expand(all)) {
                        res.ids.extend(ids);
                    }
                    res.modseq = e.modseq.or(res.modseq);
                    None
                }
                u => Some(u),
            }),
        )?;
        Ok(res)
    }

    /// SORT (RFC 5256): `order` such as `["REVERSE", "DATE"]`.
    pub fn sort(&mut self, order: &[&str], criteria: &[SearchKey]) -> Result<Vec<u32>> {
        self.require("SORT", "SORT")?;
        self.require_selected("SORT")?;
        if order.is_empty() {
            return Err(Error::invalid("SORT: no sort criteria"));
        }
        for o in order {
            if o.is_empty()
                || !o
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            {
                return Err(Error::invalid(format!(
                    "SORT: invalid sort criterion {}",
                    quoted(o)
                )));
            }
        }
        let order = format!("({})", order.join(" "));
        let cmd = self.criteria_command("SORT", &[order.as_bytes(), b"UTF-8"], criteria)?;
        let mut out = Vec::new();
        self.run(
            cmd,
            "SORT",
            &mut with(|_st: &mut State, u| match u {
                Untagged::Sort(ids) => {
                    out.extend(ids);
                    None
                }
                u => Some(u),
            }),
        )?;
        Ok(out)
    }

    /// THREAD (RFC 5256) with an algorithm such as `REFERENCES`.
    pub fn thread(
        &mut self,
        algorithm: &str,
        criteria: &[SearchKey],
    ) -> Result<Vec<super::types::ThreadNode>> {
        if algorithm.is_empty()
            || !algorithm
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Error::invalid(format!(
                "THREAD: invalid algorithm {}",
                quoted(algorithm)
            )));
        }
        self.require(
            &format!("THREAD={}", algorithm.to_ascii_uppercase()),
            "THREAD",
        )?;
        self.require_selected("THREAD")?;
        let cmd = self.criteria_command("THREAD", &[algorithm.as_bytes(), b"UTF-8"], criteria)?;
        let mut out = Vec::new();
        self.run(
            cmd,
            "THREAD",
            &mut with(|_st: &mut State, u| match u {
                Untagged::Thread(t) => {
                    out.extend(t);
                    None
                }
                u => Some(u),
            }),
        )?;
        Ok(out)
    }

    fn fetch_cmd(
        &mut self,
        set: &MessageSet,
        items: &[&str],
        opts: &FetchOptions,
    ) -> Result<crate::proto::encoder::Command> {
        let verb = self.verb("FETCH");
        let mut list = String::from("(");
        if self.st.use_uid && !items.iter().any(|i| i.eq_ignore_ascii_case("UID")) {
            list.push_str("UID ");
        }
        for (k, item) in items.iter().enumerate() {
            if k > 0 {
                list.push(' ');
            }
            list.push_str(fetch_macro(item).unwrap_or(item));
        }
        list.push(')');
        let mut b: CommandBuilder = self.command(&verb);
        b.set(set).raw(list.as_bytes());
        if let Some(ms) = opts.changed_since {
            self.require("CONDSTORE", "FETCH CHANGEDSINCE")?;
            let mut m = format!("(CHANGEDSINCE {ms}");
            if opts.vanished {
                self.require("QRESYNC", "FETCH VANISHED")?;
                if !self.st.use_uid {
                    return Err(Error::invalid("FETCH VANISHED needs UIDs (use_uid)"));
                }
                if !self.st.qresync {
                    // RFC 7162 3.2.6: the server answers BAD otherwise.
                    return Err(Error::state(
                        "FETCH VANISHED: enable QRESYNC first (enable, before SELECT)",
                    ));
                }
                m.push_str(" VANISHED");
            }
            m.push(')');
            b.raw(m.as_bytes());
        } else if opts.vanished {
            return Err(Error::invalid("FETCH VANISHED needs CHANGEDSINCE"));
        }
        Ok(b.finish())
    }

    /// FETCH the items (`FLAGS`, `ENVELOPE`, `BODY.PEEK[]`,
    /// `BODY.PEEK[HEADER]<0.1024>`, ...) of the messages.
    pub fn fetch(&mut self, ids: impl IntoMessageSet, items: &[&str]) -> Result<Messages> {
        self.fetch_with(ids, items, &FetchOptions::default())
    }

    /// FETCH with CONDSTORE/QRESYNC modifiers.
    pub fn fetch_with(
        &mut self,
        ids: impl IntoMessageSet,
        items: &[&str],
        opts: &FetchOptions,
    ) -> Result<Messages> {
        let mut all = Messages::new(self.st.use_uid);
        self.fetch_into(ids, items, opts, &mut all, None)?;
        Ok(all)
    }

    /// QRESYNC (RFC 7162) resynchronisation of the selected folder in one
    /// command (`UID FETCH ids (items) (CHANGEDSINCE m VANISHED)`): the
    /// messages among `ids` changed since `changed_since` (a HIGHESTMODSEQ
    /// kept from an earlier session with the same UIDVALIDITY), and the
    /// UIDs among `ids` expunged since then. QRESYNC must have been
    /// enabled (`enable(&["QRESYNC"])`, before SELECT); UIDs only.
    ///
    /// The expunged UIDs are those the server reports during the command:
    /// `VANISHED (EARLIER)` for what went before, and plain `VANISHED` for
    /// what another session expunged while this one has the folder
    /// selected (those are also queued as
    /// [`Event::Vanished`](super::Event::Vanished), as they change the
    /// folder's count). Expunges the server told before this
    /// call, during another command or IDLE, are only events: a client
    /// that keeps the folder selected reads them from
    /// [`Client::take_events`] too.
    pub fn fetch_vanished(
        &mut self,
        ids: impl IntoMessageSet,
        items: &[&str],
        changed_since: u64,
    ) -> Result<(Messages, Vec<u32>)> {
        let mut all = Messages::new(self.st.use_uid);
        let gone = self.fetch_vanished_into(ids, items, changed_since, &mut all)?;
        Ok((all, gone))
    }

    /// [`Client::fetch_vanished`] with the messages handed to `out`; returns
    /// the vanished UIDs, ascending and without repeats.
    pub(crate) fn fetch_vanished_into(
        &mut self,
        ids: impl IntoMessageSet,
        items: &[&str],
        changed_since: u64,
        out: &mut dyn FetchSink,
    ) -> Result<Vec<u32>> {
        let opts = FetchOptions {
            changed_since: Some(changed_since),
            vanished: true,
        };
        let mut gone = Vec::new();
        self.fetch_into(ids, items, &opts, out, Some(&mut gone))?;
        gone.sort_unstable();
        gone.dedup();
        Ok(gone)
    }

    /// FETCH with every response that belongs to the command handed to
    /// `out` (all the parts of a split command go to the one sink), and
    /// `VANISHED (EARLIER)` UIDs to `vanished` when given.
    pub(crate) fn fetch_into(
        &mut self,
        ids: impl IntoMessageSet,
        items: &[&str],
        opts: &FetchOptions,
        out: &mut dyn FetchSink,
        mut vanished: Option<&mut Vec<u32>>,
    ) -> Result<()> {
        let set = ids.into_set()?;
        check_items(items)?;
        self.require_selected("FETCH")?;
        for part in self.split_set(&set) {
            let cmd = self.fetch_cmd(&part, items, opts)?;
            let mut h = FetchCollector {
                set: &part,
                use_uid: self.st.use_uid,
                out: &mut *out,
                vanished: vanished.as_deref_mut(),
            };
            self.run(cmd, "FETCH", &mut h)?;
        }
        Ok(())
    }

    /// FETCH with each message handed to `on_message` as it arrives and
    /// body sections handed to `on_chunk` in pieces, so mail of any size
    /// flows through a fixed amount of memory. Sections larger than
    /// `stream_threshold` bytes are never held whole. Either callback may
    /// return false to stop: the rest of the answer is read and discarded
    /// and the call returns `Aborted`. Returns the number of messages.
    pub fn fetch_stream(
        &mut self,
        ids: impl IntoMessageSet,
        items: &[&str],
        stream_threshold: u64,
        on_message: &mut dyn FnMut(&Message) -> bool,
        on_chunk: &mut dyn FnMut(&Chunk<'_>) -> bool,
    ) -> Result<usize> {
        let mut on_message = |m: &Message, _: Withheld<'_, '_>| on_message(m);
        let intr = self.intr.clone();
        let mut sink = Callbacks {
            on_message: &mut on_message,
            on_chunk,
            withhold: false,
            intr: &intr,
        };
        self.fetch_stream_into(ids, items, stream_threshold, &mut sink)
    }

    /// As `fetch_stream`, with each message's envelope and body structure
    /// handed to `on_message` as parsed instead of in the `Message` (for
    /// the C ABI, which packs them without an owned copy).
    pub(crate) fn fetch_stream_parsed(
        &mut self,
        ids: impl IntoMessageSet,
        items: &[&str],
        stream_threshold: u64,
        on_message: &mut dyn FnMut(&Message, Withheld<'_, '_>) -> bool,
        on_chunk: &mut dyn FnMut(&Chunk<'_>) -> bool,
    ) -> Result<usize> {
        let intr = self.intr.clone();
        let mut sink = Callbacks {
            on_message,
            on_chunk,
            withhold: true,
            intr: &intr,
        };
        self.fetch_stream_into(ids, items, stream_threshold, &mut sink)
    }

    /// `fetch_stream` into a sink, which is flushed whenever the client is
    /// about to wait for the server and at the end of each command (also
    /// one that failed: what came before the failure is delivered).
    pub(crate) fn fetch_stream_into(
        &mut self,
        ids: impl IntoMessageSet,
        items: &[&str],
        stream_threshold: u64,
        sink: &mut dyn StreamSink,
    ) -> Result<usize> {
        let set = ids.into_set()?;
        check_items(items)?;
        self.require_selected("FETCH")?;
        let mut total = 0;
        let mut stopped = false;
        let intr = self.intr.clone();
        self.framer.set_stream_threshold(Some(stream_threshold));
        let r: Result<()> = (|| {
            for part in self.split_set(&set) {
                let cmd = self.fetch_cmd(&part, items, &FetchOptions::default())?;
                let mut h = StreamCollector {
                    set: &part,
                    use_uid: self.st.use_uid,
                    sink: &mut *sink,
                    stopped,
                    count: 0,
                    intr: &intr,
                };
                let r = self.run(cmd, "FETCH", &mut h);
                h.flush();
                r?;
                total += h.count;
                stopped = h.stopped;
                if stopped {
                    break;
                }
            }
            Ok(())
        })();
        self.framer.set_stream_threshold(None);
        r?;
        // Interrupted during the last hand-over (after the command ended):
        // this call reports it.
        if intr.is_set() {
            return Err(self.fail(interrupted()));
        }
        if stopped {
            return Err(Error::new(
                ErrorKind::Aborted,
                "FETCH stopped by the callback",
            ));
        }
        Ok(total)
    }

    /// STORE flags: add, remove or set.
    pub fn store(
        &mut self,
        ids: impl IntoMessageSet,
        action: StoreAction,
        flags: &[&str],
        opts: &StoreOptions,
    ) -> Result<StoreResult> {
        self.store_item(ids, action, "FLAGS", flags, opts, false)
    }

    fn store_item(
        &mut self,
        ids: impl IntoMessageSet,
        action: StoreAction,
        item: &str,
        values: &[&str],
        opts: &StoreOptions,
        labels: bool,
    ) -> Result<StoreResult> {
        let set = ids.into_set()?;
        self.require_writable("STORE")?;
        if opts.unchanged_since.is_some() {
            self.require("CONDSTORE", "STORE UNCHANGEDSINCE")?;
        }
        let sign = match action {
            StoreAction::Add => "+",
            StoreAction::Remove => "-",
            StoreAction::Set => "",
        };
        let silent = if opts.silent { ".SILENT" } else { "" };
        let mut out = StoreResult {
            messages: Messages::new(self.st.use_uid),
            modified: Vec::new(),
        };
        let encoded: Vec<Vec<u8>> = if labels {
            values
                .iter()
                .map(|l| self.encode_name(l))
                .collect::<Result<_>>()?
        } else {
            Vec::new()
        };
        for part in self.split_set(&set) {
            let verb = self.verb("STORE");
            let mut b = self.command(&verb);
            b.set(&part);
            if let Some(m) = opts.unchanged_since {
                b.raw(format!("(UNCHANGEDSINCE {m})").as_bytes());
            }
            b.raw(format!("{sign}{item}{silent}").as_bytes());
            if labels {
                b.begin_list();
                for l in &encoded {
                    b.astring(l);
                }
                b.end_list();
            } else {
                let f: Vec<&[u8]> = values.iter().map(|s| s.as_bytes()).collect();
                b.flag_list(&f).map_err(|e| Error::invalid(e.message))?;
            }
            let cmd = b.finish();
            let mut h = FetchCollector {
                set: &part,
                use_uid: self.st.use_uid,
                out: &mut out.messages,
                vanished: None,
            };
            let st = self.run(cmd, "STORE", &mut h)?;
            if let Some(ResponseCode::Modified(r)) = &st.code {
                out.modified.extend(expand_ranges(r)?);
            }
        }
        Ok(out)
    }

    /// Add flags (`\Seen`, `$Forwarded`, ...).
    pub fn add_flags(&mut self, ids: impl IntoMessageSet, flags: &[&str]) -> Result<StoreResult> {
        self.store(ids, StoreAction::Add, flags, &StoreOptions::default())
    }

    pub fn remove_flags(
        &mut self,
        ids: impl IntoMessageSet,
        flags: &[&str],
    ) -> Result<StoreResult> {
        self.store(ids, StoreAction::Remove, flags, &StoreOptions::default())
    }

    pub fn set_flags(&mut self, ids: impl IntoMessageSet, flags: &[&str]) -> Result<StoreResult> {
        self.store(ids, StoreAction::Set, flags, &StoreOptions::default())
    }

    /// Gmail labels (X-GM-EXT-1): add, remove or set.
    pub fn store_gmail_labels(
        &mut self,
        ids: impl IntoMessageSet,
        action: StoreAction,
        labels: &[&str],
        opts: &StoreOptions,
    ) -> Result<StoreResult> {
        self.require("X-GM-EXT-1", "X-GM-LABELS")?;
        self.store_item(ids, action, "X-GM-LABELS", labels, opts, true)
    }

    fn append_args(&self, b: &mut CommandBuilder, m: &AppendMessage<'_>) -> Result<()> {
        if !m.flags.is_empty() {
            let f: Vec<&[u8]> = m.flags.iter().map(|s| s.as_bytes()).collect();
            b.flag_list(&f).map_err(|e| Error::invalid(e.message))?;
        }
        if let Some(d) = &m.date {
            // `DateTime`'s fields are public: a year past 9999, an hour of
            // 99 would go out as written. A server refuses such a line
            // before it reaches the literal's `{n+}`, and then reads the
            // message, sent at once with LITERAL+, as commands (a message
            // line `X DELETE folder` deleted a folder on Dovecot). Checked
            // here, before anything is sent.
            DateTime::new(d.date, d.hour, d.minute, d.second, d.offset_minutes)
                .map_err(|e| Error::invalid(format!("APPEND: internal date: {e}")))?;
            b.raw(d.to_internal_date().as_bytes());
        }
        // A message with NUL bytes can only go as literal8 (BINARY).
        let binary = m.data.contains(&0) && self.has_capability("BINARY");
        b.literal(m.data, binary);
        Ok(())
    }

    fn append_result(st: &crate::proto::types::StatusResponse<'_>) -> Result<AppendResult> {
        Ok(match &st.code {
            Some(ResponseCode::AppendUid { uid_validity, uids }) => AppendResult {
                uid_validity: Some(*uid_validity),
                uids: expand_ranges(uids)?,
            },
            _ => AppendResult::default(),
        })
    }

    /// The largest message the server takes in an APPEND: its
    /// `APPENDLIMIT=n` capability (RFC 7889; Gmail announces one). `None`
    /// when it announces none, only per-folder limits (`APPENDLIMIT`
    /// without a value), or the capability is masked. APPEND and
    /// MULTIAPPEND refuse a larger message before sending anything (an
    /// `InvalidArgument` error with the response code `TOOBIG`, the code a
    /// server's NO would carry), instead of uploading it to be refused.
    pub fn append_limit(&self) -> Option<u64> {
        // Masked as "APPENDLIMIT" or in full ("APPENDLIMIT=20"): no limit.
        if self.st.masked_caps.iter().any(|m| m == "APPENDLIMIT") {
            return None;
        }
        self.st
            .caps
            .iter()
            .filter(|c| self.has_capability(c))
            .find_map(|c| c.strip_prefix("APPENDLIMIT=")?.parse().ok())
    }

    /// APPEND a message, with flags and an internal date.
    pub fn append(
        &mut self,
        folder: &str,
        data: &[u8],
        flags: &[&str],
        date: Option<DateTime>,
    ) -> Result<AppendResult> {
        self.multiappend_inner(folder, &[AppendMessage { data, flags, date }], false)
    }

    /// MULTIAPPEND (RFC 3502): several messages atomically.
    pub fn multiappend(
        &mut self,
        folder: &str,
        msgs: &[AppendMessage<'_>],
    ) -> Result<AppendResult> {
        self.require("MULTIAPPEND", "MULTIAPPEND")?;
        self.multiappend_inner(folder, msgs, true)
    }

    fn multiappend_inner(
        &mut self,
        folder: &str,
        msgs: &[AppendMessage<'_>],
        _multi: bool,
    ) -> Result<AppendResult> {
        self.require_auth("APPEND")?;
        if msgs.is_empty() {
            return Err(Error::invalid("APPEND: no message"));
        }
        if msgs.iter().any(|m| m.data.is_empty()) {
            return Err(Error::invalid("APPEND: empty message"));
        }
        if let Some(limit) = self.append_limit() {
            if let Some((i, m)) = msgs
                .iter()
                .enumerate()
                .find(|(_, m)| m.data.len() as u64 > limit)
            {
                let mut e = Error::invalid(format!(
                    "APPEND: message {} is {} bytes, over the server's APPENDLIMIT of {limit} \
                     bytes (RFC 7889); nothing was sent",
                    i + 1,
                    m.data.len()
                ));
                e.response_code = Some("TOOBIG".into());
                return Err(e);
            }
        }
        let w = self.encode_name(folder)?;
        let mut b = self.command("APPEND");
        b.astring(&w);
        for m in msgs {
            self.append_args(&mut b, m)?;
        }
        let cmd = b.finish();
        let st = self.run(cmd, "APPEND", &mut NoData)?;
        Self::append_result(&st)
    }

    /// The COPYUID of a COPY or MOVE. Source and destination sets of
    /// different sizes cannot be paired: a non-fatal `Protocol` error (the
    /// command itself was carried out) rather than pairs cut to the
    /// shorter.
    fn copy_result(code: &Option<ResponseCode<'_>>) -> Result<Option<CopyResult>> {
        let Some(ResponseCode::CopyUid {
            uid_validity,
            source,
            dest,
        }) = code
        else {
            return Ok(None);
        };
        let (source, dest) = (expand_ranges(source)?, expand_ranges(dest)?);
        if source.len() != dest.len() {
            return Err(Error::new(
                ErrorKind::Protocol,
                format!(
                    "the command was carried out, but the server's COPYUID pairs {} source with {} destination UIDs",
                    source.len(),
                    dest.len()
                ),
            )
            .with_fatal(false));
        }
        Ok(Some(CopyResult {
            uid_validity: Some(*uid_validity),
            source,
            dest,
        }))
    }

    /// COPY messages to a folder (COPYUID parsed when UIDPLUS).
    pub fn copy(&mut self, ids: impl IntoMessageSet, folder: &str) -> Result<CopyResult> {
        let set = ids.into_set()?;
        self.require_selected("COPY")?;
        let parts = self.split_set(&set);
        if !self.st.use_uid && parts.len() > 1 {
            // A server may report expunges with a COPY's answer (unlike
            // FETCH, STORE and SEARCH, RFC 3501 7.4.1), renumbering the
            // sequence numbers of the parts still to come: copy by UID.
            let Some(uids) = self.fixed_uids(&set)? else {
                return Ok(CopyResult::default());
            };
            return self.by_uid(|c| c.copy(&uids, folder));
        }
        let w = self.encode_name(folder)?;
        let mut out = CopyResult::default();
        for part in parts {
            let verb = self.verb("COPY");
            let cmd = self.command(&verb).set(&part).astring(&w).finish();
            let st = self.run(cmd, "COPY", &mut NoData)?;
            if let Some(r) = Self::copy_result(&st.code)? {
                out.uid_validity = r.uid_validity;
                out.source.extend(r.source);
                out.dest.extend(r.dest);
            }
        }
        Ok(out)
    }

    /// MOVE messages (RFC 6851); without MOVE, falls back to COPY, STORE
    /// `\Deleted` and UID EXPUNGE of exactly those messages (needs UIDPLUS,
    /// so other deleted messages are never expunged).
    ///
    /// Whenever the set takes more than one command, the messages are
    /// named by UID, fixed before the first command: the expunges of one
    /// MOVE renumber the sequence numbers the next one would use, and a
    /// `*` evaluated again would reach mail that arrived meanwhile (the
    /// fallback would then expunge it without having copied it).
    pub fn move_messages(&mut self, ids: impl IntoMessageSet, folder: &str) -> Result<CopyResult> {
        let set = ids.into_set()?;
        self.require_writable("MOVE")?;
        if !self.has_capability("MOVE") {
            self.require("UIDPLUS", "MOVE (fallback without the MOVE capability)")?;
            let Some(uids) = self.fixed_uids(&set)? else {
                return Ok(CopyResult::default());
            };
            return self.by_uid(|c| {
                let r = c.copy(&uids, folder)?;
                let silent = StoreOptions {
                    silent: true,
                    unchanged_since: None,
                };
                c.store(&uids, StoreAction::Add, &["\\Deleted"], &silent)?;
                c.uid_expunge(&uids)?;
                Ok(r)
            });
        }
        let w = self.encode_name(folder)?;
        if self.st.use_uid || self.split_set(&set).len() == 1 {
            return self.move_parts(&set, &w);
        }
        let Some(uids) = self.fixed_uids(&set)? else {
            return Ok(CopyResult::default());
        };
        self.by_uid(|c| c.move_parts(&uids, &w))
    }

    /// `MOVE` (or `UID MOVE`) of `set`, in as many commands as it takes.
    fn move_parts(&mut self, set: &MessageSet, w: &[u8]) -> Result<CopyResult> {
        let mut out = CopyResult::default();
        for part in self.split_set(set) {
            let verb = self.verb("MOVE");
            let cmd = self.command(&verb).set(&part).astring(w).finish();
            let mut got: Option<CopyResult> = None;
            let st = self.run(
                cmd,
                "MOVE",
                &mut with(|st: &mut State, u| match u {
                    Untagged::Status(s) if matches!(s.code, Some(ResponseCode::CopyUid { .. })) => {
                        match Self::copy_result(&s.code) {
                            Ok(r) => got = r,
                            Err(e) => st.defer(e),
                        }
                        None
                    }
                    u => Some(u),
                }),
            )?;
            let got = match got {
                Some(r) => Some(r),
                None => Self::copy_result(&st.code)?,
            };
            if let Some(r) = got {
                out.uid_validity = r.uid_validity;
                out.source.extend(r.source);
                out.dest.extend(r.dest);
            }
        }
        Ok(out)
    }

    /// The messages of `set` (ids as `use_uid` says) as a set of UIDs that
    /// means the same messages whatever happens next: `set` itself when it
    /// holds UIDs and no `*`, else the UIDs a FETCH reports. `None` when
    /// no message matches.
    fn fixed_uids(&mut self, set: &MessageSet) -> Result<Option<MessageSet>> {
        if self.st.use_uid && !set.has_star() {
            return Ok(Some(set.clone()));
        }
        let got = self.fetch(set, &["UID"])?;
        let uids: Vec<u32> = got.iter().filter_map(|m| m.uid).collect();
        if uids.is_empty() {
            return Ok(None);
        }
        MessageSet::from_ids(&uids).map(Some).map_err(set_err)
    }

    /// Run `f` with ids taken as UIDs, then put `use_uid` back.
    fn by_uid<R>(&mut self, f: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        let was = self.st.use_uid;
        self.st.use_uid = true;
        let r = f(self);
        self.st.use_uid = was;
        r
    }

    fn expunge_cmd(&mut self, cmd: crate::proto::encoder::Command, what: &str) -> Result<Vec<u32>> {
        let mut gone = Vec::new();
        self.run(
            cmd,
            what,
            &mut with(|st: &mut State, u| match u {
                Untagged::Expunge(n) => {
                    gone.push(n);
                    st.expunged(1);
                    None
                }
                Untagged::Vanished {
                    earlier: false,
                    uids,
                } => {
                    if let Some(uids) = st.expand(&uids) {
                        st.expunged(uids.len());
                        gone.extend(uids);
                    }
                    None
                }
                u => Some(u),
            }),
        )?;
        Ok(gone)
    }

    /// EXPUNGE all `\Deleted` messages; returns the expunged sequence
    /// numbers (or UIDs under QRESYNC) in server order.
    pub fn expunge(&mut self) -> Result<Vec<u32>> {
        self.require_writable("EXPUNGE")?;
        let cmd = self.command("EXPUNGE").finish();
        self.expunge_cmd(cmd, "EXPUNGE")
    }

    /// UID EXPUNGE (UIDPLUS): expunge only these `\Deleted` messages. The
    /// ids are UIDs whatever `use_uid` says.
    pub fn uid_expunge(&mut self, uids: impl IntoMessageSet) -> Result<Vec<u32>> {
        let set = uids.into_set()?;
        self.require("UIDPLUS", "UID EXPUNGE")?;
        self.require_writable("UID EXPUNGE")?;
        let mut gone = Vec::new();
        for part in self.split_set(&set) {
            let cmd = self.command("UID EXPUNGE").set(&part).finish();
            gone.extend(self.expunge_cmd(cmd, "UID EXPUNGE")?);
        }
        Ok(gone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_seq_from_raw() {
        assert_eq!(fetch_seq(b"* 12 FETCH (garbage"), Some(12));
        assert_eq!(fetch_seq(b"* 12 fetch (x"), Some(12));
        assert_eq!(fetch_seq(b"* 12 EXISTS"), None);
        assert_eq!(fetch_seq(b"* FETCH"), None);
    }

    #[test]
    fn chunk_origin_names_the_section() {
        let (s, u, n) = chunk_origin(b"* 3 FETCH (UID 17 FLAGS (\\Seen) BODY[] {12345}\r\n");
        assert_eq!((s, u, n.as_str()), (3, Some(17), "BODY[]"));
        let (s, u, n) = chunk_origin(b"* 4 FETCH (BODY[HEADER.FIELDS (FROM TO)] {99}\r\n");
        assert_eq!(
            (s, u, n.as_str()),
            (4, None, "BODY[HEADER.FIELDS (FROM TO)]")
        );
        // A partial fetch's origin is part of the name, as in `fetch`.
        let (_, _, n) = chunk_origin(b"* 4 FETCH (UID 1 BINARY[1]<0> ~{99}\r\n");
        assert_eq!(n, "BINARY[1]<0>");
        let (_, _, n) = chunk_origin(b"* 4 FETCH (BODY[]<100> {50}\r\n");
        assert_eq!(n, "BODY[]<100>");
    }
}
