//! Small result objects: string lists, id lists, COPY/MOVE results, quota
//! lists, folder status. Everything a getter returns is borrowed from the
//! object and valid until the object is freed.

use std::ffi::CString;
use std::os::raw::c_char;
use std::ptr::NonNull;

use super::boundary::{catch_value, cstring, put_bytes};
use super::pack::{push_text, CPtr};
use crate::client::{CopyResult, FolderStatus, Metadata, Quota};

/// Borrow an object from a C pointer (NULL gives None).
pub(crate) fn get<'a, T>(p: *const T) -> Option<&'a T> {
    // SAFETY: every getter's contract: NULL or a live object of this type,
    // which outlives the borrow because it lives until its _free.
    unsafe { p.as_ref() }
}

/// Free a boxed object made by `Box::into_raw`.
pub(crate) fn free_box<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: every _free's contract: came from Box::into_raw here and
        // is freed once.
        catch_value((), || drop(unsafe { Box::from_raw(p) }));
    }
}

/// A slice that lives elsewhere (in a message's view arena, or in the
/// vector of the object that holds it) and outlives the holder: a raw
/// pointer and a length, so that the holder owns nothing and needs no drop.
pub(crate) struct Slab<T> {
    /// Never null (a slice's pointer is not), which lets `Option` of a
    /// holder use it as its None.
    ptr: NonNull<T>,
    len: usize,
}

// SAFETY: a slab is a shared borrow of immutable items that outlive it:
// sending or sharing it is as safe as sending or sharing `&[T]`.
unsafe impl<T: Sync> Send for Slab<T> {}
// SAFETY: as above.
unsafe impl<T: Sync> Sync for Slab<T> {}

impl<T> Slab<T> {
    /// `s`, which must outlive the slab and not change while it lives.
    pub(crate) fn new(s: &[T]) -> Slab<T> {
        Slab {
            ptr: NonNull::from(s).cast(),
            len: s.len(),
        }
    }

    pub(crate) fn empty() -> Slab<T> {
        Slab::new(&[])
    }

