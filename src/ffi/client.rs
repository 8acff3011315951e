//! The client handle: connection, session, folders, messages, IDLE.
//!
//! A handle holds the `Interrupter` beside a mutex around the client, so
//! `imapc_client_interrupt` works from any thread without the lock, and a
//! second thread using the client at the same time gets
//! `IMAPC_ERR_ILLEGAL_STATE` instead of a data race.

use std::ffi::{c_void, CString};
use std::os::raw::{c_char, c_int};
use std::sync::{Mutex, TryLockError};
use std::time::Duration;

use zeroize::{Zeroize, Zeroizing};

use super::boundary::{catch, cstring, slice_arg, str_arg, str_array};
use super::error::{imapc_error, imapc_result, need_out, put, report, run, IMAPC_OK};
use super::events::imapc_event_list;
use super::folder::{imapc_folder_list, imapc_mailbox_state};
use super::lists::{
    imapc_copy_result, imapc_folder_status, imapc_id_list, imapc_metadata_list, imapc_quota_list,
    imapc_string_list,
};
use super::message::{imapc_message, imapc_message_list, PackingSink, ViewArena};
use super::options::imapc_connect_options;
use crate::client::Withheld;
use crate::client::{
    AppendMessage, Client, DateTime, Error, ErrorKind, MessageSet, Result, SearchKey, StoreAction,
    StoreOptions,
};
use crate::client::{Interrupter, Sasl as sasl};
use crate::proto::quote::quoted;

struct Slot {
    client: Client,
    last_error: Option<CString>,
    broken_by_panic: bool,
}

/// A connection to an IMAP server. Created by `imapc_client_connect`,
/// owned by the caller, freed with `imapc_client_free`. Use a client from
/// one thread at a time (a concurrent call fails with
/// `IMAPC_ERR_ILLEGAL_STATE`); only `imapc_client_interrupt` may be called
/// from any thread at any time.
pub struct imapc_client {
    interrupter: Interrupter,
    slot: Mutex<Slot>,
}

/// Run `f` on the client inside the panic boundary; remember the error
/// message in the handle and report it through `err_out`.
pub(super) unsafe fn call(
    c: *const imapc_client,
    err_out: *mut *mut imapc_error,
    f: impl FnOnce(&mut Client) -> Result<()>,
) -> imapc_result {
    // SAFETY: NULL or a live handle per every function's contract.
    let Some(h) = (unsafe { c.as_ref() }) else {
        // SAFETY: err_out NULL or writable.
        return unsafe {
            report(
                &Error::new(ErrorKind::NullPointer, "client is NULL"),
                err_out,
            )
        };
    };
    let mut guard = match h.slot.try_lock() {
        Ok(g) => g,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => {
            let e = Error::state(
                "the client is in use by another thread (or by a callback of this call)",
            );
            // SAFETY: err_out NULL or writable.
            return unsafe { report(&e, err_out) };
        }
    };
    let slot = &mut *guard;
    let r = if slot.broken_by_panic {
        Err(Error::state("the client is unusable after an internal error").with_fatal(true))
    } else {
        let client = &mut slot.client;
        catch(move || f(client))
    };
    match r {
        Ok(()) => {
            slot.last_error = None;
            IMAPC_OK
        }
        Err(e) => {
            if e.kind == ErrorKind::Internal {
                slot.broken_by_panic = true;
            }
            slot.last_error = Some(cstring(&format!("{}: {}", e.kind.name(), e.message)));
            // SAFETY: err_out NULL or writable.
            unsafe { report(&e, err_out) }
        }
    }
}

pub(super) fn boxed<T>(v: T) -> *mut T {
    Box::into_raw(Box::new(v))
}

/// Box `v` into `*out` when `out` is not NULL (else drop it: nullable
/// outputs must not leak).
///
/// # Safety
/// `out` is NULL or writable.
pub(super) unsafe fn put_boxed<T>(out: *mut *mut T, v: T) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable per the caller's contract.
        unsafe { out.write(boxed(v)) };
    }
}

/// Connect as the options say: TCP, TLS or STARTTLS, greeting and
/// capabilities. On success the caller owns `*client_out`; free with
/// `imapc_client_free` (after `imapc_client_logout` for a polite goodbye).
/// TLS failures give `IMAPC_ERR_TLS_*` codes with the reason in the message.
///
/// # Safety
/// `options` is live; `client_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_connect(
    options: *const imapc_connect_options,
    client_out: *mut *mut imapc_client,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside; contract as documented.
    unsafe {
        run(err_out, || {
            let o = options
                .as_ref()
                .ok_or_else(|| Error::new(ErrorKind::NullPointer, "options is NULL"))?;
            need_out(client_out, "client_out")?;
            let client = Client::connect(&o.inner)?;
            let h = imapc_client {
                interrupter: client.interrupter(),
                slot: Mutex::new(Slot {
                    client,
                    last_error: None,
                    broken_by_panic: false,
                }),
            };
            put_boxed(client_out, h);
            Ok(())
        })
    }
}

/// Close the connection (without LOGOUT) and free the client. NULL is
/// allowed. No other thread may be using the client.
#[no_mangle]
pub extern "C" fn imapc_client_free(client: *mut imapc_client) {
    super::lists::free_box(client)
}

/// Interrupt the blocking call running on this client, from any thread:
/// it returns `IMAPC_ERR_INTERRUPTED` (fatal) promptly and the connection
/// is closed (reconnect afterwards). A call waiting for the server stops
/// at once; one working through an answer already received stops before
/// the next response it would handle and before the next callback or
/// batch of a streaming fetch (a callback running when the interrupt
/// comes finishes; none runs after it). The interrupt is reported once,
/// by the call it interrupted, even if that call had received its whole
/// answer; later calls fail with `IMAPC_ERR_ILLEGAL_STATE`. Safe to call
/// at any time, also when no call runs (or as one returns, after its last
/// look at the interrupt): the connection is closed all the same, and the
/// next call fails at once with `IMAPC_ERR_INTERRUPTED` (fatal), later
/// ones with `IMAPC_ERR_ILLEGAL_STATE`. Does nothing for NULL. The client
/// must not be freed concurrently.
#[no_mangle]
pub extern "C" fn imapc_client_interrupt(client: *const imapc_client) {
    if let Some(h) = super::lists::get(client) {
        super::boundary::catch_value((), || h.interrupter.interrupt());
    }
}

/// The message of the last failed call on this client (`"IMAPC_ERR_NAME:
/// detail"`), or NULL when the last call succeeded. Valid until the next
/// call on this client.
#[no_mangle]
pub extern "C" fn imapc_client_last_error(client: *const imapc_client) -> *const c_char {
    let Some(h) = super::lists::get(client) else {
        return std::ptr::null();
    };
    let g = match h.slot.try_lock() {
        Ok(g) => g,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => return std::ptr::null(),
    };
    // The CString's heap buffer stays put until the slot's next change.
    g.last_error
        .as_ref()
        .map_or(std::ptr::null(), |s| s.as_ptr())
}

/// LOGIN with a user name and password (UTF-8; never logged).
/// `IMAPC_ERR_AUTH_FAILED` when refused.
///
/// Memory: `password` is read in place, not copied; the library's copy in
/// the command it sends is overwritten with zeros once sent, and the
/// client keeps no credentials. `password` itself is the caller's to
/// wipe (it is not written to: it is `const`). What rustls holds of the
/// TLS plaintext in its own buffers, and the kernel's socket buffers,
/// are out of the library's reach.
///
/// # Safety
/// `client` is live; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_login(
    client: *mut imapc_client,
    user: *const c_char,
    password: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let u = str_arg(user, "user")?;
            let p = str_arg(password, "password")?;
            c.login(u, p)
        })
    }
}

/// AUTHENTICATE PLAIN (RFC 4616); `authzid` may be NULL. The response
/// the library builds from `password` and its base64 form are
/// overwritten with zeros once sent (see `imapc_client_login` for what is
/// not).
///
/// # Safety
/// `client` is live; strings are NUL-terminated (authzid may be NULL).
#[no_mangle]
pub unsafe extern "C" fn imapc_client_authenticate_plain(
    client: *mut imapc_client,
    authzid: *const c_char,
    user: *const c_char,
    password: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let z = super::boundary::opt_str_arg(authzid, "authzid")?;
            let u = str_arg(user, "user")?;
            let p = str_arg(password, "password")?;
            c.authenticate(&sasl::Plain {
                authzid: z,
                user: u,
                password: p,
            })
        })
    }
}

/// The response a SASL step gives the server (see `imapc_sasl_callback`):
/// set with `imapc_sasl_reply_set`, valid only during the callback.
pub struct imapc_sasl_reply {
    /// The library's copy of the response: wiped when replaced, when the
    /// library has sent it, and when dropped unsent.
    data: Zeroizing<Vec<u8>>,
}

/// One step of a SASL mechanism of the caller's
/// (`imapc_client_authenticate_sasl`): `challenge` holds the server's
/// challenge decoded from base64 (`challenge_len` bytes, possibly NUL
/// bytes among them, not NUL-terminated; borrowed for the call; for a
/// client-first mechanism the first call has an empty challenge and asks
/// for the initial response). Give the response with
/// `imapc_sasl_reply_set` (none given: an empty response) and return 0;
/// return nonzero to cancel the exchange, e.g. when the server's final
/// message does not verify. Runs on the calling thread; a call of another
/// function on the same client from it fails with
/// `IMAPC_ERR_ILLEGAL_STATE`.
pub type imapc_sasl_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        challenge: *const u8,
        challenge_len: usize,
        reply: *mut imapc_sasl_reply,
    ) -> c_int,
>;

/// Set the response of a SASL step to `len` bytes at `data` (copied;
/// `data` may be NULL when `len` is 0); a later call replaces it. The
/// library base64-encodes it and never logs it. Its copy is overwritten
/// with zeros when replaced, once sent, and when the step cancels; `data`
/// is the caller's to wipe.
///
/// # Safety
/// `reply` is the one the callback was given; `data` holds `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn imapc_sasl_reply_set(
    reply: *mut imapc_sasl_reply,
    data: *const u8,
    len: usize,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        run(err_out, || {
            // SAFETY: NULL or the callback's reply.
            let r = reply
                .as_mut()
                .ok_or_else(|| Error::new(ErrorKind::NullPointer, "reply is NULL"))?;
            let d = slice_arg(data, len, "data")?;
            // The response replaced is wiped, spare capacity included, and
            // the new one goes where it has room: no reallocation leaves
            // a copy of either behind.
            r.data.zeroize();
            if r.data.capacity() < d.len() {
                *r.data = Vec::with_capacity(d.len());
            }
            r.data.extend_from_slice(d);
            Ok(())
        })
    }
}

