//! Owned, plain-data results of client calls: what crosses into C and Go.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::proto::dates::DateTime;
use crate::proto::mime;
use crate::proto::types::{self as pt, BodyPart, IdRange};

/// A folder from LIST or LSUB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// The name: decoded from modified UTF-7 when `folder_encode` is on,
    /// otherwise the wire bytes read as UTF-8 (lossily; see `raw_name`).
    pub name: String,
    /// The name exactly as the server sent it.
    pub raw_name: Vec<u8>,
    /// Hierarchy delimiter, if the server has one.
    pub delimiter: Option<char>,
    /// Attributes such as `\HasNoChildren`, `\Sent`, `\Noselect`.
    pub flags: Vec<String>,
    /// The folder's STATUS counters, from `list_folders_with_status` only;
    /// `None` for folders that cannot be selected and those whose STATUS
    /// the server refused.
    pub status: Option<FolderStatus>,
}

impl Folder {
    /// Case-insensitive attribute test, e.g. `has_flag("\\Sent")`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f.eq_ignore_ascii_case(flag))
    }

    /// False for `\Noselect` and `\NonExistent` folders (hierarchy
    /// placeholders), which SELECT and STATUS refuse.
    pub fn is_selectable(&self) -> bool {
        !self.has_flag("\\Noselect") && !self.has_flag("\\NonExistent")
    }
}

/// Typed counters from STATUS.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FolderStatus {
    pub messages: Option<u32>,
    pub recent: Option<u32>,
    pub uid_next: Option<u32>,
    pub uid_validity: Option<u32>,
    pub unseen: Option<u32>,
    pub deleted: Option<u32>,
    pub highest_modseq: Option<u64>,
    pub size: Option<u64>,
}

/// The state of a folder after SELECT or EXAMINE.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailboxState {
    pub name: String,
    pub exists: u32,
    pub recent: u32,
    pub uid_validity: Option<u32>,
    pub uid_next: Option<u32>,
    /// Sequence number of the first unseen message (from `[UNSEEN n]`).
    pub unseen: Option<u32>,
    pub flags: Vec<String>,
    pub permanent_flags: Vec<String>,
    pub highest_modseq: Option<u64>,
    /// The server answered `[NOMODSEQ]`.
    pub no_modseq: bool,
    pub read_only: bool,
    /// The folder's object id (RFC 8474 OBJECTID, `[MAILBOXID (id)]`):
    /// unlike its name it survives RENAME, so a sync keyed on it follows
    /// a renamed folder. `None` when the server has no OBJECTID.
    pub mailbox_id: Option<String>,
}

/// One address of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    /// Display name, RFC 2047 decoded.
    pub name: Option<String>,
    /// The raw display name as sent.
    pub raw_name: Option<Vec<u8>>,
    pub mailbox: Option<String>,
    pub host: Option<String>,
    /// Source route (obsolete, rarely set).
    pub route: Option<String>,
}

impl Address {
    /// `mailbox@host`, or whichever part exists.
    pub fn email(&self) -> String {
        match (&self.mailbox, &self.host) {
            (Some(m), Some(h)) => format!("{m}@{h}"),
            (Some(m), None) => m.clone(),
            (None, Some(h)) => format!("@{h}"),
            (None, None) => String::new(),
        }
    }
}

/// An ENVELOPE with decoded text and the raw bytes beside it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Envelope {
    /// The Date header as sent.
    pub date_raw: Option<Vec<u8>>,
    /// The Date header parsed, when it could be.
    pub date: Option<DateTime>,
    /// Subject, RFC 2047 decoded.
    pub subject: Option<String>,
    pub subject_raw: Option<Vec<u8>>,
    pub from: Vec<Address>,
    pub sender: Vec<Address>,
    pub reply_to: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub bcc: Vec<Address>,
    pub in_reply_to: Option<String>,
    pub message_id: Option<String>,
}

fn lossy(b: &[u8]) -> String {
    mime::lossy_string(b)
}

