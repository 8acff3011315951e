//! The C ABI: opaque handles, stable error codes, result objects and
//! callbacks. `include/imapclient.h` is generated from this module.
//!
//! Thread rules: a client is used by one thread at a time (a concurrent
//! call fails with `IMAPC_ERR_ILLEGAL_STATE`); `imapc_client_interrupt` may
//! be called from any thread; TLS configs are immutable and shareable;
//! result objects may be read from any thread once returned.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

mod boundary;
pub mod client;
pub mod error;
pub mod events;
pub mod folder;
#[doc(hidden)]
pub mod fuzzing;
pub mod lists;
pub mod logging;
pub mod message;
pub mod notify;
pub mod options;
mod pack;
pub mod search;
pub mod stream;
pub mod thread;
pub mod tls;

use std::os::raw::c_char;

/// Major version of the library.
pub const IMAPC_VERSION_MAJOR: u32 = 0;
/// Minor version of the library.
pub const IMAPC_VERSION_MINOR: u32 = 1;
/// Patch version of the library.
pub const IMAPC_VERSION_PATCH: u32 = 0;

const VERSION: &std::ffi::CStr = c"0.1.0";

/// The library's version as `"MAJOR.MINOR.PATCH"` (static storage). Compare
/// with the `IMAPC_VERSION_*` macros to detect a header/library mismatch.
#[no_mangle]
pub extern "C" fn imapc_version() -> *const c_char {
    VERSION.as_ptr()
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_matches_cargo() {
        let v = format!(
            "{}.{}.{}",
            super::IMAPC_VERSION_MAJOR,
            super::IMAPC_VERSION_MINOR,
            super::IMAPC_VERSION_PATCH
        );
        assert_eq!(v, env!("CARGO_PKG_VERSION"));
        assert_eq!(super::VERSION.to_str().unwrap(), v);
    }
}