/// AUTHENTICATE with a SASL mechanism of the caller's (RFC 4422), as
/// IMAPClient's `sasl_login`: SCRAM-SHA-256, CRAM-MD5, GSSAPI, NTLM,
/// LOGIN, any the server announces as `AUTH=<mechanism>` (1 to 20 of
/// `A-Z 0-9 - _`; lower case is raised). `step` answers each challenge
/// (see `imapc_sasl_callback`); with `client_first` (PLAIN, SCRAM-*,
/// GSSAPI, EXTERNAL...) it is first called with an empty challenge for
/// the initial response, sent inline when the server has SASL-IR.
///
/// Errors: `IMAPC_ERR_AUTH_FAILED` when the server refuses;
/// `IMAPC_ERR_ABORTED` when `step` returned nonzero (the exchange was
/// cancelled, the client stays usable and not authenticated); a
/// non-fatal `IMAPC_ERR_PROTOCOL` for a challenge that is not base64; a
/// fatal `IMAPC_ERR_PROTOCOL` when the server accepts an exchange `step`
/// cancelled (the session is closed); `IMAPC_ERR_CAPABILITY_MISSING`
/// when the server does not offer the mechanism. Responses are never
/// logged, and the library's copies of them (see `imapc_sasl_reply_set`)
/// are overwritten with zeros once sent.
///
/// # Safety
/// `client` is live; `mechanism` is NUL-terminated; `step` follows its
/// contract with `userdata`.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_authenticate_sasl(
    client: *mut imapc_client,
    mechanism: *const c_char,
    client_first: bool,
    step: imapc_sasl_callback,
    userdata: *mut c_void,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside; the callback per its contract.
    unsafe {
        call(client, err_out, |c| {
            let m = str_arg(mechanism, "mechanism")?;
            let f = step.ok_or_else(|| Error::new(ErrorKind::NullPointer, "step is NULL"))?;
            let mut reply = imapc_sasl_reply {
                data: Zeroizing::new(Vec::new()),
            };
            c.authenticate_with(m, client_first, |challenge| {
                reply.data.zeroize();
                // A pointer that is never NULL, even for no bytes.
                static NO_BYTES: [u8; 1] = [0];
                let p = if challenge.is_empty() {
                    NO_BYTES.as_ptr()
                } else {
                    challenge.as_ptr()
                };
                // SAFETY: the caller's callback; `challenge` and `reply`
                // live until it returns.
                match f(userdata, p, challenge.len(), &mut reply) {
                    // The library wipes the response once it is sent.
                    0 => Ok(std::mem::take(&mut *reply.data)),
                    rc => Err(format!("the step callback returned {rc}")),
                }
            })
        })
    }
}

/// AUTHENTICATE XOAUTH2 (Google, Microsoft) with an OAuth 2 bearer token;
/// `vendor` may be NULL. The response the library builds from `token` and
/// its base64 form are overwritten with zeros once sent (see
/// `imapc_client_login` for what is not).
///
/// # Safety
/// `client` is live; strings are NUL-terminated (vendor may be NULL).
#[no_mangle]
pub unsafe extern "C" fn imapc_client_authenticate_xoauth2(
    client: *mut imapc_client,
    user: *const c_char,
    token: *const c_char,
    vendor: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let u = str_arg(user, "user")?;
            let t = str_arg(token, "token")?;
            let v = super::boundary::opt_str_arg(vendor, "vendor")?;
            c.authenticate(&sasl::XOAuth2 {
                user: u,
                token: t,
                vendor: v,
            })
        })
    }
}

/// AUTHENTICATE OAUTHBEARER (RFC 7628) with an OAuth 2 bearer token.
/// The response the library builds from `token` and its base64 form are
/// overwritten with zeros once sent (see `imapc_client_login` for what
/// is not).
///
/// # Safety
/// `client` is live; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_authenticate_oauthbearer(
    client: *mut imapc_client,
    user: *const c_char,
    token: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let u = str_arg(user, "user")?;
            let t = str_arg(token, "token")?;
            c.authenticate(&sasl::OAuthBearer { user: u, token: t })
        })
    }
}

/// The server's capabilities as last seen (no network traffic). Caller
/// owns `*caps_out`; free with `imapc_string_list_free`.
///
/// # Safety
/// `client` is live; `caps_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_capabilities(
    client: *mut imapc_client,
    caps_out: *mut *mut imapc_string_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            need_out(caps_out, "caps_out")?;
            put_boxed(caps_out, imapc_string_list::new(c.capabilities()));
            Ok(())
        })
    }
}

/// The text of the server's greeting, after its status and response code
/// (`* OK [CAPABILITY ...] Dovecot ready.` gives `Dovecot ready.`; no
/// network traffic). IMAPClient calls it `welcome`. Caller owns
/// `*text_out`; free with `imapc_string_free`.
///
/// # Safety
/// `client` is live; `text_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_greeting(
    client: *mut imapc_client,
    text_out: *mut *mut c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            need_out(text_out, "text_out")?;
            put(text_out, super::boundary::owned_string(c.greeting()));
            Ok(())
        })
    }
}

/// A boolean read from the client: false for NULL, a busy client or a
/// failing check (the getters have no error channel).
///
/// # Safety
/// `c` is NULL or a live handle.
unsafe fn get_bool(c: *const imapc_client, f: impl FnOnce(&mut Client) -> Result<bool>) -> bool {
    let mut yes = false;
    // SAFETY: pointer checked inside `call`.
    let _ = unsafe {
        call(c, std::ptr::null_mut(), |c| {
            yes = f(c)?;
            Ok(())
        })
    };
    yes
}

/// True when the server has the capability (case-insensitive, e.g.
/// `"IDLE"`, `"AUTH=PLAIN"`). False for NULL arguments or a busy client.
///
/// # Safety
/// `client` is NULL or live; `cap` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_has_capability(
    client: *mut imapc_client,
    cap: *const c_char,
) -> bool {
    // SAFETY: pointers checked inside.
    unsafe { get_bool(client, |c| Ok(c.has_capability(str_arg(cap, "cap")?))) }
}

/// The largest message the server takes in an APPEND (its
/// `APPENDLIMIT=n` capability, RFC 7889): true with the limit in
/// `*limit_out`, false when it announces none (or only per-folder limits),
/// the capability is masked, or for NULL arguments or a busy client.
/// `imapc_client_append` and `imapc_client_multiappend` refuse a larger
/// message before sending anything: `IMAPC_ERR_INVALID_ARGUMENT` with the
/// response code `TOOBIG`, the code a server's NO would carry.
///
/// # Safety
/// `client` is NULL or live; `limit_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_append_limit(
    client: *mut imapc_client,
    limit_out: *mut u64,
) -> bool {
    // SAFETY: pointers checked inside.
    unsafe {
        get_bool(client, |c| {
            need_out(limit_out, "limit_out")?;
            Ok(match c.append_limit() {
                Some(n) => {
                    put(limit_out, n);
                    true
                }
                None => false,
            })
        })
    }
}

/// True when the connection is protected by TLS.
///
/// # Safety
/// `client` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_is_tls(client: *mut imapc_client) -> bool {
    // SAFETY: pointers checked inside.
    unsafe { get_bool(client, |c| Ok(c.is_tls())) }
}

/// COMPRESS=DEFLATE (RFC 4978): from here on the connection's bytes are
/// deflated both ways (inside TLS when there is TLS), which cuts the
/// traffic of header syncs and downloads several times over on slow or
/// metered links. Call it once, after logging in; it lasts as long as the
/// connection. `IMAPC_ERR_CAPABILITY_MISSING` when the server does not
/// offer COMPRESS=DEFLATE, `IMAPC_ERR_ILLEGAL_STATE` before login or when
/// already compressed (nothing is sent then).
///
/// # Safety
/// `client` is NULL or live; `err_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_compress(
    client: *mut imapc_client,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe { call(client, err_out, |c| c.compress()) }
}

/// True when COMPRESS=DEFLATE is active on the connection.
///
/// # Safety
/// `client` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_is_compressed(client: *mut imapc_client) -> bool {
    // SAFETY: pointers checked inside.
    unsafe { get_bool(client, |c| Ok(c.is_compressed())) }
}

/// Byte counts since `imapc_client_compress`: commands sent before and
/// after compression, responses received after and before inflating.
/// Each output may be NULL. Returns false, with every output set to 0,
/// when the connection is not compressed (or `client` is NULL or busy).
///
/// # Safety
/// `client` is NULL or live; each output is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_compression_stats(
    client: *mut imapc_client,
    sent_out: *mut u64,
    sent_wire_out: *mut u64,
    received_out: *mut u64,
    received_wire_out: *mut u64,
) -> bool {
    let mut stats = None;
    // SAFETY: pointers checked inside.
    let on = unsafe {
        get_bool(client, |c| {
            stats = c.compression_stats();
            Ok(stats.is_some())
        })
    };
    let s = stats.unwrap_or_default();
    // SAFETY: each output NULL or writable per the contract.
    unsafe {
        put(sent_out, s.sent);
        put(sent_wire_out, s.sent_wire);
        put(received_out, s.received);
        put(received_wire_out, s.received_wire);
    }
    on
}

/// Message ids are UIDs (true, the default) or sequence numbers (false)
/// from the next call on.
///
/// # Safety
/// `client` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_set_use_uid(
    client: *mut imapc_client,
    yes: bool,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe {
        call(client, err_out, |c| {
            c.set_use_uid(yes);
            Ok(())
        })
    }
}

/// Whether message ids are UIDs. False for NULL or a busy client.
///
/// # Safety
/// `client` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_use_uid(client: *mut imapc_client) -> bool {
    // SAFETY: pointers checked inside.
    unsafe { get_bool(client, |c| Ok(c.use_uid())) }
}

/// Folder names are UTF-8, encoded to modified UTF-7 on the wire (true,
/// the default); false passes names through as raw bytes.
///
/// # Safety
/// `client` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_set_folder_encode(
    client: *mut imapc_client,
    yes: bool,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe {
        call(client, err_out, |c| {
            c.set_folder_encode(yes);
            Ok(())
        })
    }
}

