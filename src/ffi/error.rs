//! The error channel: every fallible function returns an `imapc_result`
//! (0 = success, otherwise a stable `IMAPC_ERR_*` code) and takes a last,
//! nullable `imapc_error **err_out` that receives the details of a failure.
//! Client handles also remember the message of their last failed call.

use std::ffi::CString;
use std::os::raw::c_char;

use super::boundary::{catch, catch_value, cstring};
use crate::client::{Error, ErrorKind, Result};

/// The result of a fallible call: `IMAPC_OK` (0) or an `IMAPC_ERR_*` code.
/// Codes are stable: never renumbered or reused.
pub type imapc_result = i32;

/// Success.
pub const IMAPC_OK: imapc_result = 0;
/// An argument is malformed (message set, flag, date, name...).
pub const IMAPC_ERR_INVALID_ARGUMENT: imapc_result = 100;
/// A required pointer was NULL.
pub const IMAPC_ERR_NULL_POINTER: imapc_result = 101;
/// A string was not valid UTF-8.
pub const IMAPC_ERR_INVALID_UTF8: imapc_result = 102;
/// The call is not allowed now (no folder selected, IDLE running, client
/// unusable after a fatal error, client in use by another thread).
pub const IMAPC_ERR_ILLEGAL_STATE: imapc_result = 103;
/// A write on a folder opened read-only (EXAMINE).
pub const IMAPC_ERR_READ_ONLY: imapc_result = 104;
/// The server lacks a capability the call needs; nothing was sent.
pub const IMAPC_ERR_CAPABILITY_MISSING: imapc_result = 105;
/// Any other I/O failure (connection refused, reset, DNS...).
pub const IMAPC_ERR_IO: imapc_result = 200;
/// A connect, read or write timed out.
pub const IMAPC_ERR_TIMEOUT: imapc_result = 201;
/// `imapc_client_interrupt` was called while the call ran (or, with no
/// call running, before it). Fatal.
pub const IMAPC_ERR_INTERRUPTED: imapc_result = 202;
/// The connection closed before the command completed.
pub const IMAPC_ERR_CONNECTION_CLOSED: imapc_result = 203;
/// A streaming callback asked to stop.
pub const IMAPC_ERR_ABORTED: imapc_result = 204;
/// A TLS failure without a more specific code.
pub const IMAPC_ERR_TLS: imapc_result = 300;
/// The certificate chain does not lead to a trusted CA.
pub const IMAPC_ERR_TLS_UNKNOWN_ISSUER: imapc_result = 301;
/// A certificate has expired or is not valid yet.
pub const IMAPC_ERR_TLS_EXPIRED: imapc_result = 302;
/// The certificate is not valid for the host name.
pub const IMAPC_ERR_TLS_NAME_MISMATCH: imapc_result = 303;
/// The server's certificate is self-signed and not trusted.
pub const IMAPC_ERR_TLS_SELF_SIGNED: imapc_result = 304;
/// STARTTLS was required but not offered, refused, or preceded by injected data.
pub const IMAPC_ERR_STARTTLS_FAILED: imapc_result = 305;
/// The TLS configuration is unusable (bad PEM, bad key...).
pub const IMAPC_ERR_TLS_CONFIG: imapc_result = 306;
/// The server's bytes are not valid IMAP.
pub const IMAPC_ERR_PROTOCOL: imapc_result = 400;
/// The server answered NO (see the message and response code).
pub const IMAPC_ERR_NO: imapc_result = 401;
/// The server answered BAD.
pub const IMAPC_ERR_BAD: imapc_result = 402;
/// The server said BYE and closed the session.
pub const IMAPC_ERR_BYE: imapc_result = 403;
/// Login or authentication was refused.
pub const IMAPC_ERR_AUTH_FAILED: imapc_result = 404;
/// A response exceeded a configured limit (line, literal, nesting).
pub const IMAPC_ERR_LIMIT_EXCEEDED: imapc_result = 405;
/// A bug in the library (a panic was caught at the boundary).
pub const IMAPC_ERR_INTERNAL: imapc_result = 500;

