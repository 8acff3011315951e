//! FETCH results: message lists, messages, envelopes, addresses and body
//! structure trees. Every pointer a getter returns is borrowed from the
//! object it came from and valid until the owning list is freed.

use std::collections::HashMap;
use std::ffi::CString;
use std::os::raw::c_char;

use super::boundary::cstring;
use super::error::put;
use super::lists::{free_box, get, imapc_string_list, opt_ptr};
use crate::client::{Address, DateTime, Envelope, Message, Messages};
use crate::proto::types::BodyPart;

fn ocs(s: &Option<String>) -> Option<CString> {
    s.as_deref().map(cstring)
}

fn lossy(b: &[u8]) -> CString {
    cstring(&String::from_utf8_lossy(b))
}

/// One address of an envelope; borrowed from its envelope.
pub struct imapc_address {
    name: Option<CString>,
    mailbox: Option<CString>,
    host: Option<CString>,
    route: Option<CString>,
    email: CString,
}

/// The addresses of one envelope field; borrowed from its envelope.
pub struct imapc_address_list {
    items: Vec<imapc_address>,
}

impl imapc_address_list {
    fn new(v: &[Address]) -> imapc_address_list {
        imapc_address_list {
            items: v
                .iter()
                .map(|a| imapc_address {
                    name: ocs(&a.name),
                    mailbox: ocs(&a.mailbox),
                    host: ocs(&a.host),
                    route: ocs(&a.route),
                    email: cstring(&a.email()),
                })
                .collect(),
        }
    }
}

/// Number of addresses; 0 for NULL.
#[no_mangle]
pub extern "C" fn imapc_address_list_count(list: *const imapc_address_list) -> usize {
    get(list).map_or(0, |l| l.items.len())
}

/// Address `i`, or NULL when out of range.
#[no_mangle]
pub extern "C" fn imapc_address_list_get(
    list: *const imapc_address_list,
    i: usize,
) -> *const imapc_address {
    get(list)
        .and_then(|l| l.items.get(i))
        .map_or(std::ptr::null(), |a| a as *const _)
}

/// Display name, RFC 2047 decoded to UTF-8, or NULL when absent.
#[no_mangle]
pub extern "C" fn imapc_address_name(a: *const imapc_address) -> *const c_char {
    get(a).map_or(std::ptr::null(), |a| opt_ptr(&a.name))
}

/// Local part (before the `@`), or NULL. For a group start it is the group
/// name and the host is NULL.
#[no_mangle]
pub extern "C" fn imapc_address_mailbox(a: *const imapc_address) -> *const c_char {
    get(a).map_or(std::ptr::null(), |a| opt_ptr(&a.mailbox))
}

/// Domain (after the `@`), or NULL.
#[no_mangle]
pub extern "C" fn imapc_address_host(a: *const imapc_address) -> *const c_char {
    get(a).map_or(std::ptr::null(), |a| opt_ptr(&a.host))
}

/// Source route (obsolete), or NULL.
#[no_mangle]
pub extern "C" fn imapc_address_route(a: *const imapc_address) -> *const c_char {
    get(a).map_or(std::ptr::null(), |a| opt_ptr(&a.route))
}

/// `mailbox@host` (or whichever part exists; `""` when neither). Never
/// NULL for a non-NULL address.
#[no_mangle]
pub extern "C" fn imapc_address_email(a: *const imapc_address) -> *const c_char {
    get(a).map_or(std::ptr::null(), |a| a.email.as_ptr())
}

/// An ENVELOPE; borrowed from its message.
pub struct imapc_envelope {
    date: Option<DateTime>,
    date_raw: Option<CString>,
    subject: Option<CString>,
    from: imapc_address_list,
    sender: imapc_address_list,
    reply_to: imapc_address_list,
    to: imapc_address_list,
    cc: imapc_address_list,
    bcc: imapc_address_list,
    in_reply_to: Option<CString>,
    message_id: Option<CString>,
}

