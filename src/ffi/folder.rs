//! Folder lists and the state of a selected folder.

use std::ffi::CString;
use std::os::raw::c_char;

use super::boundary::cstring;
use super::lists::{free_box, get, imapc_folder_status, imapc_string_list};
use crate::client::{Folder, MailboxState};

/// One folder of an `imapc_folder_list`; borrowed from the list.
pub struct imapc_folder {
    name: CString,
    raw_name: Vec<u8>,
    delimiter: Option<char>,
    attributes: imapc_string_list,
    status: Option<imapc_folder_status>,
}

/// Folders from LIST, LSUB or XLIST. Caller owns it; free with
/// `imapc_folder_list_free`.
pub struct imapc_folder_list {
    items: Vec<imapc_folder>,
}

impl imapc_folder_list {
    pub(crate) fn new(v: Vec<Folder>) -> imapc_folder_list {
        imapc_folder_list {
            items: v.into_iter().map(imapc_folder::new).collect(),
        }
    }
}

impl imapc_folder {
    pub(crate) fn new(f: Folder) -> imapc_folder {
        imapc_folder {
            name: cstring(&f.name),
            raw_name: f.raw_name,
            delimiter: f.delimiter,
            attributes: imapc_string_list::new(&f.flags),
            status: f.status.map(|inner| imapc_folder_status { inner }),
        }
    }
}

/// Number of folders; 0 for NULL.
#[no_mangle]
pub extern "C" fn imapc_folder_list_count(list: *const imapc_folder_list) -> usize {
    get(list).map_or(0, |l| l.items.len())
}

/// Folder `i`, or NULL when out of range. Valid until the list is freed.
#[no_mangle]
pub extern "C" fn imapc_folder_list_get(
    list: *const imapc_folder_list,
    i: usize,
) -> *const imapc_folder {
    get(list)
        .and_then(|l| l.items.get(i))
        .map_or(std::ptr::null(), |f| f as *const _)
}

/// Free a list and its folders. NULL is allowed.
#[no_mangle]
pub extern "C" fn imapc_folder_list_free(list: *mut imapc_folder_list) {
    free_box(list)
}

/// The folder's name, decoded from modified UTF-7 to UTF-8 (when the
/// client's `folder_encode` is on, the default). Pass it back unchanged to
/// select, rename, delete... NULL for a NULL folder.
#[no_mangle]
pub extern "C" fn imapc_folder_name(folder: *const imapc_folder) -> *const c_char {
    get(folder).map_or(std::ptr::null(), |f| f.name.as_ptr())
}

/// The name exactly as the server sent it (modified UTF-7 bytes); the
/// length goes to `*len_out` (may be NULL). Not NUL-terminated.
///
/// # Safety
/// `len_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_folder_raw_name(
    folder: *const imapc_folder,
    len_out: *mut usize,
) -> *const u8 {
    let Some(f) = get(folder) else {
        return std::ptr::null();
    };
    // SAFETY: NULL or writable per the contract.
    unsafe { super::error::put(len_out, f.raw_name.len()) };
    f.raw_name.as_ptr()
}

/// The hierarchy delimiter as a Unicode code point (usually `'/'` or
/// `'.'`), or 0 for a flat namespace.
#[no_mangle]
pub extern "C" fn imapc_folder_delimiter(folder: *const imapc_folder) -> u32 {
    get(folder).and_then(|f| f.delimiter).map_or(0, u32::from)
}

/// The folder's attributes (`\HasNoChildren`, `\Noselect`, `\Sent`, ...),
/// borrowed: valid until the list is freed; do not free it.
#[no_mangle]
pub extern "C" fn imapc_folder_attributes(folder: *const imapc_folder) -> *const imapc_string_list {
    get(folder).map_or(std::ptr::null(), |f| &f.attributes as *const _)
}

/// The folder's STATUS counters (read them with `imapc_folder_status_get`)
/// from `imapc_client_list_status`, borrowed: valid until the list is
/// freed; do not free it. NULL when the list came from another call, for
/// a folder that cannot be selected or whose STATUS the server refused,
/// and for NULL.
#[no_mangle]
pub extern "C" fn imapc_folder_status_of(
    folder: *const imapc_folder,
) -> *const imapc_folder_status {
    get(folder)
        .and_then(|f| f.status.as_ref())
        .map_or(std::ptr::null(), |s| s as *const _)
}

/// True when the folder has the attribute (case-insensitive), e.g.
/// `"\\Noselect"`.
///
/// # Safety
/// `attr` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imapc_folder_has_attribute(
    folder: *const imapc_folder,
    attr: *const c_char,
) -> bool {
    // SAFETY: forwarded contract.
    unsafe { super::lists::imapc_string_list_contains(imapc_folder_attributes(folder), attr) }
}

