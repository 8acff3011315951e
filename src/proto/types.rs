//! The IMAP response data model.
//!
//! Every value borrows from the buffer it was parsed from (`Cow::Borrowed`),
//! so parsing copies nothing; [`Response::into_owned`] and friends make a
//! `'static` copy only when a caller asks for one.  All text is kept as raw
//! bytes: IMAP strings are not guaranteed to be UTF-8, and decoding (RFC 2047
//! headers, modified UTF-7 mailbox names) is the client's business.

use std::borrow::Cow;

/// Raw bytes borrowed from the response buffer, or owned.
pub type Bytes<'a> = Cow<'a, [u8]>;

/// Make an owned (`'static`) copy of borrowed bytes.
#[inline]
pub fn own(b: Bytes<'_>) -> Bytes<'static> {
    Cow::Owned(b.into_owned())
}

#[inline]
fn own_opt(b: Option<Bytes<'_>>) -> Option<Bytes<'static>> {
    b.map(own)
}

#[inline]
fn own_vec(v: Vec<Bytes<'_>>) -> Vec<Bytes<'static>> {
    v.into_iter().map(own).collect()
}

/// An inclusive range of message numbers or UIDs as sent by a server
/// (`5`, `5:9`). Used by COPYUID, APPENDUID, VANISHED, MODIFIED, ESEARCH.
pub type IdRange = (u32, u32);

/// One complete server response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response<'a> {
    /// `+ ...`: the server is ready for a literal or a SASL step.
    Continuation(Continuation<'a>),
    /// `TAG OK|NO|BAD ...`: completion of the command with that tag.
    Tagged {
        tag: Bytes<'a>,
        status: StatusResponse<'a>,
    },
    /// `* ...`
    Untagged(Untagged<'a>),
}

/// `+ [code] text` (the text may be base64 SASL data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Continuation<'a> {
    pub code: Option<ResponseCode<'a>>,
    pub text: Bytes<'a>,
}

/// OK, NO, BAD, PREAUTH or BYE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusKind {
    Ok,
    No,
    Bad,
    PreAuth,
    Bye,
}

/// A status response: `OK [code] text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusResponse<'a> {
    pub kind: StatusKind,
    pub code: Option<ResponseCode<'a>>,
    pub text: Bytes<'a>,
}

/// A response code, the bracketed part of a status response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseCode<'a> {
    Alert,
    BadCharset(Vec<Bytes<'a>>),
    Capability(Vec<Bytes<'a>>),
    Parse,
    PermanentFlags(Vec<Flag<'a>>),
    ReadOnly,
    ReadWrite,
    TryCreate,
    UidNext(u32),
    UidValidity(u32),
    Unseen(u32),
    /// RFC 4315 `APPENDUID uidvalidity uid-set`.
    AppendUid {
        uid_validity: u32,
        uids: Vec<IdRange>,
    },
    /// RFC 4315 `COPYUID uidvalidity source-set dest-set`.
    CopyUid {
        uid_validity: u32,
        source: Vec<IdRange>,
        dest: Vec<IdRange>,
    },
    /// RFC 7162.
    HighestModSeq(u64),
    NoModSeq,
    Modified(Vec<IdRange>),
    Closed,
    AuthenticationFailed,
    OverQuota,
    /// RFC 8474 `MAILBOXID (id)`: the folder's object id, which stays the
    /// same across RENAME (in SELECT's and CREATE's answers).
    MailboxId(Bytes<'a>),
    /// Any other code, kept raw: `name` and the rest up to `]`, if any.
    Other {
        name: Bytes<'a>,
        args: Option<Bytes<'a>>,
    },
}

/// A message flag. System flags are typed; everything else is kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Flag<'a> {
    Seen,
    Answered,
    Flagged,
    Deleted,
    Draft,
    /// Read-only: servers set it, clients cannot store it.
    Recent,
    /// `\*` in PERMANENTFLAGS: new keywords may be created.
    MayCreate,
    /// Any other `\Name` flag, with its backslash.
    Extension(Bytes<'a>),
    /// A keyword such as `$Forwarded` or `NonJunk`.
    Keyword(Bytes<'a>),
}

impl<'a> Flag<'a> {
    /// Classify a flag atom as it appears on the wire (case-insensitive for
    /// system flags, as RFC 3501 requires).
    pub fn from_bytes(b: Bytes<'a>) -> Flag<'a> {
        if b.first() == Some(&b'\\') {
            let name = &b[1..];
            let eq = |s: &[u8]| name.eq_ignore_ascii_case(s);
            if eq(b"Seen") {
                return Flag::Seen;
            } else if eq(b"Answered") {
                return Flag::Answered;
            } else if eq(b"Flagged") {
                return Flag::Flagged;
            } else if eq(b"Deleted") {
                return Flag::Deleted;
            } else if eq(b"Draft") {
                return Flag::Draft;
            } else if eq(b"Recent") {
                return Flag::Recent;
            } else if name == b"*" {
                return Flag::MayCreate;
            }
            return Flag::Extension(b);
        }
        Flag::Keyword(b)
    }

    /// The flag as it is written on the wire.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Flag::Seen => b"\\Seen",
            Flag::Answered => b"\\Answered",
            Flag::Flagged => b"\\Flagged",
            Flag::Deleted => b"\\Deleted",
            Flag::Draft => b"\\Draft",
            Flag::Recent => b"\\Recent",
            Flag::MayCreate => b"\\*",
            Flag::Extension(b) | Flag::Keyword(b) => b,
        }
    }

    pub fn into_owned(self) -> Flag<'static> {
        match self {
            Flag::Seen => Flag::Seen,
            Flag::Answered => Flag::Answered,
            Flag::Flagged => Flag::Flagged,
            Flag::Deleted => Flag::Deleted,
            Flag::Draft => Flag::Draft,
            Flag::Recent => Flag::Recent,
            Flag::MayCreate => Flag::MayCreate,
            Flag::Extension(b) => Flag::Extension(own(b)),
            Flag::Keyword(b) => Flag::Keyword(own(b)),
        }
    }
}

/// Untagged (`* ...`) data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Untagged<'a> {
    /// `* OK|NO|BAD|PREAUTH|BYE [code] text`.
    Status(StatusResponse<'a>),
    Capability(Vec<Bytes<'a>>),
    List(ListItem<'a>),
    Lsub(ListItem<'a>),
    /// Gmail's `* XLIST`, a LIST reply by another name (with attributes
    /// such as `\Inbox`, `\AllMail`, `\Spam`).
    Xlist(ListItem<'a>),
    MailboxStatus(MailboxStatus<'a>),
    /// `* SEARCH 1 2 3 (MODSEQ 917)`.
    Search {
        ids: Vec<u32>,
        modseq: Option<u64>,
    },
    ESearch(ESearch<'a>),
    Sort(Vec<u32>),
    Thread(Vec<ThreadNode>),
    Flags(Vec<Flag<'a>>),
    Exists(u32),
    Recent(u32),
    Expunge(u32),
    /// RFC 7162 `* VANISHED (EARLIER) uid-set`.
    Vanished {
        earlier: bool,
        uids: Vec<IdRange>,
    },
    /// `* n FETCH (...)`. Items that failed to parse appear as
    /// [`FetchItem::Error`]; the others are kept.
    Fetch {
        seq: u32,
        items: Vec<FetchItem<'a>>,
    },
    Namespace(Namespaces<'a>),
    /// RFC 2971 `* ID (...)` or `* ID NIL`.
    Id(Option<Vec<(Bytes<'a>, Option<Bytes<'a>>)>>),
    Enabled(Vec<Bytes<'a>>),
    /// RFC 9208 `* QUOTA root (resource usage limit ...)`.
    Quota {
        root: Bytes<'a>,
        resources: Vec<QuotaResource<'a>>,
    },
    /// `* QUOTAROOT mailbox root...`.
    QuotaRoot {
        mailbox: Bytes<'a>,
        roots: Vec<Bytes<'a>>,
    },
    /// RFC 4314 `* ACL mailbox identifier rights [identifier rights]...`.
    Acl {
        mailbox: Bytes<'a>,
        entries: Vec<(Bytes<'a>, Bytes<'a>)>,
    },
    MyRights {
        mailbox: Bytes<'a>,
        rights: Bytes<'a>,
    },
    /// RFC 5464 `* METADATA mailbox (entry value ...)`: `values` (a NIL
    /// value is `None`); or the unsolicited `* METADATA mailbox entry...`
    /// naming entries that changed: `changed`.
    Metadata {
        mailbox: Bytes<'a>,
        values: Vec<(Bytes<'a>, Option<Bytes<'a>>)>,
        changed: Vec<Bytes<'a>>,
    },
    /// Anything else, kept whole (without the leading `* ` and trailing CRLF).
    Other(Bytes<'a>),
}

/// A LIST, LSUB or XLIST reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem<'a> {
    /// Attributes as sent, e.g. `\HasNoChildren`, `\Sent`.
    pub attributes: Vec<Bytes<'a>>,
    /// Hierarchy delimiter, or `None` for NIL.
    pub delimiter: Option<u8>,
    /// The mailbox name as on the wire (modified UTF-7 unless UTF8=ACCEPT).
    pub mailbox: Bytes<'a>,
    /// RFC 5258 CHILDINFO extended data (e.g. `SUBSCRIBED`).
    pub childinfo: Vec<Bytes<'a>>,
    /// RFC 5465 `OLDNAME` extended data: the name before a rename (NOTIFY).
    pub old_name: Option<Bytes<'a>>,
}

/// `* STATUS mailbox (MESSAGES n ...)`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailboxStatus<'a> {
    pub mailbox: Bytes<'a>,
    pub messages: Option<u32>,
    pub recent: Option<u32>,
    pub uid_next: Option<u32>,
    pub uid_validity: Option<u32>,
    pub unseen: Option<u32>,
    pub deleted: Option<u32>,
    pub highest_modseq: Option<u64>,
    pub size: Option<u64>,
    /// RFC 8474 `MAILBOXID (id)`, when it is an object id.
    pub mailbox_id: Option<Bytes<'a>>,
    /// Numeric items this model has no field for.
    pub other: Vec<(Bytes<'a>, u64)>,
}

/// RFC 4731 / RFC 9051 ESEARCH.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ESearch<'a> {
    /// The correlator `(TAG "A5")`, if any.
    pub tag: Option<Bytes<'a>>,
    pub uid: bool,
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub count: Option<u32>,
    pub all: Option<Vec<IdRange>>,
    pub modseq: Option<u64>,
    /// Return data this model has no field for: name and raw value.
    pub other: Vec<(Bytes<'a>, Bytes<'a>)>,
}

/// One node of a THREAD reply. `id` is `None` for a dummy parent, as in
/// `((3)(5))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadNode {
    pub id: Option<u32>,
    pub children: Vec<ThreadNode>,
}

/// One NAMESPACE descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceDesc<'a> {
    pub prefix: Bytes<'a>,
    pub delimiter: Option<u8>,
}

/// RFC 2342 NAMESPACE: personal, other users', shared.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Namespaces<'a> {
    pub personal: Vec<NamespaceDesc<'a>>,
    pub other: Vec<NamespaceDesc<'a>>,
    pub shared: Vec<NamespaceDesc<'a>>,
}

/// One resource of a QUOTA reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaResource<'a> {
    pub name: Bytes<'a>,
    pub usage: u64,
    pub limit: u64,
}

/// One item of a FETCH reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchItem<'a> {
    Uid(u32),
    Flags(Vec<Flag<'a>>),
    /// The raw date-time string, e.g. `17-Jul-1996 02:44:25 -0700`
    /// (parse it with `proto::dates`).
    InternalDate(Bytes<'a>),
    Rfc822Size(u64),
    Envelope(Box<Envelope<'a>>),
    /// BODYSTRUCTURE, or BODY without a section (no extension data).
    BodyStructure(Box<BodyPart<'a>>),
    /// `BODY[section]<origin> data`; also RFC822, RFC822.HEADER and
    /// RFC822.TEXT, mapped to sections ``, `HEADER` and `TEXT`.
    /// `data` is `None` for NIL. `streamed` is true when the framer handed
    /// the literal out in chunks instead of keeping it (data is then empty).
    Section {
        section: Bytes<'a>,
        origin: Option<u32>,
        data: Option<Bytes<'a>>,
        streamed: bool,
    },
    /// RFC 3516 `BINARY[section]<origin>`.
    Binary {
        section: Bytes<'a>,
        origin: Option<u32>,
        data: Option<Bytes<'a>>,
        streamed: bool,
    },
    /// RFC 3516 `BINARY.SIZE[section]`.
    BinarySize {
        section: Bytes<'a>,
        size: u64,
    },
    ModSeq(u64),
    GmMsgId(u64),
    GmThrId(u64),
    GmLabels(Vec<Bytes<'a>>),
    /// RFC 8474.
    EmailId(Bytes<'a>),
    ThreadId(Option<Bytes<'a>>),
    /// RFC 8514, raw date-time or NIL.
    SaveDate(Option<Bytes<'a>>),
    /// RFC 8970.
    Preview(Option<Bytes<'a>>),
    /// An item this model does not know: its name and raw value.
    Other {
        name: Bytes<'a>,
        value: Bytes<'a>,
    },
    /// An item that did not parse: what is known of it, and why.
    Error {
        raw: Bytes<'a>,
        message: String,
    },
}

/// RFC 3501 ENVELOPE. Strings are raw (RFC 2047 encoded words undecoded).
///
/// The six address lists (From, Sender, Reply-To, To, Cc, Bcc) share one
/// vector: one allocation per envelope where a vector per list made up to
/// six, for every message of a header sync. Read them with `from()` ...
/// `bcc()` or `lists()`; build them with `set_lists` or `push_address`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Envelope<'a> {
    pub date: Option<Bytes<'a>>,
    pub subject: Option<Bytes<'a>>,
    /// The addresses of the six lists, one list after the other.
    addresses: Vec<Address<'a>>,
    /// Where each list ends in `addresses`.
    ends: [u32; 6],
    pub in_reply_to: Option<Bytes<'a>>,
    pub message_id: Option<Bytes<'a>>,
}

/// The index of each address list of an `Envelope`, for `list` and
/// `push_address`.
pub mod address_list {
    pub const FROM: usize = 0;
    pub const SENDER: usize = 1;
    pub const REPLY_TO: usize = 2;
    pub const TO: usize = 3;
    pub const CC: usize = 4;
    pub const BCC: usize = 5;
}

impl<'a> Envelope<'a> {
    /// Address list `i` (see `address_list`); empty when out of range.
    pub fn list(&self, i: usize) -> &[Address<'a>] {
        if i >= 6 {
            return &[];
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.addresses
            .get(start..self.ends[i] as usize)
            .unwrap_or(&[])
    }

    /// The six lists, From to Bcc.
    pub fn lists(&self) -> [&[Address<'a>]; 6] {
        std::array::from_fn(|i| self.list(i))
    }

    pub fn from(&self) -> &[Address<'a>] {
        self.list(address_list::FROM)
    }
    pub fn sender(&self) -> &[Address<'a>] {
        self.list(address_list::SENDER)
    }
    pub fn reply_to(&self) -> &[Address<'a>] {
        self.list(address_list::REPLY_TO)
    }
    pub fn to(&self) -> &[Address<'a>] {
        self.list(address_list::TO)
    }
    pub fn cc(&self) -> &[Address<'a>] {
        self.list(address_list::CC)
    }
    pub fn bcc(&self) -> &[Address<'a>] {
        self.list(address_list::BCC)
    }

    /// Replace the six lists, From to Bcc.
    pub fn set_lists(&mut self, lists: [Vec<Address<'a>>; 6]) {
        self.addresses.clear();
        for (i, l) in lists.into_iter().enumerate() {
            self.addresses.extend(l);
            self.ends[i] = len32(self.addresses.len());
        }
    }

    /// Append an address to list `i` (see `address_list`), which must be
    /// the last list filled so far or a later one: lists are filled in
    /// order. Addresses for an earlier list, or past Bcc, are refused
    /// (false).
    pub fn push_address(&mut self, i: usize, a: Address<'a>) -> bool {
        if i >= 6 || self.ends[i + 1..].iter().any(|&e| e > self.ends[i]) {
            return false;
        }
        if self.addresses.capacity() == 0 {
            // Most envelopes hold four to six addresses: one allocation.
            self.addresses.reserve_exact(6);
        }
        self.addresses.push(a);
        let n = len32(self.addresses.len());
        for e in &mut self.ends[i..] {
            *e = n;
        }
        true
    }
}

fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One address of an envelope. A group start has `host == None` and the
/// group name in `mailbox`; a group end has both `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address<'a> {
    pub name: Option<Bytes<'a>>,
    pub adl: Option<Bytes<'a>>,
    pub mailbox: Option<Bytes<'a>>,
    pub host: Option<Bytes<'a>>,
}

/// Content-Disposition from a body structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disposition<'a> {
    pub kind: Bytes<'a>,
    pub params: Vec<(Bytes<'a>, Bytes<'a>)>,
}

/// One node of a BODYSTRUCTURE tree. Multipart nodes have
/// `media_type == "multipart"` and their parts in `children`; a
/// message/rfc822 part has `message` set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BodyPart<'a> {
    pub media_type: Bytes<'a>,
    pub media_subtype: Bytes<'a>,
    pub params: Vec<(Bytes<'a>, Bytes<'a>)>,
    pub id: Option<Bytes<'a>>,
    pub description: Option<Bytes<'a>>,
    pub encoding: Option<Bytes<'a>>,
    /// Octets; a server's `-1` is read as 0.
    pub size: u64,
    /// Lines for text/* and message/rfc822 parts.
    pub lines: Option<u64>,
    /// For message/rfc822: the enclosed message's envelope and body.
    pub message: Option<Box<(Envelope<'a>, BodyPart<'a>)>>,
    /// For multipart: the parts.
    pub children: Vec<BodyPart<'a>>,
    pub md5: Option<Bytes<'a>>,
    pub disposition: Option<Disposition<'a>>,
    pub language: Vec<Bytes<'a>>,
    pub location: Option<Bytes<'a>>,
    /// Extension data beyond RFC 3501, raw.
    pub extension: Option<Bytes<'a>>,
}

fn own_pairs(v: Vec<(Bytes<'_>, Bytes<'_>)>) -> Vec<(Bytes<'static>, Bytes<'static>)> {
    v.into_iter().map(|(a, b)| (own(a), own(b))).collect()
}

fn own_flags(v: Vec<Flag<'_>>) -> Vec<Flag<'static>> {
    v.into_iter().map(Flag::into_owned).collect()
}

impl Response<'_> {
    /// An owned copy that outlives the read buffer.
    pub fn into_owned(self) -> Response<'static> {
        match self {
            Response::Continuation(c) => Response::Continuation(Continuation {
                code: c.code.map(ResponseCode::into_owned),
                text: own(c.text),
            }),
            Response::Tagged { tag, status } => Response::Tagged {
                tag: own(tag),
                status: status.into_owned(),
            },
            Response::Untagged(u) => Response::Untagged(u.into_owned()),
        }
    }
}

impl StatusResponse<'_> {
    pub fn into_owned(self) -> StatusResponse<'static> {
        StatusResponse {
            kind: self.kind,
            code: self.code.map(ResponseCode::into_owned),
            text: own(self.text),
        }
    }
}

impl ResponseCode<'_> {
    pub fn into_owned(self) -> ResponseCode<'static> {
        use ResponseCode::*;
        match self {
            Alert => Alert,
            BadCharset(v) => BadCharset(own_vec(v)),
            Capability(v) => Capability(own_vec(v)),
            Parse => Parse,
            PermanentFlags(v) => PermanentFlags(own_flags(v)),
            ReadOnly => ReadOnly,
            ReadWrite => ReadWrite,
            TryCreate => TryCreate,
            UidNext(n) => UidNext(n),
            UidValidity(n) => UidValidity(n),
            Unseen(n) => Unseen(n),
            AppendUid { uid_validity, uids } => AppendUid { uid_validity, uids },
            CopyUid {
                uid_validity,
                source,
                dest,
            } => CopyUid {
                uid_validity,
                source,
                dest,
            },
            HighestModSeq(n) => HighestModSeq(n),
            NoModSeq => NoModSeq,
            Modified(v) => Modified(v),
            Closed => Closed,
            AuthenticationFailed => AuthenticationFailed,
            OverQuota => OverQuota,
            MailboxId(id) => MailboxId(own(id)),
            Other { name, args } => Other {
                name: own(name),
                args: own_opt(args),
            },
        }
    }
}

impl ListItem<'_> {
    pub fn into_owned(self) -> ListItem<'static> {
        ListItem {
            attributes: own_vec(self.attributes),
            delimiter: self.delimiter,
            mailbox: own(self.mailbox),
            childinfo: own_vec(self.childinfo),
            old_name: own_opt(self.old_name),
        }
    }
}

impl MailboxStatus<'_> {
    pub fn into_owned(self) -> MailboxStatus<'static> {
        MailboxStatus {
            mailbox: own(self.mailbox),
            messages: self.messages,
            recent: self.recent,
            uid_next: self.uid_next,
            uid_validity: self.uid_validity,
            unseen: self.unseen,
            deleted: self.deleted,
            highest_modseq: self.highest_modseq,
            size: self.size,
            mailbox_id: own_opt(self.mailbox_id),
            other: self.other.into_iter().map(|(k, v)| (own(k), v)).collect(),
        }
    }
}

impl ESearch<'_> {
    pub fn into_owned(self) -> ESearch<'static> {
        ESearch {
            tag: own_opt(self.tag),
            uid: self.uid,
            min: self.min,
            max: self.max,
            count: self.count,
            all: self.all,
            modseq: self.modseq,
            other: own_pairs(self.other),
        }
    }
}

impl NamespaceDesc<'_> {
    pub fn into_owned(self) -> NamespaceDesc<'static> {
        NamespaceDesc {
            prefix: own(self.prefix),
            delimiter: self.delimiter,
        }
    }
}

impl Namespaces<'_> {
    pub fn into_owned(self) -> Namespaces<'static> {
        let f = |v: Vec<NamespaceDesc<'_>>| v.into_iter().map(NamespaceDesc::into_owned).collect();
        Namespaces {
            personal: f(self.personal),
            other: f(self.other),
            shared: f(self.shared),
        }
    }
}

