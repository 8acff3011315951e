//! Streaming FETCH in batches (`imapc_client_fetch_stream_batched`): the
//! messages and body pieces of a streaming fetch reach one callback several
//! at a time, for language bindings whose calls from C cost much more than
//! a C call (a cgo callback into Go): one call per batch instead of one per
//! message, with everything a binding reads of a message (its pack and its
//! sections' data) in the item, so that it need not call back into C.
//!
//! Messages wait in the batch, owned, until the client is about to wait
//! for the server, the command ends, a streamed piece arrives (it borrows
//! the read buffer, so it goes at once, after the messages before it) or
//! the batch holds `BATCH_MESSAGES` messages or `BATCH_BYTES` bytes of
//! them. Nothing is copied: a batch's messages are the ones the client
//! parsed, each packed as it comes (envelope and body structure straight
//! from the parse) into one scratch buffer reused from batch to batch.

use std::ffi::c_void;
use std::os::raw::{c_char, c_int};
use std::ptr::null;

use super::client::{ids_arg, imapc_client, set_arg, stream_call};
use super::error::{imapc_error, imapc_result};
use super::message::{imapc_message, ViewArena};
use super::pack::{pack_withheld, push_text};
use crate::client::{Chunk, Error, Message, MessageSet, Result, StreamSink, Withheld};

/// Layout version of `imapc_stream_item`: pass it to
/// `imapc_client_fetch_stream_batched`, which fails with
/// `IMAPC_ERR_INVALID_ARGUMENT` for a version it does not write. A later
/// library may write older layouts too; a new layout gets a new number.
pub const IMAPC_STREAM_ITEM_VERSION: u32 = 1;
/// `imapc_stream_item.kind`: a complete message.
pub const IMAPC_STREAM_ITEM_MESSAGE: u32 = 1;
/// `imapc_stream_item.kind`: a piece of a streamed section.
pub const IMAPC_STREAM_ITEM_CHUNK: u32 = 2;
/// `imapc_stream_item.kind`: the client is about to wait for the server
/// (only with `IMAPC_STREAM_WANT_WAIT`). Its other fields are 0 and NULL.
pub const IMAPC_STREAM_ITEM_WAIT: u32 = 3;
/// OR it into `item_version` to hear when the client is about to wait for
/// the server: the batch handed over just before the wait ends with an
/// `IMAPC_STREAM_ITEM_WAIT` item, or is that item alone when everything
/// was handed over already. There is one such item per wait that follows
/// something handed over, none at the end of the command (the call
/// returns). It is for a caller that finishes a batch's work after its
/// callback has returned (the Go binding decodes a batch on another
/// thread while the client parses the next): at a wait item nothing more
/// is there to read, so that work is best finished now, or the messages
/// would sit until the server sends more.
pub const IMAPC_STREAM_WANT_WAIT: u32 = 0x1_0000;

/// A batch is sent once it holds this many messages...
const BATCH_MESSAGES: usize = 64;
/// ... or this many bytes of them (section data and packs). A larger
/// message goes alone, so a batch never holds more than this plus one
/// message.
const BATCH_BYTES: usize = 1 << 20;

/// `len` bytes at `data` (NULL when `len` is 0), borrowed.
#[repr(C)]
pub struct imapc_bytes {
    /// The first byte, or NULL.
    pub data: *const u8,
    /// Number of bytes.
    pub len: usize,
}

/// One item of a batch (see `imapc_batch_callback`): a message, or a piece
/// of a streamed section. Fields that do not apply to the kind are 0 or
/// NULL. Everything it points to is borrowed for the callback.
#[repr(C)]
pub struct imapc_stream_item {
    /// `IMAPC_STREAM_ITEM_MESSAGE`, `IMAPC_STREAM_ITEM_CHUNK` or (asked
    /// for with `IMAPC_STREAM_WANT_WAIT`) `IMAPC_STREAM_ITEM_WAIT`.
    pub kind: u32,
    /// The message's sequence number.
    pub seq: u32,
    /// Its UID; 0 when not fetched or, for a chunk, not sent before the
    /// section.
    pub uid: u32,
    /// MESSAGE: the number of entries of `sections`.
    pub section_count: u32,
    /// MESSAGE: the message, as `imapc_message_callback` gets it (its
    /// streamed sections are empty).
    pub message: *const imapc_message,
    /// MESSAGE: its pack, as `imapc_message_pack` gives it.
    pub pack: *const u8,
    /// MESSAGE: bytes at `pack`.
    pub pack_len: usize,
    /// MESSAGE: the data of each of its sections, in the order of
    /// `imapc_message_section_name` (as `imapc_message_section_data`:
    /// NULL and 0 when NIL or streamed).
    pub sections: *const imapc_bytes,
    /// CHUNK: normalised section name (e.g. `"BODY[]"`).
    pub section: *const c_char,
    /// CHUNK: offset of `data` within the section.
    pub offset: u64,
    /// CHUNK: size of the whole section.
    pub total: u64,
    /// CHUNK: the piece.
    pub data: *const u8,
    /// CHUNK: bytes at `data`.
    pub len: usize,
}