impl Envelope {
    pub(crate) fn from_proto(e: &pt::Envelope<'_>) -> Envelope {
        let addrs = |v: &[pt::Address<'_>]| -> Vec<Address> {
            v.iter()
                .map(|a| Address {
                    name: a.name.as_deref().map(mime::decode_header),
                    raw_name: a.name.as_deref().map(<[u8]>::to_vec),
                    mailbox: a.mailbox.as_deref().map(lossy),
                    host: a.host.as_deref().map(lossy),
                    route: a.adl.as_deref().map(lossy),
                })
                .collect()
        };
        Envelope {
            date_raw: e.date.as_deref().map(<[u8]>::to_vec),
            date: e
                .date
                .as_deref()
                .and_then(|d| crate::proto::dates::parse_rfc2822(d).ok()),
            subject: e.subject.as_deref().map(mime::decode_header),
            subject_raw: e.subject.as_deref().map(<[u8]>::to_vec),
            from: addrs(e.from()),
            sender: addrs(e.sender()),
            reply_to: addrs(e.reply_to()),
            to: addrs(e.to()),
            cc: addrs(e.cc()),
            bcc: addrs(e.bcc()),
            in_reply_to: e.in_reply_to.as_deref().map(lossy),
            message_id: e.message_id.as_deref().map(lossy),
        }
    }
}

/// A body section from FETCH, e.g. `BODY[]` or `BODY[HEADER]<0>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Normalised name: `BODY[...]` (PEEK removed) or `BINARY[...]`, upper
    /// case, with the origin of a partial fetch as the server answers it
    /// (`BODY[]<100>` for a request `BODY.PEEK[]<100.50>`): two ranges of
    /// one section fetched at once are two sections.
    pub name: String,
    /// The origin of a partial fetch (also in `name`).
    pub origin: Option<u32>,
    /// `None` for NIL; empty when it was streamed.
    pub data: Option<Vec<u8>>,
}

/// The data of the section of `sections` named `name` (as requested), as
/// `Message::section`.
pub(crate) fn section_in<'a>(sections: &'a [Section], name: &str) -> Option<&'a [u8]> {
    let want = normalize_section(name);
    sections
        .iter()
        .find(|s| s.name == want)
        .and_then(|s| s.data.as_deref())
}

/// A FETCH item that did not parse; the rest of the message is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    pub message: String,
    pub raw: Vec<u8>,
}

/// One message from FETCH.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    pub seq: u32,
    pub uid: Option<u32>,
    pub flags: Option<Vec<String>>,
    pub internal_date: Option<DateTime>,
    pub internal_date_raw: Option<Vec<u8>>,
    pub size: Option<u64>,
    /// Boxed, as `body_structure`: most of a message's size otherwise,
    /// present or not (a list of 100 000 messages fetched without them
    /// would carry 63 MB of empty room).
    pub envelope: Option<Box<Envelope>>,
    pub body_structure: Option<Box<BodyPart<'static>>>,
    pub sections: Vec<Section>,
    pub modseq: Option<u64>,
    pub gm_msgid: Option<u64>,
    pub gm_thrid: Option<u64>,
    pub gm_labels: Option<Vec<String>>,
    pub email_id: Option<String>,
    pub thread_id: Option<String>,
    pub save_date: Option<DateTime>,
    pub preview: Option<String>,
    /// `BINARY.SIZE[part]` answers: the part (`"2"`, `"1.3"`) and the
    /// decoded size in bytes.
    pub binary_sizes: Vec<(String, u64)>,
    /// Items this library has no field for: name and raw value.
    pub other: Vec<(String, Vec<u8>)>,
    /// Items that did not parse.
    pub errors: Vec<ItemError>,
}

/// Normalise a section name for lookups: `BODY.PEEK[x]` -> `BODY[x]`,
/// keyword upper-cased, section text upper-cased (IMAP is case-insensitive
/// there too, except inside quoted header names, which we also fold); a
/// partial range keeps its origin as the answer names it:
/// `BODY.PEEK[]<100.50>` -> `BODY[]<100>`.
pub fn normalize_section(name: &str) -> String {
    // Every streamed or fetched message passes its section names here, and
    // servers send them normalised already (`BODY[]`, `BODY[HEADER]`): keep
    // those as they are, one allocation, instead of the four of the general
    // case below.
    let b = name.as_bytes();
    let plain = !b.is_empty()
        && !b[0].is_ascii_whitespace()
        && !b[b.len() - 1].is_ascii_whitespace()
        && b.iter().all(|c| c.is_ascii() && !c.is_ascii_lowercase())
        && !b.windows(5).any(|w| w == b".PEEK")
        && b.iter()
            .position(|&c| c == b']')
            .map_or(true, |i| i == b.len() - 1)
        && !name.starts_with("RFC822");
    if plain {
        return name.to_owned();
    }
    normalize_section_general(name)
}