impl Untagged<'_> {
    pub fn into_owned(self) -> Untagged<'static> {
        use Untagged::*;
        match self {
            Status(s) => Status(s.into_owned()),
            Capability(v) => Capability(own_vec(v)),
            List(l) => List(l.into_owned()),
            Lsub(l) => Lsub(l.into_owned()),
            Xlist(l) => Xlist(l.into_owned()),
            MailboxStatus(s) => MailboxStatus(s.into_owned()),
            Search { ids, modseq } => Search { ids, modseq },
            ESearch(e) => ESearch(e.into_owned()),
            Sort(v) => Sort(v),
            Thread(v) => Thread(v),
            Flags(v) => Flags(own_flags(v)),
            Exists(n) => Exists(n),
            Recent(n) => Recent(n),
            Expunge(n) => Expunge(n),
            Vanished { earlier, uids } => Vanished { earlier, uids },
            Fetch { seq, items } => Fetch {
                seq,
                items: items.into_iter().map(FetchItem::into_owned).collect(),
            },
            Namespace(n) => Namespace(n.into_owned()),
            Id(v) => Id(v.map(|v| {
                v.into_iter()
                    .map(|(k, val)| (own(k), own_opt(val)))
                    .collect()
            })),
            Enabled(v) => Enabled(own_vec(v)),
            Quota { root, resources } => Quota {
                root: own(root),
                resources: resources
                    .into_iter()
                    .map(|r| QuotaResource {
                        name: own(r.name),
                        usage: r.usage,
                        limit: r.limit,
                    })
                    .collect(),
            },
            QuotaRoot { mailbox, roots } => QuotaRoot {
                mailbox: own(mailbox),
                roots: own_vec(roots),
            },
            Acl { mailbox, entries } => Acl {
                mailbox: own(mailbox),
                entries: own_pairs(entries),
            },
            MyRights { mailbox, rights } => MyRights {
                mailbox: own(mailbox),
                rights: own(rights),
            },
            Metadata {
                mailbox,
                values,
                changed,
            } => Metadata {
                mailbox: own(mailbox),
                values: values
                    .into_iter()
                    .map(|(k, v)| (own(k), own_opt(v)))
                    .collect(),
                changed: own_vec(changed),
            },
            Other(b) => Other(own(b)),
        }
    }
}