/// Whether folder names are encoded. False for NULL or a busy client.
///
/// # Safety
/// `client` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_folder_encode(client: *mut imapc_client) -> bool {
    // SAFETY: pointers checked inside.
    unsafe { get_bool(client, |c| Ok(c.folder_encode())) }
}

/// NOOP: lets the server deliver pending events (see
/// `imapc_client_take_events`).
///
/// # Safety
/// `client` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_noop(
    client: *mut imapc_client,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe { call(client, err_out, |c| c.noop()) }
}

/// LOGOUT and close the connection. The client stays allocated: free it
/// with `imapc_client_free`.
///
/// # Safety
/// `client` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_logout(
    client: *mut imapc_client,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe { call(client, err_out, |c| c.logout()) }
}

/// Drain the events received so far (EXISTS, EXPUNGE, flag changes,
/// ALERT...). Caller owns `*events_out` (possibly empty); free with
/// `imapc_event_list_free`.
///
/// # Safety
/// `client` is live; `events_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_take_events(
    client: *mut imapc_client,
    events_out: *mut *mut imapc_event_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            need_out(events_out, "events_out")?;
            put_boxed(events_out, imapc_event_list::new(c.take_events()));
            Ok(())
        })
    }
}

/// ID (RFC 2971): send `n` key/value pairs (`keys[i]`, `values[i]`; n may
/// be 0) and receive the server's as a flat list `key0, value0, key1,
/// ...` (a NIL value is `""`). Caller owns `*server_id_out` (may be NULL to
/// ignore it); free with `imapc_string_list_free`.
///
/// # Safety
/// `client` is live; `keys` and `values` hold `n` strings each.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_id(
    client: *mut imapc_client,
    keys: *const *const c_char,
    values: *const *const c_char,
    n: usize,
    server_id_out: *mut *mut imapc_string_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let k = str_array(keys, n, "keys")?;
            let v = str_array(values, n, "values")?;
            let params: Vec<(&str, &str)> = k.into_iter().zip(v).collect();
            let got = c.id(&params)?;
            let flat = got
                .into_iter()
                .flat_map(|(k, v)| [k, v.unwrap_or_default()]);
            put_boxed(server_id_out, imapc_string_list::new(flat));
            Ok(())
        })
    }
}

/// ENABLE (RFC 5161) `n` capabilities (e.g. `"CONDSTORE"`, `"UTF8=ACCEPT"`);
/// the enabled ones go to `*enabled_out` (may be NULL). Caller owns it.
/// Once the server enabled UTF8=ACCEPT (RFC 6855), folder names go to
/// and come from the wire as UTF-8, whatever `folder_encode` says, and
/// SEARCH sends no CHARSET.
///
/// # Safety
/// `client` is live; `caps` holds `n` strings.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_enable(
    client: *mut imapc_client,
    caps: *const *const c_char,
    n: usize,
    enabled_out: *mut *mut imapc_string_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let caps = str_array(caps, n, "caps")?;
            let got = c.enable(&caps)?;
            put_boxed(enabled_out, imapc_string_list::new(got));
            Ok(())
        })
    }
}

/// NAMESPACE (RFC 2342): three flat lists `prefix0, delimiter0, prefix1,
/// ...` (delimiter `""` when none) for personal, other users' and shared
/// namespaces. Each output may be NULL to ignore it; the caller owns and
/// frees the others with `imapc_string_list_free`.
///
/// # Safety
/// `client` is live; outputs are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_namespace(
    client: *mut imapc_client,
    personal_out: *mut *mut imapc_string_list,
    other_out: *mut *mut imapc_string_list,
    shared_out: *mut *mut imapc_string_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let ns = c.namespace()?;
            let flat = |v: Vec<(String, Option<char>)>| {
                boxed(imapc_string_list::new(v.into_iter().flat_map(|(p, d)| {
                    [p, d.map(String::from).unwrap_or_default()]
                })))
            };
            if !personal_out.is_null() {
                put(personal_out, flat(ns.personal));
            }
            if !other_out.is_null() {
                put(other_out, flat(ns.other));
            }
            if !shared_out.is_null() {
                put(shared_out, flat(ns.shared));
            }
            Ok(())
        })
    }
}

// ---------------------------------------------------------------- folders

/// LIST folders under `reference` (usually `""`) matching `pattern` (`"*"`
/// all, `"%"` one level). Names are decoded to UTF-8. Caller owns
/// `*folders_out`; free with `imapc_folder_list_free`.
///
/// # Safety
/// `client` is live; strings NUL-terminated; `folders_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_list(
    client: *mut imapc_client,
    reference: *const c_char,
    pattern: *const c_char,
    folders_out: *mut *mut imapc_folder_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        list_into(
            client,
            reference,
            pattern,
            folders_out,
            err_out,
            Client::list_folders,
        )
    }
}

/// A LIST-like call: arguments checked, the folders boxed for C.
///
/// # Safety
/// As `imapc_client_list`.
unsafe fn list_into(
    client: *mut imapc_client,
    reference: *const c_char,
    pattern: *const c_char,
    folders_out: *mut *mut imapc_folder_list,
    err_out: *mut *mut imapc_error,
    list: impl FnOnce(&mut Client, &str, &str) -> Result<Vec<crate::client::Folder>>,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let r = str_arg(reference, "reference")?;
            let p = str_arg(pattern, "pattern")?;
            need_out(folders_out, "folders_out")?;
            let v = list(c, r, p)?;
            put_boxed(folders_out, imapc_folder_list::new(v));
            Ok(())
        })
    }
}

/// LIST as `imapc_client_list`, with every folder's STATUS counters
/// (`imapc_folder_status_of`): a sync's first look at an account. One
/// command where the server offers LIST-STATUS (RFC 5819), else LIST and
/// a STATUS per selectable folder. Folders that cannot be selected
/// (`\Noselect`, `\NonExistent`) have no status, nor (without
/// LIST-STATUS) do folders whose STATUS the server refused with NO; any
/// other failure fails the call.
///
/// # Safety
/// As `imapc_client_list`.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_list_status(
    client: *mut imapc_client,
    reference: *const c_char,
    pattern: *const c_char,
    folders_out: *mut *mut imapc_folder_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        list_into(
            client,
            reference,
            pattern,
            folders_out,
            err_out,
            |c, r, p| c.list_folders_with_status(r, p),
        )
    }
}

/// LSUB: the subscribed folders, as `imapc_client_list`.
///
/// # Safety
/// As `imapc_client_list`.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_lsub(
    client: *mut imapc_client,
    reference: *const c_char,
    pattern: *const c_char,
    folders_out: *mut *mut imapc_folder_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        list_into(
            client,
            reference,
            pattern,
            folders_out,
            err_out,
            Client::list_subscribed,
        )
    }
}

/// XLIST (Gmail): the folders as `imapc_client_list`, with Gmail's
/// attributes (`"\\Inbox"`, `"\\AllMail"`, `"\\Spam"`, `"\\Starred"`,
/// `"\\Important"`, `"\\Sent"`, `"\\Drafts"`, `"\\Trash"`; test them
/// with `imapc_folder_has_attribute`), as IMAPClient's `xlist_folders`.
/// Google deprecated XLIST for SPECIAL-USE, which `imapc_client_list` and
/// `imapc_client_find_special_folder` read; XLIST is for servers that
/// answer only it. The folder with `"\\Inbox"` may have a localized name
/// (`Posteingang`), returned as the server sent it; select it as `INBOX`.
///
/// Needs the server capability `XLIST`: without it (Dovecot, most
/// servers, or after `imapc_client_mask_capability`) the call fails with
/// `IMAPC_ERR_CAPABILITY_MISSING` and nothing is sent. A NO or BAD from
/// the server fails the call only (not fatal). Caller owns
/// `*folders_out`, written only on success; free with
/// `imapc_folder_list_free`.
///
/// # Safety
/// As `imapc_client_list`.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_xlist(
    client: *mut imapc_client,
    reference: *const c_char,
    pattern: *const c_char,
    folders_out: *mut *mut imapc_folder_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        list_into(
            client,
            reference,
            pattern,
            folders_out,
            err_out,
            Client::xlist_folders,
        )
    }
}

/// STATUS of a folder (not the selected one). Caller owns `*status_out`;
/// free with `imapc_folder_status_free`.
///
/// # Safety
/// `client` is live; `folder` NUL-terminated; `status_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_status(
    client: *mut imapc_client,
    folder: *const c_char,
    status_out: *mut *mut imapc_folder_status,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let f = str_arg(folder, "folder")?;
            need_out(status_out, "status_out")?;
            let s = c.folder_status(f)?;
            put_boxed(status_out, imapc_folder_status { inner: s });
            Ok(())
        })
    }
}

/// The folder with a special-use attribute (`"\\Sent"`, `"\\Trash"`,
/// `"\\Drafts"`, `"\\Junk"`, `"\\Archive"`...), by SPECIAL-USE or by
/// well-known names. `*name_out` receives a string the caller frees with
/// `imapc_string_free`, or NULL when there is none.
///
/// # Safety
/// `client` is live; `attr` NUL-terminated; `name_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_find_special_folder(
    client: *mut imapc_client,
    attr: *const c_char,
    name_out: *mut *mut c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let a = str_arg(attr, "attr")?;
            need_out(name_out, "name_out")?;
            let n = c.find_special_folder(a)?;
            put(
                name_out,
                super::boundary::owned_string_or_null(n.as_deref()),
            );
            Ok(())
        })
    }
}

/// Whether a folder exists: true or false to `*exists_out`. A name may
/// hold `%` or `*` (servers allow them): LIST takes it as a pattern, which
/// may match other folders too, and only a folder of exactly that name
/// counts (an INBOX prefix in any case).
///
/// # Safety
/// `client` is live; `folder` NUL-terminated; `exists_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_folder_exists(
    client: *mut imapc_client,
    folder: *const c_char,
    exists_out: *mut bool,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let f = str_arg(folder, "folder")?;
            need_out(exists_out, "exists_out")?;
            let e = c.folder_exists(f)?;
            put(exists_out, e);
            Ok(())
        })
    }
}

unsafe fn folder_cmd(
    client: *mut imapc_client,
    folder: *const c_char,
    err_out: *mut *mut imapc_error,
    f: impl FnOnce(&mut Client, &str) -> Result<()>,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe { call(client, err_out, |c| f(c, str_arg(folder, "folder")?)) }
}

/// CREATE a folder (UTF-8 name).
///
/// # Safety
/// `client` is live; `folder` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_create_folder(
    client: *mut imapc_client,
    folder: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { folder_cmd(client, folder, err_out, |c, f| c.create_folder(f)) }
}

