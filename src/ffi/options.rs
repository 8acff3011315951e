//! Connect options: host, port, security mode, TLS config, timeouts and
//! limits, set with struct-free setters so the ABI can grow.

use std::os::raw::c_char;
use std::time::Duration;

use super::boundary::{catch_value, opt_str_arg, str_arg};
use super::error::{imapc_error, imapc_result, need_out, put, run};
use super::tls::imapc_tls_config;
use crate::client::{ConnectOptions, Error, ErrorKind, Keepalive, Result, Security};

/// TLS from the first byte (port 993). The default and the recommended mode.
pub const IMAPC_SECURITY_IMPLICIT_TLS: u32 = 0;
/// Plaintext, then STARTTLS before anything else (port 143); failure to
/// upgrade fails the connection.
pub const IMAPC_SECURITY_STARTTLS: u32 = 1;
/// DANGEROUS: no TLS at all; passwords travel in the clear.
pub const IMAPC_SECURITY_DANGEROUS_PLAINTEXT: u32 = 2;

/// Everything needed to connect. Owned by the caller; free with
/// `imapc_connect_options_free`. Use from one thread at a time.
pub struct imapc_connect_options {
    pub(crate) inner: ConnectOptions,
}

unsafe fn opts<'a>(o: *mut imapc_connect_options) -> Result<&'a mut imapc_connect_options> {
    // SAFETY: NULL or live and unshared per the API contract.
    unsafe { o.as_mut() }.ok_or_else(|| Error::new(ErrorKind::NullPointer, "options is NULL"))
}

/// New options for `host` (a name or an IP address) and `port` (0 = the
/// standard port of the mode: 993 or 143), with `security` one of
/// `IMAPC_SECURITY_*`. Defaults: system trust store, connect timeout 30 s,
/// I/O timeout 60 s. Caller owns `*options_out`; free with
/// `imapc_connect_options_free`.
///
/// # Safety
/// `host` is a NUL-terminated string; `options_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_connect_options_new(
    host: *const c_char,
    port: u16,
    security: u32,
    options_out: *mut *mut imapc_connect_options,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside; contract as documented.
    unsafe {
        run(err_out, || {
            let host = str_arg(host, "host")?;
            need_out(options_out, "options_out")?;
            if host.is_empty() {
                return Err(Error::invalid("host is empty"));
            }
            let sec = match security {
                IMAPC_SECURITY_IMPLICIT_TLS => Security::Implicit,
                IMAPC_SECURITY_STARTTLS => Security::StartTls,
                IMAPC_SECURITY_DANGEROUS_PLAINTEXT => Security::Plain,
                _ => return Err(Error::invalid(format!("unknown security mode {security}"))),
            };
            let o = imapc_connect_options {
                inner: ConnectOptions::new(host, sec).port(port),
            };
            put(options_out, Box::into_raw(Box::new(o)));
            Ok(())
        })
    }
}

/// Free options. NULL is allowed. Clients already connected are unaffected.
///
/// # Safety
/// `options` is NULL or live, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn imapc_connect_options_free(options: *mut imapc_connect_options) {
    if !options.is_null() {
        // SAFETY: came from Box::into_raw in _new; freed once.
        catch_value((), || drop(unsafe { Box::from_raw(options) }));
    }
}

/// Use this TLS configuration (the options keep their own reference; the
/// caller may free `config` afterwards). NULL restores the default.
///
/// # Safety
/// `options` is live; `config` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_connect_options_set_tls_config(
    options: *mut imapc_connect_options,
    config: *const imapc_tls_config,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        run(err_out, || {
            let o = opts(options)?;
            o.inner.tls = config.as_ref().map(|c| c.inner.clone());
            Ok(())
        })
    }
}

/// Verify the certificate against (and send as SNI) `name` instead of the
/// host, e.g. when connecting to an IP address. NULL restores the host.
///
/// # Safety
/// `options` is live; `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imapc_connect_options_set_tls_server_name(
    options: *mut imapc_connect_options,
    name: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        run(err_out, || {
            let o = opts(options)?;
            o.inner.tls_server_name = opt_str_arg(name, "name")?.map(str::to_owned);
            Ok(())
        })
    }
}

