//! Folder commands: LIST, LSUB, CREATE, RENAME, DELETE, (UN)SUBSCRIBE,
//! STATUS, SELECT, EXAMINE, UNSELECT, CLOSE, ACL, QUOTA and METADATA.

use std::collections::{HashMap, HashSet};

use super::core::{with, NoData};
use super::error::{Error, ErrorKind, Result};
use super::types::{
    Event, Folder, FolderStatus, MailboxState, Metadata, MetadataDepth, MetadataEntry,
    MetadataOptions, Quota,
};
use super::{Client, SessionState, State};
use crate::proto::flags::is_atom;
use crate::proto::listpattern::ListPattern;
use crate::proto::quote::quoted;
use crate::proto::types::{
    ListItem, MailboxStatus, ResponseCode, StatusKind, StatusResponse, Untagged,
};
use crate::proto::utf7;

/// Decode a folder name from the wire under `folder_encode`.
pub(crate) fn decode_name(raw: &[u8], folder_encode: bool) -> String {
    if folder_encode {
        utf7::decode_lenient(raw).0
    } else {
        String::from_utf8_lossy(raw).into_owned()
    }
}

/// Folders from LIST, and the STATUS answers that came with them by raw
/// folder name ([`folder_key`]).
type Listed = (Vec<Folder>, HashMap<Vec<u8>, FolderStatus>);

/// INBOX, in any case (RFC 3501: the name is case-insensitive).
fn is_inbox(raw: &[u8]) -> bool {
    raw.eq_ignore_ascii_case(b"INBOX")
}

/// A raw folder name as a key: INBOX in any case is INBOX.
fn folder_key(raw: &[u8]) -> Vec<u8> {
    if is_inbox(raw) {
        b"INBOX".to_vec()
    } else {
        raw.to_vec()
    }
}

/// The folders a LIST or LSUB command's reference and pattern cover.
struct Covered {
    /// As sent.
    wire: ListPattern,
    /// As given, when names go in modified UTF-7: servers such as Dovecot
    /// match the decoded names (`*日本*` finds `日本語`, whose modified
    /// UTF-7 does not hold that of `日本`).
    decoded: Option<ListPattern>,
}

impl Covered {
    fn new(reference: &str, pattern: &str, r: &[u8], p: &[u8], utf7: bool) -> Covered {
        Covered {
            wire: ListPattern::new(r, p),
            decoded: utf7.then(|| ListPattern::new(reference.as_bytes(), pattern.as_bytes())),
        }
    }

    fn covers(&mut self, l: &ListItem<'_>) -> bool {
        self.wire.matches(&l.mailbox, l.delimiter)
            || self.decoded.as_mut().is_some_and(|d| {
                let name = utf7::decode_lenient(&l.mailbox).0;
                d.matches(name.as_bytes(), l.delimiter)
            })
    }
}

/// Whether a folder name from the server is `asked` (wire form); INBOX
/// in any case.
fn same_folder(got: &[u8], asked: &[u8]) -> bool {
    got == asked || (is_inbox(got) && is_inbox(asked))
}

/// Whether a listed name is `asked` (wire forms): the same, but for the
/// case of INBOX (RFC 3501 5.1), alone or as the first level of the
/// hierarchy (`inbox/x` is `INBOX/x`).
fn same_name(listed: &[u8], asked: &[u8], delimiter: Option<char>) -> bool {
    if listed == asked {
        return true;
    }
    let (Some((a, rest)), Some((b, asked_rest))) =
        (listed.split_at_checked(5), asked.split_at_checked(5))
    else {
        return false;
    };
    a.eq_ignore_ascii_case(b"INBOX")
        && b.eq_ignore_ascii_case(b"INBOX")
        && rest == asked_rest
        && (rest.is_empty()
            || delimiter.is_some_and(|d| d.is_ascii() && rest.first() == Some(&(d as u8))))
}

/// A LIST reply as a folder, its name decoded when `utf7`.
pub(crate) fn folder_of(l: &ListItem<'_>, utf7: bool) -> Folder {
    Folder {
        name: decode_name(&l.mailbox, utf7),
        raw_name: l.mailbox.to_vec(),
        delimiter: l.delimiter.map(char::from),
        flags: l
            .attributes
            .iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect(),
        status: None,
    }
}

/// The counters of a STATUS answer.
pub(crate) fn to_status(s: &MailboxStatus<'_>) -> FolderStatus {
    FolderStatus {
        messages: s.messages,
        recent: s.recent,
        uid_next: s.uid_next,
        uid_validity: s.uid_validity,
        unseen: s.unseen,
        deleted: s.deleted,
        highest_modseq: s.highest_modseq,
        size: s.size,
    }
}