/// The details of a failed call. Created by the library, owned by the
/// caller, freed with `imapc_error_free`.
pub struct imapc_error {
    code: imapc_result,
    message: CString,
    response_code: Option<CString>,
    fatal: bool,
}

impl imapc_error {
    pub(crate) fn from_error(e: &Error) -> imapc_error {
        imapc_error {
            code: e.kind.code(),
            message: cstring(&e.message),
            response_code: e.response_code.as_deref().map(cstring),
            fatal: e.is_fatal(),
        }
    }
}

/// Write the failure to `err_out` (when non-NULL) and return its code.
///
/// # Safety
/// `err_out` is NULL or writable.
pub(crate) unsafe fn report(e: &Error, err_out: *mut *mut imapc_error) -> imapc_result {
    if !err_out.is_null() {
        // SAFETY: non-NULL and writable per the caller's contract.
        unsafe { *err_out = Box::into_raw(Box::new(imapc_error::from_error(e))) };
    }
    e.kind.code()
}

/// Run a call that needs no client: panic boundary, then report.
///
/// # Safety
/// `err_out` is NULL or writable.
pub(crate) unsafe fn run(
    err_out: *mut *mut imapc_error,
    f: impl FnOnce() -> Result<()>,
) -> imapc_result {
    match catch(f) {
        Ok(()) => IMAPC_OK,
        // SAFETY: forwarded contract.
        Err(e) => unsafe { report(&e, err_out) },
    }
}

/// Write `value` to a required output pointer.
///
/// # Safety
/// `out` is NULL or writable.
pub(crate) unsafe fn put<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable per the caller's contract.
        unsafe { out.write(value) };
    }
}

/// Fail early when a required output pointer is NULL.
pub(crate) fn need_out<T>(out: *mut T, what: &str) -> Result<()> {
    if out.is_null() {
        Err(Error::new(
            ErrorKind::NullPointer,
            format!("{what} is NULL"),
        ))
    } else {
        Ok(())
    }
}

/// Free an error. NULL is allowed.
///
/// # Safety
/// `err` is NULL or came from this library and was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn imapc_error_free(err: *mut imapc_error) {
    if !err.is_null() {
        // SAFETY: came from Box::into_raw in `report`, freed once.
        catch_value((), || drop(unsafe { Box::from_raw(err) }));
    }
}

/// The error's code (`IMAPC_ERR_*`); `IMAPC_ERR_NULL_POINTER` for NULL.
///
/// # Safety
/// `err` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn imapc_error_code(err: *const imapc_error) -> imapc_result {
    // SAFETY: NULL or live per the contract.
    match unsafe { err.as_ref() } {
        Some(e) => e.code,
        None => IMAPC_ERR_NULL_POINTER,
    }
}

/// The error's readable message: the server's text for NO/BAD, the TLS
/// reason for certificate failures. Valid until the error is freed; never
/// NULL (an empty string for a NULL error).
///
/// # Safety
/// `err` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn imapc_error_message(err: *const imapc_error) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    match unsafe { err.as_ref() } {
        Some(e) => e.message.as_ptr(),
        None => c"".as_ptr(),
    }
}

/// The bracketed response code of a server refusal (e.g. `"TRYCREATE"`,
/// `"AUTHENTICATIONFAILED"`), or NULL when there was none. Valid until the
/// error is freed.
///
/// # Safety
/// `err` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn imapc_error_response_code(err: *const imapc_error) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    match unsafe { err.as_ref() }.and_then(|e| e.response_code.as_ref()) {
        Some(c) => c.as_ptr(),
        None => std::ptr::null(),
    }
}

