//! FETCH results: message lists, messages, envelopes, addresses and body
//! structure trees. Every pointer a getter returns is borrowed from the
//! object it came from and valid until the owning list is freed.
//!
//! A message keeps the client's `Message` (its numbers and section data);
//! its strings are flattened into one buffer (the pack, see `pack.rs`),
//! made with the message and shared by a whole list, and dropped from the
//! `Message`. The C views (envelope, addresses, body parts, flags) point
//! into the pack and are built on the first call that needs them, so a
//! binding that reads the pack never pays for them.

use std::collections::HashMap;
use std::os::raw::c_char;
use std::sync::{Mutex, OnceLock, PoisonError};

use bumpalo::Bump;

use super::boundary::{catch_value, put_bytes};
use super::error::put;
use super::lists::{free_box, get, imapc_string_list, Slab};
use super::pack::{
    at, pack_into, pack_message, pack_parsed, pack_withheld, CPtr, Item, Reader, Segments,
};
use crate::client::types::{split_heavy, Heavy};
use crate::client::{section_in, FetchSink, ItemError, Message, Messages, Section, Withheld};
use crate::proto::types::{self as pt, BodyPart, FetchItem};

/// One address of an envelope; borrowed from its envelope.
pub struct imapc_address {
    name: CPtr,
    mailbox: CPtr,
    host: CPtr,
    route: CPtr,
    email: CPtr,
}

/// The addresses of one envelope field; borrowed from its envelope.
pub struct imapc_address_list {
    items: Slab<imapc_address>,
}

impl imapc_address_list {
    fn items(&self) -> &[imapc_address] {
        self.items.get()
    }

    /// The next list of the pack, its addresses in the arena.
    fn read(r: &mut Reader<'_>, b: &Bump) -> imapc_address_list {
        let n = r.count().unwrap_or(0);
        let items = b.alloc_slice_fill_with(n, |_| imapc_address {
            name: r.str(),
            mailbox: r.str(),
            host: r.str(),
            route: r.str(),
            email: r.str(),
        });
        imapc_address_list {
            items: Slab::new(items),
        }
    }
}

/// Number of addresses; 0 for NULL.
#[no_mangle]
pub extern "C" fn imapc_address_list_count(list: *const imapc_address_list) -> usize {
    get(list).map_or(0, |l| l.items().len())
}

/// Address `i`, or NULL when out of range.
#[no_mangle]
pub extern "C" fn imapc_address_list_get(
    list: *const imapc_address_list,
    i: usize,
) -> *const imapc_address {
    get(list)
        .and_then(|l| l.items().get(i))
        .map_or(std::ptr::null(), |a| a as *const _)
}

/// Display name, RFC 2047 decoded to UTF-8, or NULL when absent.
#[no_mangle]
pub extern "C" fn imapc_address_name(a: *const imapc_address) -> *const c_char {
    get(a).map_or(std::ptr::null(), |a| a.name.0)
}

/// Local part (before the `@`), or NULL. For a group start it is the group
/// name and the host is NULL.
#[no_mangle]
pub extern "C" fn imapc_address_mailbox(a: *const imapc_address) -> *const c_char {
    get(a).map_or(std::ptr::null(), |a| a.mailbox.0)
}

/// Domain (after the `@`), or NULL.
#[no_mangle]
pub extern "C" fn imapc_address_host(a: *const imapc_address) -> *const c_char {
    get(a).map_or(std::ptr::null(), |a| a.host.0)
}

/// Source route (obsolete), or NULL.
#[no_mangle]
pub extern "C" fn imapc_address_route(a: *const imapc_address) -> *const c_char {
    get(a).map_or(std::ptr::null(), |a| a.route.0)
}

/// `mailbox@host` (or whichever part exists; `""` when neither). Never
/// NULL for a non-NULL address.
///
/// A group (`To: Team: a@x, b@y;`) comes as RFC 3501 writes it: a start
/// marker (mailbox the group name, host NULL), its members, and an end
/// marker (mailbox and host NULL); a marker's "email" is `"Team"` or `""`,
/// no address. To collect addresses, skip those whose host is NULL.
#[no_mangle]
pub extern "C" fn imapc_address_email(a: *const imapc_address) -> *const c_char {
    get(a).map_or(std::ptr::null(), |a| a.email.0)
}

/// An ENVELOPE; borrowed from its message.
pub struct imapc_envelope {
    date: Option<(i64, i32)>,
    date_raw: CPtr,
    subject: CPtr,
    from: imapc_address_list,
    sender: imapc_address_list,
    reply_to: imapc_address_list,
    to: imapc_address_list,
    cc: imapc_address_list,
    bcc: imapc_address_list,
    in_reply_to: CPtr,
    message_id: CPtr,
}

impl imapc_envelope {
    fn read(r: &mut Reader<'_>, b: &Bump) -> imapc_envelope {
        // Fields in pack order (struct expressions evaluate in the order
        // written).
        imapc_envelope {
            date: r.date(),
            date_raw: r.str(),
            subject: r.str(),
            from: imapc_address_list::read(r, b),
            sender: imapc_address_list::read(r, b),
            reply_to: imapc_address_list::read(r, b),
            to: imapc_address_list::read(r, b),
            cc: imapc_address_list::read(r, b),
            bcc: imapc_address_list::read(r, b),
            in_reply_to: r.str(),
            message_id: r.str(),
        }
    }
}

/// Write a date as a `time_t` and its zone offset in minutes east of UTC.
unsafe fn put_date(d: Option<(i64, i32)>, time_out: *mut i64, offset_out: *mut i32) -> bool {
    match d {
        Some((t, off)) => {
            // SAFETY: NULL or writable per the caller's contract.
            unsafe {
                put(time_out, t);
                put(offset_out, off);
            }
            true
        }
        None => false,
    }
}

/// Subject, RFC 2047 decoded to UTF-8, or NULL when absent.
#[no_mangle]
pub extern "C" fn imapc_envelope_subject(e: *const imapc_envelope) -> *const c_char {
    get(e).map_or(std::ptr::null(), |e| e.subject.0)
}

/// The Date header as sent, or NULL.
#[no_mangle]
pub extern "C" fn imapc_envelope_date_raw(e: *const imapc_envelope) -> *const c_char {
    get(e).map_or(std::ptr::null(), |e| e.date_raw.0)
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
    get(e).map_or(std::ptr::null(), |e| e.in_reply_to.0)
}

/// Message-ID, or NULL.
#[no_mangle]
pub extern "C" fn imapc_envelope_message_id(e: *const imapc_envelope) -> *const c_char {
    get(e).map_or(std::ptr::null(), |e| e.message_id.0)
}

/// One node of a BODYSTRUCTURE tree; borrowed from its message.
pub struct imapc_body_part {
    media_type: CPtr,
    subtype: CPtr,
    params: Slab<(CPtr, CPtr)>,
    id: CPtr,
    description: CPtr,
    encoding: CPtr,
    size: u64,
    lines: u64,
    disposition: CPtr,
    disposition_params: Slab<(CPtr, CPtr)>,
    md5: CPtr,
    location: CPtr,
    languages: imapc_string_list,
    part_number: CPtr,
    children: Slab<imapc_body_part>,
    /// For message/rfc822: the enclosed message (one item), else empty.
    message: Slab<(imapc_envelope, imapc_body_part)>,
}

/// `v` in the arena, as a slab of one item (an optional view that is not
/// inline in its holder).
fn one<T>(b: &Bump, v: T) -> Slab<T> {
    Slab::new(std::slice::from_ref(b.alloc(v)))
}

fn read_pairs(r: &mut Reader<'_>, b: &Bump) -> Slab<(CPtr, CPtr)> {
    let n = r.count().unwrap_or(0);
    Slab::new(b.alloc_slice_fill_with(n, |_| (r.str(), r.str())))
}

fn read_strs(r: &mut Reader<'_>, b: &Bump) -> Option<imapc_string_list> {
    let n = r.count()?;
    let items = b.alloc_slice_fill_with(n, |_| r.str());
    Some(imapc_string_list::borrowed(items))
}