/// Streaming fetch in batches: `n` (at least 1) items in server order,
/// all borrowed for the call. Return nonzero to stop the fetch: the items
/// after the one being handled are dropped, the rest of the answer is read
/// and discarded and the call fails with `IMAPC_ERR_ABORTED`.
pub type imapc_batch_callback = Option<
    unsafe extern "C" fn(userdata: *mut c_void, items: *const imapc_stream_item, n: usize) -> c_int,
>;

/// The sink of a batched fetch: the messages waiting, and scratch buffers
/// reused from batch to batch (cleared, never shrunk).
struct Batcher {
    on_batch: unsafe extern "C" fn(*mut c_void, *const imapc_stream_item, usize) -> c_int,
    userdata: *mut c_void,
    messages: Vec<Message>,
    bytes: usize,
    packs: Vec<u8>,
    pack_ends: Vec<usize>,
    sections: Vec<imapc_bytes>,
    name: Vec<u8>,
    views: Vec<imapc_message>,
    /// Where `views` build their C views; reset with each batch. Boxed:
    /// the views point to it.
    arena: Box<ViewArena>,
    items: Vec<imapc_stream_item>,
    /// `IMAPC_STREAM_WANT_WAIT` was asked for...
    want_wait: bool,
    /// ... and something was handed over since the last wait item.
    handed: bool,
}

impl Batcher {
    fn new(
        on_batch: unsafe extern "C" fn(*mut c_void, *const imapc_stream_item, usize) -> c_int,
        userdata: *mut c_void,
        want_wait: bool,
    ) -> Batcher {
        Batcher {
            on_batch,
            userdata,
            messages: Vec::new(),
            bytes: 0,
            packs: Vec::new(),
            pack_ends: Vec::new(),
            sections: Vec::new(),
            name: Vec::new(),
            views: Vec::new(),
            arena: Box::new(ViewArena::new()),
            items: Vec::new(),
            want_wait,
            handed: false,
        }
    }

    /// Hand the waiting messages, then `piece` or (`wait`) a wait item, to
    /// the callback in one call; false when it says stop.
    fn send(&mut self, piece: Option<&Chunk<'_>>, wait: bool) -> bool {
        // First fill every buffer the items point into: nothing moves once
        // the items are built. (The packs were written as the messages
        // came.)
        self.sections.clear();
        for m in &self.messages {
            self.sections
                .extend(m.sections.iter().map(|s| match s.data.as_deref() {
                    Some(d) if !d.is_empty() => imapc_bytes {
                        data: d.as_ptr(),
                        len: d.len(),
                    },
                    _ => imapc_bytes {
                        data: null(),
                        len: 0,
                    },
                }));
        }
        self.name.clear();
        if let Some(c) = piece {
            push_text(&mut self.name, c.section.as_bytes());
            self.name.push(0);
        }
        self.views.clear();
        self.arena.reset();
        let mut start = 0;
        for (m, &end) in self.messages.iter().zip(&self.pack_ends) {
            self.views.push(imapc_message::borrowed_packed(
                m,
                &self.packs[start..end],
                &self.arena,
            ));
            start = end;
        }

        self.items.clear();
        let (mut start, mut sec) = (0, 0);
        for ((m, view), &end) in self.messages.iter().zip(&self.views).zip(&self.pack_ends) {
            let n = m.sections.len();
            self.items.push(imapc_stream_item {
                kind: IMAPC_STREAM_ITEM_MESSAGE,
                seq: m.seq,
                uid: m.uid.unwrap_or(0),
                section_count: u32::try_from(n).unwrap_or(u32::MAX),
                message: view,
                pack: self.packs[start..end].as_ptr(),
                pack_len: end - start,
                sections: if n == 0 {
                    null()
                } else {
                    self.sections[sec..sec + n].as_ptr()
                },
                section: null(),
                offset: 0,
                total: 0,
                data: null(),
                len: 0,
            });
            start = end;
            sec += n;
        }
        if let Some(c) = piece {
            self.items.push(imapc_stream_item {
                kind: IMAPC_STREAM_ITEM_CHUNK,
                seq: c.seq,
                uid: c.uid.unwrap_or(0),
                section_count: 0,
                message: null(),
                pack: null(),
                pack_len: 0,
                sections: null(),
                section: self.name.as_ptr().cast(),
                offset: c.offset,
                total: c.total,
                data: c.data.as_ptr(),
                len: c.data.len(),
            });
        }
        if wait {
            self.items.push(imapc_stream_item {
                kind: IMAPC_STREAM_ITEM_WAIT,
                seq: 0,
                uid: 0,
                section_count: 0,
                message: null(),
                pack: null(),
                pack_len: 0,
                sections: null(),
                section: null(),
                offset: 0,
                total: 0,
                data: null(),
                len: 0,
            });
        }
        // A wait item goes only after something handed over since the
        // last one.
        self.handed = !wait && (self.handed || !self.items.is_empty());

        let go_on = self.items.is_empty() || {
            // SAFETY: the caller's callback with its userdata; the items
            // and everything they point to (the messages, the scratch
            // buffers, the read buffer for a piece) live and stay put
            // until it returns.
            unsafe { (self.on_batch)(self.userdata, self.items.as_ptr(), self.items.len()) == 0 }
        };
        self.items.clear();
        self.views.clear();
        self.messages.clear();
        self.packs.clear();
        self.pack_ends.clear();
        self.bytes = 0;
        go_on
    }
}