/// Well-known names per special-use attribute, for servers without
/// SPECIAL-USE (the first match wins). Each is also looked for below INBOX
/// (`INBOX.Sent Items`, as Courier and Cyrus with the `INBOX.` personal
/// namespace hold it), after every name at the top level.
const POPULAR: &[(&str, &[&str])] = &[
    (
        "\\Sent",
        &[
            "Sent",
            "Sent Items",
            "Sent items",
            "Sent Messages",
            "Sent Mail",
            "Sent mail",
            "[Gmail]/Sent Mail",
        ],
    ),
    ("\\Drafts", &["Drafts", "Draft", "[Gmail]/Drafts"]),
    (
        "\\Trash",
        &[
            "Trash",
            "Deleted Items",
            "Deleted Messages",
            "Deleted",
            "Bin",
            "[Gmail]/Trash",
            "[Gmail]/Bin",
        ],
    ),
    (
        "\\Junk",
        &[
            "Junk",
            "Spam",
            "Junk E-mail",
            "Junk Email",
            "Bulk Mail",
            "[Gmail]/Spam",
        ],
    ),
    ("\\Archive", &["Archive", "Archives", "[Gmail]/All Mail"]),
    ("\\All", &["[Gmail]/All Mail", "All Mail"]),
    ("\\Flagged", &["[Gmail]/Starred", "Starred", "Flagged"]),
];

/// The name of `f` below INBOX (`Sent Items` for `INBOX.Sent Items` with
/// the delimiter `.`; INBOX in any case), or `None` when it is not below.
fn below_inbox_name(f: &Folder) -> Option<&str> {
    let d = f.delimiter?;
    let head = f.name.get(..5)?;
    if !head.eq_ignore_ascii_case("INBOX") {
        return None;
    }
    f.name[5..].strip_prefix(d)
}

