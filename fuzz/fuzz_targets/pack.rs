//! Arbitrary bytes, framed and parsed; the FETCH responses among them are
//! collected by the C buffered fetch's two paths: packed straight from the
//! parse as they arrive (what `imapc_client_fetch` does) and owned, merged,
//! then packed (the reference). The packs must be the same, and everything
//! a C program can read of the messages (every accessor, every part and
//! address) must read the same from both, without a panic. Built with the
//! sanitizer cargo-fuzz uses, the reads of the views built from the packs
//! are checked too.
#![no_main]

use imapclient::ffi::fuzzing::{dump, lists_from_responses, packs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (got, want) = lists_from_responses(data);
    assert_eq!(packs(&got), packs(&want));
    assert_eq!(dump(&got), dump(&want));
});
