//! NOTIFY (RFC 5465) for C: a set of event groups built call by call,
//! then sent with `imapc_client_notify`.

use std::os::raw::c_char;

use super::boundary::{catch_value, opt_str_arg, str_array};
use super::client::{boxed, call, imapc_client, split_items};
use super::error::{imapc_error, imapc_result, run};
use super::lists::free_box;
use crate::client::{Error, ErrorKind, NotifyGroup, NotifyTarget, Result};

/// NOTIFY filter: the selected folder.
pub const IMAPC_NOTIFY_SELECTED: u32 = 1;
/// NOTIFY filter: the selected folder, expunges held back until allowed.
pub const IMAPC_NOTIFY_SELECTED_DELAYED: u32 = 2;
/// NOTIFY filter: the folders that receive mail.
pub const IMAPC_NOTIFY_INBOXES: u32 = 3;
/// NOTIFY filter: every folder of the personal namespace.
pub const IMAPC_NOTIFY_PERSONAL: u32 = 4;
/// NOTIFY filter: the subscribed folders.
pub const IMAPC_NOTIFY_SUBSCRIBED: u32 = 5;
/// NOTIFY filter: the given folders and all below them.
pub const IMAPC_NOTIFY_SUBTREE: u32 = 6;
/// NOTIFY filter: the given folders.
pub const IMAPC_NOTIFY_FOLDERS: u32 = 7;

/// NOTIFY event: new messages (with MESSAGE_EXPUNGE).
pub const IMAPC_NOTIFY_MESSAGE_NEW: u32 = 1;
/// NOTIFY event: expunged messages (with MESSAGE_NEW).
pub const IMAPC_NOTIFY_MESSAGE_EXPUNGE: u32 = 2;
/// NOTIFY event: flag changes (needs MESSAGE_NEW and MESSAGE_EXPUNGE).
pub const IMAPC_NOTIFY_FLAG_CHANGE: u32 = 4;
/// NOTIFY event: annotation changes (needs MESSAGE_NEW and MESSAGE_EXPUNGE).
pub const IMAPC_NOTIFY_ANNOTATION_CHANGE: u32 = 8;
/// NOTIFY event: folders created, deleted or renamed.
pub const IMAPC_NOTIFY_MAILBOX_NAME: u32 = 16;
/// NOTIFY event: subscriptions changed.
pub const IMAPC_NOTIFY_SUBSCRIPTION_CHANGE: u32 = 32;
/// NOTIFY event: a folder's METADATA changed.
pub const IMAPC_NOTIFY_MAILBOX_METADATA_CHANGE: u32 = 64;
/// NOTIFY event: the server's METADATA changed.
pub const IMAPC_NOTIFY_SERVER_METADATA_CHANGE: u32 = 128;

/// Event groups for `imapc_client_notify`. Create with `imapc_notify_new`,
/// free with `imapc_notify_free`.
pub struct imapc_notify {
    groups: Vec<NotifyGroup>,
}

/// A new, empty set of event groups; NULL only when out of memory.
#[no_mangle]
pub extern "C" fn imapc_notify_new() -> *mut imapc_notify {
    catch_value(std::ptr::null_mut(), || {
        boxed(imapc_notify { groups: Vec::new() })
    })
}

/// Free a set of event groups. NULL is allowed.
#[no_mangle]
pub extern "C" fn imapc_notify_free(notify: *mut imapc_notify) {
    free_box(notify)
}