/// CREATE a folder (UTF-8 name), and its object id (RFC 8474 MAILBOXID)
/// from the server's OK: `*mailbox_id_out` receives a string to free with
/// `imapc_string_free`, or NULL when the server gave none (servers without
/// OBJECTID, such as Dovecot 2.3) or gave one that is not an object id. A
/// server with OBJECTID (Cyrus) gives the id SELECT reports
/// (`imapc_mailbox_state_mailbox_id`), which survives a RENAME.
///
/// # Safety
/// `client` is live; `folder` NUL-terminated; `mailbox_id_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_create_folder_with_id(
    client: *mut imapc_client,
    folder: *const c_char,
    mailbox_id_out: *mut *mut c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let f = str_arg(folder, "folder")?;
            need_out(mailbox_id_out, "mailbox_id_out")?;
            let id = c.create_folder_with_id(f)?;
            put(
                mailbox_id_out,
                super::boundary::owned_string_or_null(id.as_deref()),
            );
            Ok(())
        })
    }
}

/// CREATE a folder with special-use attributes (RFC 6154
/// CREATE-SPECIAL-USE): `uses` holds `n_uses` attributes such as `"\\Sent"`
/// (`\` and an atom: `\Sent`, `\Drafts`, `\Trash`, `\Junk`, `\Archive`,
/// `\All`, `\Flagged`, or an extension), so that every client finds the
/// folder by its use. `*mailbox_id_out` (may be NULL: not wanted) receives
/// the folder's object id as from `imapc_client_create_folder_with_id`.
/// Refused before anything is sent: a server without CREATE-SPECIAL-USE
/// (`IMAPC_ERR_CAPABILITY_MISSING`; Dovecot 2.3 has none), no use or one of
/// another form (`IMAPC_ERR_INVALID_ARGUMENT`). A server that will not give
/// a use answers NO with the response code `USEATTR`.
///
/// # Safety
/// `client` is live; `folder` and the `n_uses` strings of `uses`
/// NUL-terminated; `mailbox_id_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_create_folder_special_use(
    client: *mut imapc_client,
    folder: *const c_char,
    uses: *const *const c_char,
    n_uses: usize,
    mailbox_id_out: *mut *mut c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let f = str_arg(folder, "folder")?;
            let uses = super::boundary::str_array(uses, n_uses, "uses")?;
            let id = c.create_folder_special_use(f, &uses)?;
            if !mailbox_id_out.is_null() {
                put(
                    mailbox_id_out,
                    super::boundary::owned_string_or_null(id.as_deref()),
                );
            }
            Ok(())
        })
    }
}

/// DELETE a folder.
///
/// # Safety
/// `client` is live; `folder` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_delete_folder(
    client: *mut imapc_client,
    folder: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { folder_cmd(client, folder, err_out, |c, f| c.delete_folder(f)) }
}

/// SUBSCRIBE to a folder.
///
/// # Safety
/// `client` is live; `folder` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_subscribe_folder(
    client: *mut imapc_client,
    folder: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { folder_cmd(client, folder, err_out, |c, f| c.subscribe_folder(f)) }
}

/// UNSUBSCRIBE from a folder.
///
/// # Safety
/// `client` is live; `folder` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_unsubscribe_folder(
    client: *mut imapc_client,
    folder: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { folder_cmd(client, folder, err_out, |c, f| c.unsubscribe_folder(f)) }
}

/// RENAME a folder.
///
/// # Safety
/// `client` is live; names NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_rename_folder(
    client: *mut imapc_client,
    old_name: *const c_char,
    new_name: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let o = str_arg(old_name, "old_name")?;
            let n = str_arg(new_name, "new_name")?;
            c.rename_folder(o, n)
        })
    }
}

unsafe fn open(
    client: *mut imapc_client,
    folder: *const c_char,
    state_out: *mut *mut imapc_mailbox_state,
    err_out: *mut *mut imapc_error,
    f: impl FnOnce(&mut Client, &str) -> Result<crate::client::MailboxState>,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let name = str_arg(folder, "folder")?;
            let st = f(c, name)?;
            put_boxed(state_out, imapc_mailbox_state::new(st));
            Ok(())
        })
    }
}

/// SELECT a folder for reading and writing. `*state_out` (may be NULL to
/// ignore it) receives its state; caller owns it and frees it with
/// `imapc_mailbox_state_free`.
///
/// # Safety
/// `client` is live; `folder` NUL-terminated; `state_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_select(
    client: *mut imapc_client,
    folder: *const c_char,
    state_out: *mut *mut imapc_mailbox_state,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        open(client, folder, state_out, err_out, |c, f| {
            c.select_folder(f)
        })
    }
}

/// EXAMINE: select read-only, as `imapc_client_select`.
///
/// # Safety
/// As `imapc_client_select`.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_examine(
    client: *mut imapc_client,
    folder: *const c_char,
    state_out: *mut *mut imapc_mailbox_state,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        open(client, folder, state_out, err_out, |c, f| {
            c.examine_folder(f)
        })
    }
}

/// SELECT (or EXAMINE when `read_only`) with CONDSTORE, so HIGHESTMODSEQ
/// is reported. As `imapc_client_select`.
///
/// # Safety
/// As `imapc_client_select`.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_select_condstore(
    client: *mut imapc_client,
    folder: *const c_char,
    read_only: bool,
    state_out: *mut *mut imapc_mailbox_state,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        open(client, folder, state_out, err_out, |c, f| {
            c.select_folder_condstore(f, read_only)
        })
    }
}

/// UNSELECT (RFC 3691): leave the folder without expunging.
///
/// # Safety
/// `client` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_unselect(
    client: *mut imapc_client,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe { call(client, err_out, |c| c.unselect_folder()) }
}

/// CLOSE: leave the folder, expunging `\Deleted` messages if writable.
///
/// # Safety
/// `client` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_close(
    client: *mut imapc_client,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe { call(client, err_out, |c| c.close_folder()) }
}

/// GETACL (RFC 4314): a flat list `identifier0, rights0, ...`. Caller owns
/// `*acl_out`; free with `imapc_string_list_free`.
///
/// # Safety
/// `client` is live; `folder` NUL-terminated; `acl_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_get_acl(
    client: *mut imapc_client,
    folder: *const c_char,
    acl_out: *mut *mut imapc_string_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let f = str_arg(folder, "folder")?;
            need_out(acl_out, "acl_out")?;
            let v = c.get_acl(f)?;
            put(
                acl_out,
                boxed(imapc_string_list::new(
                    v.into_iter().flat_map(|(a, b)| [a, b]),
                )),
            );
            Ok(())
        })
    }
}

/// SETACL (RFC 4314): give `identifier` these `rights` (`+`/`-` prefixes
/// add or remove).
///
/// # Safety
/// `client` is live; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_set_acl(
    client: *mut imapc_client,
    folder: *const c_char,
    identifier: *const c_char,
    rights: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let f = str_arg(folder, "folder")?;
            let w = str_arg(identifier, "identifier")?;
            let r = str_arg(rights, "rights")?;
            c.set_acl(f, w, r)
        })
    }
}

/// GETQUOTAROOT: the quota roots of a folder to `*roots_out` (may be NULL)
/// and their quotas to `*quotas_out` (may be NULL). Caller owns both.
///
/// # Safety
/// `client` is live; `folder` NUL-terminated; outputs NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_get_quota_root(
    client: *mut imapc_client,
    folder: *const c_char,
    roots_out: *mut *mut imapc_string_list,
    quotas_out: *mut *mut imapc_quota_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let f = str_arg(folder, "folder")?;
            let (roots, quotas) = c.get_quota_root(f)?;
            if !roots_out.is_null() {
                put_boxed(roots_out, imapc_string_list::new(roots));
            }
            if !quotas_out.is_null() {
                put_boxed(quotas_out, imapc_quota_list::new(quotas));
            }
            Ok(())
        })
    }
}

/// GETQUOTA for a quota root (often `""`). Caller owns `*quotas_out`; free
/// with `imapc_quota_list_free`.
///
/// # Safety
/// `client` is live; `root` NUL-terminated; `quotas_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_get_quota(
    client: *mut imapc_client,
    root: *const c_char,
    quotas_out: *mut *mut imapc_quota_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let r = str_arg(root, "root")?;
            need_out(quotas_out, "quotas_out")?;
            let q = c.get_quota(r)?;
            put_boxed(quotas_out, imapc_quota_list::new(q));
            Ok(())
        })
    }
}

/// SETQUOTA (RFC 2087, RFC 9208): set the limits of quota root `root`,
/// `n` resources (`resources[i]`, e.g. `"STORAGE"` in kilobytes or
/// `"MESSAGE"`, with `limits[i]`); `n == 0` removes the limits. Servers
/// usually allow it to administrators only (`IMAPC_ERR_NO` otherwise).
/// The QUOTA responses the server sends back go to `*quotas_out` (may be
/// NULL to ignore them; often empty). Resource names that are not atoms
/// (letters, digits, `-`, `_`, `.`) and limits above 2^63 - 1 fail with
/// `IMAPC_ERR_INVALID_ARGUMENT` before anything is sent.
///
/// # Safety
/// `client` is live; `root` NUL-terminated; `resources` and `limits` hold
/// `n` items each (NULL when `n` is 0).
#[no_mangle]
pub unsafe extern "C" fn imapc_client_set_quota(
    client: *mut imapc_client,
    root: *const c_char,
    resources: *const *const c_char,
    limits: *const u64,
    n: usize,
    quotas_out: *mut *mut imapc_quota_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let r = str_arg(root, "root")?;
            let names = str_array(resources, n, "resources")?;
            let values = slice_arg(limits, n, "limits")?;
            let pairs: Vec<(&str, u64)> = names.into_iter().zip(values.iter().copied()).collect();
            let q = c.set_quota(r, &pairs)?;
            put_boxed(quotas_out, imapc_quota_list::new(q));
            Ok(())
        })
    }
}

/// GETMETADATA depth: the named entries only.
pub const IMAPC_METADATA_DEPTH_0: u32 = 0;
/// GETMETADATA depth: the named entries and their immediate children.
pub const IMAPC_METADATA_DEPTH_1: u32 = 1;
/// GETMETADATA depth: the named entries and everything below them.
pub const IMAPC_METADATA_DEPTH_INFINITY: u32 = 2;