impl imapc_envelope {
    fn new(e: &Envelope) -> imapc_envelope {
        imapc_envelope {
            date: e.date,
            date_raw: e.date_raw.as_deref().map(lossy),
            subject: ocs(&e.subject),
            from: imapc_address_list::new(&e.from),
            sender: imapc_address_list::new(&e.sender),
            reply_to: imapc_address_list::new(&e.reply_to),
            to: imapc_address_list::new(&e.to),
            cc: imapc_address_list::new(&e.cc),
            bcc: imapc_address_list::new(&e.bcc),
            in_reply_to: ocs(&e.in_reply_to),
            message_id: ocs(&e.message_id),
        }
    }

    fn from_proto(e: &crate::proto::types::Envelope<'_>) -> imapc_envelope {
        imapc_envelope::new(&Envelope::from_proto(e))
    }
}

/// Write a date as a `time_t` and its zone offset in minutes east of UTC.
unsafe fn put_date(d: Option<DateTime>, time_out: *mut i64, offset_out: *mut i32) -> bool {
    match d {
        Some(d) => {
            // SAFETY: NULL or writable per the caller's contract.
            unsafe {
                put(time_out, d.unix_timestamp());
                put(offset_out, d.offset_minutes);
            }
            true
        }
        None => false,
    }
}

/// Subject, RFC 2047 decoded to UTF-8, or NULL when absent.
#[no_mangle]
pub extern "C" fn imapc_envelope_subject(e: *const imapc_envelope) -> *const c_char {
    get(e).map_or(std::ptr::null(), |e| opt_ptr(&e.subject))
}

/// The Date header as sent, or NULL.
#[no_mangle]
pub extern "C" fn imapc_envelope_date_raw(e: *const imapc_envelope) -> *const c_char {
    get(e).map_or(std::ptr::null(), |e| opt_ptr(&e.date_raw))
}

/// The Date header parsed: seconds since the epoch to `*time_out` and the
/// zone offset in minutes east of UTC to `*offset_out` (either may be
/// NULL). Returns false, writing nothing, when absent or unparsable.
///
/// # Safety
/// Output pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_envelope_date(
    e: *const imapc_envelope,
    time_out: *mut i64,
    offset_out: *mut i32,
) -> bool {
    // SAFETY: forwarded contract.
    get(e).is_some_and(|e| unsafe { put_date(e.date, time_out, offset_out) })
}

/// From addresses (never NULL for a non-NULL envelope; may be empty).
#[no_mangle]
pub extern "C" fn imapc_envelope_from(e: *const imapc_envelope) -> *const imapc_address_list {
    get(e).map_or(std::ptr::null(), |e| &e.from as *const _)
}

/// Sender addresses.
#[no_mangle]
pub extern "C" fn imapc_envelope_sender(e: *const imapc_envelope) -> *const imapc_address_list {
    get(e).map_or(std::ptr::null(), |e| &e.sender as *const _)
}

/// Reply-To addresses.
#[no_mangle]
pub extern "C" fn imapc_envelope_reply_to(e: *const imapc_envelope) -> *const imapc_address_list {
    get(e).map_or(std::ptr::null(), |e| &e.reply_to as *const _)
}

/// To addresses.
#[no_mangle]
pub extern "C" fn imapc_envelope_to(e: *const imapc_envelope) -> *const imapc_address_list {
    get(e).map_or(std::ptr::null(), |e| &e.to as *const _)
}

/// Cc addresses.
#[no_mangle]
pub extern "C" fn imapc_envelope_cc(e: *const imapc_envelope) -> *const imapc_address_list {
    get(e).map_or(std::ptr::null(), |e| &e.cc as *const _)
}

/// Bcc addresses.
#[no_mangle]
pub extern "C" fn imapc_envelope_bcc(e: *const imapc_envelope) -> *const imapc_address_list {
    get(e).map_or(std::ptr::null(), |e| &e.bcc as *const _)
}

/// In-Reply-To, or NULL.
#[no_mangle]
pub extern "C" fn imapc_envelope_in_reply_to(e: *const imapc_envelope) -> *const c_char {
    get(e).map_or(std::ptr::null(), |e| opt_ptr(&e.in_reply_to))
}