/// Add an event group: the folders of `target` (an `IMAPC_NOTIFY_*`
/// filter; `IMAPC_NOTIFY_SUBTREE` and `IMAPC_NOTIFY_FOLDERS` take the `n`
/// UTF-8 names in `folders`, the others none), the `IMAPC_NOTIFY_*`
/// event bits in `events` (0: none, to silence part of a wider group).
/// `fetch` (NULL: none) gives, for `IMAPC_NOTIFY_SELECTED` or
/// `_SELECTED_DELAYED` with MESSAGE_NEW, the FETCH items the server sends
/// with each new message (`"UID FLAGS"`, as for `imapc_client_fetch`),
/// which arrive as `IMAPC_EVENT_FETCH` events. RFC 5465's rules are
/// checked here (`IMAPC_ERR_INVALID_ARGUMENT`): MESSAGE_NEW and
/// MESSAGE_EXPUNGE go together, FLAG_CHANGE and ANNOTATION_CHANGE need
/// them, FETCH items go with the selected folder's MESSAGE_NEW only.
///
/// # Safety
/// `notify` is NULL or live and used by one thread; `folders` holds `n`
/// NUL-terminated strings; `fetch` NULL or NUL-terminated; `err_out` NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_notify_add(
    notify: *mut imapc_notify,
    target: u32,
    folders: *const *const c_char,
    n: usize,
    events: u32,
    fetch: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: err_out NULL or writable per the contract.
    unsafe {
        run(err_out, || {
            // SAFETY: NULL or live and exclusively used per the contract.
            let set = notify_mut(notify)?;
            // SAFETY: `n` strings per the contract.
            let names: Vec<String> = str_array(folders, n, "folders")?
                .into_iter()
                .map(str::to_owned)
                .collect();
            let with_names = |names: Vec<String>| -> Result<Vec<String>> {
                if names.is_empty() {
                    Err(Error::invalid("this NOTIFY filter needs folders"))
                } else {
                    Ok(names)
                }
            };
            let target = match target {
                IMAPC_NOTIFY_SUBTREE => NotifyTarget::Subtree(with_names(names)?),
                IMAPC_NOTIFY_FOLDERS => NotifyTarget::Folders(with_names(names)?),
                _ if !names.is_empty() => {
                    return Err(Error::invalid("only SUBTREE and FOLDERS take folders"))
                }
                IMAPC_NOTIFY_SELECTED => NotifyTarget::Selected,
                IMAPC_NOTIFY_SELECTED_DELAYED => NotifyTarget::SelectedDelayed,
                IMAPC_NOTIFY_INBOXES => NotifyTarget::Inboxes,
                IMAPC_NOTIFY_PERSONAL => NotifyTarget::Personal,
                IMAPC_NOTIFY_SUBSCRIBED => NotifyTarget::Subscribed,
                t => {
                    return Err(Error::invalid(format!(
                        "target {t} is not an IMAPC_NOTIFY_* filter"
                    )))
                }
            };
            // SAFETY: NULL or NUL-terminated per the contract.
            let fetch = match opt_str_arg(fetch, "fetch")? {
                Some(items) => split_items(items)?.into_iter().map(str::to_owned).collect(),
                None => Vec::new(),
            };
            let g = NotifyGroup {
                target,
                events,
                fetch,
            };
            crate::client::check_notify_group(&g)?;
            set.groups.push(g);
            Ok(())
        })
    }
}

/// # Safety
/// `notify` is NULL or live and not used by another thread.
unsafe fn notify_mut<'a>(notify: *mut imapc_notify) -> Result<&'a mut imapc_notify> {
    // SAFETY: forwarded contract.
    unsafe { notify.as_mut() }.ok_or_else(|| Error::new(ErrorKind::NullPointer, "notify is NULL"))
}

/// NOTIFY SET (RFC 5465) with the groups of `notify`, or NOTIFY NONE when
/// `notify` is NULL. From then on the server reports changes in those
/// folders as events (`IMAPC_EVENT_FOLDER_STATUS`, `IMAPC_EVENT_FOLDER_LIST`,
/// and EXISTS, EXPUNGE, FETCH for the selected folder), which arrive with
/// any command's answer (`imapc_client_take_events`) and during IDLE. With
/// `status`, each watched folder's counters come first, as
/// FOLDER_STATUS events. A server that cannot watch an event answers
/// `IMAPC_ERR_NO` with `[BADEVENT ...]`. Needs the NOTIFY capability.
///
/// # Safety
/// `client` is live; `notify` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_notify(
    client: *mut imapc_client,
    notify: *const imapc_notify,
    status: bool,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| match notify.as_ref() {
            None => c.notify_none(),
            Some(n) => c.notify(&n.groups, status),
        })
    }
}