/// Refuse a folder name (or LIST pattern) holding a control character:
/// C0 (NUL, CR, LF, TAB...), DEL, C1, or the Unicode line and paragraph
/// separators. RFC 6855 section 3 forbids exactly these in mailbox names;
/// no server can usefully hold them (RFC 3501 could only smuggle them
/// through modified UTF-7 or a literal), and a CR or LF in a name is most
/// likely an injection attempt. Refused before anything is sent, with
/// `InvalidArgument`, whatever `folder_encode` says.
pub(crate) fn check_name(name: &str) -> Result<()> {
    match name
        .chars()
        .find(|&c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
    {
        Some(c) => Err(Error::invalid(format!(
            "folder name contains the control character U+{:04X}; mailbox names may not hold control characters (RFC 6855 section 3)",
            u32::from(c)
        ))),
        None => Ok(()),
    }
}

/// Check a metadata entry name (RFC 5464 3.2): below `/private` or
/// `/shared`, no `*` or `%`, no `//`, no trailing `/`, no control
/// characters. Servers refuse the others with BAD; here they are an
/// `InvalidArgument` with nothing sent.
fn check_entry(name: &str) -> Result<()> {
    let lower = name.to_ascii_lowercase();
    let rooted = ["/private", "/shared"]
        .iter()
        .any(|r| lower == *r || lower.starts_with(&format!("{r}/")));
    let why = if !rooted {
        Some("must be /private or /shared or below them")
    } else if name.contains(['*', '%']) {
        Some("may not hold * or %")
    } else if name.contains("//") || name.ends_with('/') {
        Some("may not hold // or end with /")
    } else if name.chars().any(char::is_control) {
        Some("may not hold control characters")
    } else {
        None
    };
    match why {
        Some(why) => Err(Error::invalid(format!(
            "metadata entry {}: an entry name {why} (RFC 5464 section 3.2)",
            quoted(name)
        ))),
        None => Ok(()),
    }
}

/// `[METADATA LONGENTRIES n]` in a GETMETADATA completion.
fn long_entries(code: Option<&ResponseCode<'_>>) -> Option<u64> {
    let Some(ResponseCode::Other {
        name,
        args: Some(args),
    }) = code
    else {
        return None;
    };
    if !name.eq_ignore_ascii_case(b"METADATA") {
        return None;
    }
    let args = std::str::from_utf8(args).ok()?;
    let mut words = args.split_ascii_whitespace();
    match (words.next(), words.next()) {
        (Some(w), Some(n)) if w.eq_ignore_ascii_case("LONGENTRIES") => n.parse().ok(),
        _ => None,
    }
}

impl Client {
    /// GETMETADATA (RFC 5464): the values of these entries of `folder`, or
    /// of the server's own entries when `folder` is `""`. Entries without
    /// a value come back with `None`, or not at all, as the server
    /// chooses. Needs METADATA (METADATA-SERVER is enough for `""`).
    pub fn get_metadata(
        &mut self,
        folder: &str,
        entries: &[&str],
        opts: &MetadataOptions,
    ) -> Result<Metadata> {
        self.require_metadata(folder, "GETMETADATA")?;
        if entries.is_empty() {
            return Err(Error::invalid("GETMETADATA: no entries given"));
        }
        for e in entries {
            check_entry(e)?;
        }
        let w = self.encode_name(folder)?;
        let mut b = self.command("GETMETADATA");
        let mut options = Vec::new();
        if let Some(n) = opts.max_size {
            options.push(format!("MAXSIZE {n}"));
        }
        match opts.depth {
            MetadataDepth::Zero => {}
            MetadataDepth::One => options.push("DEPTH 1".into()),
            MetadataDepth::Infinity => options.push("DEPTH infinity".into()),
        }
        if !options.is_empty() {
            b.raw(format!("({})", options.join(" ")).as_bytes());
        }
        b.astring(&w);
        if let [one] = entries {
            b.astring(one.as_bytes());
        } else {
            b.begin_list();
            for e in entries {
                b.astring(e.as_bytes());
            }
            b.end_list();
        }
        let cmd = b.finish();
        let mut out = Metadata::default();
        let st = self.run(
            cmd,
            "GETMETADATA",
            &mut with(|_st: &mut State, u| match u {
                Untagged::Metadata { values, .. } if !values.is_empty() => {
                    out.entries
                        .extend(values.into_iter().map(|(k, v)| MetadataEntry {
                            name: String::from_utf8_lossy(&k).into_owned(),
                            value: v.map(|v| v.into_owned()),
                        }));
                    None
                }
                u => Some(u),
            }),
        )?;
        out.long_entries = long_entries(st.code.as_ref());
        Ok(out)
    }

    /// SETMETADATA (RFC 5464): set these entries of `folder` (`""`: the
    /// server's), one command for all of them; a `None` value removes the
    /// entry. Values may hold any bytes (a value with NUL goes as a
    /// literal8), but servers may refuse a value with NUL (Dovecot answers
    /// `NO [CANNOT]`). A server that refuses says why in the response code,
    /// which the error's message carries whole: `METADATA MAXSIZE n`
    /// (a value too long), `METADATA TOOMANY`, `METADATA NOPRIVATE`.
    pub fn set_metadata(&mut self, folder: &str, entries: &[(&str, Option<&[u8]>)]) -> Result<()> {
        self.require_metadata(folder, "SETMETADATA")?;
        if entries.is_empty() {
            return Err(Error::invalid("SETMETADATA: no entries given"));
        }
        for (e, _) in entries {
            check_entry(e)?;
        }
        let w = self.encode_name(folder)?;
        let mut b = self.command("SETMETADATA");
        b.astring(&w).begin_list();
        for (e, v) in entries {
            b.astring(e.as_bytes());
            match v {
                None => b.raw(b"NIL"),
                Some(v) if v.contains(&0) => b.literal(v, true),
                Some(v) => b.string(v),
            };
        }
        b.end_list();
        let cmd = b.finish();
        self.run(cmd, "SETMETADATA", &mut NoData).map(|_| ())
    }

    fn require_metadata(&self, folder: &str, what: &str) -> Result<()> {
        if folder.is_empty() && self.has_capability("METADATA-SERVER") {
            Ok(())
        } else {
            self.require("METADATA", what)
        }?;
        self.require_auth(what)
    }

    /// A folder name as it goes on the wire.
    pub(crate) fn encode_name(&self, name: &str) -> Result<Vec<u8>> {
        check_name(name)?;
        if self.st.utf7_names() {
            Ok(utf7::encode(name).into_bytes())
        } else {
            Ok(name.as_bytes().to_vec())
        }
    }

    fn to_folder(&self, l: &ListItem<'_>) -> Folder {
        folder_of(l, self.st.utf7_names())
    }

    /// LIST, LSUB or XLIST; with `ret` (LIST-STATUS's `RETURN (STATUS
    /// ...)`) also the STATUS answers that come with it, by raw folder
    /// name.
    fn list_cmd(
        &mut self,
        verb: &str,
        select_opts: Option<&str>,
        reference: &str,
        pattern: &str,
        ret: Option<&[u8]>,
    ) -> Result<Listed> {
        self.require_auth(verb)?;
        let r = self.encode_name(reference)?;
        let p = self.encode_name(pattern)?;
        let mut b = self.command(verb);
        if let Some(o) = select_opts {
            b.raw(o.as_bytes());
        }
        b.string(&r).string(&p);
        if let Some(ret) = ret {
            b.raw(ret);
        }
        let cmd = b.finish();
        // Under NOTIFY, LIST responses for folders created, deleted or
        // renamed elsewhere may come meanwhile (RFC 5465 5.4): they are
        // events, unless the pattern covers them (indistinguishable
        // then). A rename's carries OLDNAME, which no answer does.
        // Filtered under NOTIFY only: without it no such responses come,
        // and a server's own answer may stray from a strict reading of
        // the pattern (case-insensitive stores such as Exchange's).
        // XLIST's replies are never news (NOTIFY sends LIST), and its
        // localized INBOX would not match the pattern `INBOX`.
        let mut wanted = (self.st.notify && verb != "XLIST")
            .then(|| Covered::new(reference, pattern, &r, &p, self.st.utf7_names()));
        let mut own = |l: &ListItem<'_>| match wanted.as_mut() {
            Some(w) => l.old_name.is_none() && w.covers(l),
            None => true,
        };
        let mut items: Vec<ListItem<'static>> = Vec::new();
        // LIST-STATUS: every STATUS is taken (RFC 5819 has it follow its
        // LIST, but servers may not keep to the order); under NOTIFY one
        // for a folder that is not listed is another folder's news, and
        // becomes an event once the answer is complete.
        let mut statuses: Vec<(Vec<u8>, FolderStatus)> = Vec::new();
        self.run(
            cmd,
            verb,
            // Each verb takes its own kind of reply only: a LIST that
            // comes during LSUB or XLIST is news (NOTIFY), not the answer.
            &mut with(|_st: &mut State, u| match (verb, u) {
                ("LIST", Untagged::List(l))
                | ("LSUB", Untagged::Lsub(l))
                | ("XLIST", Untagged::Xlist(l))
                    if own(&l) =>
                {
                    items.push(l.into_owned());
                    None
                }
                (_, Untagged::MailboxStatus(s)) if ret.is_some() => {
                    statuses.push((s.mailbox.to_vec(), to_status(&s)));
                    None
                }
                (_, u) => Some(u),
            }),
        )?;
        let listed: HashSet<Vec<u8>> = items.iter().map(|l| folder_key(&l.mailbox)).collect();
        let mut mine = HashMap::new();
        let utf7 = self.st.utf7_names();
        for (raw, status) in statuses {
            let key = folder_key(&raw);
            if listed.contains(&key) {
                mine.insert(key, status);
            } else if self.st.notify {
                self.st.queue(Event::FolderStatus {
                    folder: decode_name(&raw, utf7),
                    status,
                });
            }
        }
        if let Some(e) = self.st.abort.take() {
            return Err(self.fail(e));
        }
        let folders = items.iter().map(|l| self.to_folder(l)).collect();
        Ok((folders, mine))
    }

    /// The STATUS items to ask for: every counter the server supports.
    fn status_items(&self) -> String {
        let mut items = String::from("(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN");
        if self.has_capability("CONDSTORE") {
            items.push_str(" HIGHESTMODSEQ");
        }
        if self.has_capability("STATUS=SIZE") {
            items.push_str(" SIZE");
        }
        if self.has_capability("IMAP4REV2") {
            items.push_str(" DELETED");
        }
        items.push(')');
        items
    }

    /// LIST with every folder's STATUS counters in `Folder::status`: a
    /// sync's first look at an account (which folders changed since last
    /// time: UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, MESSAGES). One command
    /// where the server has LIST-STATUS (RFC 5819), else LIST and then a
    /// STATUS per selectable folder. Folders that cannot be selected have
    /// no status, nor do folders whose STATUS the server refused with NO
    /// (without LIST-STATUS); any other failure fails the call.
    ///
    /// Under NOTIFY, as with [`Client::list_folders`]; and a STATUS that
    /// comes for a folder not listed (yet) stays an event
    /// ([`super::Event::FolderStatus`]).
    pub fn list_folders_with_status(
        &mut self,
        reference: &str,
        pattern: &str,
    ) -> Result<Vec<Folder>> {
        if self.has_capability("LIST-STATUS") {
            let ret = format!("RETURN (STATUS {})", self.status_items());
            let (mut folders, mut statuses) =
                self.list_cmd("LIST", None, reference, pattern, Some(ret.as_bytes()))?;
            for f in &mut folders {
                f.status = statuses.remove(&folder_key(&f.raw_name));
            }
            return Ok(folders);
        }
        let (mut folders, _) = self.list_cmd("LIST", None, reference, pattern, None)?;
        for f in &mut folders {
            if !f.is_selectable() {
                continue;
            }
            match self.status_raw(&f.raw_name) {
                Ok(s) => f.status = Some(s),
                Err(e) if e.kind == ErrorKind::No => {
                    log::debug!(target: "imapclient::client", "STATUS {:?} refused: {e}", f.name);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(folders)
    }

    /// LIST folders under `reference` matching `pattern` (`*` all, `%` one
    /// level).
    ///
    /// Under NOTIFY ([`Client::notify`]) the folders created, deleted or
    /// renamed elsewhere that are reported while the command runs stay
    /// events ([`super::Event::FolderList`]); only one for a folder the
    /// pattern covers, created or deleted, cannot be told from the answer
    /// and shows in the listing. Renames (`OLDNAME`) never do.
    pub fn list_folders(&mut self, reference: &str, pattern: &str) -> Result<Vec<Folder>> {
        self.list_cmd("LIST", None, reference, pattern, None)
            .map(|(f, _)| f)
    }

    /// LSUB: the subscribed folders. Under NOTIFY, as with
    /// [`Client::list_folders`].
    pub fn list_subscribed(&mut self, reference: &str, pattern: &str) -> Result<Vec<Folder>> {
        self.list_cmd("LSUB", None, reference, pattern, None)
            .map(|(f, _)| f)
    }

    /// XLIST: the folders as [`Client::list_folders`] lists them, from
    /// Gmail's XLIST command (as IMAPClient's `xlist_folders`), with
    /// Gmail's attributes in [`Folder::flags`]: `\Inbox`, `\AllMail`,
    /// `\Spam`, `\Starred`, `\Important`, `\Sent`, `\Drafts`,
    /// `\Trash`. Google deprecated XLIST for SPECIAL-USE (RFC 6154), which
    /// [`Client::list_folders`] and [`Client::find_special_folder`] read;
    /// XLIST is for servers that answer only it.
    ///
    /// The folder with `\Inbox` may carry a localized name (`Posteingang`,
    /// `Boîte de réception`): it is returned as the server sent it
    /// (decoded as every name), and the folder is selected as `INBOX`.
    ///
    /// Needs the `XLIST` capability: without it (Dovecot, most servers,
    /// or after [`Client::mask_capability`]) the call fails with
    /// [`ErrorKind::CapabilityMissing`] and nothing is sent. A NO or BAD
    /// from the server fails the call only (not fatal). Under NOTIFY
    /// every LIST response that comes meanwhile stays an event.
    pub fn xlist_folders(&mut self, reference: &str, pattern: &str) -> Result<Vec<Folder>> {
        self.require("XLIST", "XLIST")?;
        self.list_cmd("XLIST", None, reference, pattern, None)
            .map(|(f, _)| f)
    }

    /// The folder with a special-use attribute (`\Sent`, `\Drafts`,
    /// `\Trash`, `\Junk`, `\Archive`, `\All`, `\Flagged`): SPECIAL-USE
    /// attributes first, then well-known names at the top level, then the
    /// same names below INBOX (`INBOX.Sent Items`).
    pub fn find_special_folder(&mut self, attr: &str) -> Result<Option<String>> {
        let opts = self
            .has_capability("SPECIAL-USE")
            .then_some("(SPECIAL-USE)");
        let (special, _) = self.list_cmd("LIST", opts, "", "*", None)?;
        if let Some(f) = special.iter().find(|f| f.has_flag(attr)) {
            return Ok(Some(f.name.clone()));
        }
        let all = if opts.is_some() {
            self.list_folders("", "*")?
        } else {
            special
        };
        if let Some(f) = all.iter().find(|f| f.has_flag(attr)) {
            return Ok(Some(f.name.clone()));
        }
        let names = POPULAR
            .iter()
            .find(|(a, _)| a.eq_ignore_ascii_case(attr))
            .map(|(_, n)| *n)
            .unwrap_or(&[]);
        // By name, only folders that can hold mail: a `\Noselect` "Sent"
        // (a hierarchy level) must not win over a usable "Sent Items".
        // First at the top level, then below INBOX.
        fn top_level(f: &Folder) -> Option<&str> {
            Some(&f.name)
        }
        for name_of in [top_level, below_inbox_name] {
            for n in names {
                let named = |f: &&Folder| {
                    f.is_selectable() && name_of(f).is_some_and(|m| m.eq_ignore_ascii_case(n))
                };
                if let Some(f) = all.iter().find(named) {
                    return Ok(Some(f.name.clone()));
                }
            }
        }
        Ok(None)
    }

    /// True when the folder exists. A name may hold `%` or `*` (servers
    /// allow them: Dovecot creates `50% off*`): LIST then takes it as a
    /// pattern, which may match other folders too, and only a folder of
    /// exactly that name counts (INBOX in any case).
    pub fn folder_exists(&mut self, name: &str) -> Result<bool> {
        let found = self.list_folders("", name)?;
        if !name.contains(['*', '%']) {
            return Ok(!found.is_empty());
        }
        let wire = self.encode_name(name)?;
        Ok(found
            .iter()
            .any(|f| same_name(&f.raw_name, &wire, f.delimiter)))
    }

    fn simple_folder_cmd(&mut self, verb: &str, names: &[&str]) -> Result<()> {
        self.folder_cmd_status(verb, names).map(|_| ())
    }

    /// The command with each name encoded as a folder name; its tagged OK.
    fn folder_cmd_status(&mut self, verb: &str, names: &[&str]) -> Result<StatusResponse<'static>> {
        self.require_auth(verb)?;
        let mut b = self.command(verb);
        for n in names {
            let w = self.encode_name(n)?;
            b.astring(&w);
        }
        let cmd = b.finish();
        self.run(cmd, verb, &mut NoData)
    }

    pub fn create_folder(&mut self, name: &str) -> Result<()> {
        self.simple_folder_cmd("CREATE", &[name])
    }

    /// CREATE, and the new folder's object id (RFC 8474 MAILBOXID) from
    /// the server's OK: servers with OBJECTID (Cyrus) send it there, so a
    /// sync can key the folder by it without a SELECT. `None` when the
    /// server sent none (Dovecot 2.3 has no OBJECTID) or sent one that is
    /// not an object id (kept out, as in SELECT's answer).
    pub fn create_folder_with_id(&mut self, name: &str) -> Result<Option<String>> {
        let st = self.folder_cmd_status("CREATE", &[name])?;
        Ok(created_id(st))
    }

    /// CREATE with special-use attributes (RFC 6154 CREATE-SPECIAL-USE):
    /// `CREATE name (USE (\Sent))`, so that every client finds the folder
    /// by its use (LIST's attributes, [`Client::find_special_folder`]).
    /// Returns the folder's MAILBOXID as [`Client::create_folder_with_id`]
    /// does. Each use is `\` and an atom: `\Sent`, `\Drafts`, `\Trash`,
    /// `\Junk`, `\Archive`, `\All`, `\Flagged`, or an extension.
    ///
    /// Refused before anything is sent: a server without
    /// CREATE-SPECIAL-USE ([`ErrorKind::CapabilityMissing`]; Dovecot 2.3
    /// has none: create the folder and let its configuration give the
    /// use), an empty list or a use of another form
    /// ([`ErrorKind::InvalidArgument`]). A server that will not give a
    /// use answers NO `[USEATTR]` (Cyrus: an unknown use, or a second
    /// `\Sent`), which fails the call only.
    pub fn create_folder_special_use(
        &mut self,
        name: &str,
        uses: &[&str],
    ) -> Result<Option<String>> {
        const VERB: &str = "CREATE";
        self.require_auth(VERB)?;
        self.require("CREATE-SPECIAL-USE", "CREATE with special-use attributes")?;
        check_uses(uses)?;
        let w = self.encode_name(name)?;
        let mut b = self.command(VERB);
        // `(USE (\Sent \Trash))`: each use checked to be `\` and an atom.
        b.astring(&w).begin_list().raw(b"USE").begin_list();
        for u in uses {
            b.raw(u.as_bytes());
        }
        let cmd = b.end_list().end_list().finish();
        let st = self.run(cmd, VERB, &mut NoData)?;
        Ok(created_id(st))
    }

    pub fn rename_folder(&mut self, old: &str, new: &str) -> Result<()> {
        self.simple_folder_cmd("RENAME", &[old, new])
    }

    pub fn delete_folder(&mut self, name: &str) -> Result<()> {
        self.simple_folder_cmd("DELETE", &[name])
    }

    pub fn subscribe_folder(&mut self, name: &str) -> Result<()> {
        self.simple_folder_cmd("SUBSCRIBE", &[name])
    }

    pub fn unsubscribe_folder(&mut self, name: &str) -> Result<()> {
        self.simple_folder_cmd("UNSUBSCRIBE", &[name])
    }

    /// STATUS with every counter the server supports.
    pub fn folder_status(&mut self, name: &str) -> Result<FolderStatus> {
        let w = self.encode_name(name)?;
        self.status_raw(&w)
    }

    /// STATUS of the folder with this wire name.
    fn status_raw(&mut self, wire_name: &[u8]) -> Result<FolderStatus> {
        self.require_auth("STATUS")?;
        let items = self.status_items();
        let cmd = self
            .command("STATUS")
            .astring(wire_name)
            .raw(items.as_bytes())
            .finish();
        let mut out = None;
        self.run(
            cmd,
            "STATUS",
            &mut with(|_st: &mut State, u| match u {
                // Only the asked folder's: under NOTIFY other folders'
                // STATUS may come meanwhile, and are events.
                Untagged::MailboxStatus(s) if same_folder(&s.mailbox, wire_name) => {
                    out = Some(to_status(&s));
                    None
                }
                u => Some(u),
            }),
        )?;
        // The command completed and the connection is in step: the
        // missing data fails this call only (not fatal).
        out.ok_or_else(|| {
            Error::new(
                ErrorKind::Protocol,
                "STATUS: the server sent no STATUS data",
            )
            .with_fatal(false)
        })
    }

    fn open_folder(
        &mut self,
        name: &str,
        read_only: bool,
        condstore: bool,
    ) -> Result<MailboxState> {
        let verb = if read_only { "EXAMINE" } else { "SELECT" };
        self.require_auth(verb)?;
        if condstore {
            self.require("CONDSTORE", verb)?;
        }
        let w = self.encode_name(name)?;
        let mut b = self.command(verb);
        b.astring(&w);
        if condstore {
            b.raw(b"(CONDSTORE)");
        }
        let cmd = b.finish();
        let mut ms = MailboxState {
            name: name.to_string(),
            read_only,
            ..MailboxState::default()
        };
        // The old folder is closed as soon as the command is sent.
        self.st.selected = None;
        self.st.session = SessionState::Authenticated;
        let status = self.run(
            cmd,
            verb,
            &mut with(|_st: &mut State, u| match u {
                Untagged::Exists(n) => {
                    ms.exists = n;
                    None
                }
                Untagged::Recent(n) => {
                    ms.recent = n;
                    None
                }
                Untagged::Flags(f) => {
                    ms.flags = f
                        .iter()
                        .map(|x| String::from_utf8_lossy(x.as_bytes()).into_owned())
                        .collect();
                    None
                }
                Untagged::Status(s) => {
                    match &s.code {
                        Some(ResponseCode::UidValidity(n)) => ms.uid_validity = Some(*n),
                        Some(ResponseCode::UidNext(n)) => ms.uid_next = Some(*n),
                        Some(ResponseCode::Unseen(n)) => ms.unseen = Some(*n),
                        Some(ResponseCode::HighestModSeq(n)) => ms.highest_modseq = Some(*n),
                        Some(ResponseCode::NoModSeq) => ms.no_modseq = true,
                        Some(ResponseCode::MailboxId(id)) => {
                            ms.mailbox_id = Some(String::from_utf8_lossy(id).into_owned())
                        }
                        // Other codes describing the folder (URLMECH,
                        // ANNOTATIONS, ...: Cyrus sends them) are part of
                        // the answer, not news; ALERT stays an event.
                        Some(ResponseCode::Other { name, args }) if s.kind == StatusKind::Ok => {
                            log::debug!(
                                target: "imapclient::client",
                                "{verb}: code {} {} not kept",
                                String::from_utf8_lossy(name),
                                String::from_utf8_lossy(args.as_deref().unwrap_or_default())
                            );
                        }
                        Some(ResponseCode::PermanentFlags(f)) => {
                            ms.permanent_flags = f
                                .iter()
                                .map(|x| String::from_utf8_lossy(x.as_bytes()).into_owned())
                                .collect()
                        }
                        // CLOSED refers to the previous folder; ALERT and
                        // others are events.
                        _ => return Some(Untagged::Status(s)),
                    }
                    None
                }
                u => Some(u),
            }),
        )?;
        match status.code {
            Some(ResponseCode::ReadOnly) => ms.read_only = true,
            Some(ResponseCode::ReadWrite) => ms.read_only = false,
            _ => {}
        }
        self.st.selected = Some(ms.clone());
        self.st.session = SessionState::Selected;
        Ok(ms)
    }

    /// SELECT a folder for reading and writing.
    pub fn select_folder(&mut self, name: &str) -> Result<MailboxState> {
        self.open_folder(name, false, false)
    }

    /// EXAMINE: select read-only.
    pub fn examine_folder(&mut self, name: &str) -> Result<MailboxState> {
        self.open_folder(name, true, false)
    }

    /// SELECT or EXAMINE with `(CONDSTORE)`, so HIGHESTMODSEQ is reported.
    pub fn select_folder_condstore(&mut self, name: &str, read_only: bool) -> Result<MailboxState> {
        self.open_folder(name, read_only, true)
    }

    pub(crate) fn require_selected(&self, what: &str) -> Result<&super::types::MailboxState> {
        match (&self.st.session, &self.st.selected) {
            (SessionState::Selected, Some(m)) => Ok(m),
            _ => {
                // A client an earlier error broke says so (fatally).
                self.check_usable()?;
                Err(Error::state(format!("{what}: no folder is selected")))
            }
        }
    }

    fn leave_folder(&mut self, verb: &str) -> Result<()> {
        self.require_selected(verb)?;
        let cmd = self.command(verb).finish();
        self.run(cmd, verb, &mut NoData)?;
        self.st.selected = None;
        self.st.session = SessionState::Authenticated;
        Ok(())
    }

    /// UNSELECT (RFC 3691): leave the folder without expunging.
    pub fn unselect_folder(&mut self) -> Result<()> {
        self.require("UNSELECT", "UNSELECT")?;
        self.leave_folder("UNSELECT")
    }

    /// CLOSE: leave the folder, expunging `\Deleted` messages if writable.
    pub fn close_folder(&mut self) -> Result<()> {
        self.leave_folder("CLOSE")
    }

    /// GETACL (RFC 4314): (identifier, rights) pairs.
    pub fn get_acl(&mut self, folder: &str) -> Result<Vec<(String, String)>> {
        self.require("ACL", "GETACL")?;
        self.require_auth("GETACL")?;
        let w = self.encode_name(folder)?;
        let cmd = self.command("GETACL").astring(&w).finish();
        let mut out = Vec::new();
        self.run(
            cmd,
            "GETACL",
            &mut with(|_st: &mut State, u| match u {
                Untagged::Acl { entries, .. } => {
                    out.extend(entries.iter().map(|(k, v)| {
                        (
                            String::from_utf8_lossy(k).into_owned(),
                            String::from_utf8_lossy(v).into_owned(),
                        )
                    }));
                    None
                }
                u => Some(u),
            }),
        )?;
        Ok(out)
    }

    /// SETACL (RFC 4314): give `who` these rights (`+`/`-` prefixes allowed).
    pub fn set_acl(&mut self, folder: &str, who: &str, rights: &str) -> Result<()> {
        self.require("ACL", "SETACL")?;
        self.require_auth("SETACL")?;
        let w = self.encode_name(folder)?;
        let cmd = self
            .command("SETACL")
            .astring(&w)
            .astring(who.as_bytes())
            .astring(rights.as_bytes())
            .finish();
        self.run(cmd, "SETACL", &mut NoData).map(|_| ())
    }

    /// GETQUOTAROOT: the quota roots of a folder and their quotas.
    pub fn get_quota_root(&mut self, folder: &str) -> Result<(Vec<String>, Vec<Quota>)> {
        self.require("QUOTA", "GETQUOTAROOT")?;
        self.require_auth("GETQUOTAROOT")?;
        let w = self.encode_name(folder)?;
        let cmd = self.command("GETQUOTAROOT").astring(&w).finish();
        let mut roots = Vec::new();
        let mut quotas = Vec::new();
        self.run(
            cmd,
            "GETQUOTAROOT",
            &mut with(|_st: &mut State, u| match u {
                Untagged::QuotaRoot { roots: r, .. } => {
                    roots.extend(r.iter().map(|x| String::from_utf8_lossy(x).into_owned()));
                    None
                }
                Untagged::Quota { root, resources } => {
                    push_quotas(&mut quotas, &root, &resources);
                    None
                }
                u => Some(u),
            }),
        )?;
        Ok((roots, quotas))
    }

    /// GETQUOTA for a quota root.
    pub fn get_quota(&mut self, root: &str) -> Result<Vec<Quota>> {
        self.require("QUOTA", "GETQUOTA")?;
        self.require_auth("GETQUOTA")?;
        let cmd = self.command("GETQUOTA").astring(root.as_bytes()).finish();
        self.run_quota(cmd, "GETQUOTA")
    }

    /// SETQUOTA (RFC 2087, RFC 9208): set the limits of quota root `root`,
    /// e.g. `[("STORAGE", 512_000), ("MESSAGE", 10_000)]` (STORAGE counts
    /// kilobytes); an empty list removes the limits. Servers usually allow
    /// it to administrators only (a NO otherwise). Returns the QUOTA
    /// responses the server sends back, often none.
    ///
    /// Resource names must be atoms of letters, digits, `-`, `_` or `.`,
    /// and limits at most 2^63 - 1 (RFC 9208's number64); anything else
    /// is refused before sending.
    pub fn set_quota(&mut self, root: &str, limits: &[(&str, u64)]) -> Result<Vec<Quota>> {
        self.require("QUOTA", "SETQUOTA")?;
        self.require_auth("SETQUOTA")?;
        let mut list = Vec::from(&b"("[..]);
        for (i, &(name, limit)) in limits.iter().enumerate() {
            let atom = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if !atom {
                return Err(Error::invalid(format!(
                    "SETQUOTA: invalid resource name {}",
                    quoted(name)
                )));
            }
            if limit > i64::MAX as u64 {
                return Err(Error::invalid(format!(
                    "SETQUOTA: limit {limit} of {name} is above 2^63 - 1"
                )));
            }
            if i > 0 {
                list.push(b' ');
            }
            list.extend_from_slice(format!("{name} {limit}").as_bytes());
        }
        list.push(b')');
        let cmd = self
            .command("SETQUOTA")
            .astring(root.as_bytes())
            .raw(&list)
            .finish();
        self.run_quota(cmd, "SETQUOTA")
    }

    /// Run a quota command, collecting its QUOTA responses.
    fn run_quota(&mut self, cmd: crate::proto::encoder::Command, what: &str) -> Result<Vec<Quota>> {
        let mut quotas = Vec::new();
        self.run(
            cmd,
            what,
            &mut with(|_st: &mut State, u| match u {
                Untagged::Quota { root, resources } => {
                    push_quotas(&mut quotas, &root, &resources);
                    None
                }
                u => Some(u),
            }),
        )?;
        Ok(quotas)
    }
}

fn push_quotas(out: &mut Vec<Quota>, root: &[u8], res: &[crate::proto::types::QuotaResource<'_>]) {
    for r in res {
        out.push(Quota {
            root: String::from_utf8_lossy(root).into_owned(),
            resource: String::from_utf8_lossy(&r.name).into_owned(),
            usage: r.usage,
            limit: r.limit,
        });
    }
}

/// The MAILBOXID of CREATE's OK (RFC 8474 section 4.1), if it gave one
/// (the parser keeps only object ids as `MailboxId`).
fn created_id(st: StatusResponse<'static>) -> Option<String> {
    match st.code {
        Some(ResponseCode::MailboxId(id)) => Some(String::from_utf8_lossy(&id).into_owned()),
        _ => None,
    }
}

/// The uses of a CREATE (RFC 6154): at least one, each `\` and an atom.
fn check_uses(uses: &[&str]) -> Result<()> {
    if uses.is_empty() {
        return Err(Error::invalid(
            "CREATE with special use: no use attribute given",
        ));
    }
    match uses
        .iter()
        .find(|u| !u.strip_prefix('\\').is_some_and(|a| is_atom(a.as_bytes())))
    {
        Some(u) => Err(Error::invalid(format!(
            "CREATE with special use: {u:?} is not a use attribute (\\ and an atom, e.g. \\Sent)"
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::check_name;
    use crate::client::ErrorKind;

    #[test]
    fn control_characters_are_refused_in_names() {
        for bad in [
            "a\0b",
            "x\r\nA2 DELETE INBOX",
            "cr\r",
            "lf\n",
            "tab\there",
            "del\u{7f}",
            "c1\u{85}next-line",
            "c1\u{9f}",
            "line\u{2028}sep",
            "para\u{2029}sep",
        ] {
            let e = check_name(bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad:?}");
            assert!(!e.is_fatal());
            assert!(e.message.contains("control character U+"), "{e}");
        }
        assert!(check_name("x\r\ny").unwrap_err().message.contains("U+000D"));
        for good in [
            "INBOX",
            "a b",
            "Entwürfe/日本語",
            "&AMk--looks-like-utf7",
            "quote\"in(the)name",
            "star*and%percent",
            "nbsp\u{a0}and\u{a0}soft\u{ad}hyphen",
            "",
        ] {
            assert!(check_name(good).is_ok(), "{good:?}");
        }
    }
}

#[cfg(test)]
mod same_name_tests {
    #[test]
    fn exact_but_for_the_case_of_inbox() {
        use super::same_name as same;
        let d = Some('/');
        assert!(same(b"50% off*", b"50% off*", d));
        assert!(!same(b"50% off*", b"50% off", d));
        assert!(!same(b"50X offY", b"50% off*", d));
        assert!(!same(b"a%b", b"a%B", d));
        assert!(same(b"INBOX", b"inbox", d));
        assert!(same(b"INBOX/x*", b"inbox/x*", d));
        assert!(!same(b"INBOX/x*", b"inbox/X*", d));
        assert!(!same(b"INBOXx*", b"inboxx*", d));
        assert!(!same(b"INBOX", b"INBOX/", d));
        assert!(!same(b"INBOX/x*", b"inbox/x*", None));
        assert!(!same(b"Inb", b"inb", d));
    }
}