/// Message-ID, or NULL.
#[no_mangle]
pub extern "C" fn imapc_envelope_message_id(e: *const imapc_envelope) -> *const c_char {
    get(e).map_or(std::ptr::null(), |e| opt_ptr(&e.message_id))
}

/// One node of a BODYSTRUCTURE tree; borrowed from its message.
pub struct imapc_body_part {
    media_type: CString,
    subtype: CString,
    params: Vec<(CString, CString)>,
    id: Option<CString>,
    description: Option<CString>,
    encoding: Option<CString>,
    size: u64,
    lines: Option<u64>,
    disposition: Option<CString>,
    disposition_params: Vec<(CString, CString)>,
    md5: Option<CString>,
    location: Option<CString>,
    languages: imapc_string_list,
    part_number: CString,
    children: Vec<imapc_body_part>,
    message: Option<Box<(imapc_envelope, imapc_body_part)>>,
}

fn pairs(
    v: &[(
        crate::proto::types::Bytes<'_>,
        crate::proto::types::Bytes<'_>,
    )],
) -> Vec<(CString, CString)> {
    v.iter().map(|(a, b)| (lossy(a), lossy(b))).collect()
}

impl imapc_body_part {
    /// `number` is this part's IMAP part number ("" for a multipart root).
    fn new(b: &BodyPart<'_>, number: &str) -> imapc_body_part {
        let multipart = b.media_type.eq_ignore_ascii_case(b"multipart");
        let child_no = |i: usize| {
            if number.is_empty() {
                format!("{}", i + 1)
            } else {
                format!("{number}.{}", i + 1)
            }
        };
        let children = b
            .children
            .iter()
            .enumerate()
            .map(|(i, c)| imapc_body_part::new(c, &child_no(i)))
            .collect();
        let message = b.message.as_ref().map(|m| {
            let (env, body) = &**m;
            // The enclosed body of part N is N.1 unless it is multipart,
            // whose parts are then N.1, N.2 ...
            let inner_no = if body.media_type.eq_ignore_ascii_case(b"multipart") {
                number.to_string()
            } else {
                format!("{number}.1")
            };
            Box::new((
                imapc_envelope::from_proto(env),
                imapc_body_part::new(body, &inner_no),
            ))
        });
        let _ = multipart;
        imapc_body_part {
            media_type: lossy(&b.media_type.to_ascii_lowercase()),
            subtype: lossy(&b.media_subtype.to_ascii_lowercase()),
            params: pairs(&b.params),
            id: b.id.as_deref().map(lossy),
            description: b.description.as_deref().map(lossy),
            encoding: b.encoding.as_deref().map(lossy),
            size: b.size,
            lines: b.lines,
            disposition: b
                .disposition
                .as_ref()
                .map(|d| lossy(&d.kind.to_ascii_lowercase())),
            disposition_params: b
                .disposition
                .as_ref()
                .map(|d| pairs(&d.params))
                .unwrap_or_default(),
            md5: b.md5.as_deref().map(lossy),
            location: b.location.as_deref().map(lossy),
            languages: imapc_string_list::new(
                b.language
                    .iter()
                    .map(|l| String::from_utf8_lossy(l).into_owned()),
            ),
            part_number: cstring(number),
            children,
            message,
        }
    }

    fn find(&self, number: &str) -> Option<&imapc_body_part> {
        if self.part_number.to_bytes() == number.as_bytes() {
            return Some(self);
        }
        self.children
            .iter()
            .find_map(|c| c.find(number))
            .or_else(|| self.message.as_ref().and_then(|m| m.1.find(number)))
    }
}

fn find_param(v: &[(CString, CString)], name: *const c_char) -> *const c_char {
    // SAFETY: getter contract: NULL or NUL-terminated.
    let Ok(Some(name)) = (unsafe { super::boundary::opt_str_arg(name, "name") }) else {
        return std::ptr::null();
    };
    v.iter()
        .find(|(k, _)| k.to_bytes().eq_ignore_ascii_case(name.as_bytes()))
        .map_or(std::ptr::null(), |(_, v)| v.as_ptr())
}