/// True when the client's connection is unusable after this error: every
/// later call on that client fails with `IMAPC_ERR_ILLEGAL_STATE` (an error
/// that is itself fatal), so free it and reconnect. False when the client
/// is still in step with the server and the next call may succeed: a NO or
/// BAD, an invalid argument, an `IMAPC_ERR_LIMIT_EXCEEDED` whose
/// oversized response was skipped while its command completed (or was
/// the command's own completion, whose verdict is then unknown), or a set
/// of ids from the server too large to expand (the same code is fatal when
/// the response could not be skipped, or the event queue overflowed), an
/// `IMAPC_ERR_PROTOCOL` for an untagged response that did not parse while
/// its command completed (fatal when the command's own completion did
/// not parse). Errors of calls
/// without a client (connect, options) are fatal when the connection
/// failed. False for NULL.
///
/// # Safety
/// `err` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn imapc_error_is_fatal(err: *const imapc_error) -> bool {
    // SAFETY: NULL or live per the contract.
    unsafe { err.as_ref() }.is_some_and(|e| e.fatal)
}

/// The stable name of a code: `"IMAPC_OK"`, `"IMAPC_ERR_TIMEOUT"`, ...;
/// `"IMAPC_ERR_UNKNOWN"` for a number that is not a code. Static storage:
/// never freed.
#[no_mangle]
pub extern "C" fn imapc_error_name(code: imapc_result) -> *const c_char {
    if code == IMAPC_OK {
        return c"IMAPC_OK".as_ptr();
    }
    match ErrorKind::from_code(code) {
        Some(k) => static_name(k),
        None => c"IMAPC_ERR_UNKNOWN".as_ptr(),
    }
}

