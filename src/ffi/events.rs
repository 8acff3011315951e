//! Unsolicited server events (EXISTS, EXPUNGE, flag changes, ALERT...),
//! drained from the client or delivered by IDLE.

use std::ffi::CString;
use std::os::raw::c_char;

use super::boundary::cstring;
use super::folder::imapc_folder;
use super::lists::{free_box, get, imapc_folder_status};
use super::message::imapc_message;
use crate::client::Event;

/// The folder now has `number` messages.
pub const IMAPC_EVENT_EXISTS: u32 = 1;
/// The message with sequence number `number` was expunged.
pub const IMAPC_EVENT_EXPUNGE: u32 = 2;
/// `number` messages are \Recent.
pub const IMAPC_EVENT_RECENT: u32 = 3;
/// UIDs vanished (QRESYNC): see `imapc_event_list_ids`.
pub const IMAPC_EVENT_VANISHED: u32 = 4;
/// Flags or other data of a message changed: see `imapc_event_list_message`.
pub const IMAPC_EVENT_FETCH: u32 = 5;
/// The folder's defined flags changed; the text holds them, space-separated.
pub const IMAPC_EVENT_FLAGS: u32 = 6;
/// An `[ALERT]` the user must see; the text holds it.
pub const IMAPC_EVENT_ALERT: u32 = 7;
/// The server is closing the connection; the text holds its reason.
pub const IMAPC_EVENT_BYE: u32 = 8;
/// Another untagged status; the text is `KIND [CODE] text`.
pub const IMAPC_EVENT_STATUS: u32 = 9;
/// Anything else; the text holds the raw line.
pub const IMAPC_EVENT_OTHER: u32 = 10;
/// NOTIFY: a folder's counters (new or expunged messages in a folder not
/// selected, or NOTIFY SET STATUS); the text is the folder's name, see
/// `imapc_event_list_folder_status`.
pub const IMAPC_EVENT_FOLDER_STATUS: u32 = 11;
/// NOTIFY: a folder was created, deleted (it has `\NonExistent`), renamed
/// (see `imapc_event_list_old_name`) or (un)subscribed; the text is its
/// name, see `imapc_event_list_folder`.
pub const IMAPC_EVENT_FOLDER_LIST: u32 = 12;

struct Item {
    kind: u32,
    number: u32,
    text: Option<CString>,
    ids: Vec<u32>,
    message: Option<imapc_message>,
    status: Option<imapc_folder_status>,
    folder: Option<imapc_folder>,
    old_name: Option<CString>,
}

/// Events in arrival order. Caller owns it; free with
/// `imapc_event_list_free`.
pub struct imapc_event_list {
    items: Vec<Item>,
}

impl imapc_event_list {
    pub(crate) fn new(v: Vec<Event>) -> imapc_event_list {
        let items = v
            .into_iter()
            .map(|e| {
                let mut it = Item {
                    kind: 0,
                    number: 0,
                    text: None,
                    ids: Vec::new(),
                    message: None,
                    status: None,
                    folder: None,
                    old_name: None,
                };
                match e {
                    Event::Exists(n) => (it.kind, it.number) = (IMAPC_EVENT_EXISTS, n),
                    Event::Expunge(n) => (it.kind, it.number) = (IMAPC_EVENT_EXPUNGE, n),
                    Event::Recent(n) => (it.kind, it.number) = (IMAPC_EVENT_RECENT, n),
                    Event::Vanished { earlier, uids } => {
                        it.kind = IMAPC_EVENT_VANISHED;
                        it.number = u32::from(earlier);
                        it.ids = uids;
                    }
                    Event::Fetch(m) => {
                        it.kind = IMAPC_EVENT_FETCH;
                        it.number = m.seq;
                        it.message = Some(imapc_message::new(*m));
                    }
                    Event::Flags(f) => {
                        it.kind = IMAPC_EVENT_FLAGS;
                        it.text = Some(cstring(&f.join(" ")));
                    }
                    Event::Alert(t) => (it.kind, it.text) = (IMAPC_EVENT_ALERT, Some(cstring(&t))),
                    Event::Bye(t) => (it.kind, it.text) = (IMAPC_EVENT_BYE, Some(cstring(&t))),
                    Event::Status { kind, code, text } => {
                        it.kind = IMAPC_EVENT_STATUS;
                        let s = match code {
                            Some(c) => format!("{kind} [{c}] {text}"),
                            None => format!("{kind} {text}"),
                        };
                        it.text = Some(cstring(&s));
                    }
                    Event::FolderStatus { folder, status } => {
                        it.kind = IMAPC_EVENT_FOLDER_STATUS;
                        it.text = Some(cstring(&folder));
                        it.status = Some(imapc_folder_status { inner: status });
                    }
                    Event::FolderList { folder, old_name } => {
                        it.kind = IMAPC_EVENT_FOLDER_LIST;
                        it.text = Some(cstring(&folder.name));
                        it.old_name = old_name.as_deref().map(cstring);
                        it.folder = Some(imapc_folder::new(folder));
                    }
                    Event::Other(raw) => {
                        it.kind = IMAPC_EVENT_OTHER;
                        it.text = Some(cstring(&String::from_utf8_lossy(&raw)));
                    }
                }
                it
            })
            .collect();
        imapc_event_list { items }
    }
}