fn ms(v: u64) -> Option<Duration> {
    (v > 0).then(|| Duration::from_millis(v))
}

/// Set the timeout `field` picks from milliseconds (0: none).
///
/// # Safety
/// `options` is NULL or live.
unsafe fn set_timeout_ms(
    options: *mut imapc_connect_options,
    timeout_ms: u64,
    err_out: *mut *mut imapc_error,
    field: fn(&mut ConnectOptions) -> &mut Option<Duration>,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe {
        run(err_out, || {
            *field(&mut opts(options)?.inner) = ms(timeout_ms);
            Ok(())
        })
    }
}

/// Connect timeout in milliseconds: the longest `imapc_client_connect`'s
/// set-up may take in all (the TCP connect, the TLS handshake, the
/// greeting, STARTTLS with its handshake, the first CAPABILITY); past it
/// the connect fails with `IMAPC_ERR_TIMEOUT`. Each read and write of the
/// set-up is also bounded by the I/O timeout. 0: no bound on the whole
/// (each read and write still has the I/O timeout; the TCP connect then
/// has the system's own timeout). Default 30000.
///
/// # Safety
/// `options` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_connect_options_set_connect_timeout_ms(
    options: *mut imapc_connect_options,
    timeout_ms: u64,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: as the caller promises.
    unsafe { set_timeout_ms(options, timeout_ms, err_out, |o| &mut o.connect_timeout) }
}

/// Timeout of every read and write in milliseconds, those of
/// `imapc_client_connect`'s set-up included (which the connect timeout
/// also bounds in all): a read that gets no byte, or a write the server
/// takes nothing of, for this long fails with a fatal `IMAPC_ERR_TIMEOUT`.
/// 0 waits forever. Default 60000.
///
/// # Safety
/// `options` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_connect_options_set_io_timeout_ms(
    options: *mut imapc_connect_options,
    timeout_ms: u64,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: as the caller promises.
    unsafe { set_timeout_ms(options, timeout_ms, err_out, |o| &mut o.io_timeout) }
}

/// Longest one command may wait for the server in all, in milliseconds (0,
/// the default: no bound). The I/O timeout bounds each read and write; a
/// server sending a byte now and then, or taking an APPEND's message a few
/// bytes at a time, could keep a call going for ever. Past it the call
/// fails with a fatal `IMAPC_ERR_TIMEOUT`. Each read and each write (of
/// TLS records and compressed data too) waits at most until it; a call
/// that takes several commands gives each its own (AUTHENTICATE, with its
/// exchanges, is one). Not applied to IDLE
/// (`imapc_client_idle_wait` has its own timeout) nor to the set-up of
/// `imapc_client_connect`, which the connect timeout bounds in all.
///
/// # Safety
/// `options` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_connect_options_set_command_timeout_ms(
    options: *mut imapc_connect_options,
    timeout_ms: u64,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: as the caller promises.
    unsafe { set_timeout_ms(options, timeout_ms, err_out, |o| &mut o.command_timeout) }
}

/// The largest `max_depth` of `imapc_connect_options_set_limits`: 128
/// nested parentheses. The library reads nested body structures
/// recursively; this bound keeps a fetch and every accessor of its result
/// within a 512 KiB thread stack with room to spare. A response nested
/// deeper than the limit in force fails with `IMAPC_ERR_LIMIT_EXCEEDED`.
pub const IMAPC_MAX_DEPTH_LIMIT: usize = 128;