/// Media type in lower case (`"text"`, `"multipart"`, `"image"`...).
#[no_mangle]
pub extern "C" fn imapc_body_part_type(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| p.media_type.as_ptr())
}

/// Media subtype in lower case (`"plain"`, `"mixed"`, `"pdf"`...).
#[no_mangle]
pub extern "C" fn imapc_body_part_subtype(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| p.subtype.as_ptr())
}

/// The value of a Content-Type parameter (`"charset"`, `"name"`,
/// `"boundary"`), matched case-insensitively, or NULL.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imapc_body_part_param(
    p: *const imapc_body_part,
    name: *const c_char,
) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| find_param(&p.params, name))
}

/// Number of Content-Type parameters.
#[no_mangle]
pub extern "C" fn imapc_body_part_param_count(p: *const imapc_body_part) -> usize {
    get(p).map_or(0, |p| p.params.len())
}

/// Name of parameter `i`, or NULL when out of range.
#[no_mangle]
pub extern "C" fn imapc_body_part_param_name(p: *const imapc_body_part, i: usize) -> *const c_char {
    get(p)
        .and_then(|p| p.params.get(i))
        .map_or(std::ptr::null(), |kv| kv.0.as_ptr())
}

/// Value of parameter `i`, or NULL when out of range.
#[no_mangle]
pub extern "C" fn imapc_body_part_param_value(
    p: *const imapc_body_part,
    i: usize,
) -> *const c_char {
    get(p)
        .and_then(|p| p.params.get(i))
        .map_or(std::ptr::null(), |kv| kv.1.as_ptr())
}

/// Content-ID, or NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_id(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| opt_ptr(&p.id))
}

/// Content-Description, or NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_description(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| opt_ptr(&p.description))
}

/// Content-Transfer-Encoding as sent (`"BASE64"`, `"7BIT"`...), or NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_encoding(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| opt_ptr(&p.encoding))
}

/// Size in octets (encoded); 0 for multipart nodes.
#[no_mangle]
pub extern "C" fn imapc_body_part_size(p: *const imapc_body_part) -> u64 {
    get(p).map_or(0, |p| p.size)
}

/// Number of lines (text and message/rfc822 parts), or 0.
#[no_mangle]
pub extern "C" fn imapc_body_part_lines(p: *const imapc_body_part) -> u64 {
    get(p).and_then(|p| p.lines).unwrap_or(0)
}

/// Content-Disposition in lower case (`"inline"`, `"attachment"`), or NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_disposition(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| opt_ptr(&p.disposition))
}

/// A Content-Disposition parameter (e.g. `"filename"`), or NULL.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imapc_body_part_disposition_param(
    p: *const imapc_body_part,
    name: *const c_char,
) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| {
        find_param(&p.disposition_params, name)
    })
}

/// Content-MD5, or NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_md5(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| opt_ptr(&p.md5))
}

/// Content-Location, or NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_location(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| opt_ptr(&p.location))
}

/// Content-Language values (borrowed list, possibly empty).
#[no_mangle]
pub extern "C" fn imapc_body_part_languages(p: *const imapc_body_part) -> *const imapc_string_list {
    get(p).map_or(std::ptr::null(), |p| &p.languages as *const _)
}

/// The IMAP part number (`"1"`, `"2.1"`): what goes between the brackets
/// of `BODY.PEEK[...]` to fetch this part. `""` for a multipart root.
#[no_mangle]
pub extern "C" fn imapc_body_part_number(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| p.part_number.as_ptr())
}

/// Number of children (parts of a multipart); 0 for leaves.
#[no_mangle]
pub extern "C" fn imapc_body_part_child_count(p: *const imapc_body_part) -> usize {
    get(p).map_or(0, |p| p.children.len())
}

/// Child `i`, or NULL when out of range.
#[no_mangle]
pub extern "C" fn imapc_body_part_child(
    p: *const imapc_body_part,
    i: usize,
) -> *const imapc_body_part {
    get(p)
        .and_then(|p| p.children.get(i))
        .map_or(std::ptr::null(), |c| c as *const _)
}