impl FetchItem<'_> {
    pub fn into_owned(self) -> FetchItem<'static> {
        use FetchItem::*;
        match self {
            Uid(n) => Uid(n),
            Flags(v) => Flags(own_flags(v)),
            InternalDate(b) => InternalDate(own(b)),
            Rfc822Size(n) => Rfc822Size(n),
            Envelope(e) => Envelope(Box::new(e.into_owned())),
            BodyStructure(b) => BodyStructure(Box::new(b.into_owned())),
            Section {
                section,
                origin,
                data,
                streamed,
            } => Section {
                section: own(section),
                origin,
                data: own_opt(data),
                streamed,
            },
            Binary {
                section,
                origin,
                data,
                streamed,
            } => Binary {
                section: own(section),
                origin,
                data: own_opt(data),
                streamed,
            },
            BinarySize { section, size } => BinarySize {
                section: own(section),
                size,
            },
            ModSeq(n) => ModSeq(n),
            GmMsgId(n) => GmMsgId(n),
            GmThrId(n) => GmThrId(n),
            GmLabels(v) => GmLabels(own_vec(v)),
            EmailId(b) => EmailId(own(b)),
            ThreadId(b) => ThreadId(own_opt(b)),
            SaveDate(b) => SaveDate(own_opt(b)),
            Preview(b) => Preview(own_opt(b)),
            Other { name, value } => Other {
                name: own(name),
                value: own(value),
            },
            Error { raw, message } => Error {
                raw: own(raw),
                message,
            },
        }
    }
}