/// Response limits that protect against hostile servers; 0 keeps the
/// default of each: `max_line` (8 MiB), `max_literal` (256 MiB),
/// `max_depth` (100 nested parentheses; at most `IMAPC_MAX_DEPTH_LIMIT`,
/// 128: a larger value fails with `IMAPC_ERR_INVALID_ARGUMENT` and changes
/// nothing). A response over a limit fails its
/// command with `IMAPC_ERR_LIMIT_EXCEEDED`. The client skips such a
/// response without keeping it (a literal of up to 64 MiB is read and
/// dropped) and the error is not fatal (`imapc_error_is_fatal`); a larger
/// literal, or one met while sending a command, during authentication or
/// IDLE, ends the connection. When the response over the limit is the
/// command's own completion (its tagged line), the command ends at once
/// with `IMAPC_ERR_LIMIT_EXCEEDED`, not fatal (unless it holds a literal
/// too large to skip): the server's verdict is lost, so whether the
/// command succeeded is unknown (a LOGIN may have logged in, a STORE
/// changed flags).
///
/// # Safety
/// `options` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_connect_options_set_limits(
    options: *mut imapc_connect_options,
    max_line: usize,
    max_literal: u64,
    max_depth: usize,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe {
        run(err_out, || {
            let o = opts(options)?;
            if max_depth > IMAPC_MAX_DEPTH_LIMIT {
                return Err(Error::invalid(format!(
                    "max_depth {max_depth} is above IMAPC_MAX_DEPTH_LIMIT ({IMAPC_MAX_DEPTH_LIMIT})"
                )));
            }
            if max_line > 0 {
                o.inner.limits.max_line = max_line;
            }
            if max_literal > 0 {
                o.inner.limits.max_literal = max_literal;
            }
            if max_depth > 0 {
                o.inner.limits.max_depth = max_depth;
            }
            Ok(())
        })
    }
}

/// Longest command line sent (default 8000); longer message sets are split
/// into several commands. Must be at least 100.
///
/// # Safety
/// `options` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_connect_options_set_max_command_len(
    options: *mut imapc_connect_options,
    max_len: usize,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe {
        run(err_out, || {
            if max_len < 100 {
                return Err(Error::invalid("max_command_len must be at least 100"));
            }
            opts(options)?.inner.max_command_len = max_len;
            Ok(())
        })
    }
}

/// Most unsolicited events (`imapc_client_take_events`) the client queues
/// until they are taken; default 1 000 000, at least 1. Beyond it the call
/// reading the next one fails with a fatal `IMAPC_ERR_LIMIT_EXCEEDED`: a
/// bound on the memory a server flooding the client with untagged data
/// can take (events dropped would leave the caller's view of the folder
/// wrong, so the connection ends instead).
///
/// # Safety
/// `options` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_connect_options_set_max_events(
    options: *mut imapc_connect_options,
    max_events: usize,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe {
        run(err_out, || {
            if max_events == 0 {
                return Err(Error::invalid("max_events must be at least 1"));
            }
            opts(options)?.inner.max_events = max_events;
            Ok(())
        })
    }
}

/// TCP keepalive: probes after `idle_s` seconds of silence, every
/// `interval_s` seconds, and the connection is given up (the waiting call
/// fails) after `count` unanswered ones. `idle_s` 0 turns keepalive off;
/// otherwise `interval_s` and `count` must not be 0. Default on: 60 s,
/// 15 s, 4 probes. It keeps NAT and firewall state alive during a long
/// IDLE and finds a peer that vanished (IDLE's own renewal only comes
/// every 28 minutes). A system that cannot set the interval or count
/// keeps its own values.
///
/// # Safety
/// `options` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imapc_connect_options_set_tcp_keepalive(
    options: *mut imapc_connect_options,
    idle_s: u32,
    interval_s: u32,
    count: u32,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe {
        run(err_out, || {
            let o = opts(options)?;
            if idle_s == 0 {
                o.inner.keepalive = None;
                return Ok(());
            }
            if interval_s == 0 || count == 0 {
                return Err(Error::invalid(
                    "keepalive interval and count must not be 0 (idle_s 0 turns keepalive off)",
                ));
            }
            o.inner.keepalive = Some(Keepalive {
                idle: Duration::from_secs(idle_s.into()),
                interval: Duration::from_secs(interval_s.into()),
                count,
            });
            Ok(())
        })
    }
}