    pub(crate) fn get(&self) -> &[T] {
        // SAFETY: `new`'s contract: `len` items live at `ptr` (a dangling,
        // aligned pointer when 0) for as long as the slab.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

/// A list of strings (capabilities, flags, ENABLE results, ID or ACL
/// pairs...). Owned by the caller when returned through `**out`; free with
/// `imapc_string_list_free`. Lists borrowed from other objects are never
/// freed by the caller.
pub struct imapc_string_list {
    items: Slab<CPtr>,
    /// The pointers and the strings, NUL-terminated, when the list owns
    /// them; None when they live in a message's pack and view arena, where
    /// nothing is dropped (boxed: a message's views hold several borrowed
    /// lists, which then take three words each instead of eight).
    _own: Option<Box<(Vec<CPtr>, Vec<u8>)>>,
}

impl imapc_string_list {
    pub(crate) fn new<S: AsRef<str>>(v: impl IntoIterator<Item = S>) -> imapc_string_list {
        // All strings in one buffer: offsets first, pointers once it is
        // complete (it does not move after that).
        let mut buf = Vec::new();
        let offsets: Vec<usize> = v
            .into_iter()
            .map(|s| {
                let at = buf.len();
                push_text(&mut buf, s.as_ref().as_bytes());
                buf.push(0);
                at
            })
            .collect();
        let own: Vec<CPtr> = offsets
            .into_iter()
            .map(|at| CPtr(buf[at..].as_ptr().cast()))
            .collect();
        imapc_string_list {
            items: Slab::new(&own),
            // Moving the vectors into the box leaves their heap buffers,
            // which `items` points into, where they are.
            _own: Some(Box::new((own, buf))),
        }
    }

    /// A list of strings that live in a pack, whose pointers are `items`
    /// (in a view arena): the list owns nothing.
    pub(crate) fn borrowed(items: &[CPtr]) -> imapc_string_list {
        imapc_string_list {
            items: Slab::new(items),
            _own: None,
        }
    }

    pub(crate) fn items(&self) -> &[CPtr] {
        self.items.get()
    }
}

/// Number of strings; 0 for NULL.
#[no_mangle]
pub extern "C" fn imapc_string_list_count(list: *const imapc_string_list) -> usize {
    get(list).map_or(0, |l| l.items().len())
}

/// String `i` (UTF-8), or NULL when out of range. Valid until the list is
/// freed.
#[no_mangle]
pub extern "C" fn imapc_string_list_get(list: *const imapc_string_list, i: usize) -> *const c_char {
    get(list)
        .and_then(|l| l.items().get(i))
        .map_or(std::ptr::null(), |s| s.0)
}

/// True when the list holds `s`, compared ASCII case-insensitively (for
/// capabilities and flags). False for NULL arguments.
///
/// # Safety
/// `s` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imapc_string_list_contains(
    list: *const imapc_string_list,
    s: *const c_char,
) -> bool {
    // SAFETY: NULL or NUL-terminated per the contract.
    let Ok(Some(s)) = (unsafe { super::boundary::opt_str_arg(s, "s") }) else {
        return false;
    };
    get(list).is_some_and(|l| {
        l.items()
            .iter()
            .any(|x| x.bytes().eq_ignore_ascii_case(s.as_bytes()))
    })
}

/// Free a list. NULL is allowed.
#[no_mangle]
pub extern "C" fn imapc_string_list_free(list: *mut imapc_string_list) {
    free_box(list)
}

/// Message ids: the result of SEARCH and SORT (UIDs or sequence numbers,
/// as the client's `use_uid` was), of EXPUNGE (sequence numbers, or UIDs
/// once QRESYNC is enabled: see `imapc_client_expunge`) and of QRESYNC's
/// VANISHED (UIDs). Caller owns it; free with `imapc_id_list_free`.
pub struct imapc_id_list {
    pub(crate) ids: Vec<u32>,
    pub(crate) modseq: Option<u64>,
}

/// Number of ids; 0 for NULL.
#[no_mangle]
pub extern "C" fn imapc_id_list_count(list: *const imapc_id_list) -> usize {
    get(list).map_or(0, |l| l.ids.len())
}

/// Id `i`, or 0 when out of range.
#[no_mangle]
pub extern "C" fn imapc_id_list_get(list: *const imapc_id_list, i: usize) -> u32 {
    get(list).and_then(|l| l.ids.get(i).copied()).unwrap_or(0)
}

/// All ids as an array of `imapc_id_list_count` items (NULL when empty),
/// valid until the list is freed.
#[no_mangle]
pub extern "C" fn imapc_id_list_data(list: *const imapc_id_list) -> *const u32 {
    match get(list) {
        Some(l) if !l.ids.is_empty() => l.ids.as_ptr(),
        _ => std::ptr::null(),
    }
}

/// The highest MODSEQ of the matches when CONDSTORE reported it, else 0.
#[no_mangle]
pub extern "C" fn imapc_id_list_modseq(list: *const imapc_id_list) -> u64 {
    get(list).and_then(|l| l.modseq).unwrap_or(0)
}

/// Free a list. NULL is allowed.
#[no_mangle]
pub extern "C" fn imapc_id_list_free(list: *mut imapc_id_list) {
    free_box(list)
}

/// The result of COPY or MOVE: source and destination UIDs (COPYUID, when
/// the server has UIDPLUS). Caller owns it; free with
/// `imapc_copy_result_free`.
pub struct imapc_copy_result {
    pub(crate) inner: CopyResult,
}

/// UIDVALIDITY of the destination folder, or 0 when the server sent no
/// COPYUID.
#[no_mangle]
pub extern "C" fn imapc_copy_result_uid_validity(r: *const imapc_copy_result) -> u32 {
    get(r).and_then(|r| r.inner.uid_validity).unwrap_or(0)
}

/// Number of source/destination UID pairs (0 without COPYUID).
#[no_mangle]
pub extern "C" fn imapc_copy_result_count(r: *const imapc_copy_result) -> usize {
    get(r).map_or(0, |r| r.inner.source.len().min(r.inner.dest.len()))
}

/// Source UID of pair `i`, or 0 when out of range.
#[no_mangle]
pub extern "C" fn imapc_copy_result_source_uid(r: *const imapc_copy_result, i: usize) -> u32 {
    get(r)
        .and_then(|r| r.inner.source.get(i).copied())
        .unwrap_or(0)
}

/// Destination UID of pair `i`, or 0 when out of range.
#[no_mangle]
pub extern "C" fn imapc_copy_result_dest_uid(r: *const imapc_copy_result, i: usize) -> u32 {
    get(r)
        .and_then(|r| r.inner.dest.get(i).copied())
        .unwrap_or(0)
}

/// Free a result. NULL is allowed.
#[no_mangle]
pub extern "C" fn imapc_copy_result_free(r: *mut imapc_copy_result) {
    free_box(r)
}

/// Quotas from GETQUOTA / GETQUOTAROOT: one entry per (root, resource).
/// Caller owns it; free with `imapc_quota_list_free`.
pub struct imapc_quota_list {
    pub(crate) items: Vec<(CString, CString, Quota)>,
}

impl imapc_quota_list {
    pub(crate) fn new(q: Vec<Quota>) -> imapc_quota_list {
        imapc_quota_list {
            items: q
                .into_iter()
                .map(|q| (cstring(&q.root), cstring(&q.resource), q))
                .collect(),
        }
    }
}

/// Number of entries; 0 for NULL.
#[no_mangle]
pub extern "C" fn imapc_quota_list_count(list: *const imapc_quota_list) -> usize {
    get(list).map_or(0, |l| l.items.len())
}

/// Quota root of entry `i`, or NULL when out of range.
#[no_mangle]
pub extern "C" fn imapc_quota_list_root(list: *const imapc_quota_list, i: usize) -> *const c_char {
    get(list)
        .and_then(|l| l.items.get(i))
        .map_or(std::ptr::null(), |e| e.0.as_ptr())
}

/// Resource name of entry `i` (`"STORAGE"` in KiB, `"MESSAGE"`...), or NULL.
#[no_mangle]
pub extern "C" fn imapc_quota_list_resource(
    list: *const imapc_quota_list,
    i: usize,
) -> *const c_char {
    get(list)
        .and_then(|l| l.items.get(i))
        .map_or(std::ptr::null(), |e| e.1.as_ptr())
}

/// Usage of entry `i`, or 0.
#[no_mangle]
pub extern "C" fn imapc_quota_list_usage(list: *const imapc_quota_list, i: usize) -> u64 {
    get(list)
        .and_then(|l| l.items.get(i))
        .map_or(0, |e| e.2.usage)
}

/// Limit of entry `i`, or 0.
#[no_mangle]
pub extern "C" fn imapc_quota_list_limit(list: *const imapc_quota_list, i: usize) -> u64 {
    get(list)
        .and_then(|l| l.items.get(i))
        .map_or(0, |e| e.2.limit)
}

/// Free a list. NULL is allowed.
#[no_mangle]
pub extern "C" fn imapc_quota_list_free(list: *mut imapc_quota_list) {
    free_box(list)
}

/// Metadata entries from GETMETADATA (RFC 5464), in the server's order.
/// Caller owns it; free with `imapc_metadata_list_free`.
pub struct imapc_metadata_list {
    pub(crate) items: Vec<(CString, Option<Vec<u8>>)>,
    pub(crate) long_entries: u64,
}

impl imapc_metadata_list {
    pub(crate) fn new(m: Metadata) -> imapc_metadata_list {
        imapc_metadata_list {
            items: m
                .entries
                .into_iter()
                .map(|e| (cstring(&e.name), e.value))
                .collect(),
            long_entries: m.long_entries.unwrap_or(0),
        }
    }
}

/// Number of entries; 0 for NULL.
#[no_mangle]
pub extern "C" fn imapc_metadata_list_count(list: *const imapc_metadata_list) -> usize {
    get(list).map_or(0, |l| l.items.len())
}

/// Name of entry `i` (`"/private/comment"`), or NULL when out of range.
#[no_mangle]
pub extern "C" fn imapc_metadata_list_name(
    list: *const imapc_metadata_list,
    i: usize,
) -> *const c_char {
    get(list)
        .and_then(|l| l.items.get(i))
        .map_or(std::ptr::null(), |e| e.0.as_ptr())
}

/// Value of entry `i`: its bytes (any bytes, NUL included; not
/// NUL-terminated) in `*data_out` and `*len_out`, owned by the list.
/// Returns false, leaving the outputs alone, when the entry has no value
/// (NIL) or `i` is out of range.
///
/// # Safety
/// `list` is NULL or live; outputs are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_metadata_list_value(
    list: *const imapc_metadata_list,
    i: usize,
    data_out: *mut *const u8,
    len_out: *mut usize,
) -> bool {
    let v = get(list)
        .and_then(|l| l.items.get(i))
        .and_then(|e| e.1.as_deref());
    // SAFETY: forwarded contract.
    unsafe { put_bytes(v, data_out, len_out) }
}