impl imapc_body_part {
    fn read(r: &mut Reader<'_>, b: &Bump) -> imapc_body_part {
        let mut p = imapc_body_part {
            media_type: r.str(),
            subtype: r.str(),
            params: read_pairs(r, b),
            id: r.str(),
            description: r.str(),
            encoding: r.str(),
            size: r.u64(),
            lines: r.u64(),
            disposition: r.str(),
            disposition_params: read_pairs(r, b),
            md5: r.str(),
            location: r.str(),
            languages: read_strs(r, b).unwrap_or_else(|| imapc_string_list::borrowed(&[])),
            part_number: r.str(),
            children: Slab::empty(),
            message: Slab::empty(),
        };
        let n = r.count().unwrap_or(0);
        p.children = Slab::new(b.alloc_slice_fill_with(n, |_| imapc_body_part::read(r, b)));
        if r.u8() != 0 {
            let env = imapc_envelope::read(r, b);
            let body = imapc_body_part::read(r, b);
            p.message = one(b, (env, body));
        }
        p
    }

    fn children(&self) -> &[imapc_body_part] {
        self.children.get()
    }

    fn message(&self) -> Option<&(imapc_envelope, imapc_body_part)> {
        self.message.get().first()
    }

    fn find(&self, number: &str) -> Option<&imapc_body_part> {
        if self.part_number.bytes() == number.as_bytes() {
            return Some(self);
        }
        self.children()
            .iter()
            .find_map(|c| c.find(number))
            .or_else(|| self.message().and_then(|m| m.1.find(number)))
    }
}

fn find_param(v: &[(CPtr, CPtr)], name: *const c_char) -> *const c_char {
    // SAFETY: getter contract: NULL or NUL-terminated.
    let Ok(Some(name)) = (unsafe { super::boundary::opt_str_arg(name, "name") }) else {
        return std::ptr::null();
    };
    v.iter()
        .find(|(k, _)| k.bytes().eq_ignore_ascii_case(name.as_bytes()))
        .map_or(std::ptr::null(), |(_, v)| v.0)
}

/// Media type in lower case (`"text"`, `"multipart"`, `"image"`...).
#[no_mangle]
pub extern "C" fn imapc_body_part_type(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| p.media_type.0)
}

/// Media subtype in lower case (`"plain"`, `"mixed"`, `"pdf"`...).
#[no_mangle]
pub extern "C" fn imapc_body_part_subtype(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| p.subtype.0)
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
    get(p).map_or(std::ptr::null(), |p| find_param(p.params.get(), name))
}

/// Number of Content-Type parameters.
#[no_mangle]
pub extern "C" fn imapc_body_part_param_count(p: *const imapc_body_part) -> usize {
    get(p).map_or(0, |p| p.params.get().len())
}

/// Name of parameter `i` in lower case (`"charset"`, also where the server
/// sent `"CHARSET"`, as Cyrus does; Go's `Params` are the same), or NULL
/// when out of range. `imapc_body_part_param` finds a parameter by name
/// without case.
#[no_mangle]
pub extern "C" fn imapc_body_part_param_name(p: *const imapc_body_part, i: usize) -> *const c_char {
    get(p)
        .and_then(|p| p.params.get().get(i))
        .map_or(std::ptr::null(), |kv| kv.0 .0)
}

/// Value of parameter `i`, or NULL when out of range.
#[no_mangle]
pub extern "C" fn imapc_body_part_param_value(
    p: *const imapc_body_part,
    i: usize,
) -> *const c_char {
    get(p)
        .and_then(|p| p.params.get().get(i))
        .map_or(std::ptr::null(), |kv| kv.1 .0)
}

/// Content-ID, or NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_id(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| p.id.0)
}

/// Content-Description, or NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_description(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| p.description.0)
}

/// Content-Transfer-Encoding as sent (`"BASE64"`, `"7BIT"`...), or NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_encoding(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| p.encoding.0)
}

/// Size in octets (encoded); 0 for multipart nodes.
#[no_mangle]
pub extern "C" fn imapc_body_part_size(p: *const imapc_body_part) -> u64 {
    get(p).map_or(0, |p| p.size)
}

/// Number of lines (text and message/rfc822 parts), or 0.
#[no_mangle]
pub extern "C" fn imapc_body_part_lines(p: *const imapc_body_part) -> u64 {
    get(p).map_or(0, |p| p.lines)
}

/// Content-Disposition in lower case (`"inline"`, `"attachment"`), or NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_disposition(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| p.disposition.0)
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
        find_param(p.disposition_params.get(), name)
    })
}

/// Content-MD5, or NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_md5(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| p.md5.0)
}

/// Content-Location, or NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_location(p: *const imapc_body_part) -> *const c_char {
    get(p).map_or(std::ptr::null(), |p| p.location.0)
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
    get(p).map_or(std::ptr::null(), |p| p.part_number.0)
}

/// Number of children (parts of a multipart); 0 for leaves.
#[no_mangle]
pub extern "C" fn imapc_body_part_child_count(p: *const imapc_body_part) -> usize {
    get(p).map_or(0, |p| p.children().len())
}

/// Child `i`, or NULL when out of range.
#[no_mangle]
pub extern "C" fn imapc_body_part_child(
    p: *const imapc_body_part,
    i: usize,
) -> *const imapc_body_part {
    get(p)
        .and_then(|p| p.children().get(i))
        .map_or(std::ptr::null(), |c| c as *const _)
}

/// For a message/rfc822 part: the enclosed message's envelope, else NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_message_envelope(
    p: *const imapc_body_part,
) -> *const imapc_envelope {
    get(p)
        .and_then(|p| p.message())
        .map_or(std::ptr::null(), |m| &m.0 as *const _)
}

/// For a message/rfc822 part: the enclosed message's body, else NULL.
#[no_mangle]
pub extern "C" fn imapc_body_part_message_body(
    p: *const imapc_body_part,
) -> *const imapc_body_part {
    get(p)
        .and_then(|p| p.message())
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
    held: Held,
    pack: Pack,
    arena: Arena,
    view: OnceLock<ViewRef>,
}

/// A message's pack: its own buffer, or its part of a buffer that outlives
/// it (its list's, or a streaming fetch's scratch buffer).
enum Pack {
    Own(Vec<u8>),
    Borrowed(*const u8, usize),
}

// SAFETY: Borrowed points into a buffer that is not changed while the
// message lives.
unsafe impl Send for Pack {}
// SAFETY: as above.
unsafe impl Sync for Pack {}

/// Where a message's section data is (everything else is in its pack):
/// an event's message owns its sections; a list's message has its part of
/// the list's sections (one vector for the whole list: no `Message` per
/// message is kept once the list is made); a streaming callback's message
/// borrows the client's message for the duration of the call (no copy of
/// its sections).
enum Held {
    Owned(Vec<Section>),
    Listed(Slab<Section>),
    Borrowed(*const Message),
}

// SAFETY: a Borrowed message is the message of a streaming callback, on
// the thread running the fetch and only during the call, and outlives the
// imapc_message; Listed is a Slab (see its own impls). Owned is plain data.
unsafe impl Send for Held {}
// SAFETY: as above; nothing mutates the sections through a Held.
unsafe impl Sync for Held {}

/// Where the C views of messages are built. A message's views are a dozen
/// small objects or more (body parts, an envelope, address and parameter
/// arrays, string lists) that live exactly as long as the message, so they
/// are bump-allocated here and freed with the arena, all at once, instead
/// of being a dozen heap blocks per message, each allocated and freed on
/// its own (8 of the 30 allocations per message of a C header sync, and a
/// third of its time once a list outgrew the cache). A list's messages
/// share the list's arena; a streaming fetch's messages use the stream's,
/// reset from one callback to the next; an event's message has its own.
///
/// Nothing in an arena is ever dropped, so nothing put there may own
/// memory: the views hold only pointers into the pack and `Slab`s of the
/// arena (their string lists are `imapc_string_list::borrowed`).
pub(crate) struct ViewArena(Mutex<Bump>);

impl ViewArena {
    pub(crate) fn new() -> ViewArena {
        ViewArena(Mutex::new(Bump::new()))
    }

    /// Build the views of `pack` here.
    fn build(&self, pack: &[u8]) -> ViewRef {
        // A panic while building (a bug) leaves the arena usable: what was
        // allocated is only wasted.
        let mut bump = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if bump.allocated_bytes() == 0 {
            // First use: room for this message's views at once (they take
            // about as many bytes as the pack; a list's arena grows from
            // there by doubling).
            *bump = Bump::with_capacity(2 * pack.len() + 256);
        }
        let view = View::read(pack, &bump);
        ViewRef(bump.alloc(view))
    }