/// GETMETADATA (RFC 5464): the values of `n` entries (`"/private/comment"`,
/// `"/shared/vendor/x/y"`) of `folder`, or of the server when `folder` is
/// `""`. `max_size` (NULL: no limit) leaves out values longer than that
/// many bytes, and `imapc_metadata_list_long_entries` then says how long
/// the longest was; `depth` is an `IMAPC_METADATA_DEPTH_*`. Entries without
/// a value come back without one, or not at all, as the server chooses.
/// Caller owns `*list_out`; free with `imapc_metadata_list_free`.
///
/// Entry names must be `/private` or `/shared` or below them, without `*`,
/// `%`, `//`, a trailing `/` or control characters
/// (`IMAPC_ERR_INVALID_ARGUMENT`, nothing sent). Needs the METADATA
/// capability (METADATA-SERVER is enough for `""`):
/// `IMAPC_ERR_CAPABILITY_MISSING` otherwise.
///
/// # Safety
/// `client` is live; `folder` NUL-terminated; `entries` holds `n`
/// NUL-terminated strings; `max_size` NULL or readable; `list_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_get_metadata(
    client: *mut imapc_client,
    folder: *const c_char,
    entries: *const *const c_char,
    n: usize,
    max_size: *const u64,
    depth: u32,
    list_out: *mut *mut imapc_metadata_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let f = str_arg(folder, "folder")?;
            let names = str_array(entries, n, "entries")?;
            need_out(list_out, "list_out")?;
            let depth = match depth {
                IMAPC_METADATA_DEPTH_0 => crate::client::MetadataDepth::Zero,
                IMAPC_METADATA_DEPTH_1 => crate::client::MetadataDepth::One,
                IMAPC_METADATA_DEPTH_INFINITY => crate::client::MetadataDepth::Infinity,
                d => {
                    return Err(Error::invalid(format!(
                        "depth {d} is not an IMAPC_METADATA_DEPTH_*"
                    )))
                }
            };
            let opts = crate::client::MetadataOptions {
                max_size: max_size.as_ref().copied(),
                depth,
            };
            let m = c.get_metadata(f, &names, &opts)?;
            put_boxed(list_out, imapc_metadata_list::new(m));
            Ok(())
        })
    }
}

/// SETMETADATA (RFC 5464): set `n` entries of `folder` (`""`: the
/// server's) in one command: entry `entries[i]` to the `value_lens[i]`
/// bytes at `values[i]` (any bytes, NUL included), or removes it when
/// `values[i]` is NULL. `values` NULL removes them all (`value_lens` may
/// then be NULL). Entry names as for `imapc_client_get_metadata`. A
/// server's refusal is `IMAPC_ERR_NO` with its reason in the message, e.g.
/// `[METADATA MAXSIZE 1024]` (a value too long), `[METADATA TOOMANY]`,
/// `[METADATA NOPRIVATE]`.
///
/// # Safety
/// `client` is live; `folder` NUL-terminated; `entries` holds `n`
/// NUL-terminated strings; `values` is NULL or holds `n` pointers, each
/// NULL or readable for its length in `value_lens` (`n` lengths).
#[no_mangle]
pub unsafe extern "C" fn imapc_client_set_metadata(
    client: *mut imapc_client,
    folder: *const c_char,
    entries: *const *const c_char,
    values: *const *const u8,
    value_lens: *const usize,
    n: usize,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let f = str_arg(folder, "folder")?;
            let names = str_array(entries, n, "entries")?;
            let mut pairs: Vec<(&str, Option<&[u8]>)> = names.iter().map(|&e| (e, None)).collect();
            if !values.is_null() {
                let vals = slice_arg(values, n, "values")?;
                if vals.iter().any(|v| !v.is_null()) {
                    let lens = slice_arg(value_lens, n, "value_lens")?;
                    for (i, (&v, &len)) in vals.iter().zip(lens).enumerate() {
                        if !v.is_null() {
                            pairs[i].1 = Some(slice_arg(v, len, "values[i]")?);
                        }
                    }
                }
            }
            c.set_metadata(f, &pairs)
        })
    }
}

// --------------------------------------------------------------- messages

/// Split a FETCH item string into items: spaces separate items except
/// inside `[...]` and `(...)`; one pair of outer parentheses is dropped.
pub(crate) fn split_items(s: &str) -> Result<Vec<&str>> {
    let t = s.trim();
    let t = match t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        Some(inner) => inner.trim(),
        None => t,
    };
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, None::<usize>);
    for (i, ch) in t.char_indices() {
        match ch {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return Err(Error::invalid(format!(
                "unbalanced brackets in fetch items {}",
                quoted(s)
            )));
        }
        if ch.is_ascii_whitespace() && depth == 0 {
            if let Some(b) = start.take() {
                out.push(&t[b..i]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if depth != 0 {
        return Err(Error::invalid(format!(
            "unbalanced brackets in fetch items {}",
            quoted(s)
        )));
    }
    if let Some(b) = start {
        out.push(&t[b..]);
    }
    if out.is_empty() {
        return Err(Error::invalid("no fetch items given"));
    }
    Ok(out)
}

fn set_from_str(s: &str) -> Result<MessageSet> {
    MessageSet::parse(s.trim()).map_err(|e| Error::invalid(e.message))
}

fn set_from_ids(ids: &[u32]) -> Result<MessageSet> {
    MessageSet::from_ids(ids).map_err(|e| Error::invalid(e.message))
}

pub(super) unsafe fn set_arg(set: *const c_char) -> Result<MessageSet> {
    // SAFETY: forwarded contract.
    set_from_str(unsafe { str_arg(set, "set") }?)
}

pub(super) unsafe fn ids_arg(ids: *const u32, n: usize) -> Result<MessageSet> {
    if n == 0 {
        return Err(Error::invalid("the id array is empty"));
    }
    // SAFETY: forwarded contract.
    set_from_ids(unsafe { slice_arg(ids, n, "ids") }?)
}

/// Validate a raw search criteria string: one line, balanced parentheses
/// and closed quotes, so it cannot end or corrupt the command.
pub(crate) fn check_criteria(s: &str) -> Result<()> {
    if s.bytes().any(|b| b == b'\r' || b == b'\n') {
        return Err(Error::invalid("search criteria may not contain CR or LF"));
    }
    if s.contains('{') {
        return Err(Error::invalid(
            "search criteria may not contain literals; use a quoted string",
        ));
    }
    let (mut depth, mut quoted, mut esc) = (0i32, false, false);
    for b in s.bytes() {
        if quoted {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => quoted = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => quoted = true,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth < 0 {
                    return Err(Error::invalid("unbalanced parentheses in search criteria"));
                }
            }
            _ => {}
        }
    }
    if quoted {
        return Err(Error::invalid(
            "unterminated quoted string in search criteria",
        ));
    }
    if depth != 0 {
        return Err(Error::invalid("unbalanced parentheses in search criteria"));
    }
    Ok(())
}

pub(super) unsafe fn criteria_arg(criteria: *const c_char) -> Result<Vec<SearchKey>> {
    // SAFETY: forwarded contract.
    let s = unsafe { super::boundary::opt_str_arg(criteria, "criteria") }?
        .unwrap_or("")
        .trim();
    if s.is_empty() {
        return Ok(vec![SearchKey::All]);
    }
    check_criteria(s)?;
    Ok(vec![SearchKey::Raw(s.as_bytes().to_vec())])
}

/// SEARCH with raw IMAP search keys (e.g. `"UNSEEN FROM \"alice\""`,
/// `"SINCE 1-Feb-2024 NOT DELETED"`; NULL or `""` means ALL), passed
/// through after validation (one line, balanced parentheses and quotes,
/// no literals). Non-ASCII strings are sent with CHARSET UTF-8. Ids are
/// UIDs or sequence numbers per `use_uid`. Caller owns `*ids_out`; free
/// with `imapc_id_list_free`.
///
/// # Safety
/// `client` is live; `criteria` NULL or NUL-terminated; `ids_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_search(
    client: *mut imapc_client,
    criteria: *const c_char,
    ids_out: *mut *mut imapc_id_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let keys = criteria_arg(criteria)?;
            need_out(ids_out, "ids_out")?;
            let r = c.search(&keys)?;
            put(
                ids_out,
                boxed(imapc_id_list {
                    ids: r.ids,
                    modseq: r.modseq,
                }),
            );
            Ok(())
        })
    }
}

/// SORT (RFC 5256): `order` is space-separated sort keys such as
/// `"REVERSE DATE"` or `"FROM SUBJECT"`; `criteria` as in
/// `imapc_client_search`. Ids come in sorted order. Caller owns `*ids_out`.
///
/// # Safety
/// `client` is live; strings NUL-terminated (criteria may be NULL);
/// `ids_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_sort(
    client: *mut imapc_client,
    order: *const c_char,
    criteria: *const c_char,
    ids_out: *mut *mut imapc_id_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let o: Vec<&str> = str_arg(order, "order")?.split_ascii_whitespace().collect();
            let keys = criteria_arg(criteria)?;
            need_out(ids_out, "ids_out")?;
            let ids = c.sort(&o, &keys)?;
            put_boxed(ids_out, imapc_id_list { ids, modseq: None });
            Ok(())
        })
    }
}

unsafe fn fetch_impl(
    client: *mut imapc_client,
    set: Result<MessageSet>,
    items: *const c_char,
    changed_since: u64,
    messages_out: *mut *mut imapc_message_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract; no vanished output.
    unsafe {
        fetch_vanished_impl(
            client,
            set,
            items,
            changed_since,
            messages_out,
            None,
            err_out,
        )
    }
}

/// FETCH, with QRESYNC's VANISHED when `vanished_out` is given (then
/// `changed_since` applies even when 0).
///
/// # Safety
/// As `imapc_client_fetch_vanished`.
unsafe fn fetch_vanished_impl(
    client: *mut imapc_client,
    set: Result<MessageSet>,
    items: *const c_char,
    changed_since: u64,
    messages_out: *mut *mut imapc_message_list,
    vanished_out: Option<*mut *mut imapc_id_list>,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let set = set?;
            let items = split_items(str_arg(items, "items")?)?;
            need_out(messages_out, "messages_out")?;
            if let Some(v) = vanished_out {
                need_out(v, "vanished_out")?;
            }
            let mut sink = PackingSink::new(c.use_uid());
            let gone = match vanished_out {
                Some(_) => Some(c.fetch_vanished_into(set, &items, changed_since, &mut sink)?),
                None => {
                    let opts = crate::client::FetchOptions {
                        changed_since: (changed_since > 0).then_some(changed_since),
                        vanished: false,
                    };
                    c.fetch_into(set, &items, &opts, &mut sink, None)?;
                    None
                }
            };
            put_boxed(messages_out, sink.finish(Vec::new()));
            if let (Some(v), Some(ids)) = (vanished_out, gone) {
                put_boxed(v, imapc_id_list { ids, modseq: None });
            }
            Ok(())
        })
    }
}