fn normalize_section_general(name: &str) -> String {
    let up = name.trim().to_ascii_uppercase();
    let up = up
        .replacen("BODY.PEEK[", "BODY[", 1)
        .replacen("BINARY.PEEK[", "BINARY[", 1);
    match up.as_str() {
        "RFC822" => "BODY[]".into(),
        "RFC822.HEADER" => "BODY[HEADER]".into(),
        "RFC822.TEXT" => "BODY[TEXT]".into(),
        _ => match up.find(']') {
            // A partial range `<0.1024>` of a request is `<0>` in the
            // answer; anything else after `]` is dropped.
            Some(i) => {
                let origin = up[i + 1..]
                    .strip_prefix('<')
                    .and_then(|r| r.split(['.', '>']).next())
                    .filter(|o| !o.is_empty() && o.bytes().all(|b| b.is_ascii_digit()));
                match origin {
                    Some(o) => format!("{}<{o}>", &up[..=i]),
                    None => up[..=i].to_string(),
                }
            }
            None => up,
        },
    }
}

impl Message {
    /// The id under the client's current mode (UID when `use_uid`).
    pub fn id(&self, use_uid: bool) -> u32 {
        if use_uid {
            self.uid.unwrap_or(0)
        } else {
            self.seq
        }
    }

    /// The data of a section, by name as requested (`BODY.PEEK[]`,
    /// `BODY[HEADER]`, `RFC822`...). A range is its own section:
    /// `BODY.PEEK[]<100.50>` (or `BODY[]<100>`) finds the bytes from 100,
    /// `BODY[]` only the whole body.
    pub fn section(&self, name: &str) -> Option<&[u8]> {
        section_in(&self.sections, name)
    }

    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags
            .as_ref()
            .is_some_and(|f| f.iter().any(|x| x.eq_ignore_ascii_case(flag)))
    }

    /// Merge the items of one FETCH response into this message (a server
    /// may send several responses for one message).
    pub(crate) fn merge_items(&mut self, items: Vec<pt::FetchItem<'_>>) {
        use pt::FetchItem as F;
        for item in items {
            match item {
                F::Uid(u) => self.uid = Some(u),
                F::Flags(f) => self.flags = Some(f.iter().map(|x| lossy(x.as_bytes())).collect()),
                F::InternalDate(d) => {
                    self.internal_date = crate::proto::dates::parse_internal_date(&d).ok();
                    self.internal_date_raw = Some(d.into_owned());
                }
                F::Rfc822Size(n) => self.size = Some(n),
                F::Envelope(e) => self.envelope = Some(Box::new(Envelope::from_proto(&e))),
                F::BodyStructure(b) => self.body_structure = Some(Box::new(b.into_owned())),
                F::Section {
                    section,
                    origin,
                    data,
                    ..
                } => self.put_section(section_label("BODY", &section, origin), origin, data),
                F::Binary {
                    section,
                    origin,
                    data,
                    ..
                } => self.put_section(section_label("BINARY", &section, origin), origin, data),
                F::BinarySize { section, size } => self.binary_sizes.push((lossy(&section), size)),
                F::ModSeq(n) => self.modseq = Some(n),
                F::GmMsgId(n) => self.gm_msgid = Some(n),
                F::GmThrId(n) => self.gm_thrid = Some(n),
                F::GmLabels(l) => {
                    self.gm_labels = Some(l.iter().map(|x| decode_label(x)).collect())
                }
                F::EmailId(b) => self.email_id = Some(lossy(&b)),
                F::ThreadId(b) => self.thread_id = b.as_deref().map(lossy),
                F::SaveDate(b) => {
                    self.save_date = b
                        .as_deref()
                        .and_then(|d| crate::proto::dates::parse_internal_date(d).ok())
                }
                F::Preview(b) => self.preview = b.as_deref().map(lossy),
                F::Other { name, value } => self.other.push((lossy(&name), value.into_owned())),
                F::Error { raw, message } => self.errors.push(ItemError {
                    message,
                    raw: raw.into_owned(),
                }),
            }
        }
    }

    fn put_section(&mut self, name: String, origin: Option<u32>, data: Option<pt::Bytes<'_>>) {
        let name = normalize_section(&name);
        let data = data.map(|d| d.into_owned());
        if let Some(s) = self.sections.iter_mut().find(|s| s.name == name) {
            s.origin = origin;
            s.data = data;
        } else {
            self.sections.push(Section { name, origin, data });
        }
    }
}