    /// Free the views built so far, keeping the memory for the next ones.
    /// The messages that pointed into them must be gone.
    pub(crate) fn reset(&mut self) {
        self.0
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .reset();
    }
}

/// A message's view arena: its own, or its list's or stream's.
enum Arena {
    Own(ViewArena),
    Shared(*const ViewArena),
}

// SAFETY: a Shared arena is its list's (boxed, so it does not move, and
// freed after the list's messages) or its stream's (reset only once the
// messages that use it are gone); ViewArena itself is Send and Sync.
unsafe impl Send for Arena {}
// SAFETY: as above.
unsafe impl Sync for Arena {}

impl Arena {
    fn get(&self) -> &ViewArena {
        match self {
            Arena::Own(a) => a,
            // SAFETY: see the Send impl: the arena outlives the message.
            Arena::Shared(a) => unsafe { &**a },
        }
    }
}

/// A message's views in its arena.
struct ViewRef(*const View);

// SAFETY: the View is immutable once built and lives as long as the
// message that holds this (its arena outlives the message); a View is
// plain pointers into memory that is not changed.
unsafe impl Send for ViewRef {}
// SAFETY: as above.
unsafe impl Sync for ViewRef {}

/// The C views of a message's strings, pointing into its pack; every
/// array in the message's view arena.
struct View {
    flags: Option<imapc_string_list>,
    labels: Option<imapc_string_list>,
    preview: CPtr,
    email_id: CPtr,
    thread_id: CPtr,
    section_names: Slab<CPtr>,
    /// BINARY.SIZE: (part, decoded size).
    binary_sizes: Slab<(CPtr, u64)>,
    /// In the arena too (one item or none), not inline: a message without
    /// them (a FLAGS sync) has small views.
    envelope: Slab<imapc_envelope>,
    body: Slab<imapc_body_part>,
}

impl View {
    fn read(pack: &[u8], b: &Bump) -> View {
        // The fixed fields are read by the getters themselves.
        let mut r = Reader::at(pack, at::END);
        let flags = read_strs(&mut r, b);
        let labels = read_strs(&mut r, b);
        let (preview, email_id, thread_id) = (r.str(), r.str(), r.str());
        let n = r.count().unwrap_or(0);
        let section_names = Slab::new(b.alloc_slice_fill_with(n, |_| r.str()));
        let n = r.count().unwrap_or(0);
        let binary_sizes = Slab::new(b.alloc_slice_fill_with(n, |_| (r.str(), r.u64())));
        let envelope = match r.u8() {
            0 => Slab::empty(),
            _ => one(b, imapc_envelope::read(&mut r, b)),
        };
        let body = match r.u8() {
            0 => Slab::empty(),
            _ => one(b, imapc_body_part::read(&mut r, b)),
        };
        View {
            flags,
            labels,
            preview,
            email_id,
            thread_id,
            section_names,
            binary_sizes,
            envelope,
            body,
        }
    }
}

impl imapc_message {
    /// An owned message (of an event).
    pub(crate) fn new(mut m: Message) -> imapc_message {
        let pack = pack_message(&m);
        let arena = Arena::Own(ViewArena::new());
        let sections = Held::Owned(std::mem::take(&mut m.sections));
        imapc_message::holding(sections, Pack::Own(pack), arena)
    }

    /// A message of a list: its sections and pack are the list's, as is
    /// `arena`; none of them may change or move while the message lives.
    fn listed(sections: &[Section], pack: &[u8], arena: &ViewArena) -> imapc_message {
        let pack = Pack::Borrowed(pack.as_ptr(), pack.len());
        let held = Held::Listed(Slab::new(sections));
        imapc_message::holding(held, pack, Arena::Shared(arena))
    }

    /// A view of `m`, packed into `scratch` (reused from message to
    /// message, so no allocation), its views built in `arena`: it must
    /// outlive none of them, and `scratch` must not change while it lives.
    /// (The streaming fetch uses `borrowed_parsed`.)
    #[cfg(test)]
    pub(crate) fn borrowed(m: &Message, scratch: &mut Vec<u8>, arena: &ViewArena) -> imapc_message {
        scratch.clear();
        pack_into(scratch, m);
        let pack = Pack::Borrowed(scratch.as_ptr(), scratch.len());
        imapc_message::holding(Held::Borrowed(m), pack, Arena::Shared(arena))
    }

    /// A view of streamed message `m`, whose envelope and body structure
    /// were withheld from it and are packed from the parse, into `scratch`
    /// (reused from message to message), its views built in `arena`: it
    /// must outlive none of them, and `scratch` must not change while it
    /// lives.
    pub(crate) fn borrowed_parsed(
        m: &Message,
        w: Withheld<'_, '_>,
        scratch: &mut Vec<u8>,
        arena: &ViewArena,
    ) -> imapc_message {
        scratch.clear();
        pack_withheld(scratch, m, w);
        imapc_message::borrowed_packed(m, scratch, arena)
    }

    /// A view of `m` whose pack is `pack` (part of a buffer shared by the
    /// messages of a batch), its views built in `arena`: as `borrowed`,
    /// none of them may change or move while the view lives.
    pub(crate) fn borrowed_packed(m: &Message, pack: &[u8], arena: &ViewArena) -> imapc_message {
        let pack = Pack::Borrowed(pack.as_ptr(), pack.len());
        imapc_message::holding(Held::Borrowed(m), pack, Arena::Shared(arena))
    }

    fn holding(held: Held, pack: Pack, arena: Arena) -> imapc_message {
        imapc_message {
            held,
            pack,
            arena,
            view: OnceLock::new(),
        }
    }

    fn sections(&self) -> &[Section] {
        match &self.held {
            Held::Owned(s) => s,
            Held::Listed(s) => s.get(),
            // SAFETY: see `Held`: the message outlives this borrow.
            Held::Borrowed(p) => unsafe { &(**p).sections },
        }
    }

    /// A reader of the pack at `pos`, one of the fixed fields' places
    /// (`at`): a getter reads its field alone.
    fn fixed(&self, pos: usize) -> Reader<'_> {
        Reader::at(self.pack(), pos)
    }

    /// The id under `by_uid` (as `Message::id`).
    fn id(&self, by_uid: bool) -> u32 {
        self.fixed(if by_uid { at::UID } else { at::SEQ }).u32()
    }

    fn pack(&self) -> &[u8] {
        match &self.pack {
            Pack::Own(v) => v,
            // SAFETY: see `Pack`.
            Pack::Borrowed(p, n) => unsafe { std::slice::from_raw_parts(*p, *n) },
        }
    }

    /// The views, built on first use; None only if building them panicked.
    fn view(&self) -> Option<&View> {
        catch_value(None, || {
            let v = self
                .view
                .get_or_init(|| self.arena.get().build(self.pack()));
            // SAFETY: see `ViewRef`: built in the message's arena, which
            // outlives the message.
            Some(unsafe { &*v.0 })
        })
    }
}

/// Give a stripped message back the strings `pack` (its earlier pack)
/// holds, for each item it has not got again (from a later response).
fn restore_stripped(m: &mut Message, pack: &[u8]) {
    fn owned(s: CPtr) -> Option<String> {
        (!s.0.is_null()).then(|| String::from_utf8_lossy(s.bytes()).into_owned())
    }
    fn strs(r: &mut Reader<'_>) -> Option<Vec<String>> {
        let n = r.count()?;
        Some((0..n).map(|_| owned(r.str()).unwrap_or_default()).collect())
    }
    // Not the fixed fields, never stripped: the message still has them.
    let mut r = Reader::at(pack, at::END);
    let flags = strs(&mut r);
    let labels = strs(&mut r);
    let (preview, email_id, thread_id) = (owned(r.str()), owned(r.str()), owned(r.str()));
    m.flags = m.flags.take().or(flags);
    m.gm_labels = m.gm_labels.take().or(labels);
    m.preview = m.preview.take().or(preview);
    m.email_id = m.email_id.take().or(email_id);
    m.thread_id = m.thread_id.take().or(thread_id);
}

/// Drop from a packed message the strings its pack holds.
fn strip(m: &mut Message) {
    m.flags = None;
    m.gm_labels = None;
    m.envelope = None;
    m.body_structure = None;
    m.preview = None;
    m.email_id = None;
    m.thread_id = None;
}