/// `ErrorKind::name` as a static C string: literals, so nothing is
/// allocated (a lazily filled table showed up as "possibly lost" memory
/// under valgrind). `constants_match_error_kinds` checks them against
/// `ErrorKind::name`.
fn static_name(k: ErrorKind) -> *const c_char {
    use ErrorKind::*;
    let s: &'static std::ffi::CStr = match k {
        InvalidArgument => c"IMAPC_ERR_INVALID_ARGUMENT",
        NullPointer => c"IMAPC_ERR_NULL_POINTER",
        InvalidUtf8 => c"IMAPC_ERR_INVALID_UTF8",
        IllegalState => c"IMAPC_ERR_ILLEGAL_STATE",
        ReadOnly => c"IMAPC_ERR_READ_ONLY",
        CapabilityMissing => c"IMAPC_ERR_CAPABILITY_MISSING",
        Io => c"IMAPC_ERR_IO",
        Timeout => c"IMAPC_ERR_TIMEOUT",
        Interrupted => c"IMAPC_ERR_INTERRUPTED",
        ConnectionClosed => c"IMAPC_ERR_CONNECTION_CLOSED",
        Aborted => c"IMAPC_ERR_ABORTED",
        Tls => c"IMAPC_ERR_TLS",
        TlsUnknownIssuer => c"IMAPC_ERR_TLS_UNKNOWN_ISSUER",
        TlsExpired => c"IMAPC_ERR_TLS_EXPIRED",
        TlsNameMismatch => c"IMAPC_ERR_TLS_NAME_MISMATCH",
        TlsSelfSigned => c"IMAPC_ERR_TLS_SELF_SIGNED",
        StartTlsFailed => c"IMAPC_ERR_STARTTLS_FAILED",
        TlsConfig => c"IMAPC_ERR_TLS_CONFIG",
        Protocol => c"IMAPC_ERR_PROTOCOL",
        No => c"IMAPC_ERR_NO",
        Bad => c"IMAPC_ERR_BAD",
        Bye => c"IMAPC_ERR_BYE",
        AuthFailed => c"IMAPC_ERR_AUTH_FAILED",
        LimitExceeded => c"IMAPC_ERR_LIMIT_EXCEEDED",
        Internal => c"IMAPC_ERR_INTERNAL",
    };
    s.as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::error::ALL_KINDS;
    use std::ffi::CStr;

    #[test]
    fn constants_match_error_kinds() {
        let consts = [
            (IMAPC_ERR_INVALID_ARGUMENT, ErrorKind::InvalidArgument),
            (IMAPC_ERR_NULL_POINTER, ErrorKind::NullPointer),
            (IMAPC_ERR_INVALID_UTF8, ErrorKind::InvalidUtf8),
            (IMAPC_ERR_ILLEGAL_STATE, ErrorKind::IllegalState),
            (IMAPC_ERR_READ_ONLY, ErrorKind::ReadOnly),
            (IMAPC_ERR_CAPABILITY_MISSING, ErrorKind::CapabilityMissing),
            (IMAPC_ERR_IO, ErrorKind::Io),
            (IMAPC_ERR_TIMEOUT, ErrorKind::Timeout),
            (IMAPC_ERR_INTERRUPTED, ErrorKind::Interrupted),
            (IMAPC_ERR_CONNECTION_CLOSED, ErrorKind::ConnectionClosed),
            (IMAPC_ERR_ABORTED, ErrorKind::Aborted),
            (IMAPC_ERR_TLS, ErrorKind::Tls),
            (IMAPC_ERR_TLS_UNKNOWN_ISSUER, ErrorKind::TlsUnknownIssuer),
            (IMAPC_ERR_TLS_EXPIRED, ErrorKind::TlsExpired),
            (IMAPC_ERR_TLS_NAME_MISMATCH, ErrorKind::TlsNameMismatch),
            (IMAPC_ERR_TLS_SELF_SIGNED, ErrorKind::TlsSelfSigned),
            (IMAPC_ERR_STARTTLS_FAILED, ErrorKind::StartTlsFailed),
            (IMAPC_ERR_TLS_CONFIG, ErrorKind::TlsConfig),
            (IMAPC_ERR_PROTOCOL, ErrorKind::Protocol),
            (IMAPC_ERR_NO, ErrorKind::No),
            (IMAPC_ERR_BAD, ErrorKind::Bad),
            (IMAPC_ERR_BYE, ErrorKind::Bye),
            (IMAPC_ERR_AUTH_FAILED, ErrorKind::AuthFailed),
            (IMAPC_ERR_LIMIT_EXCEEDED, ErrorKind::LimitExceeded),
            (IMAPC_ERR_INTERNAL, ErrorKind::Internal),
        ];
        assert_eq!(
            consts.len(),
            ALL_KINDS.len(),
            "a kind has no IMAPC_ERR_ constant"
        );
        for (c, k) in consts {
            assert_eq!(c, k.code());
            // SAFETY: imapc_error_name returns a static C string.
            let name = unsafe { CStr::from_ptr(imapc_error_name(c)) };
            assert_eq!(name.to_str().unwrap(), k.name());
        }
        // SAFETY: as above.
        let ok = unsafe { CStr::from_ptr(imapc_error_name(0)) };
        assert_eq!(ok.to_str().unwrap(), "IMAPC_OK");
        // SAFETY: as above.
        let unk = unsafe { CStr::from_ptr(imapc_error_name(12345)) };
        assert_eq!(unk.to_str().unwrap(), "IMAPC_ERR_UNKNOWN");
    }

    #[test]
    fn panics_become_internal_errors() {
        let mut err: *mut imapc_error = std::ptr::null_mut();
        // SAFETY: err is a valid out pointer.
        let rc = unsafe { run(&mut err, || panic!("boom")) };
        assert_eq!(rc, IMAPC_ERR_INTERNAL);
        // SAFETY: err was set by run.
        let msg = unsafe { CStr::from_ptr(imapc_error_message(err)) };
        assert!(msg.to_str().unwrap().contains("boom"));
        // SAFETY: err came from run; freed once.
        unsafe { imapc_error_free(err) };
    }
}