/// `BODY[section]` or `BINARY[section]`, with `<origin>` when the server
/// gave one: the item's name as the server sent it, before normalising.
fn section_label(kind: &str, section: &[u8], origin: Option<u32>) -> String {
    match origin {
        Some(o) => format!("{kind}[{}]<{o}>", lossy(section)),
        None => format!("{kind}[{}]", lossy(section)),
    }
}

/// The flags, envelope, body structure and internal date of a FETCH
/// response, taken out of it for a caller that packs them straight from
/// the parse (the C ABI) instead of merging an owned copy (for flags: a
/// vector and a string per flag, per message).
pub(crate) struct Heavy<'a> {
    pub(crate) flags: Option<Vec<pt::Flag<'a>>>,
    pub(crate) envelope: Option<Box<pt::Envelope<'a>>>,
    pub(crate) body: Option<Box<BodyPart<'a>>>,
    /// INTERNALDATE as sent: these callers keep the parsed date only (the
    /// owned copy of the raw one, an allocation per message, is for the
    /// Rust API); see `merge_date`.
    pub(crate) internal_date: Option<pt::Bytes<'a>>,
}

impl Heavy<'_> {
    /// Give `m` the parsed INTERNALDATE, when the response had one.
    pub(crate) fn merge_date(&self, m: &mut Message) {
        if let Some(d) = &self.internal_date {
            m.internal_date = crate::proto::dates::parse_internal_date(d).ok();
        }
    }
}

/// Split `items` into the heavy ones (the last of each kind, as merging
/// keeps) and the rest, in order, in the same vector: no allocation per
/// response.
pub(crate) fn split_heavy(
    mut items: Vec<pt::FetchItem<'_>>,
) -> (Vec<pt::FetchItem<'_>>, Heavy<'_>) {
    let mut heavy = Heavy {
        flags: None,
        envelope: None,
        body: None,
        internal_date: None,
    };
    let mut i = 0;
    while i < items.len() {
        if !matches!(
            items[i],
            pt::FetchItem::Flags(_)
                | pt::FetchItem::Envelope(_)
                | pt::FetchItem::BodyStructure(_)
                | pt::FetchItem::InternalDate(_)
        ) {
            i += 1;
            continue;
        }
        match items.remove(i) {
            pt::FetchItem::Flags(f) => heavy.flags = Some(f),
            pt::FetchItem::InternalDate(d) => heavy.internal_date = Some(d),
            pt::FetchItem::Envelope(e) => heavy.envelope = Some(e),
            pt::FetchItem::BodyStructure(b) => heavy.body = Some(b),
            _ => {}
        }
    }
    (items, heavy)
}

/// Gmail labels are mailbox-like names in modified UTF-7.
fn decode_label(b: &[u8]) -> String {
    crate::proto::utf7::decode_lenient(b).0
}

/// FETCH results in server order, with a lookup by id.
#[derive(Debug, Clone, Default)]
pub struct Messages {
    pub messages: Vec<Message>,
    /// Whether ids are UIDs (the client's `use_uid` at fetch time).
    pub by_uid: bool,
    /// Id -> position, built on the first `get` (many callers only walk
    /// the list: no hash map insert per message for them).
    index: OnceLock<HashMap<u32, usize>>,
    /// Sequence number -> position, to merge several responses for one
    /// message in constant time; built only once a sequence number comes
    /// again or goes back (servers send them rising, one response per
    /// message, as a rule).
    by_seq: Option<HashMap<u32, usize>>,
    /// The highest sequence number merged so far.
    max_seq: u32,
}

/// Equal when the messages and `by_uid` are (the maps are derived data).
impl PartialEq for Messages {
    fn eq(&self, other: &Messages) -> bool {
        self.by_uid == other.by_uid && self.messages == other.messages
    }
}