/// With a `max_size`: the size of the longest value the server left out
/// (`[METADATA LONGENTRIES n]`); 0 when none was, and for NULL.
#[no_mangle]
pub extern "C" fn imapc_metadata_list_long_entries(list: *const imapc_metadata_list) -> u64 {
    get(list).map_or(0, |l| l.long_entries)
}

/// Free a list. NULL is allowed.
#[no_mangle]
pub extern "C" fn imapc_metadata_list_free(list: *mut imapc_metadata_list) {
    free_box(list)
}

/// STATUS item: number of messages.
pub const IMAPC_STATUS_MESSAGES: u32 = 1;
/// STATUS item: number of \Recent messages.
pub const IMAPC_STATUS_RECENT: u32 = 2;
/// STATUS item: the next UID.
pub const IMAPC_STATUS_UIDNEXT: u32 = 3;
/// STATUS item: UIDVALIDITY.
pub const IMAPC_STATUS_UIDVALIDITY: u32 = 4;
/// STATUS item: number of unseen messages.
pub const IMAPC_STATUS_UNSEEN: u32 = 5;
/// STATUS item: number of \Deleted messages (IMAP4rev2).
pub const IMAPC_STATUS_DELETED: u32 = 6;
/// STATUS item: HIGHESTMODSEQ (CONDSTORE).
pub const IMAPC_STATUS_HIGHESTMODSEQ: u32 = 7;
/// STATUS item: total size in octets (STATUS=SIZE).
pub const IMAPC_STATUS_SIZE: u32 = 8;