impl Address<'_> {
    pub fn into_owned(self) -> Address<'static> {
        Address {
            name: own_opt(self.name),
            adl: own_opt(self.adl),
            mailbox: own_opt(self.mailbox),
            host: own_opt(self.host),
        }
    }
}

impl Envelope<'_> {
    pub fn into_owned(self) -> Envelope<'static> {
        Envelope {
            date: own_opt(self.date),
            subject: own_opt(self.subject),
            addresses: self
                .addresses
                .into_iter()
                .map(Address::into_owned)
                .collect(),
            ends: self.ends,
            in_reply_to: own_opt(self.in_reply_to),
            message_id: own_opt(self.message_id),
        }
    }
}

/// An owned copy of a MIME token (type, subtype, parameter name or value,
/// encoding, disposition). The common ones, as servers spell them, are
/// `'static` already: borrowing those saves most of the allocations of an
/// owned body structure (a header sync makes one per message).
fn own_token(b: Bytes<'_>) -> Bytes<'static> {
    macro_rules! common {
        ($($t:literal)*) => {
            match &*b {
                $($t => Cow::Borrowed(&$t[..]),)*
                _ => own(b),
            }
        };
    }
    common!(
        b"" b"text" b"plain" b"html" b"multipart" b"alternative" b"mixed" b"related"
        b"message" b"rfc822" b"image" b"jpeg" b"png" b"gif" b"application" b"pdf"
        b"octet-stream" b"charset" b"utf-8" b"UTF-8" b"us-ascii" b"US-ASCII"
        b"iso-8859-1" b"ISO-8859-1" b"name" b"filename" b"boundary" b"7bit" b"8bit"
        b"base64" b"quoted-printable" b"binary" b"inline" b"attachment"
        b"TEXT" b"PLAIN" b"HTML" b"MULTIPART" b"ALTERNATIVE" b"MIXED" b"RELATED"
        b"MESSAGE" b"RFC822" b"APPLICATION" b"IMAGE" b"CHARSET" b"NAME" b"FILENAME"
        b"BOUNDARY" b"7BIT" b"8BIT" b"BASE64" b"QUOTED-PRINTABLE" b"BINARY"
        b"INLINE" b"ATTACHMENT"
    )
}

fn own_token_pairs(v: Vec<(Bytes<'_>, Bytes<'_>)>) -> Vec<(Bytes<'static>, Bytes<'static>)> {
    v.into_iter()
        .map(|(a, b)| (own_token(a), own_token(b)))
        .collect()
}

impl BodyPart<'_> {
    pub fn into_owned(self) -> BodyPart<'static> {
        BodyPart {
            media_type: own_token(self.media_type),
            media_subtype: own_token(self.media_subtype),
            params: own_token_pairs(self.params),
            id: own_opt(self.id),
            description: own_opt(self.description),
            encoding: self.encoding.map(own_token),
            size: self.size,
            lines: self.lines,
            message: self.message.map(|m| {
                let (e, b) = *m;
                Box::new((e.into_owned(), b.into_owned()))
            }),
            children: self
                .children
                .into_iter()
                .map(BodyPart::into_owned)
                .collect(),
            md5: own_opt(self.md5),
            disposition: self.disposition.map(|d| Disposition {
                kind: own_token(d.kind),
                params: own_token_pairs(d.params),
            }),
            language: own_vec(self.language),
            location: own_opt(self.location),
            extension: own_opt(self.extension),
        }
    }
}

