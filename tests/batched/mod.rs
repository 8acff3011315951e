//! The C ABI's batched streaming fetch, driven from a test: connect with
//! the options given, log in, SELECT INBOX, then `UID FETCH 1:* (UID
//! BODY.PEEK[])` through `imapc_client_fetch_stream_batched`, recording
//! each batch. `on_second` runs once a batch holding message 2 has been
//! seen: scripted servers wait for it before sending the rest, so a batch
//! held back while the client waits for the server ends in its I/O
//! timeout instead.
#![allow(dead_code)] // each test binary uses a different part of this

use std::ffi::{c_int, c_void, CString};
use std::ptr::null_mut;

use imapclient::ffi::client::*;
use imapclient::ffi::error::*;
use imapclient::ffi::options::*;
use imapclient::ffi::stream::*;

/// A message as a batch held it: seq, UID, its one section's bytes.
pub type Item = (u32, u32, Vec<u8>);

struct Seen {
    on_second: Box<dyn FnMut()>,
    batches: Vec<Vec<Item>>,
}

unsafe extern "C" fn on_batch(ud: *mut c_void, items: *const imapc_stream_item, n: usize) -> c_int {
    // SAFETY: our Seen; the items are valid for the call.
    let (seen, items) = unsafe {
        (
            &mut *ud.cast::<Seen>(),
            std::slice::from_raw_parts(items, n),
        )
    };
    let mut batch = Vec::new();
    for it in items {
        assert_eq!(it.kind, IMAPC_STREAM_ITEM_MESSAGE);
        assert_eq!(it.section_count, 1);
        // SAFETY: one section entry, its data valid for the call.
        let s = unsafe { &*it.sections };
        let data = unsafe { std::slice::from_raw_parts(s.data, s.len) }.to_vec();
        batch.push((it.seq, it.uid, data));
    }
    if batch.iter().any(|m| m.0 == 2) {
        (seen.on_second)();
    }
    seen.batches.push(batch);
    0
}

/// Run the fetch on a client connected with `options` (freed here): the
/// fetch's result, the message count and the batches.
///
/// # Safety
/// `options` is a live `imapc_connect_options`.
pub unsafe fn fetch(
    options: *mut imapc_connect_options,
    on_second: impl FnMut() + 'static,
) -> (imapc_result, usize, Vec<Vec<Item>>) {
    let mut seen = Seen {
        on_second: Box::new(on_second),
        batches: Vec::new(),
    };
    let (set, items) = (
        CString::new("1:*").unwrap(),
        CString::new("BODY.PEEK[]").unwrap(),
    );
    let mut count = 0usize;
    // SAFETY: C ABI calls with valid strings and out-pointers; errors are
    // not asked for (NULL) and the results are asserted.
    let rc = unsafe {
        assert_eq!(
            imapc_connect_options_set_io_timeout_ms(options, 2000, null_mut()),
            IMAPC_OK
        );
        let c = super::fake::c_login_select(options);
        let rc = imapc_client_fetch_stream_batched(
            c,
            set.as_ptr(),
            items.as_ptr(),
            1 << 20,
            IMAPC_STREAM_ITEM_VERSION,
            Some(on_batch),
            (&mut seen as *mut Seen).cast(),
            &mut count,
            null_mut(),
        );
        imapc_client_free(c);
        rc
    };
    (rc, count, seen.batches)
}

/// What the scripted servers send: messages 1 and 2 before waiting, 3
/// after; and the batches a client that hands on before waiting makes.
pub const FIRST: &str =
    "* 1 FETCH (UID 101 BODY[] {5}\r\nhello)\r\n* 2 FETCH (UID 102 BODY[] {5}\r\nworld)\r\n";
pub const REST: &str = "* 3 FETCH (UID 103 BODY[] {3}\r\nend)\r\nA3 OK done\r\n";

pub fn want() -> Vec<Vec<Item>> {
    vec![
        vec![(1, 101, b"hello".to_vec()), (2, 102, b"world".to_vec())],
        vec![(3, 103, b"end".to_vec())],
    ]
}