/// Number of events; 0 for NULL.
#[no_mangle]
pub extern "C" fn imapc_event_list_count(list: *const imapc_event_list) -> usize {
    get(list).map_or(0, |l| l.items.len())
}

/// Kind of event `i` (`IMAPC_EVENT_*`), or 0 when out of range.
#[no_mangle]
pub extern "C" fn imapc_event_list_kind(list: *const imapc_event_list, i: usize) -> u32 {
    get(list).and_then(|l| l.items.get(i)).map_or(0, |e| e.kind)
}

/// The number of event `i`: the count for EXISTS and RECENT, the sequence
/// number for EXPUNGE and FETCH, 1 for a VANISHED (EARLIER); else 0.
#[no_mangle]
pub extern "C" fn imapc_event_list_number(list: *const imapc_event_list, i: usize) -> u32 {
    get(list)
        .and_then(|l| l.items.get(i))
        .map_or(0, |e| e.number)
}

/// The text of event `i` (ALERT, BYE, STATUS, FLAGS, OTHER; the folder's
/// name for FOLDER_STATUS and FOLDER_LIST), or NULL.
#[no_mangle]
pub extern "C" fn imapc_event_list_text(list: *const imapc_event_list, i: usize) -> *const c_char {
    get(list)
        .and_then(|l| l.items.get(i))
        .and_then(|e| e.text.as_ref())
        .map_or(std::ptr::null(), |t| t.as_ptr())
}

/// The changed message of a FETCH event, or NULL. Valid until the list is
/// freed.
#[no_mangle]
pub extern "C" fn imapc_event_list_message(
    list: *const imapc_event_list,
    i: usize,
) -> *const imapc_message {
    get(list)
        .and_then(|l| l.items.get(i))
        .and_then(|e| e.message.as_ref())
        .map_or(std::ptr::null(), |m| m as *const _)
}

/// The UIDs of a VANISHED event: array to return, count to `*count_out`
/// (may be NULL). NULL (count 0) for other events.
///
/// # Safety
/// `count_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_event_list_ids(
    list: *const imapc_event_list,
    i: usize,
    count_out: *mut usize,
) -> *const u32 {
    let ids = get(list)
        .and_then(|l| l.items.get(i))
        .map(|e| e.ids.as_slice())
        .unwrap_or(&[]);
    // SAFETY: NULL or writable per the contract.
    unsafe { super::error::put(count_out, ids.len()) };
    if ids.is_empty() {
        std::ptr::null()
    } else {
        ids.as_ptr()
    }
}

/// The counters of a FOLDER_STATUS event (read them with
/// `imapc_folder_status_get`), or NULL for other events. Valid until the
/// list is freed.
#[no_mangle]
pub extern "C" fn imapc_event_list_folder_status(
    list: *const imapc_event_list,
    i: usize,
) -> *const imapc_folder_status {
    get(list)
        .and_then(|l| l.items.get(i))
        .and_then(|e| e.status.as_ref())
        .map_or(std::ptr::null(), |s| s as *const _)
}

/// The folder of a FOLDER_LIST event (name, attributes, delimiter, as
/// from `imapc_client_list`), or NULL for other events. Valid until the
/// list is freed.
#[no_mangle]
pub extern "C" fn imapc_event_list_folder(
    list: *const imapc_event_list,
    i: usize,
) -> *const imapc_folder {
    get(list)
        .and_then(|l| l.items.get(i))
        .and_then(|e| e.folder.as_ref())
        .map_or(std::ptr::null(), |f| f as *const _)
}

/// The name a renamed folder had (FOLDER_LIST events of a rename), or NULL.
#[no_mangle]
pub extern "C" fn imapc_event_list_old_name(
    list: *const imapc_event_list,
    i: usize,
) -> *const c_char {
    get(list)
        .and_then(|l| l.items.get(i))
        .and_then(|e| e.old_name.as_ref())
        .map_or(std::ptr::null(), |t| t.as_ptr())
}

/// Free a list. NULL is allowed.
#[no_mangle]
pub extern "C" fn imapc_event_list_free(list: *mut imapc_event_list) {
    free_box(list)
}