impl StreamSink for Batcher {
    fn withhold(&self) -> bool {
        true
    }

    fn message(&mut self, m: Message, w: Withheld<'_, '_>) -> bool {
        // Packed now, the envelope and body structure from the parse: the
        // message waits in the batch without them.
        let start = self.packs.len();
        pack_withheld(&mut self.packs, &m, w);
        self.pack_ends.push(self.packs.len());
        let data: usize = m
            .sections
            .iter()
            .map(|s| s.data.as_ref().map_or(0, Vec::len))
            .sum();
        self.bytes += data + (self.packs.len() - start);
        self.messages.push(m);
        if self.messages.len() >= BATCH_MESSAGES || self.bytes >= BATCH_BYTES {
            return self.send(None, false);
        }
        true
    }

    fn chunk(&mut self, c: &Chunk<'_>) -> bool {
        self.send(Some(c), false)
    }

    fn flush(&mut self) -> bool {
        self.messages.is_empty() || self.send(None, false)
    }

    fn holding(&self) -> bool {
        !self.messages.is_empty() || (self.want_wait && self.handed)
    }

    fn waiting(&mut self) -> bool {
        if self.want_wait {
            self.send(None, true)
        } else {
            self.flush()
        }
    }
}

/// No callback: the fetch only counts.
struct Discard;

impl StreamSink for Discard {
    fn message(&mut self, _m: Message, _w: Withheld<'_, '_>) -> bool {
        true
    }

    fn chunk(&mut self, _c: &Chunk<'_>) -> bool {
        true
    }
}

#[allow(clippy::too_many_arguments)]
unsafe fn batched_impl(
    client: *mut imapc_client,
    set: Result<MessageSet>,
    items: *const c_char,
    stream_threshold: u64,
    item_version: u32,
    on_batch: imapc_batch_callback,
    userdata: *mut c_void,
    count_out: *mut usize,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside; the callback per its contract.
    unsafe {
        stream_call(client, set, items, count_out, err_out, |c, set, items| {
            let want_wait = item_version & IMAPC_STREAM_WANT_WAIT != 0;
            let version = item_version & !IMAPC_STREAM_WANT_WAIT;
            if version != IMAPC_STREAM_ITEM_VERSION {
                return Err(Error::invalid(format!(
                    "stream item version {version:#x}: this library writes version \
                     {IMAPC_STREAM_ITEM_VERSION} (optionally with IMAPC_STREAM_WANT_WAIT)"
                )));
            }
            match on_batch {
                Some(f) => c.fetch_stream_into(
                    set,
                    items,
                    stream_threshold,
                    &mut Batcher::new(f, userdata, want_wait),
                ),
                None => c.fetch_stream_into(set, items, stream_threshold, &mut Discard),
            }
        })
    }
}

