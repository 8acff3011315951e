//! The one place that touches `ffi-support` (archived upstream): the panic
//! boundary and borrowed C strings. Replacing the crate means rewriting
//! only this file.

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use ffi_support::{ErrorCode, ExternError, FfiStr};

use crate::client::{Error, ErrorKind, Result};

/// Run `f` inside the panic boundary. A panic becomes an `Internal` error
/// carrying the panic message; nothing unwinds into C.
pub(crate) fn catch<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    let mut out: Option<Result<T>> = None;
    let mut ext = ExternError::success();
    {
        let slot = &mut out;
        ffi_support::call_with_output(
            &mut ext,
            AssertUnwindSafe(move || {
                *slot = Some(f());
            }),
        );
    }
    if ext.get_code() != ErrorCode::SUCCESS {
        // SAFETY: `ext` came from ffi-support with a message it allocated;
        // consuming it frees that message exactly once.
        let msg = unsafe { ext.get_and_consume_message() }.unwrap_or_default();
        return Err(Error::new(
            ErrorKind::Internal,
            format!("internal error (panic caught at the C boundary): {msg}"),
        ));
    }
    out.unwrap_or_else(|| {
        Err(Error::new(
            ErrorKind::Internal,
            "internal error: call produced no result",
        ))
    })
}

/// Run an infallible accessor inside the panic boundary; a panic gives
/// `fallback`.
pub(crate) fn catch_value<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// A required, borrowed C string argument: NULL and invalid UTF-8 are
/// errors naming the argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, what: &str) -> Result<&'a str> {
    if p.is_null() {
        return Err(Error::new(
            ErrorKind::NullPointer,
            format!("{what} is NULL"),
        ));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    let s = unsafe { FfiStr::from_raw(p) };
    // Check the bytes ourselves: `as_opt_str` would log and hide the reason.
    // SAFETY: as above.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    match std::str::from_utf8(bytes) {
        Ok(_) => s.as_opt_str().ok_or_else(|| {
            Error::new(ErrorKind::InvalidUtf8, format!("{what} is not valid UTF-8"))
        }),
        Err(e) => Err(Error::new(
            ErrorKind::InvalidUtf8,
            format!("{what} is not valid UTF-8: {e}"),
        )),
    }
}

/// An optional string argument: NULL gives `None`.
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(p: *const c_char, what: &str) -> Result<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { str_arg(p, what) }.map(Some)
    }
}

/// An array of `n` strings; NULL with `n == 0` is the empty array.
///
/// # Safety
/// `p` is NULL or points to `n` string pointers as in [`str_arg`].
pub(crate) unsafe fn str_array<'a>(
    p: *const *const c_char,
    n: usize,
    what: &str,
) -> Result<Vec<&'a str>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if p.is_null() {
        return Err(Error::new(
            ErrorKind::NullPointer,
            format!("{what} is NULL but its count is {n}"),
        ));
    }
    // SAFETY: non-NULL, `n` elements per the caller's contract.
    let ptrs = unsafe { std::slice::from_raw_parts(p, n) };
    ptrs.iter()
        .enumerate()
        // SAFETY: each element obeys the contract of `str_arg`.
        .map(|(i, &s)| unsafe { str_arg(s, &format!("{what}[{i}]")) })
        .collect()
}

/// A byte or id array of `n` items; NULL with `n == 0` is empty.
///
/// # Safety
/// `p` is NULL or points to `n` readable `T`s.
pub(crate) unsafe fn slice_arg<'a, T>(p: *const T, n: usize, what: &str) -> Result<&'a [T]> {
    if n == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Error::new(
            ErrorKind::NullPointer,
            format!("{what} is NULL but its length is {n}"),
        ));
    }
    // SAFETY: non-NULL with `n` elements per the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(p, n) })
}

/// A C string from text that came from the network: interior NUL bytes
/// (which C cannot represent) become U+FFFD.
pub(crate) fn cstring(s: &str) -> CString {
    match CString::new(s) {
        Ok(c) => c,
        Err(_) => CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default(),
    }
}

/// A heap string the caller frees with `imapc_string_free`.
pub(crate) fn owned_string(s: &str) -> *mut c_char {
    ffi_support::rust_string_to_c(cstring(s).into_string().unwrap_or_default())
}

/// An [`owned_string`] of `s`, or NULL for `None`: what the calls with an
/// optional string out-parameter (`char **`) store.
pub(crate) fn owned_string_or_null(s: Option<&str>) -> *mut c_char {
    s.map_or(std::ptr::null_mut(), owned_string)
}

/// Free a string made by [`owned_string`].
///
/// # Safety
/// `p` is NULL or came from [`owned_string`] and was not freed.
pub(crate) unsafe fn free_string(p: *mut c_char) {
    // SAFETY: forwarded contract.
    unsafe { ffi_support::destroy_c_string(p) }
}

/// Write borrowed bytes as pointer and length; false, writing nothing,
/// for None.
///
/// # Safety
/// Outputs are NULL or writable.
pub(crate) unsafe fn put_bytes(
    d: Option<&[u8]>,
    data_out: *mut *const u8,
    len_out: *mut usize,
) -> bool {
    match d {
        Some(d) => {
            // SAFETY: NULL or writable per the contract.
            unsafe {
                super::error::put(data_out, d.as_ptr());
                super::error::put(len_out, d.len());
            }
            true
        }
        None => false,
    }
}