/// QRESYNC (RFC 7162) resynchronisation of the selected folder in one
/// command: the messages of `set` changed since `changed_since` (a
/// HIGHESTMODSEQ kept from an earlier session with the same UIDVALIDITY)
/// go to `*messages_out`, and the UIDs of `set` expunged since then to
/// `*vanished_out` (sorted; an `imapc_id_list`, free with
/// `imapc_id_list_free`). QRESYNC must have been enabled first
/// (`imapc_client_enable`, before selecting the folder), else
/// `IMAPC_ERR_ILLEGAL_STATE` with nothing sent; UIDs only (`use_uid`).
/// Caller owns both outputs, written only on success.
///
/// The expunged UIDs are those the server reports during this call: what
/// went before (`VANISHED (EARLIER)`) and what another session expunged
/// while this one has the folder selected (plain `VANISHED`, also queued
/// as an `IMAPC_EVENT_VANISHED` event since it changes the folder's
/// count). Expunges the server told earlier, during another call or IDLE,
/// are events only: a client that keeps the folder selected reads them
/// from `imapc_client_take_events` too.
///
/// # Safety
/// As `imapc_client_fetch`; `vanished_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_fetch_vanished(
    client: *mut imapc_client,
    set: *const c_char,
    items: *const c_char,
    changed_since: u64,
    messages_out: *mut *mut imapc_message_list,
    vanished_out: *mut *mut imapc_id_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        fetch_vanished_impl(
            client,
            set_arg(set),
            items,
            changed_since,
            messages_out,
            Some(vanished_out),
            err_out,
        )
    }
}

/// FETCH `items` (a string such as `"FLAGS ENVELOPE RFC822.SIZE
/// INTERNALDATE BODYSTRUCTURE"` or `"BODY.PEEK[HEADER] BODY.PEEK[1]"`) of
/// the messages in `set` (`"2,4:7,9,12:*"`; UIDs or sequence numbers per
/// `use_uid`), buffered. Caller owns `*messages_out`; free with
/// `imapc_message_list_free`.
///
/// # Safety
/// `client` is live; strings NUL-terminated; `messages_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_fetch(
    client: *mut imapc_client,
    set: *const c_char,
    items: *const c_char,
    messages_out: *mut *mut imapc_message_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { fetch_impl(client, set_arg(set), items, 0, messages_out, err_out) }
}

/// As `imapc_client_fetch`, with the messages given as `n` ids.
///
/// # Safety
/// `ids` holds `n` ids; otherwise as `imapc_client_fetch`.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_fetch_ids(
    client: *mut imapc_client,
    ids: *const u32,
    n: usize,
    items: *const c_char,
    messages_out: *mut *mut imapc_message_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { fetch_impl(client, ids_arg(ids, n), items, 0, messages_out, err_out) }
}

/// As `imapc_client_fetch`, only messages whose MODSEQ is above
/// `changed_since` (CONDSTORE CHANGEDSINCE).
///
/// # Safety
/// As `imapc_client_fetch`.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_fetch_changed_since(
    client: *mut imapc_client,
    set: *const c_char,
    items: *const c_char,
    changed_since: u64,
    messages_out: *mut *mut imapc_message_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        fetch_impl(
            client,
            set_arg(set),
            items,
            changed_since.max(1),
            messages_out,
            err_out,
        )
    }
}

/// Streaming fetch, per-message callback: the message (borrowed: valid
/// only during the call; sections delivered as chunks are empty there).
/// Return nonzero to stop the fetch.
pub type imapc_message_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, message: *const imapc_message) -> c_int>;

/// Streaming fetch, body-chunk callback: piece `data`/`len` of section
/// `section` (normalised, e.g. `"BODY[]"`, or `"BODY[]<100>"` for a
/// range requested as `BODY.PEEK[]<100.50>`) of message `seq`/`uid` (uid 0
/// when not known yet), at `offset` within the section of `total` bytes.
/// All borrowed for the call. Return nonzero to stop the fetch.
pub type imapc_chunk_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        seq: u32,
        uid: u32,
        section: *const c_char,
        offset: u64,
        total: u64,
        data: *const u8,
        len: usize,
    ) -> c_int,
>;

/// The frame of the streaming fetches: `set` and `items` checked, `run` on
/// the client with them, its count to `*count_out`.
///
/// # Safety
/// As `call`; `items` NUL-terminated; `count_out` NULL or writable.
pub(super) unsafe fn stream_call(
    client: *mut imapc_client,
    set: Result<MessageSet>,
    items: *const c_char,
    count_out: *mut usize,
    err_out: *mut *mut imapc_error,
    run: impl FnOnce(&mut Client, MessageSet, &[&str]) -> Result<usize>,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        call(client, err_out, |c| {
            let set = set?;
            let items = split_items(str_arg(items, "items")?)?;
            let n = run(c, set, &items)?;
            put(count_out, n);
            Ok(())
        })
    }
}

#[allow(clippy::too_many_arguments)]
unsafe fn fetch_stream_impl(
    client: *mut imapc_client,
    set: Result<MessageSet>,
    items: *const c_char,
    stream_threshold: u64,
    on_message: imapc_message_callback,
    on_chunk: imapc_chunk_callback,
    userdata: *mut c_void,
    count_out: *mut usize,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside; callbacks per their contract.
    unsafe {
        stream_call(client, set, items, count_out, err_out, |c, set, items| {
            let mut scratch = Vec::new();
            let mut arena = ViewArena::new();
            let mut on_msg = |m: &crate::client::Message, w: Withheld<'_, '_>| -> bool {
                match on_message {
                    Some(f) => {
                        let wrapped = imapc_message::borrowed_parsed(m, w, &mut scratch, &arena);
                        // SAFETY: the caller's callback with its userdata;
                        // the message is borrowed for the call.
                        let go_on = f(userdata, &wrapped) == 0;
                        drop(wrapped);
                        arena.reset();
                        go_on
                    }
                    None => true,
                }
            };
            let mut on_chk = |ch: &crate::client::Chunk<'_>| -> bool {
                match on_chunk {
                    Some(f) => {
                        let name = cstring(ch.section);
                        // SAFETY: the caller's callback; all arguments are
                        // borrowed for the call.
                        f(
                            userdata,
                            ch.seq,
                            ch.uid.unwrap_or(0),
                            name.as_ptr(),
                            ch.offset,
                            ch.total,
                            ch.data.as_ptr(),
                            ch.data.len(),
                        ) == 0
                    }
                    None => true,
                }
            };
            c.fetch_stream_parsed(set, items, stream_threshold, &mut on_msg, &mut on_chk)
        })
    }
}

/// Streaming FETCH: messages are handed to `on_message` as they arrive and
/// body sections larger than `stream_threshold` bytes (0: all of them) to
/// `on_chunk` in pieces, so mail of any size flows through fixed memory.
/// Smaller sections stay in the message and are also passed to `on_chunk`
/// as one chunk (offset 0) just before `on_message`, so `on_chunk` alone
/// sees every section's bytes, in order.
/// Both callbacks may be NULL, run on the calling thread with `userdata`
/// first, and may return nonzero to stop: the rest of the answer is read
/// and discarded and the call fails with `IMAPC_ERR_ABORTED`. A callback
/// must not call functions on this client. The number of messages goes to
/// `*count_out` (may be NULL).
///
/// # Safety
/// `client` is live; strings NUL-terminated; callbacks valid.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn imapc_client_fetch_stream(
    client: *mut imapc_client,
    set: *const c_char,
    items: *const c_char,
    stream_threshold: u64,
    on_message: imapc_message_callback,
    on_chunk: imapc_chunk_callback,
    userdata: *mut c_void,
    count_out: *mut usize,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        fetch_stream_impl(
            client,
            set_arg(set),
            items,
            stream_threshold,
            on_message,
            on_chunk,
            userdata,
            count_out,
            err_out,
        )
    }
}

/// As `imapc_client_fetch_stream`, with the messages given as `n` ids.
///
/// # Safety
/// `ids` holds `n` ids; otherwise as `imapc_client_fetch_stream`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn imapc_client_fetch_stream_ids(
    client: *mut imapc_client,
    ids: *const u32,
    n: usize,
    items: *const c_char,
    stream_threshold: u64,
    on_message: imapc_message_callback,
    on_chunk: imapc_chunk_callback,
    userdata: *mut c_void,
    count_out: *mut usize,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        fetch_stream_impl(
            client,
            ids_arg(ids, n),
            items,
            stream_threshold,
            on_message,
            on_chunk,
            userdata,
            count_out,
            err_out,
        )
    }
}

/// STORE: add the flags.
pub const IMAPC_STORE_ADD: u32 = 1;
/// STORE: remove the flags.
pub const IMAPC_STORE_REMOVE: u32 = 2;
/// STORE: replace all flags with these.
pub const IMAPC_STORE_SET: u32 = 3;
/// STORE option: `.SILENT` (the server does not echo the new flags).
pub const IMAPC_STORE_SILENT: u32 = 1;

#[allow(clippy::too_many_arguments)]
unsafe fn store_impl(
    client: *mut imapc_client,
    set: Result<MessageSet>,
    action: u32,
    flags: Result<Vec<String>>,
    options: u32,
    unchanged_since: u64,
    gmail_labels: bool,
    messages_out: *mut *mut imapc_message_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let set = set?;
            let flags = flags?;
            let action = match action {
                IMAPC_STORE_ADD => StoreAction::Add,
                IMAPC_STORE_REMOVE => StoreAction::Remove,
                IMAPC_STORE_SET => StoreAction::Set,
                _ => return Err(Error::invalid(format!("unknown store action {action}"))),
            };
            if options & !IMAPC_STORE_SILENT != 0 {
                return Err(Error::invalid(format!(
                    "unknown store options {options:#x}"
                )));
            }
            let f: Vec<&str> = flags.iter().map(String::as_str).collect();
            let opts = StoreOptions {
                silent: options & IMAPC_STORE_SILENT != 0,
                unchanged_since: (unchanged_since > 0).then_some(unchanged_since),
            };
            let r = if gmail_labels {
                c.store_gmail_labels(set, action, &f, &opts)?
            } else {
                c.store(set, action, &f, &opts)?
            };
            put_boxed(
                messages_out,
                imapc_message_list::new(r.messages, r.modified),
            );
            Ok(())
        })
    }
}