/// Streaming FETCH in batches: as `imapc_client_fetch_stream`, but the
/// messages and the pieces of sections larger than `stream_threshold`
/// reach `on_batch` several at a time, as `imapc_stream_item`s in server
/// order (a message's pieces before the message). Sections up to the
/// threshold come whole in their message item only (`sections`), not as
/// chunks. `item_version` is `IMAPC_STREAM_ITEM_VERSION`, optionally ORed
/// with `IMAPC_STREAM_WANT_WAIT` (see there).
///
/// A batch never waits for the network: it is handed over before the
/// client waits for the server, at the end of the command, with each
/// streamed piece, and once it holds 64 messages or about 1 MiB of them.
/// `on_batch` may be NULL (the fetch only counts), runs on the calling
/// thread with `userdata` first, must not call functions on this client,
/// and may return nonzero to stop (see `imapc_batch_callback`). The
/// number of messages goes to `*count_out` (may be NULL).
///
/// # Safety
/// `client` is live; strings NUL-terminated; the callback valid.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn imapc_client_fetch_stream_batched(
    client: *mut imapc_client,
    set: *const c_char,
    items: *const c_char,
    stream_threshold: u64,
    item_version: u32,
    on_batch: imapc_batch_callback,
    userdata: *mut c_void,
    count_out: *mut usize,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        batched_impl(
            client,
            set_arg(set),
            items,
            stream_threshold,
            item_version,
            on_batch,
            userdata,
            count_out,
            err_out,
        )
    }
}