impl Eq for Messages {}

impl Messages {
    pub(crate) fn new(by_uid: bool) -> Messages {
        Messages {
            by_uid,
            ..Messages::default()
        }
    }

    /// The message with this id (UID or sequence number as at fetch time).
    pub fn get(&self, id: u32) -> Option<&Message> {
        let index = self.index.get_or_init(|| {
            let mut index = HashMap::with_capacity(self.messages.len());
            for (i, m) in self.messages.iter().enumerate() {
                let id = m.id(self.by_uid);
                if id != 0 {
                    index.insert(id, i);
                }
            }
            index
        });
        index.get(&id).and_then(|&i| self.messages.get(i))
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Message> {
        self.messages.iter()
    }

    /// The position of the message with sequence number `seq`, if merged
    /// before.
    fn position(&mut self, seq: u32) -> Option<usize> {
        if seq > self.max_seq && self.by_seq.is_none() {
            return None;
        }
        let messages = &self.messages;
        let by_seq = self.by_seq.get_or_insert_with(|| {
            messages
                .iter()
                .enumerate()
                .map(|(i, m)| (m.seq, i))
                .collect()
        });
        by_seq.get(&seq).copied()
    }

    /// Append a message not seen before; returns its position.
    pub(crate) fn push_new(&mut self, m: Message) -> usize {
        let i = self.messages.len();
        self.max_seq = self.max_seq.max(m.seq);
        if let Some(by_seq) = &mut self.by_seq {
            by_seq.insert(m.seq, i);
        }
        self.messages.push(m);
        self.index.take();
        i
    }

    /// Merge one FETCH response (keyed by sequence number, which is what
    /// ties several responses for one message together). Returns the
    /// message's position.
    pub(crate) fn merge(&mut self, seq: u32, items: Vec<pt::FetchItem<'_>>) -> usize {
        let i = match self.position(seq) {
            Some(i) => i,
            None => self.push_new(Message {
                seq,
                ..Message::default()
            }),
        };
        self.messages[i].merge_items(items);
        self.index.take();
        i
    }
}

impl<'a> IntoIterator for &'a Messages {
    type Item = &'a Message;
    type IntoIter = std::slice::Iter<'a, Message>;
    fn into_iter(self) -> Self::IntoIter {
        self.messages.iter()
    }
}

/// Result of SEARCH (or ESEARCH, or SORT).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchResult {
    /// Matching ids, in server order (sorted order for SORT).
    pub ids: Vec<u32>,
    /// The highest MODSEQ of the matches, when CONDSTORE reported it.
    pub modseq: Option<u64>,
}

/// Result of APPEND: the new UID when the server has UIDPLUS.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppendResult {
    pub uid_validity: Option<u32>,
    pub uids: Vec<u32>,
}

/// Result of COPY or MOVE: source -> destination UIDs (UIDPLUS).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyResult {
    pub uid_validity: Option<u32>,
    pub source: Vec<u32>,
    pub dest: Vec<u32>,
}

/// Most ids a set from the server is expanded into (40 MB of `u32`).
pub(crate) const MAX_EXPANDED_IDS: u64 = 10_000_000;

/// The ids of a set the server sent (`3:5,9` -> 3, 4, 5, 9). A set of more
/// than `MAX_EXPANDED_IDS` ids is a non-fatal `LimitExceeded`, never a
/// list cut short.
pub(crate) fn expand_ranges(r: &[IdRange]) -> super::Result<Vec<u32>> {
    let total: u64 = r
        .iter()
        .map(|&(a, b)| u64::from(a.max(b) - a.min(b)) + 1)
        .sum();
    if total > MAX_EXPANDED_IDS {
        return Err(super::Error::new(
            super::ErrorKind::LimitExceeded,
            format!(
                "the server sent a set of {total} ids, more than the {MAX_EXPANDED_IDS} the client expands into a list"
            ),
        )
        .with_fatal(false));
    }
    let mut out = Vec::with_capacity(total as usize);
    for &(a, b) in r {
        out.extend(a.min(b)..=a.max(b));
    }
    Ok(out)
}