/// For a message/rfc822 part: the enclosed message's envelope, else NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_message_envelope(
    p: *const imapc_body_part,
) -> *const imapc_envelope {
    get(p)
        .and_then(|p| p.message.as_ref())
        .map_or(std::ptr::null(), |m| &m.0 as *const _)
}

/// For a message/rfc822 part: the enclosed message's body, else NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_message_body(
    p: *const imapc_body_part,
) -> *const imapc_body_part {
    get(p)
        .and_then(|p| p.message.as_ref())
        .map_or(std::ptr::null(), |m| &m.1 as *const _)
}

/// The part with this part number anywhere below (or at) `p`, or NULL.
///
/// # Safety
/// `number` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imapc_body_part_find(
    p: *const imapc_body_part,
    number: *const c_char,
) -> *const imapc_body_part {
    // SAFETY: NULL or NUL-terminated per the contract.
    let Ok(Some(n)) = (unsafe { super::boundary::opt_str_arg(number, "number") }) else {
        return std::ptr::null();
    };
    get(p)
        .and_then(|p| p.find(n))
        .map_or(std::ptr::null(), |c| c as *const _)
}

/// One message of a FETCH result; borrowed from its list (or, in a
/// streaming fetch callback, valid only during the callback).
pub struct imapc_message {
    pub(crate) inner: Message,
    flags: Option<imapc_string_list>,
    envelope: Option<imapc_envelope>,
    body: Option<imapc_body_part>,
    section_names: Vec<CString>,
    preview: Option<CString>,
    email_id: Option<CString>,
    thread_id: Option<CString>,
    labels: Option<imapc_string_list>,
}

impl imapc_message {
    pub(crate) fn new(m: Message) -> imapc_message {
        let body = m.body_structure.as_ref().map(|b| {
            let root = if b.media_type.eq_ignore_ascii_case(b"multipart") {
                ""
            } else {
                "1"
            };
            imapc_body_part::new(b, root)
        });
        imapc_message {
            flags: m.flags.as_ref().map(imapc_string_list::new),
            envelope: m.envelope.as_ref().map(imapc_envelope::new),
            body,
            section_names: m.sections.iter().map(|s| cstring(&s.name)).collect(),
            preview: ocs(&m.preview),
            email_id: ocs(&m.email_id),
            thread_id: ocs(&m.thread_id),
            labels: m.gm_labels.as_ref().map(imapc_string_list::new),
            inner: m,
        }
    }
}

/// FETCH (or STORE) results in server order. Caller owns it; free with
/// `imapc_message_list_free`, which frees every message in it.
pub struct imapc_message_list {
    items: Vec<imapc_message>,
    by_uid: bool,
    index: HashMap<u32, usize>,
    modified: Vec<u32>,
}

impl imapc_message_list {
    pub(crate) fn new(m: Messages, modified: Vec<u32>) -> imapc_message_list {
        let by_uid = m.by_uid;
        let items: Vec<imapc_message> = m.messages.into_iter().map(imapc_message::new).collect();
        let index = items
            .iter()
            .enumerate()
            .map(|(i, m)| (m.inner.id(by_uid), i))
            .filter(|(id, _)| *id != 0)
            .collect();
        imapc_message_list {
            items,
            by_uid,
            index,
            modified,
        }
    }
}

/// Number of messages; 0 for NULL.
#[no_mangle]
pub extern "C" fn imapc_message_list_count(list: *const imapc_message_list) -> usize {
    get(list).map_or(0, |l| l.items.len())
}

/// Message `i` in server order, or NULL when out of range.
#[no_mangle]
pub extern "C" fn imapc_message_list_get(
    list: *const imapc_message_list,
    i: usize,
) -> *const imapc_message {
    get(list)
        .and_then(|l| l.items.get(i))
        .map_or(std::ptr::null(), |m| m as *const _)
}

/// The message with this id (a UID when the list was fetched with
/// `use_uid` on, else a sequence number), or NULL.
#[no_mangle]
pub extern "C" fn imapc_message_list_find(
    list: *const imapc_message_list,
    id: u32,
) -> *const imapc_message {
    get(list)
        .and_then(|l| l.index.get(&id).and_then(|&i| l.items.get(i)))
        .map_or(std::ptr::null(), |m| m as *const _)
}