/// Counters from STATUS. Caller owns it; free with
/// `imapc_folder_status_free`.
pub struct imapc_folder_status {
    pub(crate) inner: FolderStatus,
}

/// Read one counter (`IMAPC_STATUS_*`) into `*value_out`. Returns true and
/// writes the value when the server reported it; false (nothing written)
/// when it did not, or for NULL or an unknown item.
///
/// # Safety
/// `value_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_folder_status_get(
    status: *const imapc_folder_status,
    item: u32,
    value_out: *mut u64,
) -> bool {
    let Some(s) = get(status) else { return false };
    let s = &s.inner;
    let v = match item {
        IMAPC_STATUS_MESSAGES => s.messages.map(u64::from),
        IMAPC_STATUS_RECENT => s.recent.map(u64::from),
        IMAPC_STATUS_UIDNEXT => s.uid_next.map(u64::from),
        IMAPC_STATUS_UIDVALIDITY => s.uid_validity.map(u64::from),
        IMAPC_STATUS_UNSEEN => s.unseen.map(u64::from),
        IMAPC_STATUS_DELETED => s.deleted.map(u64::from),
        IMAPC_STATUS_HIGHESTMODSEQ => s.highest_modseq,
        IMAPC_STATUS_SIZE => s.size,
        _ => None,
    };
    match v {
        Some(v) if !value_out.is_null() => {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { value_out.write(v) };
            true
        }
        Some(_) => true,
        None => false,
    }
}

/// Free a status. NULL is allowed.
#[no_mangle]
pub extern "C" fn imapc_folder_status_free(status: *mut imapc_folder_status) {
    free_box(status)
}