/// Something the server told us outside the result of the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The folder now has this many messages.
    Exists(u32),
    /// The message with this sequence number was expunged.
    Expunge(u32),
    Recent(u32),
    /// UIDs that vanished (QRESYNC).
    Vanished {
        earlier: bool,
        uids: Vec<u32>,
    },
    /// Flags or other data of a message changed.
    Fetch(Box<Message>),
    /// `* FLAGS`: the folder's defined flags.
    Flags(Vec<String>),
    /// `[ALERT]` text that must be shown to the user.
    Alert(String),
    /// The server is closing the connection.
    Bye(String),
    /// Another untagged status (OK/NO/BAD) with its code and text.
    Status {
        kind: String,
        code: Option<String>,
        text: String,
    },
    /// A folder's counters (NOTIFY, RFC 5465): messages arrived in or were
    /// expunged from a folder that is not selected, or `NOTIFY SET STATUS`
    /// reports where each folder stands.
    FolderStatus {
        folder: String,
        status: FolderStatus,
    },
    /// A folder was created, deleted (then it has `\NonExistent`), renamed
    /// (`old_name` is its name before) or (un)subscribed (NOTIFY).
    FolderList {
        folder: Folder,
        old_name: Option<String>,
    },
    /// Anything else, raw.
    Other(Vec<u8>),
}

/// What [`crate::client::Client::notify`] watches (RFC 5465 filters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifyTarget {
    /// The selected folder, whichever it is.
    Selected,
    /// The selected folder, with expunges held back until a command
    /// allows them (SELECTED-DELAYED).
    SelectedDelayed,
    /// The folders that receive mail (`INBOXES`).
    Inboxes,
    /// Every folder of the user's personal namespace.
    Personal,
    /// The subscribed folders.
    Subscribed,
    /// These folders and all folders below them.
    Subtree(Vec<String>),
    /// These folders.
    Folders(Vec<String>),
}

/// NOTIFY event bits (RFC 5465 section 5), combined with `|`.
pub mod notify_events {
    /// New messages (EXISTS in the selected folder, STATUS elsewhere).
    pub const MESSAGE_NEW: u32 = 1;
    /// Expunged messages (must go with `MESSAGE_NEW`).
    pub const MESSAGE_EXPUNGE: u32 = 2;
    /// Flag changes (needs `MESSAGE_NEW | MESSAGE_EXPUNGE`).
    pub const FLAG_CHANGE: u32 = 4;
    /// Annotation changes (needs `MESSAGE_NEW | MESSAGE_EXPUNGE`).
    pub const ANNOTATION_CHANGE: u32 = 8;
    /// Folders created, deleted or renamed.
    pub const MAILBOX_NAME: u32 = 16;
    /// Subscriptions changed.
    pub const SUBSCRIPTION_CHANGE: u32 = 32;
    /// A folder's METADATA changed.
    pub const MAILBOX_METADATA_CHANGE: u32 = 64;
    /// The server's METADATA changed.
    pub const SERVER_METADATA_CHANGE: u32 = 128;
    /// Every bit above.
    pub const ALL: u32 = 255;
}

/// One event group of NOTIFY SET: these folders, these events (0: none,
/// to silence a part of a wider group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyGroup {
    pub target: NotifyTarget,
    /// [`notify_events`] bits.
    pub events: u32,
    /// For the selected folder with `MESSAGE_NEW`: FETCH items the server
    /// sends with each new message (`["UID", "FLAGS"]`), which arrive as
    /// [`Event::Fetch`]; empty: only EXISTS.
    pub fetch: Vec<String>,
}

impl NotifyGroup {
    /// A group without FETCH items.
    pub fn new(target: NotifyTarget, events: u32) -> NotifyGroup {
        NotifyGroup {
            target,
            events,
            fetch: Vec::new(),
        }
    }
}

/// One entry of a THREAD reply.
pub use crate::proto::types::ThreadNode;

/// NAMESPACE entries (prefix, delimiter).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Namespaces {
    pub personal: Vec<(String, Option<char>)>,
    pub other: Vec<(String, Option<char>)>,
    pub shared: Vec<(String, Option<char>)>,
}

/// How far below the named entries GETMETADATA looks (RFC 5464 4.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MetadataDepth {
    /// The named entries only.
    #[default]
    Zero,
    /// And their immediate children.
    One,
    /// And everything below them.
    Infinity,
}