/// STORE flags on the messages of `set`: `action` is `IMAPC_STORE_ADD`,
/// `_REMOVE` or `_SET`; `flags` is space-separated (`"\\Seen \\Flagged"`,
/// see `IMAPC_FLAG_*`); `options` is 0 or `IMAPC_STORE_SILENT`;
/// `unchanged_since` > 0 adds CONDSTORE UNCHANGEDSINCE. The new flags (and
/// the ids not changed because of UNCHANGEDSINCE) go to `*messages_out`
/// (may be NULL); caller owns it.
///
/// # Safety
/// `client` is live; strings NUL-terminated; `messages_out` NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn imapc_client_store(
    client: *mut imapc_client,
    set: *const c_char,
    action: u32,
    flags: *const c_char,
    options: u32,
    unchanged_since: u64,
    messages_out: *mut *mut imapc_message_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        let f = str_arg(flags, "flags")
            .map(|s| s.split_ascii_whitespace().map(str::to_owned).collect());
        store_impl(
            client,
            set_arg(set),
            action,
            f,
            options,
            unchanged_since,
            false,
            messages_out,
            err_out,
        )
    }
}

/// As `imapc_client_store`, with `n_ids` ids and `n_flags` flags as arrays.
///
/// # Safety
/// Arrays hold their counts; otherwise as `imapc_client_store`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn imapc_client_store_ids(
    client: *mut imapc_client,
    ids: *const u32,
    n_ids: usize,
    action: u32,
    flags: *const *const c_char,
    n_flags: usize,
    options: u32,
    unchanged_since: u64,
    messages_out: *mut *mut imapc_message_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        let f =
            str_array(flags, n_flags, "flags").map(|v| v.into_iter().map(str::to_owned).collect());
        store_impl(
            client,
            ids_arg(ids, n_ids),
            action,
            f,
            options,
            unchanged_since,
            false,
            messages_out,
            err_out,
        )
    }
}

/// X-GM-LABELS STORE (Gmail, capability `X-GM-EXT-1`): add, remove or set
/// (`action` as in `imapc_client_store`) the `n_labels` labels (UTF-8, may
/// contain spaces; system labels like `"\\Important"` as they are) on the
/// messages of `set`. `options` and `*messages_out` (may be NULL; caller
/// owns it, with the new labels in `imapc_message_gm_labels`) as in
/// `imapc_client_store`. Without the capability it fails with
/// `IMAPC_ERR_CAPABILITY_MISSING` and sends nothing.
///
/// # Safety
/// `client` is live; `set` NUL-terminated; `labels` holds `n_labels`
/// strings; `messages_out` NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn imapc_client_store_gmail_labels(
    client: *mut imapc_client,
    set: *const c_char,
    action: u32,
    labels: *const *const c_char,
    n_labels: usize,
    options: u32,
    messages_out: *mut *mut imapc_message_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        let l = str_array(labels, n_labels, "labels")
            .map(|v| v.into_iter().map(str::to_owned).collect());
        store_impl(
            client,
            set_arg(set),
            action,
            l,
            options,
            0,
            true,
            messages_out,
            err_out,
        )
    }
}

/// Layout version of `imapc_append_message`: pass it to
/// `imapc_client_multiappend`, which fails with `IMAPC_ERR_INVALID_ARGUMENT`
/// for a version it does not read. The messages are an array, so a field
/// added later changes its stride: the version lets the library refuse a
/// layout it does not know instead of misreading it. A later library may
/// read older layouts too; a new layout gets a new number.
pub const IMAPC_APPEND_MESSAGE_VERSION: u32 = 1;

/// One message for `imapc_client_multiappend`. Every pointer in it is
/// borrowed for the duration of the call only.
#[repr(C)]
pub struct imapc_append_message {
    /// The raw RFC 5322 bytes (`len` of them).
    pub data: *const u8,
    /// Number of bytes at `data`.
    pub len: usize,
    /// Space-separated flags (e.g. `"\\Seen"`), or NULL for none.
    pub flags: *const c_char,
    /// NULL (the server's clock), or the internal date in seconds since
    /// the epoch.
    pub internal_date: *const i64,
    /// The zone the internal date is shown in, minutes east of UTC.
    pub offset_minutes: i32,
}

/// MULTIAPPEND (RFC 3502): append the `n` (at least 1) `messages` to
/// `folder` in one atomic command: either all are stored or none.
/// `message_version` is `IMAPC_APPEND_MESSAGE_VERSION`; any other value
/// fails with `IMAPC_ERR_INVALID_ARGUMENT` (the message names the version
/// this library reads) before anything is sent and without reading
/// `messages`. The new UIDs (UIDPLUS, in order) go to `*uids_out` (may be
/// NULL; caller owns it; free with `imapc_id_list_free`; empty when the
/// server does not say) and the folder's UIDVALIDITY to `*uid_validity_out`
/// (may be NULL; 0 when not said). Fails with
/// `IMAPC_ERR_CAPABILITY_MISSING` (nothing sent) when the server lacks
/// MULTIAPPEND.
///
/// # Safety
/// `client` is live; `folder` NUL-terminated; `messages` holds `n` entries
/// of the layout `message_version` names, whose pointers obey their field
/// documentation; outputs NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn imapc_client_multiappend(
    client: *mut imapc_client,
    folder: *const c_char,
    messages: *const imapc_append_message,
    n: usize,
    message_version: u32,
    uids_out: *mut *mut imapc_id_list,
    uid_validity_out: *mut u32,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            // First: under another layout the array's stride is unknown, so
            // `messages` is not read at all.
            if message_version != IMAPC_APPEND_MESSAGE_VERSION {
                return Err(Error::invalid(format!(
                    "append message version {message_version}: this library reads version \
                     {IMAPC_APPEND_MESSAGE_VERSION}"
                )));
            }
            let f = str_arg(folder, "folder")?;
            if n == 0 {
                return Err(Error::invalid("multiappend: no messages given"));
            }
            let ms = slice_arg(messages, n, "messages")?;
            // The flag vectors must outlive the borrowed AppendMessages.
            let mut flags: Vec<Vec<&str>> = Vec::with_capacity(n);
            let mut parts = Vec::with_capacity(n);
            for (i, m) in ms.iter().enumerate() {
                let data = slice_arg(m.data, m.len, &format!("messages[{i}].data"))?;
                if data.is_empty() {
                    return Err(Error::invalid(format!("messages[{i}] is empty")));
                }
                let fl = super::boundary::opt_str_arg(m.flags, &format!("messages[{i}].flags"))?;
                flags.push(fl.unwrap_or("").split_ascii_whitespace().collect());
                if !(-24 * 60..=24 * 60).contains(&m.offset_minutes) {
                    return Err(Error::invalid(format!(
                        "messages[{i}].offset_minutes out of range"
                    )));
                }
                let date = m
                    .internal_date
                    .as_ref()
                    .map(|&t| DateTime::from_unix(t, m.offset_minutes));
                parts.push((data, date));
            }
            let msgs: Vec<AppendMessage<'_>> = parts
                .iter()
                .zip(&flags)
                .map(|(&(data, date), fl)| AppendMessage {
                    data,
                    flags: fl,
                    date,
                })
                .collect();
            let r = c.multiappend(f, &msgs)?;
            put(uid_validity_out, r.uid_validity.unwrap_or(0));
            put_boxed(
                uids_out,
                imapc_id_list {
                    ids: r.uids,
                    modseq: None,
                },
            );
            Ok(())
        })
    }
}

/// APPEND a message (`data`, `len`: the raw RFC 5322 bytes) to `folder`
/// with space-separated `flags` (may be NULL or `""`) and, when
/// `internal_date` is not NULL, that time (seconds since the epoch) shown
/// at `offset_minutes` east of UTC. The new UID (UIDPLUS) goes to
/// `*uid_out` (may be NULL; 0 when the server does not say).
///
/// # Safety
/// `client` is live; `data` has `len` bytes; strings NUL-terminated.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn imapc_client_append(
    client: *mut imapc_client,
    folder: *const c_char,
    data: *const u8,
    len: usize,
    flags: *const c_char,
    internal_date: *const i64,
    offset_minutes: i32,
    uid_out: *mut u32,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let f = str_arg(folder, "folder")?;
            let d = slice_arg(data, len, "data")?;
            let fl: Vec<&str> = super::boundary::opt_str_arg(flags, "flags")?
                .unwrap_or("")
                .split_ascii_whitespace()
                .collect();
            if !(-24 * 60..=24 * 60).contains(&offset_minutes) {
                return Err(Error::invalid("offset_minutes out of range"));
            }
            let date = internal_date
                .as_ref()
                .map(|&t| DateTime::from_unix(t, offset_minutes));
            let r = c.append(f, d, &fl, date)?;
            put(uid_out, r.uids.first().copied().unwrap_or(0));
            Ok(())
        })
    }
}

unsafe fn copy_impl(
    client: *mut imapc_client,
    set: Result<MessageSet>,
    folder: *const c_char,
    is_move: bool,
    result_out: *mut *mut imapc_copy_result,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let set = set?;
            let f = str_arg(folder, "folder")?;
            let r = if is_move {
                c.move_messages(set, f)?
            } else {
                c.copy(set, f)?
            };
            put_boxed(result_out, imapc_copy_result { inner: r });
            Ok(())
        })
    }
}

/// COPY the messages of `set` to `folder`. The UID mapping (COPYUID) goes
/// to `*result_out` (may be NULL); caller owns it; free with
/// `imapc_copy_result_free`. Sequence numbers that take more than one
/// command are fixed by UID first (an expunge reported with one COPY's
/// answer would renumber the next one's).
///
/// # Safety
/// `client` is live; strings NUL-terminated; `result_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_copy(
    client: *mut imapc_client,
    set: *const c_char,
    folder: *const c_char,
    result_out: *mut *mut imapc_copy_result,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { copy_impl(client, set_arg(set), folder, false, result_out, err_out) }
}

/// As `imapc_client_copy` with `n` ids.
///
/// # Safety
/// `ids` holds `n` ids; otherwise as `imapc_client_copy`.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_copy_ids(
    client: *mut imapc_client,
    ids: *const u32,
    n: usize,
    folder: *const c_char,
    result_out: *mut *mut imapc_copy_result,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { copy_impl(client, ids_arg(ids, n), folder, false, result_out, err_out) }
}