/// FETCH (or STORE) results in server order. Caller owns it; free with
/// `imapc_message_list_free`, which frees every message in it.
pub struct imapc_message_list {
    items: Vec<imapc_message>,
    /// The views of `items`, built as they are first read. Boxed: the
    /// messages point to it.
    _arena: Box<ViewArena>,
    /// The sections and packs of `items`, one message after the other;
    /// never changed once the list is made. (Everything else a message has
    /// is in its pack.)
    _sections: Vec<Section>,
    _packs: Vec<Vec<u8>>,
    by_uid: bool,
    /// Id -> position, built by the first `imapc_message_list_find`.
    index: OnceLock<HashMap<u32, usize>>,
    modified: Vec<u32>,
}

/// Packs go one after the other into blocks (a single buffer for all would
/// be copied as it grows); pointers are taken once every block is
/// complete. Blocks start small, for the one-message results of STORE and
/// small fetches, and double up to about 1 MiB.
#[derive(Default)]
struct Blocks {
    done: Vec<Vec<u8>>,
    cur: Vec<u8>,
}

/// Where a message's pack lies: block, start, end.
type Span = (usize, usize, usize);

impl Blocks {
    const FIRST: usize = 16 << 10;
    const SIZE: usize = 1 << 20;

    /// The block to append the next pack to, and its index.
    fn room(&mut self) -> (usize, &mut Vec<u8>) {
        if self.cur.capacity() - self.cur.len() < 8192 && !self.cur.is_empty() {
            let next = (self.cur.capacity() * 2).clamp(Self::FIRST, Self::SIZE);
            let full = std::mem::replace(&mut self.cur, Vec::with_capacity(next));
            self.done.push(full);
        } else if self.cur.capacity() == 0 {
            self.cur.reserve(Self::FIRST);
        }
        (self.done.len(), &mut self.cur)
    }

    fn get(&self, (block, start, end): Span) -> &[u8] {
        let b = if block == self.done.len() {
            &self.cur
        } else {
            &self.done[block]
        };
        &b[start..end]
    }

    fn finish(mut self) -> Vec<Vec<u8>> {
        self.done.push(self.cur);
        self.done
    }
}

/// The buffered FETCH of the C ABI: each message is packed as its response
/// arrives, its envelope and body structure straight from the parse (the
/// owned `Message` gets the light items only), so no owned copy of their
/// every field is made and freed again.
#[derive(Default)]
pub(crate) struct PackingSink {
    messages: Messages,
    blocks: Blocks,
    /// By message position: its pack and the segments in it.
    spans: Vec<(Span, Segments)>,
}

impl PackingSink {
    pub(crate) fn new(by_uid: bool) -> PackingSink {
        PackingSink {
            messages: Messages::new(by_uid),
            ..PackingSink::default()
        }
    }

    pub(crate) fn finish(self, modified: Vec<u32>) -> imapc_message_list {
        let spans = self.spans.into_iter().map(|(s, _)| s).collect();
        imapc_message_list::assemble(self.messages, self.blocks.finish(), spans, modified)
    }

    /// (Re)pack message `i` with these items (its own flags unless
    /// `flags`), then drop from the message the strings its pack now
    /// holds: freed while in the cache rather than kept, one small block
    /// each, through the whole fetch.
    fn pack(
        &mut self,
        i: usize,
        flags: Option<&[pt::Flag<'_>]>,
        env: Item<'_, pt::Envelope<'_>>,
        body: Item<'_, BodyPart<'_>>,
    ) {
        let (block, buf) = self.blocks.room();
        let start = buf.len();
        let m = &mut self.messages.messages[i];
        let seg = pack_parsed(buf, m, flags, env, body);
        strip(m);
        let span = (block, start, buf.len());
        if i == self.spans.len() {
            self.spans.push((span, seg));
        } else {
            self.spans[i] = (span, seg);
        }
    }
}

impl FetchSink for PackingSink {
    fn response(&mut self, seq: u32, items: Vec<FetchItem<'_>>) {
        let (rest, heavy) = split_heavy(items);
        let i = self.messages.merge(seq, rest);
        heavy.merge_date(&mut self.messages.messages[i]);
        let Heavy {
            flags,
            envelope: env,
            body,
            ..
        } = heavy;
        let flags = flags.as_deref();
        if i == self.spans.len() {
            let env = env.as_deref().map_or(Item::Absent, Item::Parsed);
            let body = body.as_deref().map_or(Item::Absent, Item::Parsed);
            return self.pack(i, flags, env, body);
        }
        // A further response for a message packed before (rare): repack,
        // keeping its earlier items unless replaced: the stripped strings
        // come back from the old pack, the envelope and body structure are
        // copied from it.
        let (span, seg) = self.spans[i].clone();
        let old = self.blocks.get(span);
        restore_stripped(&mut self.messages.messages[i], old);
        let old_env = old[seg.envelope.clone()].to_vec();
        let old_body = old[seg.body.clone()].to_vec();
        let had_env = old[seg.envelope.start - 1] != 0;
        let had_body = old[seg.body.start - 1] != 0;
        let env = match env.as_deref() {
            Some(e) => Item::Parsed(e),
            None if had_env => Item::Packed(&old_env),
            None => Item::Absent,
        };
        let body = match body.as_deref() {
            Some(b) => Item::Parsed(b),
            None if had_body => Item::Packed(&old_body),
            None => Item::Absent,
        };
        self.pack(i, flags, env, body);
    }

    fn malformed(&mut self, seq: u32, error: ItemError) {
        FetchSink::malformed(&mut self.messages, seq, error);
        let i = self.messages.messages.len() - 1;
        self.pack(i, None, Item::Absent, Item::Absent);
    }
}

impl imapc_message_list {
    pub(crate) fn new(mut m: Messages, modified: Vec<u32>) -> imapc_message_list {
        // Pack each message and drop the strings the pack now holds while
        // they are still in the cache (and so as not to keep them twice).
        let mut blocks = Blocks::default();
        let spans = m
            .messages
            .iter_mut()
            .map(|m| {
                let (block, buf) = blocks.room();
                let start = buf.len();
                pack_into(buf, m);
                strip(m);
                (block, start, buf.len())
            })
            .collect();
        imapc_message_list::assemble(m, blocks.finish(), spans, modified)
    }

    fn find(&self, id: u32) -> Option<&imapc_message> {
        let index = self.index.get_or_init(|| {
            self.items
                .iter()
                .enumerate()
                .map(|(i, m)| (m.id(self.by_uid), i))
                .filter(|(id, _)| *id != 0)
                .collect()
        });
        index.get(&id).and_then(|&i| self.items.get(i))
    }