/// The state of a folder after SELECT or EXAMINE. Caller owns it; free
/// with `imapc_mailbox_state_free`.
pub struct imapc_mailbox_state {
    inner: MailboxState,
    name: CString,
    mailbox_id: Option<CString>,
    flags: imapc_string_list,
    permanent_flags: imapc_string_list,
}

impl imapc_mailbox_state {
    pub(crate) fn new(m: MailboxState) -> imapc_mailbox_state {
        imapc_mailbox_state {
            name: cstring(&m.name),
            mailbox_id: m.mailbox_id.as_deref().map(cstring),
            flags: imapc_string_list::new(&m.flags),
            permanent_flags: imapc_string_list::new(&m.permanent_flags),
            inner: m,
        }
    }
}

/// Free a state. NULL is allowed.
#[no_mangle]
pub extern "C" fn imapc_mailbox_state_free(state: *mut imapc_mailbox_state) {
    free_box(state)
}

/// The folder's name (UTF-8), valid until the state is freed.
#[no_mangle]
pub extern "C" fn imapc_mailbox_state_name(state: *const imapc_mailbox_state) -> *const c_char {
    get(state).map_or(std::ptr::null(), |s| s.name.as_ptr())
}

/// Number of messages (EXISTS).
#[no_mangle]
pub extern "C" fn imapc_mailbox_state_exists(state: *const imapc_mailbox_state) -> u32 {
    get(state).map_or(0, |s| s.inner.exists)
}

/// Number of \Recent messages.
#[no_mangle]
pub extern "C" fn imapc_mailbox_state_recent(state: *const imapc_mailbox_state) -> u32 {
    get(state).map_or(0, |s| s.inner.recent)
}

/// UIDVALIDITY, or 0 when the server sent none.
#[no_mangle]
pub extern "C" fn imapc_mailbox_state_uid_validity(state: *const imapc_mailbox_state) -> u32 {
    get(state).and_then(|s| s.inner.uid_validity).unwrap_or(0)
}

/// UIDNEXT, or 0 when the server sent none.
#[no_mangle]
pub extern "C" fn imapc_mailbox_state_uid_next(state: *const imapc_mailbox_state) -> u32 {
    get(state).and_then(|s| s.inner.uid_next).unwrap_or(0)
}

/// Sequence number of the first unseen message, or 0 when not reported.
#[no_mangle]
pub extern "C" fn imapc_mailbox_state_unseen(state: *const imapc_mailbox_state) -> u32 {
    get(state).and_then(|s| s.inner.unseen).unwrap_or(0)
}

/// HIGHESTMODSEQ (CONDSTORE), or 0 when not reported.
#[no_mangle]
pub extern "C" fn imapc_mailbox_state_highest_modseq(state: *const imapc_mailbox_state) -> u64 {
    get(state).and_then(|s| s.inner.highest_modseq).unwrap_or(0)
}

/// True when the server answered `[NOMODSEQ]` (no CONDSTORE for this folder).
#[no_mangle]
pub extern "C" fn imapc_mailbox_state_no_modseq(state: *const imapc_mailbox_state) -> bool {
    get(state).is_some_and(|s| s.inner.no_modseq)
}

/// The folder's object id (RFC 8474 OBJECTID: `[MAILBOXID (id)]` in the
/// SELECT answer), valid until the state is freed, or NULL when the
/// server has no OBJECTID. Unlike the name it stays the same across
/// RENAME: a sync keyed on it follows a renamed folder.
#[no_mangle]
pub extern "C" fn imapc_mailbox_state_mailbox_id(
    state: *const imapc_mailbox_state,
) -> *const c_char {
    get(state)
        .and_then(|s| s.mailbox_id.as_ref())
        .map_or(std::ptr::null(), |id| id.as_ptr())
}

/// True when the folder is open read-only (EXAMINE or `[READ-ONLY]`).
#[no_mangle]
pub extern "C" fn imapc_mailbox_state_read_only(state: *const imapc_mailbox_state) -> bool {
    get(state).is_some_and(|s| s.inner.read_only)
}

/// The flags defined in the folder (FLAGS), borrowed until the state is
/// freed.
#[no_mangle]
pub extern "C" fn imapc_mailbox_state_flags(
    state: *const imapc_mailbox_state,
) -> *const imapc_string_list {
    get(state).map_or(std::ptr::null(), |s| &s.flags as *const _)
}

/// The flags that can be stored permanently (PERMANENTFLAGS; `\*` means
/// new keywords are allowed), borrowed until the state is freed.
#[no_mangle]
pub extern "C" fn imapc_mailbox_state_permanent_flags(
    state: *const imapc_mailbox_state,
) -> *const imapc_string_list {
    get(state).map_or(std::ptr::null(), |s| &s.permanent_flags as *const _)
}