/// True when ids in this list are UIDs.
#[no_mangle]
pub extern "C" fn imapc_message_list_by_uid(list: *const imapc_message_list) -> bool {
    get(list).is_some_and(|l| l.by_uid)
}

/// STORE with UNCHANGEDSINCE: number of ids the server did not change
/// (the MODIFIED response code). 0 otherwise.
#[no_mangle]
pub extern "C" fn imapc_message_list_modified_count(list: *const imapc_message_list) -> usize {
    get(list).map_or(0, |l| l.modified.len())
}

/// Id `i` of the messages not changed by STORE UNCHANGEDSINCE, or 0.
#[no_mangle]
pub extern "C" fn imapc_message_list_modified(list: *const imapc_message_list, i: usize) -> u32 {
    get(list)
        .and_then(|l| l.modified.get(i).copied())
        .unwrap_or(0)
}

/// Free a list and its messages. NULL is allowed.
#[no_mangle]
pub extern "C" fn imapc_message_list_free(list: *mut imapc_message_list) {
    free_box(list)
}

/// Sequence number.
#[no_mangle]
pub extern "C" fn imapc_message_seq(m: *const imapc_message) -> u32 {
    get(m).map_or(0, |m| m.inner.seq)
}

/// UID, or 0 when not fetched (it always is when `use_uid` is on).
#[no_mangle]
pub extern "C" fn imapc_message_uid(m: *const imapc_message) -> u32 {
    get(m).and_then(|m| m.inner.uid).unwrap_or(0)
}

/// The flags (borrowed list), or NULL when FLAGS was not fetched.
#[no_mangle]
pub extern "C" fn imapc_message_flags(m: *const imapc_message) -> *const imapc_string_list {
    get(m)
        .and_then(|m| m.flags.as_ref())
        .map_or(std::ptr::null(), |f| f as *const _)
}

/// True when the message has the flag (case-insensitive), e.g.
/// `IMAPC_FLAG_SEEN`.
///
/// # Safety
/// `flag` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imapc_message_has_flag(
    m: *const imapc_message,
    flag: *const c_char,
) -> bool {
    // SAFETY: forwarded contract.
    unsafe { super::lists::imapc_string_list_contains(imapc_message_flags(m), flag) }
}

/// INTERNALDATE: seconds since the epoch to `*time_out` and the zone offset
/// in minutes east of UTC to `*offset_out` (either may be NULL). Returns
/// false, writing nothing, when it was not fetched.
///
/// # Safety
/// Output pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_message_internal_date(
    m: *const imapc_message,
    time_out: *mut i64,
    offset_out: *mut i32,
) -> bool {
    // SAFETY: forwarded contract.
    get(m).is_some_and(|m| unsafe { put_date(m.inner.internal_date, time_out, offset_out) })
}

/// RFC822.SIZE, or 0 when not fetched.
#[no_mangle]
pub extern "C" fn imapc_message_size(m: *const imapc_message) -> u64 {
    get(m).and_then(|m| m.inner.size).unwrap_or(0)
}

/// The envelope, or NULL when ENVELOPE was not fetched.
#[no_mangle]
pub extern "C" fn imapc_message_envelope(m: *const imapc_message) -> *const imapc_envelope {
    get(m)
        .and_then(|m| m.envelope.as_ref())
        .map_or(std::ptr::null(), |e| e as *const _)
}

/// The root of the body structure tree, or NULL when BODYSTRUCTURE was not
/// fetched.
#[no_mangle]
pub extern "C" fn imapc_message_body_structure(m: *const imapc_message) -> *const imapc_body_part {
    get(m)
        .and_then(|m| m.body.as_ref())
        .map_or(std::ptr::null(), |b| b as *const _)
}