#[cfg(test)]
mod envelope_tests {
    use super::{address_list as l, Address, Envelope};
    use std::borrow::Cow;

    fn a(m: &'static str) -> Address<'static> {
        Address {
            mailbox: Some(Cow::Borrowed(m.as_bytes())),
            ..Address::default()
        }
    }

    fn names(v: &[Address<'_>]) -> Vec<String> {
        v.iter()
            .map(|x| String::from_utf8_lossy(x.mailbox.as_deref().unwrap_or_default()).into())
            .collect()
    }

    #[test]
    fn lists_share_one_vector_and_keep_their_own_addresses() {
        let mut e = Envelope::default();
        assert_eq!(e.lists().map(<[_]>::len), [0; 6]);
        assert!(e.push_address(l::FROM, a("f")));
        assert!(e.push_address(l::TO, a("t1")));
        assert!(e.push_address(l::TO, a("t2")));
        assert!(e.push_address(l::BCC, a("b")));
        assert_eq!(names(e.from()), ["f"]);
        assert!(e.sender().is_empty() && e.reply_to().is_empty() && e.cc().is_empty());
        assert_eq!(names(e.to()), ["t1", "t2"]);
        assert_eq!(names(e.bcc()), ["b"]);
        assert!(e.list(6).is_empty());
        // Out of order or out of range: refused, nothing changes.
        assert!(!e.push_address(l::CC, a("late")));
        assert!(!e.push_address(6, a("none")));
        assert_eq!(e.lists().map(<[_]>::len), [1, 0, 0, 2, 0, 1]);
        let owned = e.clone().into_owned();
        assert_eq!(owned, e);

        e.set_lists([
            vec![],
            vec![a("s")],
            vec![],
            vec![],
            vec![a("c1"), a("c2")],
            vec![],
        ]);
        assert_eq!(e.lists().map(<[_]>::len), [0, 1, 0, 0, 2, 0]);
        assert_eq!(names(e.cc()), ["c1", "c2"]);
        assert_eq!(names(e.sender()), ["s"]);
    }
}