/// As `imapc_client_fetch_stream_batched`, with the messages given as `n`
/// ids.
///
/// # Safety
/// `ids` holds `n` ids; otherwise as `imapc_client_fetch_stream_batched`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn imapc_client_fetch_stream_batched_ids(
    client: *mut imapc_client,
    ids: *const u32,
    n: usize,
    items: *const c_char,
    stream_threshold: u64,
    item_version: u32,
    on_batch: imapc_batch_callback,
    userdata: *mut c_void,
    count_out: *mut usize,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        batched_impl(
            client,
            ids_arg(ids, n),
            items,
            stream_threshold,
            item_version,
            on_batch,
            userdata,
            count_out,
            err_out,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Section;

    /// An item as a test callback saw it: kind, seq, offset, bytes.
    type Item = (u32, u32, u64, Vec<u8>);

    /// What a test callback saw, batch by batch; and when to stop (after
    /// that many items in all).
    #[derive(Default)]
    struct Seen {
        batches: Vec<Vec<Item>>,
        stop_after: Option<usize>,
        items: usize,
    }

    unsafe extern "C" fn record(
        ud: *mut c_void,
        items: *const imapc_stream_item,
        n: usize,
    ) -> c_int {
        // SAFETY: the test passes its Seen; the items are valid for the call.
        let (seen, items) = unsafe {
            (
                &mut *ud.cast::<Seen>(),
                std::slice::from_raw_parts(items, n),
            )
        };
        let mut batch = Vec::new();
        for it in items {
            let bytes = if it.kind == IMAPC_STREAM_ITEM_WAIT {
                assert!(it.message.is_null() && it.pack.is_null() && it.data.is_null());
                assert_eq!((it.seq, it.uid, it.len, it.pack_len), (0, 0, 0, 0));
                Vec::new()
            } else if it.kind == IMAPC_STREAM_ITEM_CHUNK {
                // SAFETY: a chunk's data and name are valid for the call.
                let name = unsafe { std::ffi::CStr::from_ptr(it.section) };
                assert_eq!(name.to_bytes(), b"BODY[]");
                unsafe { std::slice::from_raw_parts(it.data, it.len) }.to_vec()
            } else {
                // SAFETY: as above, for the message's pack and sections.
                let pack = unsafe { std::slice::from_raw_parts(it.pack, it.pack_len) };
                assert_eq!(pack[0], crate::ffi::message::IMAPC_PACK_VERSION as u8);
                assert_eq!(it.section_count, 1);
                let s = unsafe { &*it.sections };
                assert_eq!(it.uid, it.seq + 100);
                if s.data.is_null() {
                    assert_eq!(s.len, 0);
                    Vec::new()
                } else {
                    unsafe { std::slice::from_raw_parts(s.data, s.len) }.to_vec()
                }
            };
            batch.push((it.kind, it.seq, it.offset, bytes));
            seen.items += 1;
            if seen.stop_after == Some(seen.items) {
                seen.batches.push(batch);
                return 1;
            }
        }
        seen.batches.push(batch);
        0
    }

    /// A message without envelope or body structure into the batch.
    fn put(b: &mut Batcher, m: Message) -> bool {
        let none = Withheld {
            flags: None,
            envelope: None,
            body: None,
        };
        b.message(m, none)
    }

    fn message(seq: u32, len: usize) -> Message {
        Message {
            seq,
            uid: Some(seq + 100),
            sections: vec![Section {
                name: "BODY[]".into(),
                origin: None,
                data: Some(vec![seq as u8; len]),
            }],
            ..Message::default()
        }
    }

    fn piece(seq: u32, offset: u64, data: &[u8]) -> Chunk<'_> {
        Chunk {
            seq,
            uid: None,
            section: "BODY[]",
            offset,
            total: 1000,
            data,
        }
    }

    #[test]
    fn batches_keep_order_and_bounds() {
        let mut seen = Seen::default();
        let mut b = Batcher::new(record, (&mut seen as *mut Seen).cast(), false);
        // Three messages wait; a piece sends them, then itself.
        for seq in 1..=3 {
            assert!(put(&mut b, message(seq, 10)));
        }
        assert!(b.chunk(&piece(4, 0, b"abc")));
        assert!(b.chunk(&piece(4, 3, b"de")));
        assert!(put(&mut b, message(4, 0)));
        assert!(b.flush());
        assert!(b.flush(), "an empty flush calls nothing");
        // 130 small messages: batches of 64; 3 large ones: a batch as
        // soon as the bytes pass 1 MiB.
        for seq in 5..135 {
            assert!(put(&mut b, message(seq, 1)));
        }
        assert!(b.flush());
        for seq in 135..138 {
            assert!(put(&mut b, message(seq, 600 << 10)));
        }
        assert!(b.flush());

        let sizes: Vec<usize> = seen.batches.iter().map(Vec::len).collect();
        assert_eq!(sizes, [4, 1, 1, 64, 64, 2, 2, 1]);
        let all: Vec<_> = seen.batches.concat();
        let kinds_seqs: Vec<(u32, u32)> = all.iter().map(|i| (i.0, i.1)).collect();
        let mut want = vec![(1, 1), (1, 2), (1, 3), (2, 4), (2, 4), (1, 4)];
        want.extend((5..138).map(|s| (1, s)));
        assert_eq!(kinds_seqs, want, "every item once, in order");
        assert_eq!(all[3].2, 0);
        assert_eq!(all[3].3, b"abc");
        assert_eq!(all[4].2, 3);
        assert_eq!(all[4].3, b"de");
        assert_eq!(all[0].3, vec![1u8; 10]);
        assert!(
            all[5].3.is_empty(),
            "a streamed section is empty in its message"
        );
        assert_eq!(all.last().map(|i| i.3.len()), Some(600 << 10));
    }

    #[test]
    fn a_stop_drops_the_rest_of_the_batch() {
        let mut seen = Seen {
            stop_after: Some(2),
            ..Seen::default()
        };
        let mut b = Batcher::new(record, (&mut seen as *mut Seen).cast(), false);
        for seq in 1..=5 {
            assert!(put(&mut b, message(seq, 10)));
        }
        assert!(!b.flush(), "the callback said stop");
        assert_eq!(seen.batches.len(), 1);
        let seqs: Vec<u32> = seen.batches[0].iter().map(|i| i.1).collect();
        assert_eq!(seqs, [1, 2]);
        assert!(b.messages.is_empty(), "nothing is kept for later");
    }

    #[test]
    fn wait_items_only_when_asked_and_once_per_wait() {
        // Without IMAPC_STREAM_WANT_WAIT: nothing held, nothing to say.
        let mut seen = Seen::default();
        let mut b = Batcher::new(record, (&mut seen as *mut Seen).cast(), false);
        assert!(put(&mut b, message(1, 1)));
        assert!(b.holding());
        assert!(b.waiting());
        assert!(!b.holding(), "everything went; no wait item asked for");
        assert_eq!(seen.batches.len(), 1);
        assert_eq!(seen.batches[0].len(), 1);

        let mut seen = Seen::default();
        let mut b = Batcher::new(record, (&mut seen as *mut Seen).cast(), true);
        assert!(!b.holding(), "nothing handed over yet: no wait item");
        // Held messages go before a wait, the wait item last.
        assert!(put(&mut b, message(1, 1)));
        assert!(put(&mut b, message(2, 1)));
        assert!(b.holding());
        assert!(b.waiting());
        assert!(!b.holding(), "one wait item per wait");
        // A full batch goes at once; the next wait is its own item.
        for seq in 3..67 {
            assert!(put(&mut b, message(seq, 1)));
        }
        assert!(b.holding(), "a batch went since the last wait item");
        assert!(b.waiting());
        assert!(!b.holding());
        // A piece, then the end of the command: no wait item at the end.
        assert!(b.chunk(&piece(67, 0, b"x")));
        assert!(put(&mut b, message(67, 0)));
        assert!(b.flush());
        let kinds: Vec<Vec<u32>> = seen
            .batches
            .iter()
            .map(|b| b.iter().map(|i| i.0).collect())
            .collect();
        assert_eq!(
            kinds,
            [vec![1, 1, 3], vec![1; 64], vec![3], vec![2], vec![1]]
        );
    }
}