/// MOVE the messages of `set` to `folder` (RFC 6851; without MOVE, COPY +
/// STORE \Deleted + UID EXPUNGE of exactly those messages). COPYUID as in
/// `imapc_client_copy`. When it takes more than one command (a set longer
/// than the command line, or the fallback), the messages are fixed by UID
/// first (one `UID FETCH ... (UID)` for sequence numbers or a `*`), so
/// expunges renumbering messages and mail arriving meanwhile change
/// nothing.
///
/// # Safety
/// As `imapc_client_copy`.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_move(
    client: *mut imapc_client,
    set: *const c_char,
    folder: *const c_char,
    result_out: *mut *mut imapc_copy_result,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { copy_impl(client, set_arg(set), folder, true, result_out, err_out) }
}

/// As `imapc_client_move` with `n` ids.
///
/// # Safety
/// `ids` holds `n` ids; otherwise as `imapc_client_move`.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_move_ids(
    client: *mut imapc_client,
    ids: *const u32,
    n: usize,
    folder: *const c_char,
    result_out: *mut *mut imapc_copy_result,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { copy_impl(client, ids_arg(ids, n), folder, true, result_out, err_out) }
}

/// EXPUNGE every `\Deleted` message of the selected folder. What was
/// expunged goes to `*expunged_out` (may be NULL; caller owns it), in the
/// server's order: sequence numbers as the server's EXPUNGE responses give
/// them (each counted after the ones before were removed), whatever
/// `use_uid` says; but once QRESYNC is enabled (`imapc_client_enable`)
/// the server reports VANISHED instead, and the list holds UIDs.
///
/// # Safety
/// `client` is live; `expunged_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_expunge(
    client: *mut imapc_client,
    expunged_out: *mut *mut imapc_id_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let ids = c.expunge()?;
            put_boxed(expunged_out, imapc_id_list { ids, modseq: None });
            Ok(())
        })
    }
}

unsafe fn uid_expunge_impl(
    client: *mut imapc_client,
    set: Result<MessageSet>,
    expunged_out: *mut *mut imapc_id_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let ids = c.uid_expunge(set?)?;
            put_boxed(expunged_out, imapc_id_list { ids, modseq: None });
            Ok(())
        })
    }
}

/// UID EXPUNGE (UIDPLUS): expunge only these `\Deleted` messages; `uids`
/// are UIDs whatever `use_uid` says. Output as `imapc_client_expunge`.
///
/// # Safety
/// As `imapc_client_expunge`; `uids` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_uid_expunge(
    client: *mut imapc_client,
    uids: *const c_char,
    expunged_out: *mut *mut imapc_id_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { uid_expunge_impl(client, set_arg(uids), expunged_out, err_out) }
}

/// As `imapc_client_uid_expunge` with `n` UIDs.
///
/// # Safety
/// `uids` holds `n` ids; otherwise as `imapc_client_expunge`.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_uid_expunge_ids(
    client: *mut imapc_client,
    uids: *const u32,
    n: usize,
    expunged_out: *mut *mut imapc_id_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { uid_expunge_impl(client, ids_arg(uids, n), expunged_out, err_out) }
}

// ------------------------------------------------------------------- IDLE

/// Start IDLE. While it runs, only `imapc_client_idle_wait`,
/// `imapc_client_idle_done`, `imapc_client_take_events`,
/// `imapc_client_logout` and `imapc_client_interrupt` are allowed.
///
/// # Safety
/// `client` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_idle_start(
    client: *mut imapc_client,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe { call(client, err_out, |c| c.idle_start()) }
}

/// Wait up to `timeout_ms` for events during IDLE; returns as soon as some
/// arrived. `*events_out` receives them (empty when the time ran out);
/// caller owns it; free with `imapc_event_list_free`. What has arrived is
/// taken in first without waiting: with `timeout_ms` 0 the call reads what
/// the socket holds and returns at once (see `imapc_client_fd`).
/// `UINT64_MAX` waits without end (IDLE is renewed meanwhile).
///
/// # Safety
/// `client` is live; `events_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_idle_wait(
    client: *mut imapc_client,
    timeout_ms: u64,
    events_out: *mut *mut imapc_event_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            need_out(events_out, "events_out")?;
            let ev = c.idle_wait(Duration::from_millis(timeout_ms))?;
            put_boxed(events_out, imapc_event_list::new(ev));
            Ok(())
        })
    }
}

/// End IDLE (DONE). Events that arrived meanwhile go to `*events_out` (may
/// be NULL to drop them); caller owns it.
///
/// # Safety
/// `client` is live; `events_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_idle_done(
    client: *mut imapc_client,
    events_out: *mut *mut imapc_event_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let ev = c.idle_done()?;
            put_boxed(events_out, imapc_event_list::new(ev));
            Ok(())
        })
    }
}

/// The socket's file descriptor, for poll/select while idling, or -1 when
/// closed or NULL, and while another thread is inside a call on this
/// client (the descriptor is not handed out from under a running call:
/// ask for it from the thread that drives the client). Do not read, write
/// or close it. Readable means: call
/// `imapc_client_idle_wait` with timeout 0. Each `imapc_client_idle_wait`
/// returns with nothing left buffered inside the library (TLS records,
/// COMPRESS data), so the descriptor's readiness is exact from then on;
/// call it once after `imapc_client_idle_start`, before the first poll, for
/// what came with the server's `+`. IDLE is renewed
/// inside `imapc_client_idle_wait`: give poll a timeout no longer than the
/// renewal interval (28 minutes unless set with
/// `imapc_client_set_idle_renew_interval_ms`) and call
/// `imapc_client_idle_wait(c, 0, ...)` when it runs out too.
///
/// # Safety
/// `client` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_fd(client: *mut imapc_client) -> c_int {
    let mut fd = -1;
    // SAFETY: pointer checked inside.
    let _ = unsafe {
        call(client, std::ptr::null_mut(), |c| {
            fd = c.raw_fd().unwrap_or(-1);
            Ok(())
        })
    };
    fd
}

/// Hide a capability the server announces (case-insensitive, e.g.
/// `"MOVE"` or `"CONDSTORE"`), from now on and across later CAPABILITY
/// updates: for servers whose implementation of an extension is broken.
/// The client then uses its fallback or fails with
/// `IMAPC_ERR_CAPABILITY_MISSING`.
///
/// # Safety
/// `client` is live; `cap` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_mask_capability(
    client: *mut imapc_client,
    cap: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let cap = str_arg(cap, "cap")?;
            if cap.is_empty() || !cap.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Error::invalid(format!(
                    "invalid capability {}",
                    quoted(cap)
                )));
            }
            c.mask_capability(cap);
            Ok(())
        })
    }
}

/// How long one IDLE command may run before the client renews it (DONE,
/// then IDLE again, inside `imapc_client_idle_wait`). Default 28 minutes,
/// under the 30 after which RFC 2177 lets servers drop an idle client.
/// `interval_ms` must be at least 100.
///
/// # Safety
/// `client` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_set_idle_renew_interval_ms(
    client: *mut imapc_client,
    interval_ms: u64,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe {
        call(client, err_out, |c| {
            if interval_ms < 100 {
                return Err(Error::invalid(format!(
                    "idle renew interval {interval_ms} ms is below 100 ms"
                )));
            }
            c.set_idle_renew_interval(Duration::from_millis(interval_ms));
            Ok(())
        })
    }
}

/// Free a string the library returned (e.g. by
/// `imapc_client_find_special_folder`). NULL is allowed.
///
/// # Safety
/// `s` is NULL or a string from this library, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imapc_string_free(s: *mut c_char) {
    // SAFETY: forwarded contract.
    super::boundary::catch_value((), || unsafe { super::boundary::free_string(s) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_split_respecting_brackets() {
        assert_eq!(
            split_items("FLAGS ENVELOPE").unwrap(),
            vec!["FLAGS", "ENVELOPE"]
        );
        assert_eq!(
            split_items("(UID BODY.PEEK[HEADER.FIELDS (FROM TO)] RFC822.SIZE)").unwrap(),
            vec!["UID", "BODY.PEEK[HEADER.FIELDS (FROM TO)]", "RFC822.SIZE"]
        );
        assert!(split_items("BODY[").is_err());
        assert!(split_items("  ").is_err());
    }

    /// The bytes of `r`'s buffer up to `n`, spare capacity included:
    /// only ever called with `n` no larger than a length the buffer had,
    /// so every byte read was written.
    fn written_bytes(r: &imapc_sasl_reply, n: usize) -> &[u8] {
        assert!(n <= r.data.capacity());
        // SAFETY: `n` bytes of the allocation, all written (see above).
        unsafe { std::slice::from_raw_parts(r.data.as_ptr(), n) }
    }

    #[test]
    fn a_replaced_sasl_reply_leaves_no_copy_in_the_buffer() {
        let secret = b"sasl-reply-SECRET-0123456789";
        let mut r = imapc_sasl_reply {
            data: Zeroizing::new(Vec::new()),
        };
        let set = |r: &mut imapc_sasl_reply, d: &[u8]| {
            // SAFETY: a live reply; `d` holds its bytes.
            let rc = unsafe { imapc_sasl_reply_set(r, d.as_ptr(), d.len(), std::ptr::null_mut()) };
            assert_eq!(rc, IMAPC_OK);
        };
        set(&mut r, secret);
        assert_eq!(&r.data[..], secret);
        let at = r.data.as_ptr();
        // A shorter reply in the same buffer: the rest of the old one is
        // gone from its spare capacity too.
        set(&mut r, b"x");
        assert_eq!(&r.data[..], b"x");
        assert_eq!(r.data.as_ptr(), at, "the buffer was kept");
        assert_eq!(
            written_bytes(&r, secret.len()),
            [&b"x"[..], &[0; 27][..]].concat()
        );
        // An empty one (NULL data): nothing of the old one either.
        set(&mut r, b"");
        assert_eq!(written_bytes(&r, secret.len()), [0; 28]);
    }

    #[test]
    fn criteria_checked() {
        assert!(check_criteria("UNSEEN FROM \"a (b\"").is_ok());
        assert!(check_criteria("OR (FROM a) (TO b)").is_ok());
        assert!(check_criteria("ALL\r\nA1 LOGOUT").is_err());
        assert!(check_criteria("(ALL").is_err());
        assert!(check_criteria("SUBJECT \"x").is_err());
        assert!(check_criteria("SUBJECT {5}").is_err());
    }
}