/// Options of [`crate::client::Client::get_metadata`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MetadataOptions {
    /// Leave out values longer than this many bytes (`MAXSIZE`); the
    /// answer's [`Metadata::long_entries`] says how long the longest was.
    pub max_size: Option<u64>,
    pub depth: MetadataDepth,
}

/// One metadata entry: its name (`/private/comment`) and value, `None`
/// when the entry has none (NIL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataEntry {
    pub name: String,
    pub value: Option<Vec<u8>>,
}

/// The answer to GETMETADATA.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metadata {
    /// In the server's order.
    pub entries: Vec<MetadataEntry>,
    /// With `max_size`: the size of the longest value left out
    /// (`[METADATA LONGENTRIES n]`); `None` when none was.
    pub long_entries: Option<u64>,
}

impl Metadata {
    /// The value of entry `name` (ASCII case-insensitive, as entry names
    /// are); `None` when it is absent or NIL.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.entries
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))
            .and_then(|e| e.value.as_deref())
    }
}

/// One resource of a quota root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    pub root: String,
    pub resource: String,
    pub usage: u64,
    pub limit: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::FetchSink;

    #[test]
    fn heavy_items_are_split_off_in_order() {
        let env = |s: &'static [u8]| {
            let mut e = Box::<pt::Envelope>::default();
            e.subject = Some(std::borrow::Cow::Borrowed(s));
            pt::FetchItem::Envelope(e)
        };
        let items = vec![
            pt::FetchItem::Uid(1),
            pt::FetchItem::Flags(vec![pt::Flag::Draft]),
            env(b"first"),
            pt::FetchItem::BodyStructure(Box::default()),
            pt::FetchItem::Rfc822Size(5),
            pt::FetchItem::Flags(vec![pt::Flag::Seen, pt::Flag::Flagged]),
            env(b"last"),
            pt::FetchItem::InternalDate(std::borrow::Cow::Borrowed(b"17-Jul-1996 02:44:25 -0700")),
            pt::FetchItem::ModSeq(9),
        ];
        let (rest, heavy) = split_heavy(items);
        assert_eq!(
            rest,
            [
                pt::FetchItem::Uid(1),
                pt::FetchItem::Rfc822Size(5),
                pt::FetchItem::ModSeq(9)
            ]
        );
        let subject = heavy
            .envelope
            .as_ref()
            .and_then(|e| e.subject.as_deref().map(<[u8]>::to_vec));
        assert_eq!(
            subject.as_deref(),
            Some(&b"last"[..]),
            "the last one, as merging keeps"
        );
        assert!(heavy.body.is_some());
        assert_eq!(
            heavy.flags.as_deref(),
            Some(&[pt::Flag::Seen, pt::Flag::Flagged][..])
        );
        // The date is taken out too, and given back parsed only.
        let mut m = Message::default();
        heavy.merge_date(&mut m);
        let d = m.internal_date.expect("parsed");
        assert_eq!((d.unix_timestamp(), d.offset_minutes), (837_596_665, -420));
        assert_eq!(m.internal_date_raw, None);
    }

    #[test]
    fn merging_by_sequence_number_and_finding_by_id() {
        let uid = |u| vec![pt::FetchItem::Uid(u)];
        let size = |n| vec![pt::FetchItem::Rfc822Size(n)];
        let mut ms = Messages::new(true);
        assert_eq!(ms.merge(1, uid(101)), 0);
        assert_eq!(ms.merge(2, uid(102)), 1);
        assert_eq!(ms.merge(3, uid(103)), 2);
        assert!(ms.by_seq.is_none(), "rising sequence numbers need no map");
        assert_eq!(ms.get(102).map(|m| m.seq), Some(2));
        // A later response for message 2 (the number goes back): merged.
        assert_eq!(ms.merge(2, size(42)), 1);
        assert!(ms.by_seq.is_some());
        // A new message after that, then one more response for it.
        assert_eq!(ms.merge(5, uid(105)), 3);
        assert_eq!(ms.merge(5, size(7)), 3);
        // A broken response is an entry of its own, found like the rest.
        FetchSink::malformed(
            &mut ms,
            9,
            ItemError {
                message: "bad".into(),
                raw: Vec::new(),
            },
        );
        assert_eq!(ms.merge(9, uid(109)), 4);
        assert_eq!(ms.len(), 5);
        let m2 = ms.get(102).expect("message 2");
        assert_eq!((m2.seq, m2.size), (2, Some(42)));
        let m5 = ms
            .get(105)
            .expect("message 5, found after the map was built");
        assert_eq!((m5.seq, m5.size), (5, Some(7)));
        let m9 = ms.get(109).expect("message 9");
        assert_eq!(m9.errors.len(), 1);
        assert!(ms.get(104).is_none());
        // By sequence number when not by UID.
        let mut bs = Messages::new(false);
        bs.merge(7, size(1));
        assert_eq!(bs.get(7).and_then(|m| m.size), Some(1));
    }

    #[test]
    fn message_keeps_its_heavy_items_out_of_line() {
        // A C list holds one Message per message with the envelope and
        // body structure taken out; inline, the two were 632 of 992 bytes.
        let inline = std::mem::size_of::<Envelope>() + std::mem::size_of::<BodyPart<'static>>();
        assert!(inline > 600, "{inline}");
        assert!(
            std::mem::size_of::<Message>() < 400,
            "Message is {} bytes",
            std::mem::size_of::<Message>()
        );
    }

    #[test]
    fn section_names_normalise() {
        assert_eq!(normalize_section("BODY.PEEK[]"), "BODY[]");
        assert_eq!(
            normalize_section("body.peek[header]<0.1024>"),
            "BODY[HEADER]<0>"
        );
        assert_eq!(normalize_section("BODY.PEEK[]<100.50>"), "BODY[]<100>");
        assert_eq!(normalize_section("BODY[1]<7>"), "BODY[1]<7>");
        // Not a range: dropped.
        assert_eq!(normalize_section("BODY[]<x>"), "BODY[]");
        assert_eq!(normalize_section("BODY[]<>"), "BODY[]");
        assert_eq!(normalize_section("BODY[] x"), "BODY[]");
        assert_eq!(normalize_section("RFC822"), "BODY[]");
        assert_eq!(normalize_section("BINARY.PEEK[1]"), "BINARY[1]");
        // The shortcut for names already normalised agrees with the general
        // case, whichever one a name takes.
        for name in [
            "BODY[]",
            "BODY[HEADER]",
            "BODY[1.2.MIME]",
            "BINARY[1]",
            "BODY[]<0>",
            "BODY[HEADER.FIELDS (SUBJECT FROM)]",
            "body[]",
            " BODY[]",
            "BODY[] ",
            "BODY.PEEK[TEXT]",
            "RFC822",
            "RFC822.HEADER",
            "RFC822.TEXT",
            "RFC822.SIZE",
            "BODY[\u{e9}]",
            "BODY[HEADER.FIELDS (X-Caf\u{e9})]",
            "",
            "\u{a0}BODY[]",
            "X",
            "BODY[1]<0.10>",
            "BODY[1]]",
        ] {
            assert_eq!(
                normalize_section(name),
                normalize_section_general(name),
                "{name:?}"
            );
        }
        assert_eq!(normalize_section("BODY[]<0>"), "BODY[]<0>");
        assert_eq!(normalize_section(" BODY[] "), "BODY[]");
    }

    #[test]
    fn expand_is_bounded_and_ordered() {
        assert_eq!(expand_ranges(&[(3, 5), (9, 9)]).unwrap(), vec![3, 4, 5, 9]);
        assert_eq!(expand_ranges(&[(5, 3)]).unwrap(), vec![3, 4, 5]);
        // Too large: an error, not a short list (it used to be empty, or
        // cut at the first range that did not fit).
        for big in [
            vec![(1, u32::MAX)],
            vec![(1, 5), (100, 20_000_100)],
            vec![(20_000_000, 1), (1, 3)],
        ] {
            let e = expand_ranges(&big).unwrap_err();
            assert_eq!(e.kind, crate::client::ErrorKind::LimitExceeded);
            assert!(!e.is_fatal());
        }
        let at_limit = [(1, MAX_EXPANDED_IDS as u32)];
        assert_eq!(
            expand_ranges(&at_limit).unwrap().len() as u64,
            MAX_EXPANDED_IDS
        );
    }
}