/// The data of a body section, by name as requested (`"BODY.PEEK[]"`,
/// `"BODY[HEADER]"`, `"RFC822"`, `"BINARY[1]"`...): pointer to `*data_out`
/// and length to `*len_out`, owned by the message (not NUL-terminated).
/// Returns false, writing nothing, when the section is absent or NIL.
///
/// # Safety
/// `name` is NULL or NUL-terminated; outputs are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_message_section(
    m: *const imapc_message,
    name: *const c_char,
    data_out: *mut *const u8,
    len_out: *mut usize,
) -> bool {
    // SAFETY: NULL or NUL-terminated per the contract.
    let Ok(Some(name)) = (unsafe { super::boundary::opt_str_arg(name, "name") }) else {
        return false;
    };
    match get(m).and_then(|m| m.inner.section(name)) {
        Some(d) => {
            // SAFETY: NULL or writable per the contract.
            unsafe {
                put(data_out, d.as_ptr());
                put(len_out, d.len());
            }
            true
        }
        None => false,
    }
}

/// Number of body sections received.
#[no_mangle]
pub extern "C" fn imapc_message_section_count(m: *const imapc_message) -> usize {
    get(m).map_or(0, |m| m.inner.sections.len())
}

/// Normalised name of section `i` (`"BODY[]"`, `"BODY[HEADER]"`), or NULL.
#[no_mangle]
pub extern "C" fn imapc_message_section_name(m: *const imapc_message, i: usize) -> *const c_char {
    get(m)
        .and_then(|m| m.section_names.get(i))
        .map_or(std::ptr::null(), |s| s.as_ptr())
}

/// Data of section `i` as in `imapc_message_section`. Returns false when
/// out of range or NIL (a streamed section has length 0).
///
/// # Safety
/// Outputs are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_message_section_data(
    m: *const imapc_message,
    i: usize,
    data_out: *mut *const u8,
    len_out: *mut usize,
) -> bool {
    match get(m)
        .and_then(|m| m.inner.sections.get(i))
        .and_then(|s| s.data.as_deref())
    {
        Some(d) => {
            // SAFETY: NULL or writable per the contract.
            unsafe {
                put(data_out, d.as_ptr());
                put(len_out, d.len());
            }
            true
        }
        None => false,
    }
}

/// MODSEQ (CONDSTORE), or 0.
#[no_mangle]
pub extern "C" fn imapc_message_modseq(m: *const imapc_message) -> u64 {
    get(m).and_then(|m| m.inner.modseq).unwrap_or(0)
}

/// PREVIEW text (RFC 8970), or NULL.
#[no_mangle]
pub extern "C" fn imapc_message_preview(m: *const imapc_message) -> *const c_char {
    get(m).map_or(std::ptr::null(), |m| opt_ptr(&m.preview))
}

/// EMAILID (RFC 8474), or NULL.
#[no_mangle]
pub extern "C" fn imapc_message_email_id(m: *const imapc_message) -> *const c_char {
    get(m).map_or(std::ptr::null(), |m| opt_ptr(&m.email_id))
}

/// THREADID (RFC 8474), or NULL.
#[no_mangle]
pub extern "C" fn imapc_message_thread_id(m: *const imapc_message) -> *const c_char {
    get(m).map_or(std::ptr::null(), |m| opt_ptr(&m.thread_id))
}

/// Gmail X-GM-MSGID, or 0.
#[no_mangle]
pub extern "C" fn imapc_message_gm_msgid(m: *const imapc_message) -> u64 {
    get(m).and_then(|m| m.inner.gm_msgid).unwrap_or(0)
}

/// Gmail X-GM-THRID, or 0.
#[no_mangle]
pub extern "C" fn imapc_message_gm_thrid(m: *const imapc_message) -> u64 {
    get(m).and_then(|m| m.inner.gm_thrid).unwrap_or(0)
}

/// Gmail X-GM-LABELS (borrowed list), or NULL when not fetched.
#[no_mangle]
pub extern "C" fn imapc_message_gm_labels(m: *const imapc_message) -> *const imapc_string_list {
    get(m)
        .and_then(|m| m.labels.as_ref())
        .map_or(std::ptr::null(), |l| l as *const _)
}

/// Number of FETCH items of this message that did not parse (the rest of
/// the message is still usable).
#[no_mangle]
pub extern "C" fn imapc_message_error_count(m: *const imapc_message) -> usize {
    get(m).map_or(0, |m| m.inner.errors.len())
}
