//! NOTIFY (RFC 5465): one connection hears of changes in every folder.

use super::core::NoData;
use super::error::{Error, Result};
use super::types::notify_events as ev;
use super::types::{NotifyGroup, NotifyTarget};
use super::Client;

/// The event names in bit order.
const EVENT_NAMES: [(u32, &str); 8] = [
    (ev::MESSAGE_NEW, "MessageNew"),
    (ev::MESSAGE_EXPUNGE, "MessageExpunge"),
    (ev::FLAG_CHANGE, "FlagChange"),
    (ev::ANNOTATION_CHANGE, "AnnotationChange"),
    (ev::MAILBOX_NAME, "MailboxName"),
    (ev::SUBSCRIPTION_CHANGE, "SubscriptionChange"),
    (ev::MAILBOX_METADATA_CHANGE, "MailboxMetadataChange"),
    (ev::SERVER_METADATA_CHANGE, "ServerMetadataChange"),
];

/// Refuse what RFC 5465 section 5 forbids, before anything is sent.
pub fn check_notify_group(g: &NotifyGroup) -> Result<()> {
    if g.events & !ev::ALL != 0 {
        return Err(Error::invalid(format!(
            "NOTIFY: unknown event bits {:#x}",
            g.events & !ev::ALL
        )));
    }
    let new_expunge = ev::MESSAGE_NEW | ev::MESSAGE_EXPUNGE;
    let pair = g.events & new_expunge;
    if pair != 0 && pair != new_expunge {
        return Err(Error::invalid(
            "NOTIFY: MessageNew and MessageExpunge go together (RFC 5465 section 5)",
        ));
    }
    if g.events & (ev::FLAG_CHANGE | ev::ANNOTATION_CHANGE) != 0 && pair == 0 {
        return Err(Error::invalid(
            "NOTIFY: FlagChange and AnnotationChange need MessageNew and MessageExpunge (RFC 5465 section 5)",
        ));
    }
    if !g.fetch.is_empty() {
        let selected = matches!(
            g.target,
            NotifyTarget::Selected | NotifyTarget::SelectedDelayed
        );
        if !selected || g.events & ev::MESSAGE_NEW == 0 {
            return Err(Error::invalid(
                "NOTIFY: FETCH items go with MessageNew of the selected folder only",
            ));
        }
        super::messages::check_items(&g.fetch.iter().map(String::as_str).collect::<Vec<_>>())?;
    }
    match &g.target {
        NotifyTarget::Subtree(v) | NotifyTarget::Folders(v) if v.is_empty() => Err(Error::invalid(
            "NOTIFY: a subtree or folders filter needs at least one folder",
        )),
        _ => Ok(()),
    }
}

impl Client {
    /// NOTIFY SET (RFC 5465): from now on the server reports changes in
    /// the folders of `groups` as events ([`super::Event::FolderStatus`],
    /// [`super::Event::FolderList`], and the usual EXISTS, EXPUNGE and
    /// FETCH for the selected folder), which arrive with any command's
    /// answer and during IDLE. Those that arrive while a LIST or LSUB
    /// runs are told from its answer by the command's pattern and a
    /// rename's `OLDNAME`: only one for a folder the pattern covers
    /// (created or deleted there) is taken for part of the listing. With
    /// `status`, the server first reports each watched folder's counters.
    /// A later call replaces the groups; [`Client::notify_none`] ends it.
    ///
    /// A server that cannot watch some event answers NO with
    /// `[BADEVENT ...]`. Needs the NOTIFY capability.
    pub fn notify(&mut self, groups: &[NotifyGroup], status: bool) -> Result<()> {
        self.require("NOTIFY", "NOTIFY")?;
        self.require_auth("NOTIFY")?;
        if groups.is_empty() {
            return Err(Error::invalid(
                "NOTIFY: no event group (notify_none turns it off)",
            ));
        }
        for g in groups {
            check_notify_group(g)?;
        }
        // Folder names are encoded (and checked) before anything is built.
        let mut names = Vec::with_capacity(groups.len());
        for g in groups {
            let folders = match &g.target {
                NotifyTarget::Subtree(v) | NotifyTarget::Folders(v) => v
                    .iter()
                    .map(|f| self.encode_name(f))
                    .collect::<Result<Vec<_>>>()?,
                _ => Vec::new(),
            };
            names.push(folders);
        }
        let mut b = self.command("NOTIFY");
        b.raw(b"SET");
        if status {
            b.raw(b"STATUS");
        }
        for (g, folders) in groups.iter().zip(&names) {
            b.begin_list();
            let keyword: &[u8] = match &g.target {
                NotifyTarget::Selected => b"selected",
                NotifyTarget::SelectedDelayed => b"selected-delayed",
                NotifyTarget::Inboxes => b"inboxes",
                NotifyTarget::Personal => b"personal",
                NotifyTarget::Subscribed => b"subscribed",
                NotifyTarget::Subtree(_) => b"subtree",
                NotifyTarget::Folders(_) => b"mailboxes",
            };
            b.raw(keyword);
            if !folders.is_empty() {
                b.begin_list();
                for f in folders {
                    b.astring(f);
                }
                b.end_list();
            }
            if g.events == 0 {
                b.raw(b"NONE");
            } else {
                b.begin_list();
                for (bit, name) in EVENT_NAMES {
                    if g.events & bit != 0 {
                        b.raw(name.as_bytes());
                        if bit == ev::MESSAGE_NEW && !g.fetch.is_empty() {
                            // Checked above: printable ASCII items.
                            b.raw(format!("({})", g.fetch.join(" ")).as_bytes());
                        }
                    }
                }
                b.end_list();
            }
            b.end_list();
        }
        let cmd = b.finish();
        // From the moment it is sent (whatever the outcome: a failed SET
        // may leave the previous one in force), LIST and LSUB claim only
        // the responses their pattern can stand for.
        self.st.notify = true;
        // The STATUS and LIST answers are not claimed: they become events.
        self.run(cmd, "NOTIFY", &mut NoData).map(|_| ())
    }

    /// NOTIFY NONE: stop reporting changes in other folders (RFC 5465).
    pub fn notify_none(&mut self) -> Result<()> {
        self.require("NOTIFY", "NOTIFY")?;
        self.require_auth("NOTIFY")?;
        let cmd = self.command("NOTIFY").raw(b"NONE").finish();
        self.run(cmd, "NOTIFY", &mut NoData)?;
        self.st.notify = false;
        Ok(())
    }
}