    /// The list of `m`'s messages, whose packs are at `spans` in `packs`
    /// (and whose strings are in them: `strip`ped).
    fn assemble(
        m: Messages,
        packs: Vec<Vec<u8>>,
        spans: Vec<Span>,
        modified: Vec<u32>,
    ) -> imapc_message_list {
        let by_uid = m.by_uid;
        // Only the section data is not in the packs: it moves (not its
        // bytes) into one vector, and the messages go.
        let mut sections = Vec::with_capacity(m.messages.iter().map(|m| m.sections.len()).sum());
        let ranges: Vec<(usize, usize)> = m
            .messages
            .into_iter()
            .map(|mut m| {
                let start = sections.len();
                sections.append(&mut m.sections);
                (start, sections.len())
            })
            .collect();
        let arena = Box::new(ViewArena::new());
        let items: Vec<imapc_message> = ranges
            .into_iter()
            .zip(spans)
            .map(|((from, to), (block, start, end))| {
                imapc_message::listed(&sections[from..to], &packs[block][start..end], &arena)
            })
            .collect();
        imapc_message_list {
            items,
            _arena: arena,
            _sections: sections,
            _packs: packs,
            by_uid,
            index: OnceLock::new(),
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
        .and_then(|l| l.find(id))
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

/// Sequence number; 0 for a FETCH response whose number did not parse
/// (the message then has an error: `imapc_message_error_count`), or for
/// NULL.
#[no_mangle]
pub extern "C" fn imapc_message_seq(m: *const imapc_message) -> u32 {
    get(m).map_or(0, |m| m.fixed(at::SEQ).u32())
}

/// UID, or 0 when not fetched (it always is when `use_uid` is on).
#[no_mangle]
pub extern "C" fn imapc_message_uid(m: *const imapc_message) -> u32 {
    get(m).map_or(0, |m| m.fixed(at::UID).u32())
}

/// The flags (borrowed list), or NULL when FLAGS was not fetched.
#[no_mangle]
pub extern "C" fn imapc_message_flags(m: *const imapc_message) -> *const imapc_string_list {
    get(m)
        .and_then(|m| m.view()?.flags.as_ref())
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
    get(m).is_some_and(|m| unsafe {
        put_date(m.fixed(at::INTERNAL_DATE).date(), time_out, offset_out)
    })
}

/// RFC822.SIZE, or 0 when not fetched.
#[no_mangle]
pub extern "C" fn imapc_message_size(m: *const imapc_message) -> u64 {
    get(m).map_or(0, |m| m.fixed(at::SIZE).u64())
}

/// The envelope, or NULL when ENVELOPE was not fetched.
#[no_mangle]
pub extern "C" fn imapc_message_envelope(m: *const imapc_message) -> *const imapc_envelope {
    get(m)
        .and_then(|m| m.view()?.envelope.get().first())
        .map_or(std::ptr::null(), |e| e as *const _)
}

/// The root of the body structure tree, or NULL when BODYSTRUCTURE was not
/// fetched.
#[no_mangle]
pub extern "C" fn imapc_message_body_structure(m: *const imapc_message) -> *const imapc_body_part {
    get(m)
        .and_then(|m| m.view()?.body.get().first())
        .map_or(std::ptr::null(), |b| b as *const _)
}

/// The data of a body section, by name as requested (`"BODY.PEEK[]"`,
/// `"BODY[HEADER]"`, `"RFC822"`, `"BINARY[1]"`...): pointer to `*data_out`
/// and length to `*len_out`, owned by the message (not NUL-terminated).
/// A range is its own section: `"BODY.PEEK[]<100.50>"` (or `"BODY[]<100>"`,
/// as the server names it) finds the bytes from 100, `"BODY[]"` only the
/// whole body; two ranges of one section fetched at once are both kept.
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
    // SAFETY: forwarded contract.
    unsafe {
        put_bytes(
            get(m).and_then(|m| section_in(m.sections(), name)),
            data_out,
            len_out,
        )
    }
}

/// Number of body sections received.
#[no_mangle]
pub extern "C" fn imapc_message_section_count(m: *const imapc_message) -> usize {
    get(m).map_or(0, |m| m.sections().len())
}

/// Normalised name of section `i` (`"BODY[]"`, `"BODY[HEADER]"`, and for a
/// range the origin the server answered, `"BODY[]<100>"`), or NULL.
#[no_mangle]
pub extern "C" fn imapc_message_section_name(m: *const imapc_message, i: usize) -> *const c_char {
    get(m)
        .and_then(|m| m.view()?.section_names.get().get(i).copied())
        .map_or(std::ptr::null(), |s| s.0)
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
    let d = get(m)
        .and_then(|m| m.sections().get(i))
        .and_then(|s| s.data.as_deref());
    // SAFETY: forwarded contract.
    unsafe { put_bytes(d, data_out, len_out) }
}

/// MODSEQ (CONDSTORE), or 0.
#[no_mangle]
pub extern "C" fn imapc_message_modseq(m: *const imapc_message) -> u64 {
    get(m).map_or(0, |m| m.fixed(at::MODSEQ).u64())
}

/// BINARY.SIZE (RFC 3516) of body part `part` (`"2"`, `"1.3"`, as in
/// `BINARY.SIZE[2]`): the size of the part once its content transfer
/// encoding is undone, known before fetching it. Writes it to `*size_out`
/// and returns true when the message has it; false otherwise (not
/// fetched, or NULL arguments).
///
/// # Safety
/// `part` is NULL or NUL-terminated; `size_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_message_binary_size(
    m: *const imapc_message,
    part: *const c_char,
    size_out: *mut u64,
) -> bool {
    if part.is_null() {
        return false;
    }
    // SAFETY: NUL-terminated per the contract.
    let want = unsafe { std::ffi::CStr::from_ptr(part) }.to_bytes();
    let Some(size) = get(m).and_then(|m| {
        m.view()?
            .binary_sizes
            .get()
            .iter()
            .find(|(p, _)| p.bytes() == want)
            .map(|&(_, n)| n)
    }) else {
        return false;
    };
    // SAFETY: NULL or writable per the contract.
    unsafe { put(size_out, size) };
    true
}

/// PREVIEW text (RFC 8970), or NULL.
#[no_mangle]
pub extern "C" fn imapc_message_preview(m: *const imapc_message) -> *const c_char {
    get(m)
        .and_then(|m| m.view())
        .map_or(std::ptr::null(), |v| v.preview.0)
}

/// EMAILID (RFC 8474), or NULL.
#[no_mangle]
pub extern "C" fn imapc_message_email_id(m: *const imapc_message) -> *const c_char {
    get(m)
        .and_then(|m| m.view())
        .map_or(std::ptr::null(), |v| v.email_id.0)
}

/// THREADID (RFC 8474), or NULL.
#[no_mangle]
pub extern "C" fn imapc_message_thread_id(m: *const imapc_message) -> *const c_char {
    get(m)
        .and_then(|m| m.view())
        .map_or(std::ptr::null(), |v| v.thread_id.0)
}

/// Gmail X-GM-MSGID, or 0.
#[no_mangle]
pub extern "C" fn imapc_message_gm_msgid(m: *const imapc_message) -> u64 {
    get(m).map_or(0, |m| m.fixed(at::GM_MSGID).u64())
}

/// Gmail X-GM-THRID, or 0.
#[no_mangle]
pub extern "C" fn imapc_message_gm_thrid(m: *const imapc_message) -> u64 {
    get(m).map_or(0, |m| m.fixed(at::GM_THRID).u64())
}

/// Gmail X-GM-LABELS (borrowed list), or NULL when not fetched.
#[no_mangle]
pub extern "C" fn imapc_message_gm_labels(m: *const imapc_message) -> *const imapc_string_list {
    get(m)
        .and_then(|m| m.view()?.labels.as_ref())
        .map_or(std::ptr::null(), |l| l as *const _)
}

/// Number of FETCH items of this message that did not parse (the rest of
/// the message is still usable).
#[no_mangle]
pub extern "C" fn imapc_message_error_count(m: *const imapc_message) -> usize {
    get(m).map_or(0, |m| m.fixed(at::ERRORS).u32() as usize)
}

/// Version of the format written by `imapc_message_pack` (its first byte).
pub const IMAPC_PACK_VERSION: u32 = 2;

/// The whole message (everything but section data) flattened into one
/// buffer, for language bindings that would otherwise make one call per
/// field: pointer to `*data_out`, length to `*len_out`, owned by the message
/// and valid as long as it is. Strings in it are the very strings the
/// getters return. Returns false, writing nothing, for NULL.
///
/// Format, version 2 (integers little-endian; version 1 had no BINARY.SIZE):
///
/// ```text
/// str     = u32 len, len bytes, 0x00      len 0xFFFFFFFF: absent (no bytes, no NUL)
/// strs    = u32 n, n × str                n 0xFFFFFFFF: absent
/// pairs   = u32 n, n × (str name, str value)
/// date    = u8 present, i64 seconds since the epoch, i32 zone offset in minutes east
/// message = u8 version (2), u32 seq, u32 uid (0: absent), u64 RFC822.SIZE (0: absent),
///           date INTERNALDATE, u64 MODSEQ, u64 X-GM-MSGID, u64 X-GM-THRID,
///           u32 item errors, strs FLAGS, strs X-GM-LABELS, str PREVIEW, str EMAILID,
///           str THREADID, u32 n sections, n × str section name,
///           u32 n BINARY.SIZEs, n × (str part ("2", "1.3"), u64 decoded size),
///           u8 has envelope [envelope], u8 has body structure [part]
/// envelope = date, str Date as sent, str subject (decoded), 6 × addresses
///           (from, sender, reply-to, to, cc, bcc), str in-reply-to, str message-id
/// addresses = u32 n, n × (str name (decoded), str mailbox, str host, str route,
///           str email ("mailbox@host"; never absent))
/// part    = str type (lower case), str subtype (lower case), pairs params, str id,
///           str description, str encoding, u64 size, u64 lines, str disposition
///           (lower case), pairs disposition params, str md5, str location,
///           strs languages, str part number, u32 n children, n × part,
///           u8 is message/rfc822 [envelope, part]
/// ```
///
/// Text is UTF-8 without NUL bytes (invalid bytes and NULs become U+FFFD),
/// so every str is also a C string. The first byte is the version
/// (`IMAPC_PACK_VERSION`); a later version may change everything after it.
///
/// # Safety
/// Outputs are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_message_pack(
    m: *const imapc_message,
    data_out: *mut *const u8,
    len_out: *mut usize,
) -> bool {
    // SAFETY: forwarded contract.
    unsafe { put_bytes(get(m).map(imapc_message::pack), data_out, len_out) }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::ffi::{CStr, CString};

    use super::*;
    use crate::client::{Address, Envelope, Section};
    use crate::ffi::fuzzing::packs;
    use crate::ffi::lists::imapc_string_list_count;
    use crate::proto::types::{self as pt, BodyPart, Disposition};

    fn s(p: *const c_char) -> Option<String> {
        // SAFETY: getters return NULL or a NUL-terminated string.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }

    fn leaf(t: &'static [u8], sub: &'static [u8]) -> BodyPart<'static> {
        BodyPart {
            media_type: Cow::Borrowed(t),
            media_subtype: Cow::Borrowed(sub),
            params: vec![(Cow::Borrowed(b"CHARSET"), Cow::Borrowed(b"utf-8"))],
            size: 42,
            lines: Some(3),
            ..BodyPart::default()
        }
    }

    fn sample() -> Message {
        let mut inner = pt::Envelope::default();
        inner.subject = Some(Cow::Borrowed(b"inner"));
        let attached = BodyPart {
            message: Some(Box::new((inner, leaf(b"TEXT", b"PLAIN")))),
            ..leaf(b"MESSAGE", b"RFC822")
        };
        let mut pdf = leaf(b"application", b"PDF");
        pdf.disposition = Some(Disposition {
            kind: Cow::Borrowed(b"ATTACHMENT"),
            params: vec![(Cow::Borrowed(b"filename"), Cow::Borrowed(b"a\0b.pdf"))],
        });
        let mixed = BodyPart {
            children: vec![
                leaf(b"text", b"plain"),
                BodyPart {
                    children: vec![pdf, attached],
                    ..leaf(b"multipart", b"mixed")
                },
            ],
            ..leaf(b"MULTIPART", b"MIXED")
        };
        Message {
            seq: 7,
            uid: Some(70),
            flags: Some(vec!["\\Seen".into(), "$Work".into()]),
            envelope: Some(Box::new(Envelope {
                subject: Some("Grüße".into()),
                from: vec![
                    Address {
                        name: Some("Ann".into()),
                        mailbox: Some("ann".into()),
                        host: Some("example.org".into()),
                        ..Address::default()
                    },
                    Address {
                        mailbox: Some("group".into()),
                        ..Address::default()
                    },
                ],
                message_id: Some("<1@x>".into()),
                ..Envelope::default()
            })),
            body_structure: Some(Box::new(mixed)),
            sections: vec![Section {
                name: "BODY[HEADER]".into(),
                origin: None,
                data: Some(b"Subject: x\r\n".to_vec()),
            }],
            ..Message::default()
        }
    }

    /// A list packs its messages into one buffer and borrows them.
    #[test]
    fn list_of_packed_messages() {
        let mut ms = Messages::default();
        ms.by_uid = true;
        for uid in [70, 71, 72] {
            let mut m = sample();
            m.uid = Some(uid);
            ms.messages.push(m);
        }
        let l = Box::into_raw(Box::new(imapc_message_list::new(ms, Vec::new())));
        assert_eq!(imapc_message_list_count(l), 3);
        for (i, uid) in [70, 71, 72].into_iter().enumerate() {
            let m = imapc_message_list_get(l, i);
            assert_eq!(imapc_message_list_find(l, uid), m);
            assert_eq!(imapc_message_uid(m), uid);
            let e = imapc_message_envelope(m);
            assert_eq!(s(imapc_envelope_subject(e)).as_deref(), Some("Grüße"));
            let root = imapc_message_body_structure(m);
            assert_eq!(imapc_body_part_child_count(root), 2);
            assert_eq!(imapc_message_section_count(m), 1);
        }
        imapc_message_list_free(l);
    }

    /// Part numbers as RFC 3501 gives them: a multipart's children extend
    /// its number, an enclosed message's body is N.1 unless multipart (its
    /// parts are then N.1, N.2), and numbering resumes after a nested
    /// branch (one buffer serves the whole tree).
    #[test]
    fn part_numbers_of_a_nested_structure() {
        let msg = |body: BodyPart<'static>| BodyPart {
            message: Some(Box::new((pt::Envelope::default(), body))),
            ..leaf(b"message", b"rfc822")
        };
        let multi = |children: Vec<BodyPart<'static>>| BodyPart {
            children,
            ..leaf(b"multipart", b"mixed")
        };
        let root = multi(vec![
            leaf(b"text", b"plain"),
            msg(multi(vec![leaf(b"text", b"plain"), leaf(b"text", b"html")])),
            multi(vec![
                leaf(b"image", b"png"),
                multi(vec![leaf(b"text", b"plain")]),
                leaf(b"image", b"gif"),
            ]),
            msg(leaf(b"text", b"plain")),
        ]);
        let m = imapc_message::new(Message {
            seq: 1,
            body_structure: Some(Box::new(root)),
            ..Message::default()
        });
        fn walk(p: *const imapc_body_part, out: &mut Vec<String>) {
            out.push(s(imapc_body_part_number(p)).unwrap());
            for i in 0..imapc_body_part_child_count(p) {
                walk(imapc_body_part_child(p, i), out);
            }
            let body = imapc_body_part_message_body(p);
            if !body.is_null() {
                walk(body, out);
            }
        }
        let mut got = Vec::new();
        walk(imapc_message_body_structure(&m), &mut got);
        let want = [
            "", "1", "2", "2", "2.1", "2.2", "3", "3.1", "3.2", "3.2.1", "3.3", "4", "4.1",
        ];
        assert_eq!(got, want);
        // And again on the same thread, with the packer's buffers reused.
        let again = imapc_message::new(Message {
            seq: 2,
            body_structure: Some(Box::new(leaf(b"text", b"plain"))),
            ..Message::default()
        });
        let root = imapc_message_body_structure(&again);
        assert_eq!(s(imapc_body_part_number(root)).as_deref(), Some("1"));
    }

    /// BINARY.SIZE by part, through the pack.
    #[test]
    fn binary_size_by_part() {
        let m = imapc_message::new(Message {
            seq: 4,
            binary_sizes: vec![("2".into(), 1 << 33), ("1.3".into(), 0)],
            ..Message::default()
        });
        let size = |m: *const imapc_message, part: &str| {
            let part = CString::new(part).unwrap();
            let mut n = 7u64;
            // SAFETY: valid arguments.
            let found = unsafe { imapc_message_binary_size(m, part.as_ptr(), &mut n) };
            found.then_some(n)
        };
        assert_eq!(size(&m, "2"), Some(1 << 33));
        assert_eq!(size(&m, "1.3"), Some(0));
        assert_eq!(size(&m, "1"), None);
        assert_eq!(size(&m, ""), None);
        assert_eq!(size(std::ptr::null(), "2"), None);
        // SAFETY: NULL arguments are allowed.
        unsafe {
            assert!(!imapc_message_binary_size(
                &m,
                std::ptr::null(),
                std::ptr::null_mut()
            ));
            assert!(imapc_message_binary_size(
                &m,
                c"2".as_ptr(),
                std::ptr::null_mut()
            ));
        }
        let none = imapc_message::new(Message {
            seq: 5,
            ..Message::default()
        });
        assert_eq!(size(&none, "2"), None);
    }

    /// The C views read back what the pack holds: strings, part numbers,
    /// lower-cased types, addresses with their email, nested messages.
    #[test]
    fn views_over_the_pack() {
        let held = sample();
        let mut scratch = Vec::new();
        let arena = ViewArena::new();
        for m in [
            imapc_message::new(sample()),
            imapc_message::borrowed(&held, &mut scratch, &arena),
        ] {
            let m = &m as *const imapc_message;
            assert_eq!(imapc_message_uid(m), 70);
            let flags = imapc_message_flags(m);
            assert_eq!(imapc_string_list_count(flags), 2);
            let flag = CString::new("\\SEEN").unwrap();
            // SAFETY: valid arguments.
            assert!(unsafe { imapc_message_has_flag(m, flag.as_ptr()) });
            let e = imapc_message_envelope(m);
            assert_eq!(s(imapc_envelope_subject(e)).as_deref(), Some("Grüße"));
            assert_eq!(s(imapc_envelope_message_id(e)).as_deref(), Some("<1@x>"));
            assert!(imapc_envelope_date_raw(e).is_null());
            let from = imapc_envelope_from(e);
            assert_eq!(imapc_address_list_count(from), 2);
            let ann = imapc_address_list_get(from, 0);
            assert_eq!(
                s(imapc_address_email(ann)).as_deref(),
                Some("ann@example.org")
            );
            assert_eq!(s(imapc_address_name(ann)).as_deref(), Some("Ann"));
            let group = imapc_address_list_get(from, 1);
            assert_eq!(s(imapc_address_email(group)).as_deref(), Some("group"));
            assert!(imapc_address_host(group).is_null());
            assert_eq!(imapc_address_list_count(imapc_envelope_cc(e)), 0);

            let root = imapc_message_body_structure(m);
            assert_eq!(s(imapc_body_part_type(root)).as_deref(), Some("multipart"));
            assert_eq!(s(imapc_body_part_number(root)).as_deref(), Some(""));
            assert_eq!(imapc_body_part_child_count(root), 2);
            let inner = imapc_body_part_child(root, 1);
            assert_eq!(s(imapc_body_part_number(inner)).as_deref(), Some("2"));
            let pdf = imapc_body_part_child(inner, 0);
            assert_eq!(s(imapc_body_part_number(pdf)).as_deref(), Some("2.1"));
            assert_eq!(s(imapc_body_part_subtype(pdf)).as_deref(), Some("pdf"));
            assert_eq!(
                s(imapc_body_part_disposition(pdf)).as_deref(),
                Some("attachment")
            );
            let name = CString::new("FILENAME").unwrap();
            // SAFETY: valid arguments.
            let file = unsafe { imapc_body_part_disposition_param(pdf, name.as_ptr()) };
            assert_eq!(s(file).as_deref(), Some("a\u{FFFD}b.pdf"));
            let cs = CString::new("charset").unwrap();
            // SAFETY: valid arguments.
            let charset = unsafe { imapc_body_part_param(pdf, cs.as_ptr()) };
            assert_eq!(s(charset).as_deref(), Some("utf-8"));
            assert_eq!(imapc_body_part_size(pdf), 42);
            assert_eq!(imapc_body_part_lines(pdf), 3);
            let att = imapc_body_part_child(inner, 1);
            let env = imapc_body_part_message_envelope(att);
            assert_eq!(s(imapc_envelope_subject(env)).as_deref(), Some("inner"));
            let body = imapc_body_part_message_body(att);
            assert_eq!(s(imapc_body_part_number(body)).as_deref(), Some("2.2.1"));
            let n = CString::new("2.2.1").unwrap();
            // SAFETY: valid arguments.
            assert_eq!(unsafe { imapc_body_part_find(root, n.as_ptr()) }, body);

            assert_eq!(
                s(imapc_message_section_name(m, 0)).as_deref(),
                Some("BODY[HEADER]")
            );
            let (mut data, mut len) = (std::ptr::null(), 0);
            // SAFETY: valid arguments.
            assert!(unsafe { imapc_message_section_data(m, 0, &mut data, &mut len) });
            assert_eq!(len, 12);
            let (mut p, mut plen) = (std::ptr::null(), 0);
            // SAFETY: valid arguments.
            assert!(unsafe { imapc_message_pack(m, &mut p, &mut plen) });
            // SAFETY: the pack lives as long as the message.
            assert_eq!(unsafe { *p }, IMAPC_PACK_VERSION as u8);
        }
    }

    /// FETCH responses with what the packer must get right: encoded words
    /// (joined, and in names), NUL and invalid UTF-8 in literals, groups,
    /// routes, a missing host, bad and good dates, a nested message whose
    /// body is multipart, dispositions, languages and locations.
    const RESPONSES: &[&[u8]] = &[
        b"* 1 FETCH (UID 11 FLAGS (\\Seen $Forwarded) RFC822.SIZE 1234 INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"=?UTF-8?B?w6lsw6h2ZQ==?= =?UTF-8?Q?_ok?=\" ((\"=?ISO-8859-1?Q?Andr=E9?= P\" NIL \"andre\" \"example.org\")) ((NIL \"@relay.example\" \"s\" \"example.org\")) NIL ((NIL NIL \"team\" NIL)(\"Bob\" NIL \"bob\" \"example.com\")(NIL NIL NIL NIL)) ((NIL NIL \"nohost\" NIL)) NIL \"<parent@x>\" \"<id@x>\") BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 12 1 NIL NIL NIL NIL)(\"MESSAGE\" \"RFC822\" NIL \"<cid>\" \"desc\" \"7BIT\" 500 (\"bad date\" \"inner\" NIL NIL NIL NIL NIL NIL NIL NIL) ((\"TEXT\" \"HTML\" NIL NIL NIL \"BASE64\" 20 2 NIL NIL NIL NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"a.pdf\") NIL NIL \"BASE64\" 30 NIL (\"ATTACHMENT\" (\"FILENAME\" \"a.pdf\")) (\"EN\" \"DE\") \"http://loc\") \"MIXED\" (\"BOUNDARY\" \"b\") NIL NIL NIL) 9 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"a\") (\"INLINE\" NIL) \"fr\" NIL))\r\n",
        b"* 2 FETCH (UID 12 ENVELOPE (NIL {5}\r\na\x00b\xffc NIL NIL NIL ((\"Zo\xc3\xab {3}\" NIL \"z\" \"h\")) NIL NIL NIL NIL) BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"8BIT\" 3 1 NIL NIL NIL NIL))\r\n",
        b"* 3 FETCH (UID 13 FLAGS ())\r\n",
        // A second response for message 1 (flags only): its envelope and
        // body structure must survive the repack.
        b"* 1 FETCH (FLAGS (\\Seen \\Answered))\r\n",
        // A second response for message 2 replacing its envelope.
        b"* 2 FETCH (ENVELOPE (NIL \"replaced\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n",
        b"* 4 FETCH (UID 14 BODY[HEADER] {4}\r\nab\r\n)\r\n",
        // A second response for message 3 without its flags: they (an
        // empty list, not none) must survive the repack.
        b"* 3 FETCH (RFC822.SIZE 99)\r\n",
        // Flags of every kind, one with 8-bit bytes (lossy, as owned).
        b"* 5 FETCH (UID 15 FLAGS (\\Deleted \\Recent \\X-Ext $Label k\xc3\xa9 bad\xff))\r\n",
    ];

    fn fetch_of(raw: &[u8]) -> (u32, Vec<pt::FetchItem<'_>>) {
        match crate::proto::parser::parse_response(raw) {
            Ok(pt::Response::Untagged(pt::Untagged::Fetch { seq, items })) => (seq, items),
            other => panic!("not a FETCH: {other:?}"),
        }
    }

    #[test]
    fn packing_from_the_parse_matches_packing_the_owned_message() {
        let mut owned = Messages::new(true);
        let mut sink = PackingSink::new(true);
        for raw in RESPONSES {
            let (seq, items) = fetch_of(raw);
            owned.merge(seq, items);
            let (seq, items) = fetch_of(raw);
            sink.response(seq, items);
        }
        let malformed = ItemError {
            message: "bad".into(),
            raw: b"* 9 FETCH (".to_vec(),
        };
        FetchSink::malformed(&mut owned, 9, malformed.clone());
        sink.malformed(9, malformed);
        // Sanity: the fixtures hold what the test is about.
        let m1 = owned.get(11).expect("message 1");
        assert_eq!(
            m1.flags.as_deref(),
            Some(&["\\Seen".to_string(), "\\Answered".to_string()][..])
        );
        let e1 = m1.envelope.as_ref().expect("envelope 1");
        assert_eq!(e1.subject.as_deref(), Some("élève ok"));
        assert_eq!(e1.from[0].name.as_deref(), Some("André P"));
        assert!(m1.body_structure.as_ref().unwrap().children[1]
            .message
            .is_some());
        let m3 = owned.get(13).unwrap();
        assert_eq!((m3.flags.as_deref(), m3.size), (Some(&[][..]), Some(99)));
        let e2 = owned.get(12).unwrap().envelope.as_ref().unwrap();
        assert_eq!(e2.subject.as_deref(), Some("replaced"));
        let m5 = owned.get(15).unwrap();
        assert_eq!(
            m5.flags.as_deref().unwrap()[3..],
            ["$Label", "k\u{e9}", "bad\u{FFFD}"]
        );
        assert_eq!(owned.len(), 6);

        let want = imapc_message_list::new(owned, Vec::new());
        let got = sink.finish(Vec::new());
        assert_eq!(got.items.len(), 6);
        assert_eq!(packs(&got), packs(&want));
        // And the views read the same strings.
        let env = got.items[0].view().unwrap().envelope.get().first().unwrap();
        assert_eq!(s(env.subject.0).as_deref(), Some("élève ok"));
    }

    /// The fuzz target's check (fuzz/fuzz_targets/pack.rs) on the fixtures:
    /// both paths give the same packs, and what C reads of them is what the
    /// fixtures hold.
    #[test]
    fn the_pack_fuzz_check_on_the_fixtures() {
        use crate::ffi::fuzzing::{dump, lists_from_responses};
        // And one of the fixed fields a list reads from the pack.
        let fixed: &[u8] = b"* 7 FETCH (UID 17 MODSEQ (12345678901) X-GM-MSGID 77 X-GM-THRID 88 RFC822.SIZE 5 INTERNALDATE \"01-Jan-2024 08:13:00 +0100\" BODY[TEXT] {3}\r\nxyz)\r\n";
        let input = [RESPONSES.concat(), fixed.to_vec()].concat();
        let (got, want) = lists_from_responses(&input);
        assert_eq!(packs(&got), packs(&want));
        let text = dump(&got);
        assert_eq!(text, dump(&want));
        assert_eq!(text.matches("message ").count(), 6);
        for needle in [
            "message 1 uid 11 size 1234 date true 837596665 -420 modseq 0",
            "message 7 uid 17 size 5 date true 1704093180 60 modseq 12345678901 gm 77 88 errors 0",
            "section \"BODY[TEXT]\" true \"xyz\" by name true 3",
            "subject \"élève ok\"",
            "(\"André P\" \"andre\" \"example.org\" NULL \"andre@example.org\")",
            "part \"2.2\" \"application\"/\"pdf\"",
            "languages \"EN\" \"DE\"",
            "find-self true",
            "section \"BODY[HEADER]\" true \"ab\\r\\n\" by name true 4",
            "flags \"\\\\Deleted\" \"\\\\Recent\"",
        ] {
            assert!(text.contains(needle), "{needle} not in\n{text}");
        }
    }

    #[test]
    fn the_first_response_packs_the_nul_and_lossy_text_as_the_owned_path() {
        let (seq, items) = fetch_of(RESPONSES[1]);
        let mut sink = PackingSink::new(true);
        sink.response(seq, items);
        let got = sink.finish(Vec::new());
        let env = got.items[0].view().unwrap().envelope.get().first().unwrap();
        assert_eq!(s(env.subject.0).as_deref(), Some("a\u{FFFD}b\u{FFFD}c"));
    }

    /// What a reader of `m`'s views sees: its subject, first sender, the
    /// number of the deepest part, and the address of its envelope view.
    fn read_views(m: &imapc_message) -> (Option<String>, Option<String>, Option<String>, usize) {
        let m = m as *const imapc_message;
        let e = imapc_message_envelope(m);
        let from = imapc_address_list_get(imapc_envelope_from(e), 0);
        let mixed = imapc_body_part_child(imapc_message_body_structure(m), 1);
        let attached = imapc_body_part_child(mixed, 1);
        let body = imapc_body_part_message_body(attached);
        (
            s(imapc_envelope_subject(e)),
            s(imapc_address_email(from)),
            s(imapc_body_part_number(body)),
            e as usize,
        )
    }

    /// A list's views share its arena and are built lazily, so readers on
    /// several threads build them at once: each message's are built once,
    /// and every reader sees the same, complete views.
    /// A message's views hold its envelope and body structure by pointer,
    /// and borrowed string lists own nothing: views of a message without
    /// them (a FLAGS sync) stay a few words, not the 536 bytes they took
    /// with both inline.
    #[test]
    fn views_keep_envelope_and_body_out_of_line() {
        let word = std::mem::size_of::<usize>();
        assert!(
            std::mem::size_of::<View>() <= 17 * word,
            "{}",
            std::mem::size_of::<View>()
        );
        assert_eq!(std::mem::size_of::<imapc_string_list>(), 3 * word);
        assert_eq!(std::mem::size_of::<Option<imapc_string_list>>(), 3 * word);
    }

    #[test]
    fn views_of_a_list_built_by_several_threads() {
        const N: u32 = 3000;
        let mut ms = Messages::new(true);
        ms.messages = (1..=N)
            .map(|i| Message {
                seq: i,
                uid: Some(i * 10),
                ..sample()
            })
            .collect();
        let list = imapc_message_list::new(ms, Vec::new());
        let seen: Vec<Vec<usize>> = std::thread::scope(|scope| {
            let readers: Vec<_> = (0..4)
                .map(|t| {
                    let list = &list;
                    scope.spawn(move || {
                        // Each thread walks the list from its own start.
                        let n = list.items.len();
                        let mut at = vec![0; n];
                        for k in 0..n {
                            let i = (k + t * n / 4) % n;
                            let (subject, from, number, env) = read_views(&list.items[i]);
                            assert_eq!(subject.as_deref(), Some("Grüße"));
                            assert_eq!(from.as_deref(), Some("ann@example.org"));
                            assert_eq!(number.as_deref(), Some("2.2.1"));
                            at[i] = env;
                        }
                        at
                    })
                })
                .collect();
            readers.into_iter().map(|r| r.join().unwrap()).collect()
        });
        assert!(seen.iter().all(|at| at == &seen[0]), "views built once");
        let distinct: std::collections::HashSet<_> = seen[0].iter().collect();
        assert_eq!(distinct.len(), N as usize, "each message has its own views");
        assert_eq!(imapc_message_uid(imapc_message_list_find(&list, 20_005)), 0);
        assert_eq!(
            imapc_message_uid(imapc_message_list_find(&list, 29_990)),
            29_990
        );
    }

    /// A streaming fetch resets its arena between messages: the views of
    /// the next message are right, and the memory is reused, not added.
    #[test]
    fn a_reset_arena_builds_the_next_views_in_the_same_memory() {
        let mut arena = ViewArena::new();
        let mut scratch = Vec::new();
        let mut sizes = Vec::new();
        for i in 1..=5u32 {
            let held = Message {
                seq: i,
                uid: Some(i),
                ..sample()
            };
            let m = imapc_message::borrowed(&held, &mut scratch, &arena);
            let (subject, from, number, _) = read_views(&m);
            assert_eq!(subject.as_deref(), Some("Grüße"));
            assert_eq!(from.as_deref(), Some("ann@example.org"));
            assert_eq!(number.as_deref(), Some("2.2.1"));
            assert_eq!(imapc_message_uid(&m), i);
            drop(m);
            sizes.push(arena.0.lock().unwrap().allocated_bytes());
            arena.reset();
        }
        assert!(sizes[0] > 0);
        assert!(sizes.iter().all(|&n| n == sizes[0]), "{sizes:?}");
    }

    #[test]
    fn blocks_start_small_grow_and_keep_every_span() {
        let mut b = Blocks::default();
        let mut spans = Vec::new();
        for i in 0..2000u32 {
            let (block, buf) = b.room();
            let start = buf.len();
            buf.extend(std::iter::repeat_n(
                (i % 251) as u8,
                100 + (i as usize % 900),
            ));
            spans.push((block, start, buf.len()));
        }
        assert_eq!(
            b.done[0].capacity(),
            Blocks::FIRST,
            "the first block is small"
        );
        assert!(b.done.len() > 5, "{} blocks", b.done.len());
        for (i, &span) in spans.iter().enumerate() {
            let got = b.get(span);
            assert_eq!(got.len(), 100 + i % 900);
            assert!(got.iter().all(|&x| x == (i % 251) as u8), "pack {i}");
        }
        let sizes: Vec<usize> = b.done.iter().map(Vec::capacity).collect();
        assert!(
            sizes
                .windows(2)
                .all(|w| w[1] == (w[0] * 2).min(Blocks::SIZE)),
            "{sizes:?}"
        );
        let packs = b.finish();
        let (block, start, end) = spans[1999];
        assert_eq!(packs[block][start..end].len(), 100 + 1999 % 900);
    }
}
